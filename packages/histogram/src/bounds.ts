// Prometheus: model/histogram/generic.go getBound, getBoundExponential, getBoundCustom, targetIdx
import { CustomBucketsSchema } from '@tsprom/storage-interfaces';

/** The lowest and highest exponential schemas Prometheus accepts. */
export const ExponentialSchemaMin = -4;
export const ExponentialSchemaMax = 8;

/** True for the custom-bucket schema (NHCB, -53). */
export function isCustomBucketsSchema(schema: number): boolean {
  return schema === CustomBucketsSchema;
}

/** True for a schema of standard exponential buckets (-4..8). */
export function isExponentialSchema(schema: number): boolean {
  return schema >= ExponentialSchemaMin && schema <= ExponentialSchemaMax;
}

/** True for any schema Prometheus knows (exponential or custom buckets). */
export function isValidSchema(schema: number): boolean {
  return isCustomBucketsSchema(schema) || isExponentialSchema(schema);
}

// exponentialBounds[s][j] = 2^(j/2^s) / 2, the fraction part of the bound of a bucket index.
const exponentialBounds: Float64Array[] = [];
for (let s = 0; s <= ExponentialSchemaMax; s++) {
  const n = 1 << s;
  const row = new Float64Array(n);
  for (let j = 0; j < n; j++) row[j] = 2 ** (j / n) / 2;
  exponentialBounds.push(row);
}

function ldexp(frac: number, exp: number): number {
  // 2 ** exp overflows to Infinity above 1023 and underflows below -1074; split the power.
  if (exp > 1023) return frac * 2 ** 1023 * 2 ** (exp - 1023);
  if (exp < -1022) return frac * 2 ** -1022 * 2 ** (exp + 1022);
  return frac * 2 ** exp;
}

/**
 * Prometheus: getBoundExponential. The upper bound of the bucket with index `idx` in an
 * exponential schema (the lower bound is the bound of `idx - 1`). The last bucket of finite
 * numbers ends at Number.MAX_VALUE, the next one at +Inf.
 */
export function exponentialBound(idx: number, schema: number): number {
  if (schema < 0) {
    const exp = idx * 2 ** -schema;
    if (exp === 1024) return Number.MAX_VALUE;
    return ldexp(1, exp);
  }
  const fracIdx = idx & ((1 << schema) - 1);
  const frac = exponentialBounds[schema]![fracIdx]!;
  const exp = (idx >> schema) + 1;
  if (frac === 0.5 && exp === 1025) return Number.MAX_VALUE;
  return ldexp(frac, exp);
}

/**
 * Prometheus: getBoundCustom. The upper bound of custom bucket `idx`: `customValues[idx]`, +Inf
 * for the bucket after the last value, -Inf below 0 (the lower bound of bucket 0).
 */
export function customBound(idx: number, customValues: readonly number[]): number {
  if (idx < 0) return Number.NEGATIVE_INFINITY;
  if (idx >= customValues.length) return Number.POSITIVE_INFINITY;
  return customValues[idx]!;
}

/** Prometheus: getBound. The upper bound of bucket `idx` for any schema. */
export function bucketBound(idx: number, schema: number, customValues: readonly number[] | undefined): number {
  if (isCustomBucketsSchema(schema)) return customBound(idx, customValues ?? []);
  return exponentialBound(idx, schema);
}

/** Prometheus: targetIdx. The index in `targetSchema` (<= originSchema) of bucket `idx`. */
export function targetIdx(idx: number, originSchema: number, targetSchema: number): number {
  return ((idx - 1) >> (originSchema - targetSchema)) + 1;
}
