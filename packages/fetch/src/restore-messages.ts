// What a restore worker and the thread that gave it a path say to each other over the task's MessagePort, and
// how an error crosses back (structured clone keeps only an Error's message, so its name and code travel as data).

import type { StoreMetadata } from "@narwhal/nar";
import type { StoreOpening } from "@narwhal/store";
import type { MessagePort } from "node:worker_threads";
import { FetchError, type FetchErrorCode } from "./errors.js";
import type { FetchedPath } from "./fetch-path.js";

export interface RestoreTask {
  readonly opening: StoreOpening;
  /** The path's narinfo as text; the worker parses it and checks its trust again. */
  readonly narInfo: string;
  readonly storeDir: string;
  readonly target: string;
  readonly storeMetadata?: StoreMetadata;
  readonly maxDerivationSize?: number;
  /** Ask the sending thread before the rename (its beforeRename), and let it do the move (its moveIntoPlace). */
  readonly askBeforeRename: boolean;
  readonly askToMove: boolean;
  readonly port: MessagePort;
}

/** Worker to sender. "before-rename" and "move" each wait for one Reply. */
export type WorkerMessage =
  | { readonly type: "nar-bytes"; readonly bytes: number }
  | { readonly type: "before-rename" }
  | { readonly type: "move"; readonly staged: string; readonly target: string; readonly derivation?: string };

/** Sender to worker: the answer to a question ("go" on, or "stop": the sender's own error ends the fetch). */
export type Reply = { readonly type: "go" } | { readonly type: "stop" };
export type AbortMessage = { readonly type: "abort"; readonly reason: string };

export interface SentError {
  readonly name: string;
  readonly message: string;
  readonly code?: string;
  readonly input?: string;
}

export type RestoreOutcome =
  | { readonly ok: true; readonly fetched: FetchedPath; readonly unreportedNarBytes: number }
  | { readonly ok: false; readonly error: SentError };

export function sendableError(error: unknown): SentError {
  if (!(error instanceof Error)) return { name: "Error", message: String(error) };
  const { code, input } = error as { code?: unknown; input?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === "string" ? { code } : {}),
    ...(typeof input === "string" ? { input } : {}),
  };
}

/** The error again, on the receiving side: a FetchError as itself, any other with its name, message and code. */
export function receivedError(sent: SentError): Error {
  if (sent.name === "FetchError" && sent.code !== undefined) {
    return new FetchError(sent.code as FetchErrorCode, sent.input ?? "", sent.message);
  }
  const error = new Error(sent.message) as Error & { code?: string };
  error.name = sent.name;
  if (sent.code !== undefined) error.code = sent.code;
  return error;
}
