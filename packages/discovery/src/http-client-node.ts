// `#http-client` under Node: the SD client is @tsprom/http-client's HTTPClient (undici), with
// everything `<http_config>` offers: TLS, OAuth2, proxies, secret files, HTTP/2.
import { STATUS_CODES } from 'node:http';
import type { HTTPClientConfig } from '@tsprom/config';
import { HTTPClient } from '@tsprom/http-client';
import type { SDHTTPClient, SDHTTPClientOptions, SDHTTPRequest, SDHTTPResponse } from './sd-http-client.js';

/** An SD client over an {@link HTTPClient} made from `cfg`. */
export async function createSDHTTPClient(cfg: HTTPClientConfig, options: SDHTTPClientOptions): Promise<SDHTTPClient> {
  const client = await HTTPClient.create(cfg, { socketPath: options.socketPath });
  return {
    async request(url: string, req: SDHTTPRequest): Promise<SDHTTPResponse> {
      const res = await client.request(url, { method: req.method, headers: req.headers, signal: req.signal });
      const body = await res.body.text();
      return {
        status: res.statusCode,
        statusText: STATUS_CODES[res.statusCode] ?? '',
        header: (name) => {
          const v = res.headers[name.toLowerCase()];
          return Array.isArray(v) ? v[0] : v;
        },
        body,
      };
    },
    close: () => client.close(),
  };
}
