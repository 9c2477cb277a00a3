// Facts about the machine the tests run on, for skipIf.

/** True when Node runs on glibc (where mallopt-based allocator tuning applies). */
export const onGlibc: boolean = Boolean(
  (process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime,
);
