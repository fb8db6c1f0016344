import { describe, expect, it } from 'vitest';
import { parseArgs, UsageError } from './cli-args.js';

describe('parseArgs', () => {
  it('reads --size and --json, with a space or =, and skips the -- pnpm passes on', () => {
    expect(parseArgs([], 'medium', true)).toEqual({ size: 'medium', json: undefined });
    expect(parseArgs(['--', '--size', 'small', '--json=out.json'], 'medium', true)).toEqual({
      size: 'small',
      json: 'out.json',
    });
    expect(parseArgs(['--size=large'], 'small', false).size).toBe('large');
  });

  it('refuses an unknown size, a missing value and flags the command does not have', () => {
    expect(() => parseArgs(['--size', 'huge'], 'small', true)).toThrow(UsageError);
    expect(() => parseArgs(['--size', 'huge'], 'small', true)).toThrow(
      /--size huge: expected one of small, medium, large/,
    );
    expect(() => parseArgs(['--json'], 'small', true)).toThrow(/--json needs a value/);
    expect(() => parseArgs(['--json', 'x'], 'small', false)).toThrow(/unknown argument "--json"/);
  });
});
