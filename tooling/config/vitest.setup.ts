// Runs before every test file: property tests draw from one fixed seed, so a CI run is the same
// run each time and a failure reproduces. `FC_SEED=<n>` explores other inputs; a failure found
// that way prints its counterexample, which belongs in a regression test.
import fc from 'fast-check';

const seed = process.env.FC_SEED === undefined ? 20_261_207 : Number(process.env.FC_SEED);
if (!Number.isSafeInteger(seed)) throw new Error(`FC_SEED must be an integer, got ${process.env.FC_SEED}`);
fc.configureGlobal({ seed });
