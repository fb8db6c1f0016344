// Test helper: a minimal authoritative DNS responder over UDP (RFC 1035) on 127.0.0.1 with a port
// of the system's choosing, answering from a table the test changes as it goes. Enough for
// node:dns's resolveSrv/resolve4/resolve6/resolveMx/resolveNs: one question, answers with
// uncompressed names (the question name by pointer), NXDOMAIN for unknown names, and SERVFAIL for
// names marked failing.
import { createSocket, type Socket } from 'node:dgram';

/** Record types the responder serves, with their RFC 1035/3596/2782 numbers. */
const TYPES = { A: 1, NS: 2, MX: 15, AAAA: 28, SRV: 33 } as const;
type RecordType = keyof typeof TYPES;

/** One record's data: an address (A, AAAA), a name (NS), `{preference, exchange}` (MX) or SRV fields. */
export type RecordData =
  | string
  | { readonly preference: number; readonly exchange: string }
  | { readonly priority: number; readonly weight: number; readonly port: number; readonly target: string };

/** A running responder. */
export interface DNSServer {
  /** `127.0.0.1:<port>`, for Resolver.setServers. */
  readonly address: string;
  /** Sets the records of `name` (lower case, no final dot) for `type`; [] means NODATA. */
  set(name: string, type: RecordType, records: readonly RecordData[]): void;
  /** Removes every record of `name` (NXDOMAIN). */
  remove(name: string): void;
  /** Answers SERVFAIL for `name` while `failing`. */
  fail(name: string, failing: boolean): void;
  /** Questions received. */
  readonly queries: number;
  close(): Promise<void>;
}

export async function startDNSServer(): Promise<DNSServer> {
  const zone = new Map<string, Map<number, readonly RecordData[]>>();
  const failing = new Set<string>();
  let queries = 0;
  const sock: Socket = createSocket('udp4');
  sock.on('message', (msg, rinfo) => {
    queries++;
    const reply = answer(msg, zone, failing);
    if (reply !== undefined) sock.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => sock.bind(0, '127.0.0.1', resolve));
  const { port } = sock.address();
  return {
    address: `127.0.0.1:${port}`,
    set(name, type, records) {
      let m = zone.get(name);
      if (m === undefined) {
        m = new Map();
        zone.set(name, m);
      }
      m.set(TYPES[type], records);
    },
    remove: (name) => void zone.delete(name),
    fail: (name, f) => void (f ? failing.add(name) : failing.delete(name)),
    get queries() {
      return queries;
    },
    close: () => new Promise<void>((resolve) => sock.close(() => resolve())),
  };
}

function answer(
  msg: Buffer,
  zone: Map<string, Map<number, readonly RecordData[]>>,
  failing: Set<string>,
): Buffer | undefined {
  if (msg.length < 12 || msg.readUInt16BE(4) !== 1) return undefined;
  // The question: labels, then type and class.
  const labels: string[] = [];
  let off = 12;
  for (;;) {
    const len = msg[off];
    if (len === undefined) return undefined;
    off++;
    if (len === 0) break;
    labels.push(msg.subarray(off, off + len).toString('ascii'));
    off += len;
  }
  const qtype = msg.readUInt16BE(off);
  const qEnd = off + 4;
  const name = labels.join('.').toLowerCase();
  const records = zone.get(name);
  const rcode = failing.has(name) ? 2 : records === undefined ? 3 : 0;
  const answers = rcode === 0 ? (records!.get(qtype) ?? []) : [];
  const header = Buffer.alloc(12);
  header.writeUInt16BE(msg.readUInt16BE(0), 0); // ID
  const rd = msg[2]! & 0x01;
  header[2] = 0x84 | rd; // QR, AA, RD copied.
  header[3] = 0x80 | rcode; // RA, RCODE.
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(answers.length, 6);
  const parts: Buffer[] = [header, msg.subarray(12, qEnd)];
  for (const r of answers) {
    const rdata = encodeRData(qtype, r);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // The question's name.
    rr.writeUInt16BE(qtype, 2);
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(30, 6); // TTL
    rr.writeUInt16BE(rdata.length, 10);
    parts.push(rr, rdata);
  }
  return Buffer.concat(parts);
}

function encodeName(n: string): Buffer {
  const parts: Buffer[] = [];
  for (const l of n.replace(/\.$/, '').split('.')) {
    if (l === '') continue;
    parts.push(Buffer.from([l.length]), Buffer.from(l, 'ascii'));
  }
  parts.push(Buffer.from([0]));
  return Buffer.concat(parts);
}

function encodeRData(qtype: number, r: RecordData): Buffer {
  switch (qtype) {
    case TYPES.A:
      return Buffer.from(String(r).split('.').map(Number));
    case TYPES.AAAA: {
      const b = Buffer.alloc(16);
      const [head, tail] = String(r).split('::') as [string, string | undefined];
      const h = head === '' ? [] : head.split(':');
      const t = tail === undefined || tail === '' ? [] : tail.split(':');
      const groups = [...h, ...Array<string>(8 - h.length - t.length).fill('0'), ...t];
      for (const [i, g] of groups.entries()) b.writeUInt16BE(Number.parseInt(g, 16), i * 2);
      return b;
    }
    case TYPES.NS:
      return encodeName(String(r));
    case TYPES.MX: {
      const mx = r as { preference: number; exchange: string };
      const b = Buffer.alloc(2);
      b.writeUInt16BE(mx.preference, 0);
      return Buffer.concat([b, encodeName(mx.exchange)]);
    }
    case TYPES.SRV: {
      const s = r as { priority: number; weight: number; port: number; target: string };
      const b = Buffer.alloc(6);
      b.writeUInt16BE(s.priority, 0);
      b.writeUInt16BE(s.weight, 2);
      b.writeUInt16BE(s.port, 4);
      return Buffer.concat([b, encodeName(s.target)]);
    }
    default:
      throw new Error(`unsupported type ${qtype}`);
  }
}
