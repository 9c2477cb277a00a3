// Where the push queue lives when no directory is given: Nix's post-build-hook runs as root (under nix-daemon), so
// root's queue is next to Nix's own state in /nix/var; any other user's is in their XDG state directory.

import { homedir } from "node:os";
import { dirname, join } from "node:path";

/** Nix's state directory when NIX_STATE_DIR does not say otherwise. */
const NIX_STATE_DIR = "/nix/var/nix";

/**
 * `/nix/var/narwhal/push-queue` for root (the parent of `$NIX_STATE_DIR` when set), otherwise
 * `$XDG_STATE_HOME/narwhal/push-queue` (`~/.local/state/narwhal/push-queue` by default). A hook and a watcher that
 * run as the same user therefore agree; a watcher running as another user than the hook names the queue itself.
 */
export function defaultQueueDirectory(
  env: NodeJS.ProcessEnv = process.env,
  uid: number | undefined = process.getuid?.(),
): string {
  if (uid === 0) return join(dirname(env.NIX_STATE_DIR || NIX_STATE_DIR), "narwhal", "push-queue");
  const stateHome = env.XDG_STATE_HOME?.startsWith("/") ? env.XDG_STATE_HOME : join(homedir(), ".local", "state");
  return join(stateHome, "narwhal", "push-queue");
}
