// Public API of @narwhal/push-queue: watchStore() (continuous push of a local Nix store), the on-disk PushQueue
// that `queue-push` writes and the watcher drains, where it lives by default, its events and its typed error.

export {
  watchStore,
  DEFAULT_POLL_INTERVAL_MS,
  DEFAULT_STOP_TIMEOUT_MS,
  type WatchStoreOptions,
  type WatchStoreSummary,
} from "./watch-store.js";
export { PushQueue, baseNameOf, type QueueEntry, type BadQueueEntry } from "./push-queue.js";
export { defaultQueueDirectory } from "./default-queue-directory.js";
export { DEFAULT_BATCH_SIZE } from "./queue-pusher.js";
export { DEFAULT_RETRY_POLICY, type RetryPolicy, retryDelayMs, isFinalFailure } from "./retry-policy.js";
export type { PushEvent, PushEventListener } from "./push-events.js";
export { PushQueueError, type PushQueueErrorCode } from "./errors.js";
