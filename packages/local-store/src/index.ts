// Public API of @narwhal/local-store: a read-only view of a local Nix store (metadata from its SQLite database,
// closures in topological order, NAR streams of path contents), the local store URL parser, and path registration.

export { LocalStoreError, type LocalStoreErrorCode } from "./errors.js";
export { type LocalStoreOptions, parseLocalStoreUrl } from "./local-store-url.js";
export type { NixDatabaseMode } from "./nix-db.js";
export type { LocalPathInfo } from "./path-info-query.js";
export type { ClosureOptions } from "./closure.js";
export { type TopoSortable, topoSort } from "./topo-sort.js";
export { sqliteAddonOption } from "./sqlite-addon.js";
export { LocalStore, openLocalStore } from "./local-store.js";
export {
  LocalStoreRegistry,
  openLocalStoreRegistry,
  NIX_DB_SCHEMA_VERSION,
  type PathRegistration,
  type RegisterOptions,
} from "./nix-db-writer.js";
