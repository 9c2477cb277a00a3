// Fuzz target for @narwhal/store-url's parseStoreUrl: random strings and mutated valid s3/file/http URLs built from
// every known setting with hostile values; refusals must be StoreUrlErrors.

import fc from "fast-check";
import { STORE_SETTINGS, StoreUrlError, parseStoreUrl } from "@narwhal/store-url";
import { describeText, type FuzzTarget } from "./fuzz-target.js";
import { mutatedText } from "./mutations.js";

const VALUES = [
  "true",
  "false",
  "1",
  "0",
  "-1",
  "42",
  "1e3",
  "0x10",
  "18446744073709551616",
  "",
  "xz",
  "zstd",
  "none",
  "br",
  "gzip",
  "http",
  "https",
  "eu-west-1",
  "127.0.0.1:7480",
  "[::1]:9000",
  "http://h:1/",
  "/tmp/k",
  "a%20b",
  "%zz",
  "%00",
  "%E9",
  "a,b",
  "kvm big-parallel",
  "9".repeat(30),
];
const base = fc.constantFrom(
  "s3://my-bucket",
  "s3://a.b-c",
  "s3://",
  "file:///srv/cache",
  "file://relative",
  "http://cache.example.org",
  "https://h:8443/prefix/sub",
  "ftp://x",
  "s3://Bad_Bucket",
);
const setting = fc.tuple(
  fc.constantFrom(
    ...STORE_SETTINGS.flatMap((descriptor) => [descriptor.name, ...descriptor.aliases]),
    "unknown-setting",
    "compresion",
  ),
  fc.constantFrom(...VALUES),
);
const url = fc
  .tuple(base, fc.array(setting, { maxLength: 5 }))
  .map(([prefix, settings]) =>
    settings.length === 0 ? prefix : `${prefix}?${settings.map(([key, value]) => `${key}=${value}`).join("&")}`,
  );

const TOKENS = [
  "?",
  "&",
  "=",
  "%",
  "%2F",
  "%00",
  "%",
  "://",
  "s3",
  "file",
  "http",
  "#",
  "..",
  "/",
  "@",
  ":",
  "[",
  "]",
  " ",
  "\u0000",
  "é",
  ...VALUES,
];

/** Valid URLs from a fixed seed, kept only if parseStoreUrl accepts them. */
export function seedStoreUrls(count = 200): string[] {
  return fc.sample(url, { numRuns: count, seed: 3 }).filter((text) => {
    try {
      parseStoreUrl(text);
      return true;
    } catch {
      return false;
    }
  });
}

export function createStoreUrlTarget(): FuzzTarget<string> {
  const seeds = [
    ...new Set([
      "s3://my-bucket?region=eu-west-1&endpoint=127.0.0.1:7480&scheme=http",
      "file:///srv/cache?compression=zstd",
      "https://cache.example.org",
      ...seedStoreUrls(),
    ]),
  ];
  return {
    name: "store URL (@narwhal/store-url parseStoreUrl)",
    inputs: fc.oneof(
      { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
      { weight: 3, arbitrary: url },
      { weight: 6, arbitrary: mutatedText(seeds, TOKENS) },
    ),
    run(text) {
      parseStoreUrl(text);
      return "accepted";
    },
    isOwnError: (error) => error instanceof StoreUrlError,
    describe: describeText,
  };
}
