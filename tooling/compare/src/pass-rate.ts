/** The share of comparisons `pnpm test:compat` (and its test) requires to agree. */
export const MIN_PASS_RATE = 0.99;
