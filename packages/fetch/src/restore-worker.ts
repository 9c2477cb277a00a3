// Worker-thread entry (Piscina) that fetches one path as fetchPath does (the store's one verified read path,
// then restoreBeside), so that two cores decode, hash and write files at once. The cache is opened from the
// task's StoreOpening once per worker; the sending thread keeps the decisions that are its own (waiting for
// references, moving into a local store and registering) and answers over the task's port.

import { workerData, type MessagePort } from "node:worker_threads";
import { openReadOnlyStore, type BinaryCacheStore, type StoreOpening } from "@narwhal/store";
import { parseNarInfo } from "@narwhal/store-path";
import { FetchError } from "./errors.js";
import { fetchPath, type FetchPathOptions } from "./fetch-path.js";
import {
  sendableError,
  type AbortMessage,
  type Reply,
  type RestoreOutcome,
  type RestoreTask,
  type WorkerMessage,
} from "./restore-messages.js";

/** Progress is sent in steps of this many NAR bytes (and whatever is left at the end). */
const PROGRESS_STEP = 8 << 20;

const stores = new Map<string, Promise<BinaryCacheStore>>();
// The pool passes its cache's opening as workerData, so the cache is opened while the sender still looks up paths.
if (workerData?.opening !== undefined) storeFor(workerData.opening as StoreOpening).catch(() => undefined);

function storeFor(opening: StoreOpening): Promise<BinaryCacheStore> {
  const key = JSON.stringify(opening);
  let store = stores.get(key);
  if (store === undefined) {
    store = openReadOnlyStore(opening);
    store.catch(() => stores.delete(key));
    stores.set(key, store);
  }
  return store;
}

/** The sending thread's side of the port: questions wait for its one reply; an abort message fires the signal. */
class SenderLink {
  readonly #port: MessagePort;
  #waiting: ((reply: Reply) => void) | undefined;

  constructor(port: MessagePort, onAbort: (reason: string) => void) {
    this.#port = port;
    port.on("message", (message: Reply | AbortMessage) => {
      if (message.type === "abort") {
        onAbort(message.reason);
        return;
      }
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.(message);
    });
  }

  tell(message: WorkerMessage): void {
    this.#port.postMessage(message);
  }

  /** Asks and waits; "stop" ends the fetch (the sender keeps the real error and reports it itself). */
  async ask(message: WorkerMessage, input: string): Promise<void> {
    const reply = await new Promise<Reply>((resolve) => {
      this.#waiting = resolve;
      this.#port.postMessage(message);
    });
    if (reply.type === "stop") throw new FetchError("DEPENDENCY_FAILED", input, `${input}: stopped by the caller`);
  }

  close(): void {
    this.#port.close();
  }
}

export default async function restoreInWorker(task: RestoreTask): Promise<RestoreOutcome> {
  const controller = new AbortController();
  const link = new SenderLink(task.port, (reason) => controller.abort(new Error(reason)));
  try {
    const store = await storeFor(task.opening);
    const info = parseNarInfo(task.narInfo, { storeDir: task.storeDir, source: `narinfo of ${task.target}` });
    const input = info.storePath.path;
    let unreported = 0; // NAR bytes not yet reported: one message per PROGRESS_STEP, not one per piece
    const report = (): void => {
      if (unreported > 0) link.tell({ type: "nar-bytes", bytes: unreported });
      unreported = 0;
    };
    const options: FetchPathOptions = {
      onNarBytes: (bytes) => {
        unreported += bytes;
        if (unreported >= PROGRESS_STEP) report();
      },
      signal: controller.signal,
      ...(task.storeMetadata === undefined ? {} : { storeMetadata: task.storeMetadata }),
      ...(task.maxDerivationSize === undefined ? {} : { maxDerivationSize: task.maxDerivationSize }),
      ...(task.askBeforeRename
        ? {
            beforeRename: () => {
              report();
              return link.ask({ type: "before-rename" }, input);
            },
          }
        : {}),
      ...(task.askToMove
        ? {
            moveIntoPlace: (staged: string, target: string, derivation: string | undefined) =>
              link.ask({ type: "move", staged, target, ...(derivation === undefined ? {} : { derivation }) }, input),
          }
        : {}),
    };
    const fetched = await fetchPath(store, info, task.target, options);
    // The rest travels with the result: a message on the port could arrive after it, when the port is closed.
    return { ok: true, fetched, unreportedNarBytes: unreported };
  } catch (error) {
    return { ok: false, error: sendableError(error) };
  } finally {
    link.close();
  }
}
