import { describe, expect, it } from 'vitest';
import { TurnSlicer } from './turn-slicer.js';

describe('TurnSlicer', () => {
  it('lets work go on while the budget lasts, then one caller per later turn starts it again', async () => {
    let now = 0;
    const s = new TurnSlicer(10, () => now);
    await s.yieldIfSpent(); // Budget left: at once.
    expect(s.spent()).toBe(false);
    now = 10;
    expect(s.spent()).toBe(true);
    const order: string[] = [];
    const a = s.yieldIfSpent().then(() => {
      order.push('a');
      now += 10; // a spends this turn's budget
    });
    const b = s.yieldIfSpent().then(() => order.push('b'));
    setImmediate(() => order.push('turn'));
    await Promise.all([a, b]);
    // b resumed in the same turn as a, found the budget spent, and waited for one more turn.
    expect(order).toEqual(['a', 'turn', 'b']);
    expect(() => new TurnSlicer(0)).toThrow(/must be positive/);
  });
});
