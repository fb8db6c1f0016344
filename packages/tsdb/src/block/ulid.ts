// Prometheus: github.com/oklog/ulid as tsdb uses it (ulid.New, ulid.ParseStrict): block names.

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ'; // Crockford's base32.
const ULID_RE = /^[0-7][0-9A-HJKMNP-TV-Z]{25}$/;
const TWO_32 = 4294967296;

let lastMs = -1;
const lastRandom = new Uint8Array(10);

/**
 * A new ULID: 48 bits of `ms` (Unix time in ms) then 80 random bits, as 26 Crockford base32
 * characters. Within one millisecond the random part increases (monotonic), so ULIDs made in order
 * sort in order.
 */
export function newULID(ms: number = Date.now()): string {
  if (!Number.isInteger(ms) || ms < 0 || ms >= 2 ** 48) throw new RangeError(`ULID time ${ms} out of range`);
  const r = lastRandom;
  if (ms === lastMs) {
    // Increment the 80-bit random part; it overflows only after 2^80 ULIDs in one millisecond.
    for (let i = 9; i >= 0; i--) {
      r[i] = (r[i]! + 1) & 0xff;
      if (r[i] !== 0) break;
    }
  } else {
    crypto.getRandomValues(r);
    lastMs = ms;
  }
  let out = '';
  // Time: 10 characters of 5 bits from the 48-bit number (the top 2 bits of the first are 0).
  let hi = Math.floor(ms / TWO_32);
  let lo = ms % TWO_32;
  const time: string[] = [];
  for (let i = 0; i < 10; i++) {
    const d = lo % 32;
    time.push(ALPHABET[d]!);
    lo = Math.floor(lo / 32) + (hi % 32) * (TWO_32 / 32);
    hi = Math.floor(hi / 32);
  }
  out += time.reverse().join('');
  // Randomness: 80 bits, 16 characters, most significant first.
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < 10; i++) {
    acc = (acc << 8) | r[i]!;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >>> bits) & 31]!;
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

/** Whether `s` is a ULID as Prometheus's block directory names are (ulid.ParseStrict). */
export function isULID(s: string): boolean {
  return ULID_RE.test(s);
}

/** The time (Unix ms) in a ULID. */
export function ulidTime(s: string): number {
  if (!isULID(s)) throw new RangeError(`not a ULID: ${JSON.stringify(s)}`);
  let t = 0;
  for (let i = 0; i < 10; i++) t = t * 32 + ALPHABET.indexOf(s[i]!);
  return t;
}
