// Public API of @narwhal/cache-fixtures: real-Nix closures and caches to test against, and ways to damage a cache.
export * from "./nix-fixture.js";
export * from "./tamper.js";
