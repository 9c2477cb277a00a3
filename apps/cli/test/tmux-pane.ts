// A real terminal for tests: a detached tmux pane (its own server socket, no user config) running one command,
// whose screen is read with capture-pane, as plain text or with the SGR attributes tmux keeps (-e). Waiting polls
// the screen until a condition holds or a deadline passes; nothing sleeps in place of synchronising. After the
// command a line `[exit N]` shows its status and the pane's shell waits on `cat`, so the last screen stays as it
// was (tmux's remain-on-exit scrolls its "Pane is dead" notice into the screen).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const hasTmux = spawnSync("tmux", ["-V"], { stdio: "ignore" }).status === 0;
if (!hasTmux && process.env.CI) throw new Error("tmux is not on PATH but CI is set: the terminal tests need it");

export interface PaneOptions {
  readonly columns: number;
  readonly rows: number;
  /** Variables set for the command, on top of a small fixed environment (PATH, HOME, a UTF-8 locale). */
  readonly env?: Readonly<Record<string, string>>;
  /** Redirect the command's stdout to this file (the screen then shows only stderr). */
  readonly stdoutTo?: string;
}

let panes = 0;

export class TmuxPane {
  readonly #socket: string;
  readonly #dir: string;

  private constructor(socket: string, dir: string) {
    this.#socket = socket;
    this.#dir = dir;
  }

  /** Starts `argv` in a new pane `columns` x `rows`; the pane stays on screen after the command exits. */
  static start(argv: readonly string[], options: PaneOptions): TmuxPane {
    const dir = mkdtempSync(join(tmpdir(), "narwhal-tmux-"));
    const config = join(dir, "tmux.conf");
    writeFileSync(config, "set -g status off\n");
    const pane = new TmuxPane(`narwhal-test-${process.pid}-${++panes}`, dir);
    const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, SHELL: "/bin/sh", LANG: "C.UTF-8" };
    const result = spawnSync(
      "tmux",
      [
        "-L",
        pane.#socket,
        "-f",
        config,
        "new-session",
        "-d",
        "-x",
        String(options.columns),
        "-y",
        String(options.rows),
        ...Object.entries(options.env ?? {}).flatMap(([name, value]) => ["-e", `${name}=${value}`]),
        // the shell survives a Ctrl-C sent to the command (a trapped signal is default again in the command)
        `trap : INT; ${argv.map(shellQuote).join(" ")}${options.stdoutTo === undefined ? "" : ` > ${shellQuote(options.stdoutTo)}`}; ` +
          `printf '[exit %d]\\n' $?; exec cat`,
      ],
      { encoding: "utf8", env },
    );
    if (result.status !== 0) throw new Error(`tmux new-session failed: ${result.stderr}`);
    return pane;
  }

  /** The screen as text, wrapped lines joined (-J); with `escapes`, the SGR attributes as escape sequences (-e). */
  capture(escapes = false): string {
    return this.#tmux(["capture-pane", "-p", "-J", ...(escapes ? ["-e"] : [])]);
  }

  /** Types `keys` as tmux send-keys names them (e.g. "C-c"). */
  sendKeys(...keys: string[]): void {
    this.#tmux(["send-keys", ...keys]);
  }

  /** The command's exit status once it has exited, else undefined. */
  exitStatus(screen = this.capture()): number | undefined {
    const match = /\[exit (\d+)\]$/m.exec(screen); // after a "^C" the terminal echoed, perhaps
    return match === null ? undefined : Number(match[1]);
  }

  /** Polls the screen until `done(screen)` holds; fails after `timeoutMs` showing the last screen. */
  async waitFor(done: (screen: string) => boolean, what: string, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.capture();
      if (done(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`terminal never showed ${what}; its screen:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 25)); // poll interval
    }
  }

  /** Waits for the command to exit and returns its status. */
  async exited(timeoutMs = 60_000): Promise<number> {
    const screen = await this.waitFor((text) => this.exitStatus(text) !== undefined, "the command exiting", timeoutMs);
    return this.exitStatus(screen)!;
  }

  close(): void {
    spawnSync("tmux", ["-L", this.#socket, "kill-server"], { stdio: "ignore" });
    rmSync(this.#dir, { recursive: true, force: true });
  }

  #tmux(args: string[]): string {
    const result = spawnSync("tmux", ["-L", this.#socket, ...args], { encoding: "utf8" });
    if (result.status !== 0) throw new Error(`tmux ${args[0]} failed: ${result.stderr}`);
    return result.stdout;
  }
}

function shellQuote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
