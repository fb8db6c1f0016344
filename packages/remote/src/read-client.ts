// Prometheus: storage/remote/client.go Client.Read (and ReadClient): one remote read query over
// HTTP, asking for STREAMED_XOR_CHUNKS first and SAMPLES second, both answers decoded into series.
import { chunkFromBytes } from '@tsprom/chunkenc';
import { crc32c } from '@tsprom/chunkenc';
import type { RemoteReadConfig } from '@tsprom/config';
import { Labels } from '@tsprom/labels';
import { HTTPClient } from '@tsprom/scrape';
import { ListSeries, type Sample, type Series, ValueType } from '@tsprom/storage-interfaces';
import {
  decodeChunkedReadResponse,
  decodeReadResponse,
  encodeReadRequest,
  type PbQuery,
  PbResponseType,
} from './read-request.js';
import { loadUndici } from './load-undici.js';
import { isFloatPbHistogram, toFloatHistogram, toIntHistogram } from './receive-convert.js';
import { snappyDecode, snappyEncode } from './snappy.js';
import type { PbLabel } from './write-request.js';

/** A remote read endpoint failed: its status and (the start of) its answer. */
export class RemoteReadError extends Error {
  override readonly name = 'RemoteReadError';
}

/** Reads one query from a remote read endpoint. */
export interface ReadClient {
  read(query: PbQuery, sortSeries: boolean, signal?: AbortSignal): Promise<Series[]>;
  close(): Promise<void>;
}

function toLabels(ls: readonly PbLabel[]): Labels {
  return Labels.fromArray(ls);
}

function compareSeries(a: Series, b: Series): number {
  return Labels.compare(a.labels(), b.labels());
}

/**
 * Decodes a stream of ChunkedReadResponse frames (uvarint length, CRC32C, message) into series,
 * keeping the samples in [mint, maxt] (chunks hold more: Prometheus's chunkedSeriesIterator trims).
 */
export function decodeChunkedStream(body: Uint8Array, mint = -Infinity, maxt = Infinity): Series[] {
  const out: Series[] = [];
  let last: { key: string; labels: Labels; samples: Sample[] } | undefined;
  let pos = 0;
  while (pos < body.length) {
    let len = 0;
    let mul = 1;
    for (;;) {
      if (pos >= body.length) throw new RemoteReadError('remote read: truncated frame header');
      const b = body[pos++]!;
      len += (b & 0x7f) * mul;
      if ((b & 0x80) === 0) break;
      mul *= 128;
    }
    if (pos + 4 + len > body.length) throw new RemoteReadError(`remote read: truncated frame of ${len} bytes`);
    const want = new DataView(body.buffer, body.byteOffset + pos, 4).getUint32(0, false);
    const msg = body.subarray(pos + 4, pos + 4 + len);
    pos += 4 + len;
    if (crc32c(msg) >>> 0 !== want) throw new RemoteReadError('remote read: frame checksum mismatch');
    const res = decodeChunkedReadResponse(msg);
    for (const cs of res.chunkedSeries) {
      const labels = toLabels(cs.labels);
      const key = labels.key();
      // A series split over frames continues in the next one.
      if (last === undefined || last.key !== key) {
        last = { key, labels, samples: [] };
        out.push(new ListSeries(labels, last.samples));
      }
      for (const c of cs.chunks) {
        const it = chunkFromBytes(c.type, c.data).iterator();
        for (let vt = it.next(); vt !== ValueType.None; vt = it.next()) {
          const t = it.atT();
          if (t < mint) continue;
          if (t > maxt) break;
          if (vt === ValueType.Float) last.samples.push({ t: it.atT(), v: it.atV() });
          else if (vt === ValueType.Histogram) last.samples.push({ t: it.atT(), h: structuredClone(it.atHistogram()) });
          else last.samples.push({ t: it.atT(), fh: structuredClone(it.atFloatHistogram()) });
        }
        const err = it.err();
        if (err !== undefined) throw err;
      }
    }
  }
  return out;
}

/** Decodes a SAMPLES ReadResponse (snappy) holding one query's result. */
export function decodeSamplesResponse(body: Uint8Array): Series[] {
  const rr = decodeReadResponse(snappyDecode(body));
  if (rr.results.length !== 1) {
    throw new RemoteReadError(`responses: want 1, got ${rr.results.length}`);
  }
  return rr.results[0]!.timeseries.map((ts) => {
    const samples: Sample[] = ts.samples.map((s) => ({ t: s.timestamp, v: s.value }));
    for (const h of ts.histograms) {
      samples.push(
        isFloatPbHistogram(h) ? { t: h.timestamp, fh: toFloatHistogram(h) } : { t: h.timestamp, h: toIntHistogram(h) },
      );
    }
    samples.sort((a, b) => a.t - b.t);
    return new ListSeries(toLabels(ts.labels), samples);
  });
}

/** The HTTP remote read client of one `remote_read` config. */
export class HTTPReadClient implements ReadClient {
  readonly #cfg: RemoteReadConfig;
  readonly #http: HTTPClient;
  readonly #userAgent: string;

  private constructor(cfg: RemoteReadConfig, http: HTTPClient, userAgent: string) {
    this.#cfg = cfg;
    this.#http = http;
    this.#userAgent = userAgent;
  }

  static async create(cfg: RemoteReadConfig, userAgent = 'Prometheus/tsprom'): Promise<HTTPReadClient> {
    return new HTTPReadClient(cfg, await HTTPClient.create(cfg.httpClientConfig), userAgent);
  }

  /** Prometheus: Client.Read. Rejects with RemoteReadError on a non-2xx answer. */
  async read(query: PbQuery, sortSeries: boolean, signal?: AbortSignal): Promise<Series[]> {
    const body = snappyEncode(
      encodeReadRequest({
        queries: [query],
        acceptedResponseTypes: [PbResponseType.STREAMED_XOR_CHUNKS, PbResponseType.SAMPLES],
      }),
    );
    const timeout = AbortSignal.timeout(this.#cfg.remoteTimeoutMs);
    const sig = signal === undefined ? timeout : AbortSignal.any([signal, timeout]);
    const headers: Record<string, string> = {
      ...Object.fromEntries([...this.#cfg.headers].map(([k, v]) => [k.toLowerCase(), v])),
      ...(await this.#http.requestHeaders(sig)),
      'content-encoding': 'snappy',
      'accept-encoding': 'snappy',
      'content-type': 'application/x-protobuf',
      'user-agent': this.#userAgent,
      'x-prometheus-remote-read-version': '0.1.0',
    };
    const { request } = await loadUndici();
    const res = await request(this.#cfg.url, {
      method: 'POST',
      body,
      headers,
      dispatcher: this.#http.dispatcher,
      signal: sig,
    });
    const data = new Uint8Array(await res.body.arrayBuffer());
    if (res.statusCode < 200 || res.statusCode >= 300) {
      const text = Buffer.from(data.subarray(0, 1024)).toString('utf8').trim();
      throw new RemoteReadError(`remote server ${this.#cfg.url} returned HTTP status ${res.statusCode}: ${text}`);
    }
    const ct = String(res.headers['content-type'] ?? '');
    const series = ct.startsWith('application/x-streamed-protobuf')
      ? decodeChunkedStream(data, query.startTimestampMs, query.endTimestampMs)
      : decodeSamplesResponse(data);
    if (sortSeries) series.sort(compareSeries);
    return series;
  }

  close(): Promise<void> {
    return this.#http.close();
  }
}
