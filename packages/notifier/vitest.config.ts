import { mergeConfig } from 'vitest/config';
import shared from '../../tooling/config/vitest.shared.js';

// expect.poll waits for events of real servers and peers: a deadline catches a hang, never a
// slow machine (vitest's default of 1 s could).
export default mergeConfig(shared, { test: { expect: { poll: { timeout: 30_000, interval: 5 } } } });
