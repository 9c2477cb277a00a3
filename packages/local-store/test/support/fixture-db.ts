// Writes small Nix-schema databases (the ValidPaths, Refs and DerivationOutputs tables of schema 10) for tests
// that need shapes real Nix will not produce on demand: cycles, corrupt values, missing outputs.

import { mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";

const SCHEMA = `
create table ValidPaths (id integer primary key autoincrement not null, path text unique not null, hash text not null,
  registrationTime integer not null, deriver text, narSize integer, ultimate integer, sigs text, ca text);
create table Refs (referrer integer not null, reference integer not null, primary key (referrer, reference));
create table DerivationOutputs (drv integer not null, id text not null, path text not null, primary key (drv, id));
pragma journal_mode = wal;
`;

export interface FixturePath {
  path: string;
  references?: string[];
  hash?: string;
  outputs?: Record<string, string>;
}

export const ZERO_HASH = `sha256:${"0".repeat(64)}`;

/** Creates `<stateDir>/db/db.sqlite` holding `paths`; returns the state directory. */
export function writeFixtureDb(stateDir: string, paths: readonly FixturePath[]): string {
  mkdirSync(join(stateDir, "db"), { recursive: true });
  const db = new Database(join(stateDir, "db", "db.sqlite"));
  db.exec(SCHEMA);
  const insert = db.prepare("insert into ValidPaths (path, hash, registrationTime, narSize) values (?, ?, 1, 8)");
  const ids = new Map<string, number>();
  for (const entry of paths)
    ids.set(entry.path, Number(insert.run(entry.path, entry.hash ?? ZERO_HASH).lastInsertRowid));
  const ref = db.prepare("insert into Refs (referrer, reference) values (?, ?)");
  const output = db.prepare("insert into DerivationOutputs (drv, id, path) values (?, ?, ?)");
  for (const entry of paths) {
    for (const reference of entry.references ?? []) ref.run(ids.get(entry.path), ids.get(reference));
    for (const [name, path] of Object.entries(entry.outputs ?? {})) output.run(ids.get(entry.path), name, path);
  }
  db.close();
  return stateDir;
}
