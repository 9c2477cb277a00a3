// Topological order of path infos: references first for any DAG, independent of input order, ties broken by
// path bytes, self references ignored, and cycles refused by name.

import { StorePath } from "@narwhal/store-path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LocalStoreError, topoSort, type TopoSortable } from "../src/index.js";

const pathNumber = (index: number): StorePath =>
  new StorePath(`${"0".repeat(28)}${index.toString().padStart(4, "0")}`, `p${index}`);

/** Random DAGs: node i may only refer to nodes with a larger index (and to itself). */
const arbDag = fc.integer({ min: 0, max: 40 }).chain((size) =>
  fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean()), { minLength: size * 2, maxLength: size * 2 }).map((edges) => {
    const infos: TopoSortable[] = Array.from({ length: size }, (_, index) => ({
      storePath: pathNumber(index),
      references: [] as StorePath[],
    }));
    for (const [a, b, self] of edges) {
      if (size === 0) break;
      const from = a % size;
      const to = b % size;
      if (to > from) (infos[from]!.references as StorePath[]).push(infos[to]!.storePath);
      if (self) (infos[from]!.references as StorePath[]).push(infos[from]!.storePath);
    }
    return infos;
  }),
);

describe("topoSort", () => {
  it("puts every reference before its referrer and keeps every path exactly once", () => {
    fc.assert(
      fc.property(arbDag, (infos) => {
        const sorted = topoSort(infos);
        expect(sorted.map((info) => info.storePath.path).sort()).toEqual(
          infos.map((info) => info.storePath.path).sort(),
        );
        const position = new Map(sorted.map((info, index) => [info.storePath.path, index]));
        for (const info of sorted) {
          for (const reference of info.references) {
            if (reference.path !== info.storePath.path)
              expect(position.get(reference.path)!).toBeLessThan(position.get(info.storePath.path)!);
          }
        }
      }),
    );
  });

  it("gives the same order whatever the order of its input", () => {
    fc.assert(
      fc.property(
        arbDag.chain((infos) =>
          fc.tuple(
            fc.constant(infos),
            fc.shuffledSubarray(infos, { minLength: infos.length, maxLength: infos.length }),
          ),
        ),
        ([infos, shuffled]) => {
          const paths = (sorted: TopoSortable[]): string[] => sorted.map((info) => info.storePath.path);
          expect(paths(topoSort(shuffled))).toEqual(paths(topoSort(infos)));
        },
      ),
    );
  });

  it("places independent paths in byte order and ignores references to paths outside the set", () => {
    const [a, b, c, outside] = [pathNumber(3), pathNumber(1), pathNumber(2), pathNumber(9)];
    const order = topoSort([
      { storePath: a!, references: [outside!] },
      { storePath: b!, references: [c!, b!] },
      { storePath: c!, references: [] },
    ]).map((info) => info.storePath.name);
    expect(order).toEqual(["p2", "p1", "p3"]);
  });

  it("refuses a reference cycle and names the paths in it", () => {
    const [a, b, c] = [pathNumber(1), pathNumber(2), pathNumber(3)];
    let caught: unknown;
    try {
      topoSort([
        { storePath: a!, references: [b!] },
        { storePath: b!, references: [a!] },
        { storePath: c!, references: [] },
      ]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(LocalStoreError);
    expect((caught as LocalStoreError).code).toBe("LOCAL_STORE_REFERENCE_CYCLE");
    expect((caught as LocalStoreError).message).toContain(a!.path);
    expect((caught as LocalStoreError).message).toContain(b!.path);
    expect((caught as LocalStoreError).message).not.toContain(c!.path);
  });
});
