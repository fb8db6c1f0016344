// Prometheus: notifier alertsToOpenAPIAlerts and labelsToOpenAPILabelSet, with the bytes Go's
// encoding/json writes for Alertmanager's go-swagger models.PostableAlerts.
import type { Label, Labels } from '@tsprom/labels';
import type { Alert } from './alert.js';

const HEX = '0123456789abcdef';

/**
 * A string as Go's encoding/json writes it (json.Marshal, HTML escaping on): `<`, `>`, `&`,
 * U+2028 and U+2029 as \u escapes, `\b \f \n \r \t` short, other control characters as \u00XX.
 * A lone surrogate (no UTF-8 form) becomes U+FFFD, as Go does with invalid UTF-8.
 */
export function goJSONString(s: string): string {
  let out = '"';
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    let esc: string | undefined;
    if (c < 0x20 || c === 0x22 || c === 0x5c || c === 0x3c || c === 0x3e || c === 0x26) {
      switch (c) {
        case 0x22:
          esc = '\\"';
          break;
        case 0x5c:
          esc = '\\\\';
          break;
        case 0x08:
          esc = '\\b';
          break;
        case 0x0c:
          esc = '\\f';
          break;
        case 0x0a:
          esc = '\\n';
          break;
        case 0x0d:
          esc = '\\r';
          break;
        case 0x09:
          esc = '\\t';
          break;
        default:
          esc = `\\u00${HEX[c >> 4]}${HEX[c & 0xf]}`;
      }
    } else if (c === 0x2028 || c === 0x2029) {
      esc = `\\u${c.toString(16)}`;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const next = s.charCodeAt(i + 1);
      if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        i++; // A valid pair: copied as it is.
        continue;
      }
      esc = '\ufffd';
    }
    if (esc === undefined) continue;
    out += s.slice(start, i) + esc;
    start = i + 1;
  }
  return `${out + s.slice(start)}"`;
}

/**
 * A Unix ms time as go-openapi's strfmt.DateTime marshals it (RFC 3339 with milliseconds, UTC:
 * `2006-01-02T15:04:05.000Z`); `undefined` is Go's zero time, `0001-01-01T00:00:00.000Z`.
 * Fractions of a millisecond are truncated, as Go's layout does.
 */
export function formatDateTime(ms: number | undefined): string {
  if (ms === undefined) return '0001-01-01T00:00:00.000Z';
  const d = new Date(Math.floor(ms));
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) throw new RangeError(`time ${ms} ms is outside the years 0-9999 RFC 3339 can write`);
  const p2 = (n: number) => String(n).padStart(2, '0');
  return (
    `${String(y).padStart(4, '0')}-${p2(d.getUTCMonth() + 1)}-${p2(d.getUTCDate())}` +
    `T${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}.` +
    `${String(d.getUTCMilliseconds()).padStart(3, '0')}Z`
  );
}

/** A label set as a JSON object, keys in byte order as Go writes a map (labels are already sorted). */
function labelSetJSON(ls: Labels): string {
  let out = '{';
  let first = true;
  ls.forEach((name, value) => {
    out += `${first ? '' : ','}${goJSONString(name)}:${goJSONString(value)}`;
    first = false;
  });
  return `${out}}`;
}

/** Annotations (sorted by name) as a JSON object. */
function annotationsJSON(as: readonly Label[]): string {
  let out = '{';
  for (let i = 0; i < as.length; i++) {
    out += `${i === 0 ? '' : ','}${goJSONString(as[i]!.name)}:${goJSONString(as[i]!.value)}`;
  }
  return `${out}}`;
}

/**
 * The body Prometheus posts to `/api/v2/alerts`: a JSON array of postableAlert, each with its
 * fields in go-swagger's order (`annotations` omitted when empty, `endsAt`, `startsAt`,
 * `generatorURL` omitted when empty, `labels`), no whitespace.
 */
export function encodeAlerts(alerts: readonly Alert[]): string {
  let out = '[';
  for (let i = 0; i < alerts.length; i++) {
    const a = alerts[i]!;
    out += i === 0 ? '{' : ',{';
    if (a.annotations.length > 0) out += `"annotations":${annotationsJSON(a.annotations)},`;
    out += `"endsAt":"${formatDateTime(a.endsAt)}","startsAt":"${formatDateTime(a.startsAt)}",`;
    if (a.generatorURL !== '') out += `"generatorURL":${goJSONString(a.generatorURL)},`;
    out += `"labels":${labelSetJSON(a.labels)}}`;
  }
  return `${out}]`;
}
