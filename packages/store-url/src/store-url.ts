// The typed form of a binary cache store URL: which store, where, and every setting with its value or default.
// `explicit` records which settings the URL itself set, so nix-cache-info may fill in only the others.

import type { SettingName, StoreSettings } from "./settings-table.js";

interface StoreUrlCommon {
  /** Every setting: the URL's value where it set one, the default otherwise. */
  readonly settings: StoreSettings;
  /** Canonical names of the settings the URL set (aliases are recorded under the canonical name). */
  readonly explicit: Set<SettingName>;
}

/** `s3://BUCKET?settings` */
export interface S3StoreUrl extends StoreUrlCommon {
  readonly type: "s3";
  readonly bucket: string;
}

/** `file:///absolute/dir?settings` */
export interface FileStoreUrl extends StoreUrlCommon {
  readonly type: "file";
  /** Absolute directory, without a trailing slash (except for `/`). */
  readonly path: string;
}

/** `http(s)://host[:port]/prefix?settings` */
export interface HttpStoreUrl extends StoreUrlCommon {
  readonly type: "http";
  /** Base URL without query and without trailing slash, e.g. `https://cache.example.org/prefix`. */
  readonly url: string;
}

export type StoreUrl = S3StoreUrl | FileStoreUrl | HttpStoreUrl;
