// Summaries of repeated measurements: the benchmark reports the median (robust to a noisy neighbour on a small
// machine) beside the best and worst run.

export interface Summary {
  median: number;
  min: number;
  max: number;
  runs: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { median: NaN, min: NaN, max: NaN, runs: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  return { median, min: sorted[0]!, max: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** Milliseconds, to a precision that suits the magnitude. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return 'n/a';
  return value >= 100 ? `${Math.round(value)} ms` : `${value.toFixed(1)} ms`;
}

export function mb(bytes: number): string {
  return Number.isFinite(bytes) ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : 'n/a';
}

export function kb(bytes: number): string {
  return Number.isFinite(bytes) ? `${Math.round(bytes / 1024).toLocaleString('en-US')} KB` : 'n/a';
}

/** "median (min–max, n runs)" */
export function spread(summary: Summary, format: (value: number) => string = ms): string {
  if (summary.runs === 0) return 'n/a';
  if (summary.runs === 1) return format(summary.median);
  return `${format(summary.median)} (${format(summary.min)}–${format(summary.max)}, ${summary.runs} runs)`;
}
