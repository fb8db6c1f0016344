// Prometheus reads parameters with Go's Request.FormValue / Request.Form: the URL's query and, for
// POST, PUT and PATCH with an urlencoded body, the body's values, which come first.
import { APIError } from './api-error.js';

/** Go's limit on an urlencoded body (net/http parsePostForm): 10 MiB. */
export const MAX_FORM_BYTES = 10 << 20;

/** The parameters of one request: body values first, then the URL's, as Go's `Request.Form`. */
export class Form {
  readonly #values: Map<string, string[]>;

  constructor(values: Map<string, string[]>) {
    this.#values = values;
  }

  /** Go FormValue: the first value of `name`, '' when absent. */
  get(name: string): string {
    return this.#values.get(name)?.[0] ?? '';
  }

  /** Every value of `name` (`match[]` and other repeated parameters). */
  getAll(name: string): string[] {
    return this.#values.get(name) ?? [];
  }

  has(name: string): boolean {
    return this.#values.has(name);
  }

  /** Reads the URL's query and, for an urlencoded POST/PUT/PATCH, its body (at most 10 MiB). */
  static async read(req: Request, url: URL): Promise<Form> {
    const values = new Map<string, string[]>();
    const add = (params: URLSearchParams): void => {
      params.forEach((v, k) => {
        const list = values.get(k);
        if (list === undefined) values.set(k, [v]);
        else list.push(v);
      });
    };
    const m = req.method;
    const type = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if ((m === 'POST' || m === 'PUT' || m === 'PATCH') && type === 'application/x-www-form-urlencoded') {
      add(new URLSearchParams(await readBodyText(req, MAX_FORM_BYTES)));
    }
    add(url.searchParams);
    return new Form(values);
  }
}

/** The body as text, refusing more than `maxBytes` without reading all of it. */
async function readBodyText(req: Request, maxBytes: number): Promise<string> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > maxBytes) throw tooLarge();
  if (req.body === null) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const all = new Uint8Array(total);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.byteLength;
  }
  return new TextDecoder().decode(all);
}

function tooLarge(): APIError {
  return new APIError('bad_data', 'error parsing form values: http: POST too large');
}
