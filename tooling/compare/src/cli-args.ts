// The flags of `pnpm bench:compare` and `pnpm test:compat`: `--size small|medium|large` and
// `--json <file>` (either as `--flag value` or `--flag=value`).
import type { SizeName } from './data-set.js';

export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export interface CompareArgs {
  readonly size: SizeName;
  readonly json: string | undefined;
}

const SIZES: readonly string[] = ['small', 'medium', 'large'];

/** Parses `argv` (without node and the script); `allowJson` says whether `--json` is a flag here. */
export function parseArgs(argv: readonly string[], defaultSize: SizeName, allowJson: boolean): CompareArgs {
  let size: SizeName = defaultSize;
  let json: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue; // pnpm passes it through before the script's own flags.
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg : arg.slice(0, eq);
    const value = () => {
      if (eq >= 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new UsageError(`${name} needs a value`);
      return v;
    };
    if (name === '--size') {
      const v = value();
      if (!SIZES.includes(v)) throw new UsageError(`--size ${v}: expected one of ${SIZES.join(', ')}`);
      size = v as SizeName;
    } else if (name === '--json' && allowJson) {
      json = value();
    } else {
      throw new UsageError(`unknown argument ${JSON.stringify(arg)}`);
    }
  }
  return { size, json };
}
