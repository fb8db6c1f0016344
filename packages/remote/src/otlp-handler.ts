// Prometheus: storage/remote/write_handler.go otlpWriteHandler and DecodeOTLPWriteRequest: POST
// /api/v1/otlp/v1/metrics. The body (protobuf, or OTLP JSON; gzip or not) is decoded with
// @opentelemetry/otlp-transformer's generated protobuf root, translated as Prometheus 3 does
// (otlp-translate.ts) and appended as a Remote Write 1.0 request is.
import { createRequire } from 'node:module';
import { gunzipSync } from 'node:zlib';
import type { OTLPConfig } from '@tsprom/config';
import { OTLPTranslator } from './otlp-translate.js';
import type { OTLPExportMetricsServiceRequest } from './otlp-types.js';
import { httpError, type RemoteRequest, type RemoteResponse } from './receive-http.js';
import { isBadSampleError, type ReceiveLogger, type WriteHandler } from './receive-write-handler.js';

interface MessageType {
  decode(buf: Uint8Array): unknown;
  fromObject(o: unknown): unknown;
}

let exportMetricsServiceRequest: MessageType | undefined;

/**
 * The generated protobuf root, loaded at the first OTLP request: compiling it takes ~200 ms of
 * CPU, which a server that never receives OTLP should not pay at startup.
 */
function messageType(): MessageType {
  if (exportMetricsServiceRequest === undefined) {
    const root = createRequire(import.meta.url)('@opentelemetry/otlp-transformer/build/src/generated/root.js') as {
      opentelemetry: { proto: { collector: { metrics: { v1: { ExportMetricsServiceRequest: MessageType } } } } };
    };
    exportMetricsServiceRequest = root.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
  }
  return exportMetricsServiceRequest;
}

/** Settings of an OTLPWriteHandler. */
export interface OTLPWriteHandlerOptions {
  /** The remote-write receiver the translated series go through. */
  readonly writer: WriteHandler;
  /** The `otlp:` section of the current configuration. */
  readonly config: () => OTLPConfig;
  readonly logger?: ReceiveLogger;
  /**
   * Prometheus: `--enable-feature=otlp-native-delta-ingestion`: delta sums and histograms are
   * stored as they come instead of refused.
   */
  readonly allowDeltaTemporality?: boolean;
}

/** Prometheus: DecodeOTLPWriteRequest. Throws with the message answered with 400. */
export function decodeOTLPWriteRequest(req: RemoteRequest): OTLPExportMetricsServiceRequest {
  let body = req.body;
  const enc = req.header('content-encoding') ?? '';
  if (enc === 'gzip') body = gunzipSync(body);
  else if (enc !== '') throw new Error(`unsupported compression: ${enc}. Only "gzip" or no compression supported`);
  const ct = (req.header('content-type') ?? '').split(';')[0]!.trim();
  if (ct === 'application/x-protobuf') return messageType().decode(body) as OTLPExportMetricsServiceRequest;
  if (ct === 'application/json') {
    return messageType().fromObject(JSON.parse(Buffer.from(body).toString('utf8'))) as OTLPExportMetricsServiceRequest;
  }
  throw new Error(`unsupported content type: ${ct}, supported: [application/json, application/x-protobuf]`);
}

/** The OTLP metrics receiver. */
export class OTLPWriteHandler {
  readonly #o: OTLPWriteHandlerOptions;
  readonly #log: ReceiveLogger;

  constructor(o: OTLPWriteHandlerOptions) {
    this.#o = o;
    this.#log = o.logger ?? (() => undefined);
  }

  /** Prometheus: otlpWriteHandler.ServeHTTP. */
  async handle(req: RemoteRequest): Promise<RemoteResponse> {
    let decoded: OTLPExportMetricsServiceRequest;
    try {
      decoded = decodeOTLPWriteRequest(req);
    } catch (err) {
      this.#log('error', 'Error decoding OTLP write request', { err: (err as Error).message });
      return httpError(400, (err as Error).message);
    }
    const tr = new OTLPTranslator(this.#o.config(), {
      allowDeltaTemporality: this.#o.allowDeltaTemporality ?? false,
    }).translate(decoded);
    if (tr.errors.length > 0) {
      this.#log('warn', 'Error translating OTLP metrics to Prometheus write request', { err: tr.errors.join('; ') });
    }
    if (tr.warnings.length > 0) {
      this.#log('warn', 'Warnings translating OTLP metrics to Prometheus write request', { warnings: tr.warnings });
    }
    try {
      await this.#o.writer.append({ timeseries: tr.timeseries, metadata: [] });
    } catch (err) {
      if (isBadSampleError(err)) return httpError(400, err.message);
      this.#log('error', 'Error appending remote write', { err: (err as Error).message });
      return httpError(500, (err as Error).message);
    }
    return { status: 200, headers: {} };
  }
}
