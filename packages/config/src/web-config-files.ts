// Prometheus: exporter-toolkit web/tls_config.go getConfig, Validate and ConfigToTLSConfig's file
// reads (tls.LoadX509KeyPair, the client CA file): the web configuration read from files, with
// Go's error texts. Node only (`@tsprom/config/web-config-files`): the main entry stays universal.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import {
  type ClientAuthType,
  validateWebConfig,
  type WebConfig,
  WebConfigError,
  type WebTLSConfig,
} from './web-config.js';

const FS_REASONS: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
};

/** Reads a file; a failure reads as Go's *PathError (`open x.pem: no such file or directory`). */
function readText(path: string, prefix = ''): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    throw new WebConfigError(`${prefix}open ${path}: ${FS_REASONS[code] ?? (err as Error).message}`, { cause: err });
  }
}

/**
 * Go's tls.LoadX509KeyPair as exporter-toolkit reports it: both files read (PEM text) and checked
 * to form a pair; throws WebConfigError `failed to load X509KeyPair: …`.
 */
export function loadKeyPair(certFile: string, keyFile: string): { cert: string; key: string } {
  const prefix = 'failed to load X509KeyPair: ';
  const cert = readText(certFile, prefix);
  const key = readText(keyFile, prefix);
  try {
    createSecureContext({ cert, key });
  } catch (err) {
    const msg = (err as Error).message;
    const reason = /key values mismatch/.test(msg) ? 'tls: private key does not match public key' : msg;
    throw new WebConfigError(`${prefix}${reason}`, { cause: err });
  }
  return { cert, key };
}

/** The PEM texts a TLS listener is built from: certificate, key, and client CAs ('' when none). */
export interface WebTLSFiles {
  readonly cert: string;
  readonly key: string;
  readonly ca: string;
}

/**
 * Reads the files `tls_server_config` names, as exporter-toolkit's ConfigToTLSConfig does on each
 * handshake: the key pair (checked), then the client CA file. Throws WebConfigError.
 */
export function loadWebTLSFiles(tls: WebTLSConfig): WebTLSFiles {
  const { cert, key } = loadKeyPair(tls.certFile, tls.keyFile);
  return { cert, key, ca: tls.clientCAFile === '' ? '' : readText(tls.clientCAFile) };
}

/**
 * exporter-toolkit's Validate on a file: read, parsed strictly, hashes checked, the key pair
 * loaded. Relative paths in it resolve against the file's directory. Throws WebConfigError.
 */
export function loadWebConfigFile(file: string): { config: WebConfig; clientAuth: ClientAuthType | undefined } {
  return validateWebConfig(readText(file), dirname(file), (c, k) => void loadKeyPair(c, k));
}
