// The Go values a template sees, in JavaScript: string, float64 (number), int (bigint), bool,
// nil (null), no value (undefined, Go's invalid reflect.Value), maps (plain objects or GoMap),
// slices (arrays or GoSlice), structs (objects carrying STRUCT_TYPE), and the few named types
// Prometheus's functions return (template.HTML, *time.Time, *time.Duration).
import { compareStrings } from '@tsprom/labels';

/** Marks a plain object as a Go struct of the given type (field order, Go type name). */
export const STRUCT_TYPE: unique symbol = Symbol.for('@tsprom/template.structType');

/** A Go struct type: its name as %T prints it, its fields in order, whether values are pointers to it. */
export interface StructType {
  readonly name: string;
  readonly fields: readonly string[];
  readonly pointer: boolean;
}

export interface GoStruct {
  readonly [STRUCT_TYPE]: StructType;
  readonly [field: string]: unknown;
}

/** A map with an explicit Go type (`args` makes `map[string]interface {}`). */
export class GoMap {
  constructor(
    readonly type: string,
    readonly entries: Map<string, unknown>,
  ) {}
}

/** A slice with an explicit Go type (query results are `template.queryResult`). */
export class GoSlice {
  constructor(
    readonly type: string,
    readonly items: readonly unknown[],
  ) {}
}

/** Go's html/template.HTML (what safeHtml returns): a string kind of its own type. */
export class GoHTML {
  constructor(readonly s: string) {}
}

export function isStruct(v: unknown): v is GoStruct {
  return typeof v === 'object' && v !== null && STRUCT_TYPE in v;
}

export function isPlainMap(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || STRUCT_TYPE in v) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** The keys of a map in Go's order (sorted bytewise, as range and fmt visit them). */
export function mapKeys(v: Record<string, unknown> | GoMap | Map<string, unknown>): string[] {
  const keys = v instanceof GoMap ? [...v.entries.keys()] : v instanceof Map ? [...v.keys()] : Object.keys(v);
  return keys.sort(compareStrings);
}

/** The entry for `key`, or `NO_ENTRY`. */
export const NO_ENTRY: unique symbol = Symbol('no entry');
export function mapGet(v: Record<string, unknown> | GoMap | Map<string, unknown>, key: string): unknown {
  if (v instanceof GoMap) return v.entries.has(key) ? v.entries.get(key) : NO_ENTRY;
  if (v instanceof Map) return v.has(key) ? v.get(key) : NO_ENTRY;
  return Object.hasOwn(v, key) ? v[key] : NO_ENTRY;
}

export function isMap(v: unknown): v is Record<string, unknown> | GoMap | Map<string, unknown> {
  return v instanceof GoMap || v instanceof Map || isPlainMap(v);
}

/** The element type of a map: plain objects whose values are all strings are map[string]string. */
export function mapElemType(v: Record<string, unknown> | GoMap | Map<string, unknown>): string {
  const t = goTypeName(v);
  return t.slice(t.indexOf(']') + 1);
}

export function sliceItems(v: unknown): readonly unknown[] | undefined {
  if (Array.isArray(v)) return v;
  if (v instanceof GoSlice) return v.items;
  return undefined;
}

/** Go's `%T` of a value. */
export function goTypeName(v: unknown): string {
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'float64';
    case 'bigint':
      return 'int';
    case 'boolean':
      return 'bool';
    case 'undefined':
      return '<nil>';
    case 'function':
      return 'func()';
  }
  if (v === null) return '<nil>';
  if (v instanceof GoMap || v instanceof GoSlice) return v.type;
  if (v instanceof GoHTML) return 'template.HTML';
  if (isGoNamed(v)) return v.goType();
  if (isStruct(v)) return v[STRUCT_TYPE].name;
  if (Array.isArray(v)) return '[]interface {}';
  if (v instanceof Map) return allStrings(v.values()) ? 'map[string]string' : 'map[string]interface {}';
  if (typeof v === 'object') return allStrings(Object.values(v)) ? 'map[string]string' : 'map[string]interface {}';
  return 'interface {}';
}

function allStrings(vs: Iterable<unknown>): boolean {
  for (const x of vs) if (typeof x !== 'string') return false;
  return true;
}

/** A value of a Go named type with methods (time.Time, time.Duration): String and callable methods. */
export interface GoNamed {
  goType(): string;
  /** Go's String() method (fmt uses it for %v and %s). */
  toString(): string;
  /** The method `name` or undefined. Methods take and return Go values. */
  method(name: string): GoMethod | undefined;
}

export interface GoMethod {
  readonly params: readonly ParamType[];
  readonly variadic?: boolean;
  call(args: unknown[]): unknown;
}

/** Parameter types functions declare, as Go's reflection would check them. */
export type ParamType =
  | 'string'
  | 'float64'
  | 'int'
  | 'bool'
  | 'any'
  | 'value'
  | '*template.sample'
  | 'template.queryResult';

export function isGoNamed(v: unknown): v is GoNamed {
  return typeof v === 'object' && v !== null && typeof (v as { goType?: unknown }).goType === 'function';
}

/** Go's truth of a value for if/with/and/or/not: the zero value and empty collections are false. */
export function isTrue(v: unknown): boolean {
  switch (typeof v) {
    case 'undefined':
      return false;
    case 'string':
      return v.length > 0;
    case 'number':
      return v !== 0; // NaN is true, as in Go.
    case 'bigint':
      return v !== 0n;
    case 'boolean':
      return v;
  }
  if (v === null) return false;
  if (v instanceof GoHTML) return v.s.length > 0;
  if (v instanceof GoSlice) return v.items.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof GoMap) return v.entries.size > 0;
  if (v instanceof Map) return v.size > 0;
  if (isStruct(v) || isGoNamed(v)) return true;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}
