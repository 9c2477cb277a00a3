// Makes fetches stoppable by an AbortSignal: the typed ABORTED error, a check between steps, and wrappers that
// make a pending wait or a pending NAR read give up at once, so the caller's cleanup (temp trees) runs promptly.

import { FetchError, messageOf } from "./errors.js";

/** The ABORTED error for `input` (a store path or target), naming what was stopped and why. */
export function abortError(signal: AbortSignal, input: string, what: string): FetchError {
  const reason = signal.reason === undefined ? "aborted" : messageOf(signal.reason);
  return new FetchError("ABORTED", input, `${what} was aborted (${reason})`, { cause: signal.reason });
}

/** The ABORTED error of a fetch stopped while `doing` (its temp tree already removed), with what stopped it as cause. */
export function fetchAborted(signal: AbortSignal, storePath: string, doing: string, cause: unknown): FetchError {
  const stopped = abortError(signal, storePath, doing);
  return new FetchError("ABORTED", storePath, `${stopped.message}; its temp tree was removed`, { cause });
}

export function isAbortError(error: unknown): error is FetchError {
  return error instanceof FetchError && error.code === "ABORTED";
}

export function throwIfAborted(signal: AbortSignal | undefined, input: string, what: string): void {
  if (signal?.aborted === true) throw abortError(signal, input, what);
}

/** Settles like `promise`, or rejects with ABORTED as soon as the signal fires (the promise is left to settle alone). */
export function raceAbort<T>(
  promise: Promise<T>,
  signal: AbortSignal | undefined,
  input: string,
  what: string,
): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) {
    promise.catch(() => undefined);
    return Promise.reject(abortError(signal, input, what));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal, input, what));
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

/**
 * Passes `source` through until the signal fires, then fails with ABORTED at once, even while a read is pending
 * (a trickling server): the source is told to stop (`return()`) without waiting for its pending read.
 */
export async function* abortable<T>(
  source: AsyncIterable<T>,
  signal: AbortSignal | undefined,
  input: string,
  what: string,
): AsyncGenerator<T, void, undefined> {
  if (signal === undefined) {
    yield* source;
    return;
  }
  const iterator = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      throwIfAborted(signal, input, what);
      const step = await raceAbort(iterator.next(), signal, input, what);
      if (step.done === true) {
        finished = true;
        return;
      }
      yield step.value;
    }
  } finally {
    if (!finished) {
      const closing = Promise.resolve(iterator.return?.()).catch(() => undefined);
      if (!signal.aborted) await closing; // a normal early stop: let the source clean up first, as for-await does
    }
  }
}
