// Durations as users write them in flags and Action inputs: `600` (seconds), `90s`, `10m`, `1h`, `500ms`.
// Callers word their own errors (a flag or an input); this only reads the value.

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or undefined when `text` is not a duration. */
export function durationMs(text: string): number | undefined {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  return match ? Number(match[1]) * (UNIT_MS[match[2] ?? 's'] ?? 1000) : undefined;
}
