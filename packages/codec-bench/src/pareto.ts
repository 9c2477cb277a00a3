// The Pareto front of a set of measured configurations on two axes to maximise (compression ratio and a speed):
// the rows no other row beats on both at once. These are the only configurations worth choosing on that chart.

/** Indexes of the items on the front where both `a(item)` and `b(item)` are better when larger. */
export function paretoFront<T>(items: readonly T[], a: (item: T) => number, b: (item: T) => number): Set<number> {
  const order = items
    .map((item, index) => ({ index, a: a(item), b: b(item) }))
    .filter((entry) => Number.isFinite(entry.a) && Number.isFinite(entry.b))
    .sort((x, y) => y.a - x.a || y.b - x.b);
  const front = new Set<number>();
  let last: { a: number; b: number } | undefined;
  for (const entry of order) {
    // Sorted by `a` descending (then `b`): an entry is dominated exactly when an earlier one has a `b` at least as
    // large, unless it is the same point as the last one on the front (equal points both stay).
    const duplicate = last !== undefined && entry.a === last.a && entry.b === last.b;
    if (last === undefined || entry.b > last.b || duplicate) {
      front.add(entry.index);
      last = { a: entry.a, b: entry.b };
    }
  }
  return front;
}
