// What one fuzz target is: how to build its inputs (arbitrary and structure-aware), how to run the parser on one,
// and which errors count as the parser's own typed refusals rather than crashes.

import type fc from "fast-check";

export interface FuzzTarget<Input> {
  /** Short name used in the report, e.g. "nar (parseNar)". */
  readonly name: string;
  /** Inputs: raw bytes/strings mixed with mutations of valid inputs. */
  readonly inputs: fc.Arbitrary<Input>;
  /** Run the parser; resolve with "accepted", reject with whatever it throws. Extra checks throw a FuzzFinding. */
  run(input: Input): "accepted" | Promise<"accepted">;
  /** True when `error` is the package's own typed refusal (NarError, NixFormatError, StoreUrlError, ...). */
  isOwnError(error: unknown): boolean;
  /** The input as text for a report: strings JSON-quoted, bytes as hex. */
  describe(input: Input): string;
}

/** A property of a successful parse that did not hold (e.g. a NAR that does not re-serialize to its own bytes). */
export class FuzzFinding extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FuzzFinding";
  }
}

/** Bytes as hex, cut after `limit` bytes. */
export function describeBytes(bytes: Uint8Array, limit = 512): string {
  const hex = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, limit)).toString("hex");
  return `hex:${hex}${bytes.byteLength > limit ? `... (${bytes.byteLength} bytes)` : ""}`;
}

/** A string JSON-quoted, cut after `limit` characters. */
export function describeText(text: string, limit = 2000): string {
  return `${JSON.stringify(text.slice(0, limit))}${text.length > limit ? `... (${text.length} characters)` : ""}`;
}
