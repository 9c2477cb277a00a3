// How sizes, rates and durations read in progress displays and summaries: `12.3 MiB`, `88.2/152.6 MiB`,
// `4.5 MiB/s`, `1:05`.

const UNITS = ["B", "KiB", "MiB", "GiB", "TiB"] as const;

/** `12.3 MiB` style sizes (bytes below 1 KiB as `512 B`). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${Math.round(bytes)} B` : `${value.toFixed(1)} ${UNITS[unit]}`;
}

/** `88.2/152.6 MiB`, or `512.0 KiB/1.2 GiB` when the two need different units. */
export function formatBytesOf(done: number, total: number): string {
  const [a, b] = [formatBytes(done), formatBytes(total)];
  const unitA = a.slice(a.indexOf(" "));
  return unitA === b.slice(b.indexOf(" ")) ? `${a.slice(0, a.indexOf(" "))}/${b}` : `${a}/${b}`;
}

export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** `0:07`, `12:34`, `1:02:03`: whole seconds, rounded up (an ETA never reads 0:00 while work is left). */
export function formatDuration(seconds: number): string {
  const whole = Math.max(0, Math.ceil(seconds));
  const hours = Math.floor(whole / 3600);
  const minutes = Math.floor((whole % 3600) / 60);
  const secs = String(whole % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${secs}` : `${minutes}:${secs}`;
}
