// Query history, kept in localStorage as Prometheus's UI keeps it: the latest first, no repeats.
const KEY = 'tsprom.queryHistory';
const MAX = 50;

/** The stored history, latest first. */
export function loadHistory(): string[] {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(KEY) ?? '[]');
    return Array.isArray(v) ? v.filter((e): e is string => typeof e === 'string') : [];
  } catch {
    return []; // Unreadable (edited by hand): starts anew.
  }
}

/** Puts `expr` first. */
export function addToHistory(expr: string): void {
  const list = [expr, ...loadHistory().filter((e) => e !== expr)].slice(0, MAX);
  localStorage.setItem(KEY, JSON.stringify(list));
}
