// Renders the settings table as plain text for a CLI's help output (name, type, default, store types, meaning).
// Optionally limited to the settings one store type accepts.

import { STORE_SETTINGS, type StoreType } from "./settings-table.js";

function showDefault(value: unknown): string {
  if (Array.isArray(value)) return value.length === 0 ? "(empty)" : value.join(",");
  if (value === "") return '""';
  return String(value);
}

/** One block per setting; pass a store type to list only the settings that type accepts. */
export function describeSettings(storeType?: StoreType): string {
  const rows = STORE_SETTINGS.filter((d) => storeType === undefined || d.appliesTo.includes(storeType));
  return rows
    .map((d) => {
      const aliases = d.aliases.length === 0 ? "" : ` (alias: ${d.aliases.join(", ")})`;
      const scope = d.appliesTo.length === 3 ? "all stores" : `${d.appliesTo.join(", ")} only`;
      return `${d.name}${aliases}\n  type: ${d.type}; default: ${showDefault(d.default)}; ${scope}\n  ${d.description}`;
    })
    .join("\n");
}
