// Run-time values of the Lumen VM and their printing as Lumen literal text.
//
// Representation (the VM relies on the compiler's static types to tell Int
// from Float, since both can be JS numbers):
//   Int      number while a safe integer, bigint beyond (see int64.ts)
//   Float    number
//   Bool     boolean
//   String   JS string; Lumen strings are measured and indexed in Unicode
//            code points (`len("é😀") == 2`), see `cpLength` / `cpIndex`
//   Null     null
//   list[T]  JS array, semantically immutable: the VM mutates an array in
//            place only when the variable that holds it owns it exclusively
//   tuples, records, enum variants, ok/err: a `Struct` with a descriptor
//
// Known limitation: where the static type does not say (a generic `T`, or a
// union containing both Int and Float), a whole-number Float is shown as an Int.

import type { Type } from '../frontend/types.js';
import { intToString, type Int } from './int64.js';

export type Value = number | bigint | boolean | string | null | Value[] | Struct;

export interface RecordDesc {
  readonly kind: 'record';
  /** Qualified name, e.g. `geometry.Point`. */
  readonly name: string;
  /** Name as printed (`Point`). */
  readonly display: string;
  readonly fieldNames: readonly string[];
}

export interface EnumDesc {
  readonly kind: 'enum';
  readonly name: string;
  readonly display: string;
  readonly variants: readonly { readonly name: string; readonly fieldNames: readonly string[] }[];
}

export interface TupleDesc {
  readonly kind: 'tuple';
}

/** Tag 0 is `ok`, tag 1 is `err`. */
export interface ResultDesc {
  readonly kind: 'result';
}

export type Desc = RecordDesc | EnumDesc | TupleDesc | ResultDesc;

export const TUPLE_DESC: TupleDesc = Object.freeze({ kind: 'tuple' });
export const RESULT_DESC: ResultDesc = Object.freeze({ kind: 'result' });
export const TAG_OK = 0;
export const TAG_ERR = 1;

/**
 * Every product value: one class so that field access stays monomorphic.
 * `tag` is the variant index for enums, 0/1 for ok/err, 0 otherwise.
 */
export class Struct {
  constructor(
    readonly d: Desc,
    readonly tag: number,
    readonly f: Value[],
  ) {}
}

export function makeTuple(items: Value[]): Struct {
  return new Struct(TUPLE_DESC, 0, items);
}

export function makeOk(v: Value): Struct {
  return new Struct(RESULT_DESC, TAG_OK, [v]);
}

export function makeErr(v: Value): Struct {
  return new Struct(RESULT_DESC, TAG_ERR, [v]);
}

export function recordDesc(name: string, fieldNames: readonly string[]): RecordDesc {
  return { kind: 'record', name, display: shortName(name), fieldNames };
}

export function enumDesc(name: string, variants: readonly { name: string; fieldNames: readonly string[] }[]): EnumDesc {
  return { kind: 'enum', name, display: shortName(name), variants };
}

function shortName(qualified: string): string {
  const i = qualified.lastIndexOf('.');
  return i < 0 ? qualified : qualified.slice(i + 1);
}

// ---------------------------------------------------------------- equality

/** Structural equality (`==`). Floats compare as IEEE values (NaN != NaN). */
export function valueEquals(a: Value, b: Value): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!valueEquals(a[i]!, b[i]!)) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  if (a.d !== b.d && !sameDesc(a.d, b.d)) return false;
  if (a.tag !== b.tag || a.f.length !== b.f.length) return false;
  for (let i = 0; i < a.f.length; i++) if (!valueEquals(a.f[i]!, b.f[i]!)) return false;
  return true;
}

function sameDesc(x: Desc, y: Desc): boolean {
  if (x.kind !== y.kind) return false;
  if (x.kind === 'record' || x.kind === 'enum') return x.name === (y as RecordDesc | EnumDesc).name;
  return true;
}

// ---------------------------------------------------------------- strings (code points)

let cacheStr = '';
let cacheLen = 0;
let cacheAscii = true;

function measure(s: string): void {
  if (s === cacheStr) return;
  let n = 0;
  let bmp = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        i++;
        bmp = false;
      }
    }
    n++;
  }
  cacheStr = s;
  cacheLen = n;
  cacheAscii = bmp;
}

/** `len(s)`: the number of Unicode code points. */
export function cpLength(s: string): number {
  if (s.length < 2) return s.length;
  measure(s);
  return cacheLen;
}

/** `s[i]` for `0 <= i < len(s)` (the caller has resolved negative indices): a one-code-point String. */
export function cpIndex(s: string, i: number): string {
  measure(s);
  if (cacheAscii) return s.charAt(i);
  let k = 0;
  for (const ch of s) {
    if (k === i) return ch;
    k++;
  }
  return '';
}

// ---------------------------------------------------------------- printing

/** What `print(v)` and `to_string(v)` produce: a String as is, anything else as its literal. */
export function formatValue(v: Value, t: Type): string {
  if (typeof v === 'string') return v;
  return formatLiteral(v, t);
}

/** The Lumen literal text of a value of static type `t` (strings quoted). */
export function formatLiteral(v: Value, t: Type): string {
  switch (t.kind) {
    case 'Int':
      return typeof v === 'number' || typeof v === 'bigint' ? intToString(v as Int) : formatDynamic(v);
    case 'Float':
      return typeof v === 'number' ? formatFloat(v) : formatDynamic(v);
    case 'Bool':
    case 'Null':
    case 'String':
      return formatDynamic(v);
    case 'List':
      if (!Array.isArray(v)) return formatDynamic(v);
      return `[${v.map((x) => formatLiteral(x, t.elem)).join(', ')}]`;
    case 'Tuple':
      if (!(v instanceof Struct) || v.d.kind !== 'tuple') return formatDynamic(v);
      return formatTuple(v.f.map((x, i) => formatLiteral(x, t.elems[i] ?? ANY)));
    case 'Record': {
      if (!(v instanceof Struct) || v.d.kind !== 'record') return formatDynamic(v);
      const info = t.info;
      const fields = v.f.map((x, i) => {
        const f = info.fields[i];
        const ft = f ? substitute(f.type.type, info.typeParams, t.args) : ANY;
        const name = f?.name ?? (v.d as RecordDesc).fieldNames[i] ?? String(i);
        return `${name}: ${formatLiteral(x, ft)}`;
      });
      return `${v.d.display}(${fields.join(', ')})`;
    }
    case 'Enum': {
      if (!(v instanceof Struct) || v.d.kind !== 'enum') return formatDynamic(v);
      const variant = t.info.variants[v.tag];
      if (!variant) return formatDynamic(v);
      const types = variant.fields.map((f) => substitute(f.type.type, t.info.typeParams, t.args));
      return formatVariant(v.d.variants[v.tag]?.name ?? variant.name, variant.fields.map((f) => f.name), v.f.map((x, i) => formatLiteral(x, types[i] ?? ANY)));
    }
    case 'Result': {
      if (!(v instanceof Struct) || v.d.kind !== 'result') return formatDynamic(v);
      return v.tag === TAG_OK ? `ok(${formatLiteral(v.f[0]!, t.ok)})` : `err(${formatLiteral(v.f[0]!, t.err)})`;
    }
    case 'Union': {
      const member = t.members.find((m) => valueHasType(v, m));
      return member ? formatLiteral(v, member) : formatDynamic(v);
    }
    case 'Map':
    case 'TypeParam':
    case 'Error':
    case 'Never':
      return formatDynamic(v);
  }
}

const ANY: Type = { kind: 'Error' };

/** Printing without a static type: a whole-number JS number is taken to be an Int. */
export function formatDynamic(v: Value): string {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'boolean':
      return v ? 'true' : 'false';
    case 'bigint':
      return v.toString();
    case 'number':
      return Number.isInteger(v) && !Object.is(v, -0) ? String(v) : formatFloat(v);
    case 'string':
      return quoteString(v);
    default:
      break;
  }
  if (Array.isArray(v)) return `[${v.map(formatDynamic).join(', ')}]`;
  const d = v.d;
  switch (d.kind) {
    case 'tuple':
      return formatTuple(v.f.map(formatDynamic));
    case 'result':
      return `${v.tag === TAG_OK ? 'ok' : 'err'}(${formatDynamic(v.f[0]!)})`;
    case 'record':
      return `${d.display}(${v.f.map((x, i) => `${d.fieldNames[i]}: ${formatDynamic(x)}`).join(', ')})`;
    case 'enum': {
      const variant = d.variants[v.tag];
      return formatVariant(variant?.name ?? `#${v.tag}`, variant?.fieldNames ?? [], v.f.map(formatDynamic));
    }
  }
}

function formatTuple(items: string[]): string {
  return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
}

/** `Empty`, `Circle(radius: 1.0)`; positional payloads (fields named `0`, `1`…) print as `Some(1)`. */
function formatVariant(name: string, fieldNames: readonly string[], fields: string[]): string {
  if (fields.length === 0) return name;
  const positional = fieldNames.every((n, i) => n === String(i));
  return `${name}(${fields.map((f, i) => (positional ? f : `${fieldNames[i] ?? i}: ${f}`)).join(', ')})`;
}

/** `1.5`, `1.0`, `-0.0`, `1e21`, `1.5e-7`, `NaN`, `inf`, `-inf`. */
export function formatFloat(f: number): string {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return 'inf';
  if (f === -Infinity) return '-inf';
  if (Object.is(f, -0)) return '-0.0';
  const s = String(f).replace('e+', 'e');
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** A string literal with the escapes the lexer understands. */
export function quoteString(s: string): string {
  let out = '"';
  for (const ch of s) {
    switch (ch) {
      case '"':
        out += '\\"';
        break;
      case '\\':
        out += '\\\\';
        break;
      case '\n':
        out += '\\n';
        break;
      case '\t':
        out += '\\t';
        break;
      case '\r':
        out += '\\r';
        break;
      case '\0':
        out += '\\0';
        break;
      case '{':
        out += '\\{';
        break;
      case '}':
        out += '\\}';
        break;
      default: {
        const c = ch.codePointAt(0)!;
        out += c < 0x20 || c === 0x7f ? `\\u{${c.toString(16)}}` : ch;
      }
    }
  }
  return out + '"';
}

// ---------------------------------------------------------------- run-time types

/** Whether a value belongs to a (member) type: used by `IsType` and type patterns on unions. */
export function valueHasType(v: Value, t: Type): boolean {
  switch (t.kind) {
    case 'Int':
      return typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v));
    case 'Float':
      return typeof v === 'number';
    case 'Bool':
      return typeof v === 'boolean';
    case 'String':
      return typeof v === 'string';
    case 'Null':
      return v === null;
    case 'List':
      return Array.isArray(v);
    case 'Tuple':
      return v instanceof Struct && v.d.kind === 'tuple' && v.f.length === t.elems.length;
    case 'Record':
      return v instanceof Struct && v.d.kind === 'record' && v.d.name === t.info.qualifiedName;
    case 'Enum':
      return v instanceof Struct && v.d.kind === 'enum' && v.d.name === t.info.qualifiedName;
    case 'Result':
      return v instanceof Struct && v.d.kind === 'result';
    case 'Union':
      return t.members.some((m) => valueHasType(v, m));
    case 'Map':
      return false;
    case 'TypeParam':
    case 'Error':
      return true;
    case 'Never':
      return false;
  }
}

/** Replaces a generic declaration's type parameters by the arguments of one use. */
export function substitute(t: Type, params: readonly string[], args: readonly Type[]): Type {
  if (params.length === 0) return t;
  switch (t.kind) {
    case 'TypeParam': {
      const i = params.indexOf(t.name);
      return i >= 0 && args[i] ? args[i]! : t;
    }
    case 'List':
      return { kind: 'List', elem: substitute(t.elem, params, args) };
    case 'Map':
      return { kind: 'Map', key: substitute(t.key, params, args), value: substitute(t.value, params, args) };
    case 'Tuple':
      return { kind: 'Tuple', elems: t.elems.map((e) => substitute(e, params, args)) };
    case 'Record':
    case 'Enum':
      return { ...t, args: t.args.map((a) => substitute(a, params, args)) } as Type;
    case 'Result':
      return { kind: 'Result', ok: substitute(t.ok, params, args), err: substitute(t.err, params, args) };
    case 'Union':
      return { kind: 'Union', members: t.members.map((m) => substitute(m, params, args)) };
    default:
      return t;
  }
}
