// What the progress display may do on a stream: redraw in place (a terminal that is not TERM=dumb), use colour
// (NO_COLOR always wins; FORCE_COLOR=0 turns it off, another FORCE_COLOR on; else the terminal's own answer) and
// draw Unicode bars (a UTF-8 locale). A piped or redirected stream gets no display at all, FORCE_COLOR or not.

export interface TerminalCapabilities {
  /** The stream is a terminal that can move its cursor: the display is drawn. */
  readonly live: boolean;
  /** SGR colours are used. Only ever true when `live` is. */
  readonly colour: boolean;
  /** Block characters for bars (else ASCII). */
  readonly unicode: boolean;
}

type MaybeTerminal = NodeJS.WritableStream & {
  readonly isTTY?: boolean;
  hasColors?(env?: object): boolean;
};

export function terminalCapabilities(
  stream: NodeJS.WritableStream,
  env: NodeJS.ProcessEnv = process.env,
): TerminalCapabilities {
  const terminal = stream as MaybeTerminal;
  const live = terminal.isTTY === true && env.TERM !== "dumb";
  return { live, colour: live && colourWanted(terminal, env), unicode: utf8Locale(env) };
}

function colourWanted(terminal: MaybeTerminal, env: NodeJS.ProcessEnv): boolean {
  if ((env.NO_COLOR ?? "") !== "") return false; // no-color.org: set and not empty
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force.toLowerCase() !== "false";
  return terminal.hasColors?.(env) ?? false;
}

/** The locale's character set, as the C library picks it: LC_ALL, else LC_CTYPE, else LANG. */
function utf8Locale(env: NodeJS.ProcessEnv): boolean {
  const locale = [env.LC_ALL, env.LC_CTYPE, env.LANG].find((value) => value !== undefined && value !== "") ?? "";
  return /utf-?8/i.test(locale);
}
