// For the watch-store tests: closures built by real Nix into a private chroot store (so other builds on this
// machine stay out of the watcher's sight), the watcher as a real CLI process whose --json events can be awaited
// with a deadline, and condition waits with a deadline instead of sleeps.

import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AddressInfo, type Socket, connect, createServer } from "node:net";
import { createInterface } from "node:readline";
import { Transform } from "node:stream";
import { NARWHAL } from "./run-narwhal.js";

/** The builders run /bin/sh from the host inside Nix's chroot (Debian: /bin and /lib are links into /usr). */
const SANDBOX_PATHS = "/bin=/bin /usr=/usr /lib=/lib /lib64=/lib64";

export function newChrootStore(parent: string): string {
  return mkdtempSync(join(parent, "store-"));
}

export interface BuiltClosure {
  readonly roots: string[];
  /** Every path of the roots' closure (no .drv files). */
  readonly closure: string[];
}

/**
 * Builds base <- lib <- {app1, app2}, app2 also referring to a `payloadBytes` random file, into the chroot store
 * at `root`; `postBuildHook` is passed to Nix as its post-build-hook.
 */
export function buildInto(
  root: string,
  label: string,
  options: { payloadBytes?: number; postBuildHook?: string } = {},
): BuiltClosure {
  const file = join(mkdtempSync(join(tmpdir(), "narwhal-watch-nix-")), "closure.nix");
  writeFileSync(
    file,
    `
let
  mk = name: script: derivation { inherit name; system = builtins.currentSystem; builder = "/bin/sh"; args = [ "-c" script ]; PATH = "/usr/bin:/bin"; };
  base = builtins.toFile "narwhal-watch-base-${label}" "base ${label}";
  payload = mk "narwhal-watch-payload-${label}" "head -c ${options.payloadBytes ?? 4096} /dev/urandom > $out";
  lib = mk "narwhal-watch-lib-${label}" "mkdir -p $out/lib; echo \${base} > $out/lib/base-ref";
  app1 = mk "narwhal-watch-app1-${label}" "mkdir -p $out/bin; echo \${lib} \${base} $out > $out/bin/app1";
  app2 = mk "narwhal-watch-app2-${label}" "mkdir -p $out; echo \${lib} \${payload} > $out/refs";
in [ app1 app2 ]
`,
  );
  const store = ["--store", `local?root=${root}`];
  const hook = options.postBuildHook === undefined ? [] : ["--option", "post-build-hook", options.postBuildHook];
  const roots = run("nix-build", [
    "--no-out-link",
    ...store,
    "--option",
    "sandbox-paths",
    SANDBOX_PATHS,
    ...hook,
    file,
  ]);
  const closure = run("nix-store", [...store, "-qR", ...roots]);
  return { roots, closure };
}

function run(command: string, args: string[]): string[] {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} exited ${result.status}:\n${result.stderr}`);
  return result.stdout.split("\n").filter(Boolean);
}

/** A shell script that Nix runs as its post-build-hook: `narwhal queue-push --queue QUEUE` (reads Nix's variables). */
export function queuePushHook(dir: string, queue: string): string {
  const script = join(dir, "post-build-hook.sh");
  writeFileSync(
    script,
    `#!/bin/sh\nexec ${JSON.stringify(process.execPath)} ${JSON.stringify(NARWHAL)} queue-push --queue ${JSON.stringify(queue)}\n`,
  );
  chmodSync(script, 0o755);
  return script;
}

export interface WatchEvent {
  readonly event: string;
  readonly path?: string;
  readonly [key: string]: unknown;
}

/** `narwhal watch-store --json …` as a child process. */
export class WatcherProcess {
  readonly events: WatchEvent[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stderr = "";
  readonly #child: ChildProcess;
  readonly #listeners = new Set<() => void>();

  constructor(args: readonly string[]) {
    this.#child = spawn(process.execPath, [NARWHAL, "watch-store", "--json", ...args], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    createInterface({ input: this.#child.stdout! }).on("line", (line) => {
      this.events.push(JSON.parse(line) as WatchEvent);
      for (const listener of this.#listeners) listener();
    });
    this.#child.stderr!.on("data", (chunk: Buffer) => {
      this.stderr += chunk.toString();
    });
    this.exited = new Promise((resolve) => {
      this.#child.on("exit", (code, signal) => {
        for (const listener of this.#listeners) listener();
        resolve({ code, signal });
      });
    });
  }

  kill(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  /** The first event `matches` accepts (one seen already counts), or a failure after `ms`. */
  waitFor(what: string, matches: (event: WatchEvent) => boolean, ms = 90_000): Promise<WatchEvent> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.events.find(matches);
        if (found !== undefined) {
          done();
          resolve(found);
        } else if (this.#child.exitCode !== null || this.#child.signalCode !== null) {
          done();
          reject(
            new Error(`watcher exited before ${what}; events ${JSON.stringify(this.events)}; stderr ${this.stderr}`),
          );
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} within ${ms} ms; events ${JSON.stringify(this.events)}; stderr ${this.stderr}`));
      }, ms);
      const done = (): void => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      this.#listeners.add(check);
      check();
    });
  }

  /** Resolves once every one of `paths` was reported pushed. */
  async waitPushed(paths: readonly string[], ms = 90_000): Promise<void> {
    for (const path of paths) await this.waitFor(`pushed ${path}`, (e) => e.event === "pushed" && e.path === path, ms);
  }
}

/** Re-checks `condition` every 50 ms until it holds; fails after `ms`. For state outside the watcher (S3, files). */
export async function waitUntil(what: string, condition: () => Promise<boolean> | boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * A TCP proxy to the S3 endpoint that forwards requests at `bytesPerSecond` (answers at full speed): a slow network
 * in front of the real RGW, so an upload is reliably still running when the test interrupts the watcher.
 */
export async function slowS3Proxy(
  endpoint: string,
  bytesPerSecond: number,
): Promise<{ endpoint: string; close(): void }> {
  const target = new URL(endpoint);
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 80), target.hostname);
    sockets.add(client).add(upstream);
    const throttle = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        setTimeout(() => callback(null, chunk), (chunk.length / bytesPerSecond) * 1000);
      },
    });
    client.pipe(throttle).pipe(upstream);
    upstream.pipe(client);
    const end = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", end).on("close", end);
    upstream.on("error", end).on("close", end);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close() {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
