// Reading an /etc/hosts-style file (hosts(5)): one address per line followed by its host names,
// `#` starting a comment. A line that is not of that form is an error naming the file and line.

/** One line of a hosts file: the address and its names (the first is the canonical one). */
export interface HostsEntry {
  readonly address: string;
  readonly names: readonly string[];
  /** 1-based line number in the file. */
  readonly line: number;
}

/** A hosts file line that cannot be read. */
export class HostsFileError extends Error {
  override readonly name = 'HostsFileError';
  constructor(
    readonly file: string,
    readonly line: number,
    what: string,
  ) {
    super(`${file}:${line}: ${what}`);
  }
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9a-fA-F:]+$/;
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Parses the text of `file`; throws {@link HostsFileError} at the first bad line. */
export function parseHostsFile(file: string, text: string): HostsEntry[] {
  const out: HostsEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const hash = lines[i]!.indexOf('#');
    const fields = (hash < 0 ? lines[i]! : lines[i]!.slice(0, hash)).trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) continue;
    const [address, ...names] = fields as [string, ...string[]];
    if (!IPV4.test(address) && !(address.includes(':') && IPV6.test(address))) {
      throw new HostsFileError(file, i + 1, `${JSON.stringify(address)} is not an IP address`);
    }
    if (names.length === 0) throw new HostsFileError(file, i + 1, `no host name after ${address}`);
    for (const n of names) {
      if (!HOSTNAME.test(n)) throw new HostsFileError(file, i + 1, `${JSON.stringify(n)} is not a valid host name`);
    }
    out.push({ address, names, line: i + 1 });
  }
  return out;
}
