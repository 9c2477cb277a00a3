// The on-disk queue: a path is queued once however often it is handed in, nothing is queued when one argument is
// not a store path, entries leave only by remove/reject, retry state survives a reopen, and a file that is not a
// queue entry is reported as one (not crashed on, not pushed).

import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { TempDirs } from "@narwhal/test-kit";
import { PushQueue, PushQueueError, type QueueEntry } from "../src/index.js";

const A = "/nix/store/0a9cx0fy1h6b8kw3ffqy9zrk0s1g6fpd-hello-2.12";
const B = "/nix/store/1b9cx0fy1h6b8kw3ffqy9zrk0s1g6fpd-world";
const dirs = new TempDirs("narwhal-push-queue-");
afterEach(() => dirs.removeAll());

async function freshQueue(): Promise<PushQueue> {
  const dir = await dirs.make();
  return PushQueue.open(join(dir, "queue"));
}

async function entriesOf(queue: PushQueue): Promise<Array<QueueEntry | { name: string; problem: string }>> {
  const all = [];
  for await (const entry of queue.entries()) all.push(entry);
  return all.sort((x, y) => x.name.localeCompare(y.name));
}

describe("PushQueue", () => {
  it("queues a path once however often it is handed in, and keeps it across a reopen", async () => {
    const queue = await freshQueue();
    expect(await queue.enqueue([A, B, A])).toBe(2);
    expect(await queue.enqueue([A])).toBe(0);
    const again = await PushQueue.open(queue.directory);
    expect(await entriesOf(again)).toEqual([
      { name: A.slice(11), path: A, attempts: 0, notBefore: 0 },
      { name: B.slice(11), path: B, attempts: 0, notBefore: 0 },
    ]);
    expect(readdirSync(queue.tempDirectory)).toEqual([]); // temp files were renamed into place
  });

  it("refuses an argument that is not a store path by name, and queues none of the others", async () => {
    const queue = await freshQueue();
    await expect(queue.enqueue([A, "/nix/store/not-a-hash"])).rejects.toMatchObject({
      code: "QUEUE_BAD_PATH",
      input: "/nix/store/not-a-hash",
    });
    await expect(queue.enqueue(["result"])).rejects.toBeInstanceOf(PushQueueError);
    expect(await queue.size()).toBe(0);
  });

  it("postpone records the attempt durably; remove and reject take the entry out (reject keeps the reason)", async () => {
    const queue = await freshQueue();
    await queue.enqueue([A, B]);
    const [a, b] = (await entriesOf(queue)) as QueueEntry[];
    await queue.postpone(a!, 12345, "S3 said 503");
    expect(await entriesOf(await PushQueue.open(queue.directory))).toContainEqual({
      name: a!.name,
      path: A,
      attempts: 1,
      notBefore: 12345,
      lastError: "S3 said 503",
    });
    await queue.reject(b!, "not a valid path");
    await queue.remove(a!);
    expect(await queue.size()).toBe(0);
    const failed = JSON.parse(readFileSync(join(queue.failedDirectory, b!.name), "utf8"));
    expect(failed).toMatchObject({ path: B, error: "not a valid path" });
  });

  it("reports files that are not queue entries instead of pushing them", async () => {
    const queue = await freshQueue();
    writeFileSync(join(queue.pendingDirectory, "garbage"), "{not json");
    writeFileSync(join(queue.pendingDirectory, A.slice(11)), JSON.stringify({ path: B }));
    writeFileSync(join(queue.pendingDirectory, "big"), "x".repeat(20_000));
    const problems = (await entriesOf(queue)).map((entry) => ("problem" in entry ? entry.problem : "an entry"));
    expect(problems).toHaveLength(3);
    expect(problems.join("\n")).toMatch(/larger than 16384 bytes/);
    expect(problems.join("\n")).toMatch(/not JSON/);
    expect(problems.join("\n")).toMatch(/not a path called/);
  });

  it("refuses a relative queue directory and one it cannot create", async () => {
    await expect(PushQueue.open("queue")).rejects.toMatchObject({ code: "QUEUE_BAD_OPTIONS" });
    const dir = await dirs.make();
    writeFileSync(join(dir, "file"), "");
    await expect(PushQueue.open(join(dir, "file", "queue"))).rejects.toMatchObject({ code: "QUEUE_UNWRITABLE" });
  });
});
