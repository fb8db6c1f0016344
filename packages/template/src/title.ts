// Prometheus 3's `title`: golang.org/x/text/cases Title(language.AmericanEnglish, cases.NoLower):
// the first cased letter of each word is title-cased, the rest is left as it is. Words break at
// characters that are neither cased, case-ignorable nor letters/digits; a single "mid-word"
// character (apostrophe, period, colon, …) between letters does not break (`don't`, `example.com`).

const CASED = /[\p{Lu}\p{Ll}\p{Lt}]/u;
const WORD = /[\p{L}\p{M}\p{Nd}\p{Nl}\p{No}\p{Pc}]/u;
// Unicode word-break MidLetter and MidNumLet.
const MID = /['.:\u00b7\u0387\u055f\u05f4\u2018\u2019\u2024\u2027\ufe13\ufe52\ufe55\uff07\uff0e\uff1a]/;

/** Title-case mappings JavaScript's toUpperCase does not give (digraphs have a title form). */
const TITLE: Readonly<Record<string, string>> = {
  Ǆ: 'ǅ',
  ǅ: 'ǅ',
  ǆ: 'ǅ',
  Ǉ: 'ǈ',
  ǈ: 'ǈ',
  ǉ: 'ǈ',
  Ǌ: 'ǋ',
  ǋ: 'ǋ',
  ǌ: 'ǋ',
  Ǳ: 'ǲ',
  ǲ: 'ǲ',
  ǳ: 'ǲ',
};

function titleCase(ch: string): string {
  const t = TITLE[ch];
  if (t !== undefined) return t;
  const up = ch.toUpperCase();
  if (up.length === ch.length || [...up].length === 1) return up;
  // Full mappings of several code points (ß → Ss): title case keeps the first upper, lowers the rest.
  const [first, ...rest] = [...up];
  return first + rest.join('').toLowerCase();
}

/** cases.Title(language.AmericanEnglish, cases.NoLower).String(s). */
export function goTitle(s: string): string {
  let out = '';
  let midWord = false;
  let prevMid = false;
  for (const ch of s) {
    const isMid = MID.test(ch);
    if (CASED.test(ch)) {
      out += midWord ? ch : titleCase(ch);
      midWord = true;
    } else {
      out += ch;
      if (isMid) {
        if (prevMid) midWord = false;
      } else if (!WORD.test(ch)) {
        midWord = false;
      }
    }
    prevMid = isMid;
  }
  return out;
}
