// Summaries of timing samples. Medians, not means: a shared 2-core machine has outliers.

/** { n, min, median, max } of `samples` (milliseconds). */
export function summarize(samples) {
  const s = [...samples].sort((a, b) => a - b);
  if (s.length === 0) return { n: 0, min: NaN, median: NaN, max: NaN };
  const mid = s.length >> 1;
  const median = s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
  return { n: s.length, min: s[0], median, max: s[s.length - 1] };
}

/** A duration for the table: 3 significant digits, µs under 0.1 ms. */
export function ms(value) {
  if (!Number.isFinite(value)) return '–';
  if (value < 0) return `−${ms(-value)}`;
  if (value < 0.1) return `${(value * 1000).toFixed(0)} µs`;
  if (value < 10) return `${value.toFixed(2)} ms`;
  if (value < 1000) return `${value.toFixed(1)} ms`;
  return `${(value / 1000).toFixed(2)} s`;
}

/** A ratio for the table. */
export function ratio(value) {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : '–';
}
