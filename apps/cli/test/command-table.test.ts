import { describe, expect, it } from "vitest";
import { commands } from "../src/commands/index.js";

describe("the command table", () => {
  it("names each command with the same words the command itself declares", async () => {
    for (const entry of commands) {
      const command = await entry.load();
      expect(command.words).toEqual(entry.words);
    }
  });

  it("has no two commands with the same words", () => {
    const keys = commands.map((c) => c.words.join(" "));
    expect(new Set(keys).size).toBe(keys.length);
  });
});
