// Prometheus: exporter-toolkit web/tls_config.go ConfigToTLSConfig, ServeMultiple and
// web/handler.go webHandler: `--web.config.file` on node:https. Whether TLS is on is decided at
// start (as exporter-toolkit's listener); the file is read again when it changes, so users, hashes
// and headers take effect on the next request, as Prometheus reads it on every request. As
// exporter-toolkit reads the TLS files on every handshake, each new connection reads them and a
// renewed certificate, key or client CA file is installed before its handshake. Basic auth
// compares with bcrypt (bcryptjs, asynchronous: a compare yields to the event loop), caching
// results as exporter-toolkit does; an unknown user is compared against a fixed hash so that
// timing does not tell which users exist. bcryptjs is imported on the first compare: a server
// without basic auth users never loads it.
import { createHash } from 'node:crypto';
import { statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server as HTTPSServer, ServerOptions } from 'node:https';
import type { Socket } from 'node:net';
import type { SecureVersion, TLSSocket } from 'node:tls';
import {
  type ClientAuthType,
  GO_CIPHER_SUITES,
  GO_CURVES,
  type WebConfig,
  WebConfigError,
  type WebTLSConfig,
} from '@tsprom/config';
import { loadWebConfigFile, loadWebTLSFiles, type WebTLSFiles } from '@tsprom/config/web-config-files';
import type { Logger } from './logger.js';

const FS_REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
};

/** Go's *PathError text: `open web.yml: no such file or directory`. */
function openError(path: string, err: unknown): string {
  const code = (err as { code?: string }).code ?? '';
  return `open ${path}: ${FS_REASONS[code] ?? (err as Error).message}`;
}

const TLS_VERSION: Record<string, SecureVersion> = {
  TLS10: 'TLSv1',
  TLS11: 'TLSv1.1',
  TLS12: 'TLSv1.2',
  TLS13: 'TLSv1.3',
};
// Go ignores cipher_suites for TLS 1.3: its suites stay enabled whatever the list says.
const TLS13_SUITES = 'TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_GCM_SHA256';

// Prometheus: exporter-toolkit web/handler.go: a bcrypt hash of "fakepassword".
const FAKE_HASH = '$2y$10$QOauhQNbBCuQDKes6eFzPeMqBSjb7Mr5DUmpZ/VcEd00UAV/LDeSi';
const CACHE_SIZE = 100;

/** The options of node:https for a listener with these TLS settings and files. */
function tlsServerOptions(t: WebTLSConfig, auth: ClientAuthType, files: WebTLSFiles): ServerOptions {
  const ciphers = t.cipherSuites
    .map((c) => GO_CIPHER_SUITES.get(c) ?? c)
    .filter((c) => !c.startsWith('TLS_'))
    .join(':');
  return {
    cert: files.cert,
    key: files.key,
    ca: files.ca === '' ? undefined : files.ca,
    requestCert: auth !== 'NoClientCert',
    // Only RequireAndVerifyClientCert refuses in the handshake; the others are checked by checkPeer.
    rejectUnauthorized: auth === 'RequireAndVerifyClientCert',
    minVersion: TLS_VERSION[t.minVersion],
    maxVersion: TLS_VERSION[t.maxVersion],
    ciphers: ciphers === '' ? undefined : `${TLS13_SUITES}:${ciphers}`,
    honorCipherOrder: t.preferServerCipherSuites,
    ecdhCurve: t.curvePreferences.length === 0 ? undefined : t.curvePreferences.map((c) => GO_CURVES.get(c)).join(':'),
  };
}

/** What the TLS listener was last built from. */
interface TLSState {
  readonly config: WebConfig;
  readonly files: WebTLSFiles;
}

/** `--web.config.file` in force: TLS options for the listener, basic auth and headers per request. */
export class WebSecurity {
  readonly #file: string;
  #config: WebConfig;
  #clientAuth: ClientAuthType | undefined;
  #stamp: string;
  readonly #cache = new Map<string, boolean>();
  #tls: TLSState | undefined;

  private constructor(file: string, config: WebConfig, clientAuth: ClientAuthType | undefined, stamp: string) {
    this.#file = file;
    this.#config = config;
    this.#clientAuth = clientAuth;
    this.#stamp = stamp;
  }

  /** Loads and validates the file; throws WebConfigError with exporter-toolkit's message. */
  static load(file: string): WebSecurity {
    const stamp = fileStamp(file);
    const { config, clientAuth } = loadWebConfigFile(file);
    return new WebSecurity(file, config, clientAuth, stamp);
  }

  /** The options of node:https for the listener, or undefined when the file turns no TLS on. */
  tlsOptions(): ServerOptions | undefined {
    const auth = this.#clientAuth;
    if (auth === undefined) return undefined;
    const config = this.#config;
    const files = loadWebTLSFiles(config.tls);
    this.#tls = { config, files };
    return tlsServerOptions(config.tls, auth, files);
  }

  /**
   * Watches over a listener built with tlsOptions(): before each new connection's handshake, the
   * web configuration and its TLS files are read, and a changed certificate, key, client CA or
   * TLS setting is installed (server.setSecureContext) for it; when they do not load the
   * connection is refused, as exporter-toolkit fails the handshake. After each handshake the
   * client certificate is checked (checkPeer).
   */
  attach(server: HTTPSServer, logger: Logger): void {
    // Prepended: node:tls wraps the socket with the server's context in its own listener.
    server.prependListener('connection', (socket: Socket) => {
      try {
        this.#refreshTLS(server);
      } catch (err) {
        logger.log('error', 'TLS configuration does not load: connection refused', {
          err: (err as Error).message,
          remote: socket.remoteAddress,
        });
        socket.destroy();
      }
    });
    server.on('secureConnection', (socket: TLSSocket) => {
      const refused = this.checkPeer(socket);
      if (refused === undefined) return;
      logger.log('debug', 'TLS client refused', { reason: refused, remote: socket.remoteAddress });
      socket.destroy();
    });
  }

  #refreshTLS(server: HTTPSServer): void {
    const config = this.#current();
    const auth = this.#clientAuth;
    // Prometheus: exporter-toolkit web/tls_config.go errNoTLSConfig.
    if (auth === undefined) throw new WebConfigError('TLS config is not present');
    const files = loadWebTLSFiles(config.tls);
    const last = this.#tls;
    if (
      last !== undefined &&
      last.config === config &&
      last.files.cert === files.cert &&
      last.files.key === files.key &&
      last.files.ca === files.ca
    ) {
      return;
    }
    const options = tlsServerOptions(config.tls, auth, files);
    server.setSecureContext(options);
    // node:tls reads the client certificate policy from these fields for each new connection.
    const policy = server as unknown as { requestCert: boolean; rejectUnauthorized: boolean };
    policy.requestCert = options.requestCert === true;
    policy.rejectUnauthorized = options.rejectUnauthorized === true;
    this.#tls = { config, files };
  }

  /**
   * Checks the client certificate of a new TLS connection against the policy node:tls does not
   * enforce itself (any certificate required; verified if given; allowed SANs). Returns why it is
   * refused, or undefined.
   */
  checkPeer(socket: TLSSocket): string | undefined {
    const auth = this.#clientAuth;
    const peer = socket.getPeerCertificate();
    const given = peer !== null && Object.keys(peer).length > 0;
    if (auth === 'RequireAnyClientCert' && !given) return "tls: client didn't provide a certificate";
    if (auth === 'VerifyClientCertIfGiven' && given && !socket.authorized) {
      return `tls: failed to verify certificate: ${String(socket.authorizationError)}`;
    }
    const sans = this.#config.tls.clientAllowedSans;
    if (sans !== undefined && given) {
      const names = (peer.subjectaltname ?? '').split(', ').map((s) => s.slice(s.indexOf(':') + 1));
      if (!names.some((n) => sans.includes(n))) return 'could not find allowed SANs in client cert';
    }
    return undefined;
  }

  /**
   * Applies the file to a request: its headers are set, and basic auth is checked when users are
   * configured. Resolves false once it answered (401, or 500 when the file no longer loads).
   */
  async authorize(req: IncomingMessage, res: ServerResponse, onError: (err: unknown) => void): Promise<boolean> {
    let config: WebConfig;
    try {
      config = this.#current();
    } catch (err) {
      onError(err);
      res.writeHead(500, { 'Content-Type': 'text/plain; charset=utf-8', 'X-Content-Type-Options': 'nosniff' });
      res.end('Internal Server Error\n');
      return false;
    }
    for (const [k, v] of config.headers) res.setHeader(k, v);
    if (config.users.size === 0) return true;
    const creds = basicAuth(req.headers.authorization);
    if (creds !== undefined) {
      const hash = config.users.get(creds.user);
      const key = createHash('sha256')
        .update(JSON.stringify([creds.user, hash ?? FAKE_HASH, creds.pass]))
        .digest('base64');
      let ok = this.#cache.get(key);
      if (ok === undefined) {
        const { default: bcrypt } = await import('bcryptjs');
        const match = await bcrypt.compare(creds.pass, hash ?? FAKE_HASH).catch(() => false);
        ok = hash !== undefined && match;
        if (this.#cache.size >= CACHE_SIZE) this.#cache.delete(this.#cache.keys().next().value as string);
        this.#cache.set(key, ok);
      }
      if (ok) return true;
    }
    res.writeHead(401, {
      'Content-Type': 'text/plain; charset=utf-8',
      'X-Content-Type-Options': 'nosniff',
      'WWW-Authenticate': 'Basic',
    });
    res.end(req.method === 'HEAD' ? undefined : 'Unauthorized\n');
    return false;
  }

  /** The configuration, read again when the file changed since it was last read. */
  #current(): WebConfig {
    const stamp = fileStamp(this.#file);
    if (stamp !== this.#stamp) {
      const { config, clientAuth } = loadWebConfigFile(this.#file);
      this.#config = config;
      this.#clientAuth = clientAuth;
      this.#stamp = stamp;
      this.#cache.clear();
    }
    return this.#config;
  }
}

/** Identifies a version of the file (modification time, size, inode). */
function fileStamp(file: string): string {
  try {
    const st = statSync(file);
    return `${st.mtimeMs}:${st.size}:${st.ino}`;
  } catch (err) {
    throw new WebConfigError(openError(file, err), { cause: err });
  }
}

/** Go's Request.BasicAuth: `Basic base64(user:pass)`, the scheme case-insensitive. */
function basicAuth(header: string | undefined): { user: string; pass: string } | undefined {
  if (header === undefined || header.length < 6 || header.slice(0, 6).toLowerCase() !== 'basic ') return undefined;
  const b64 = header.slice(6);
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) return undefined;
  const text = Buffer.from(b64, 'base64').toString('utf8');
  const i = text.indexOf(':');
  if (i < 0) return undefined;
  return { user: text.slice(0, i), pass: text.slice(i + 1) };
}
