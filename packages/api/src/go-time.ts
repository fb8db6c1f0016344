// Go's time.Time JSON form (RFC3339Nano): what Prometheus's API writes for wall-clock times.

/** RFC3339 with the fraction's trailing zeros dropped, UTC; 0 is Go's zero time. */
export function formatGoTime(ms: number): string {
  if (ms === 0) return '0001-01-01T00:00:00Z';
  const iso = new Date(ms).toISOString(); // 2017-01-17T15:07:44.720Z
  return iso.replace(/\.?0+Z$/, 'Z').replace(/\.Z$/, 'Z');
}
