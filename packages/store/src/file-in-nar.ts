// One regular file out of a path's verified NAR (readFile): its bytes are held back in a private temp file until
// the whole NAR was read and verified, and a sub-path that is missing or not a regular file is said of the store
// path, not of "the NAR".

import { NarError, catNar } from "@narwhal/nar";
import { StoreError } from "./errors.js";
import { afterVerification } from "./spooled-output.js";

export async function* fileInNar(
  nar: AsyncIterable<Buffer>,
  subpath: string,
  storePath: string,
): AsyncGenerator<Buffer, void, undefined> {
  yield* afterVerification(inStorePath(catNar(nar, subpath), storePath));
}

async function* inStorePath(file: AsyncIterable<Buffer>, storePath: string): AsyncGenerator<Buffer, void, undefined> {
  try {
    yield* file;
  } catch (error) {
    if (error instanceof NarError && error.code === "NAR_PATH_NOT_FOUND") {
      throw new StoreError(
        "PATH_NOT_IN_CACHE",
        `${storePath}/${String(error.path ?? "").replace(/^\/+/, "")} does not exist: ${error.message}`,
        { cause: error },
      );
    }
    if (error instanceof NarError && error.code === "NAR_NOT_A_REGULAR_FILE") {
      throw new StoreError("UNSUPPORTED", `${storePath}: ${error.message}`, { cause: error });
    }
    throw error;
  }
}
