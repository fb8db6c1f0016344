// Test helper: an OAuth2 token endpoint on 127.0.0.1 (RFC 6749 §4.4, client credentials): every
// POST is recorded and answered with a JSON access token.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A running token endpoint. */
export interface TokenServer {
  /** The `token_url` of an oauth2 block. */
  readonly url: string;
  /** The requests received: their Authorization header and form fields. */
  readonly requests: { readonly authorization: string | undefined; readonly form: Record<string, string> }[];
  close(): Promise<void>;
}

/** Starts an endpoint answering `{ access_token: token, token_type: 'Bearer', expires_in: 3600 }`. */
export async function startTokenServer(token: string): Promise<TokenServer> {
  const requests: TokenServer['requests'] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => {
      body += d;
    });
    req.on('end', () => {
      requests.push({
        authorization: req.headers.authorization,
        form: Object.fromEntries(new URLSearchParams(body)),
      });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ access_token: token, token_type: 'Bearer', expires_in: 3600 }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
