// How Lumen values are laid out in WebAssembly: the machine representation
// of each type (a WASM value type), the heap layouts, and the serialisable
// type table the host uses to print and convert values.
//
// Representation (see docs/wasm.md for the full picture):
//   Int            i64
//   Float          f64
//   Bool           i32 (0 / 1)
//   Null           i32 (always 0)
//   String         i64 "fat pointer": low 32 bits = address of the UTF-8 bytes,
//                  bits 32..62 = byte length, bit 63 = "may contain non-ASCII"
//   list[T]        i64 fat pointer: low 32 bits = buffer address, high 32 bits =
//                  length. Buffer: [capacity i32][unused i32][8-byte slots…]
//   record, tuple  i32 address of 8-byte slots, one per field
//   enum, result   i32 address of [tag i32][unused i32][8-byte slots…]
//   T?             the representation of T when T is a pointer type, 0 = null
// Every heap address is non-zero, so 0 can stand for `null`.
//
// Architecture invariant: like backend/compile.ts, this knows nothing of the
// verifier; it reads only the frontend's types.

import type { Span } from '../../frontend/span.js';
import type { Type } from '../../frontend/types.js';
import { substitute } from '../../vm/value.js';

/** The machine representation of a Lumen type. */
export type Repr = 'i32' | 'i64' | 'f64';

/** A construct the WASM backend does not compile (yet). Never thrown to users: returned as data. */
export interface WasmUnsupported {
  readonly kind: 'wasm-unsupported';
  /** Short name of the construct, e.g. `union type Int | String`. */
  readonly construct: string;
  /** Qualified name of the cell where it occurs (empty when not in a cell). */
  readonly cell: string;
  readonly span: Span | null;
  /** One-line message naming the construct. */
  readonly message: string;
}

/** Raised inside the backend and turned into a `WasmUnsupported` value at its entry. */
export class Unsupported extends Error {
  constructor(
    readonly construct: string,
    readonly span: Span | null = null,
  ) {
    super(`the WebAssembly backend does not support ${construct} yet`);
  }
}

// ---------------------------------------------------------------- the type table

/**
 * A JSON-serialisable description of a run-time type, enough to read a value
 * out of linear memory and to print it exactly as the VM does. Component
 * types are indices into the same table, so recursive enums are finite.
 */
export type LType =
  | { readonly k: 'int' }
  | { readonly k: 'float' }
  | { readonly k: 'bool' }
  | { readonly k: 'null' }
  | { readonly k: 'string' }
  | { readonly k: 'never' }
  | { readonly k: 'list'; readonly elem: number }
  | { readonly k: 'tuple'; readonly elems: readonly number[] }
  | { readonly k: 'record'; readonly name: string; readonly display: string; readonly fields: readonly { readonly name: string; readonly t: number }[] }
  | {
      readonly k: 'enum';
      readonly name: string;
      readonly display: string;
      readonly variants: readonly { readonly name: string; readonly fields: readonly { readonly name: string; readonly t: number }[] }[];
    }
  | { readonly k: 'result'; readonly ok: number; readonly err: number }
  /** `T?` with T a pointer type: 0 is null. */
  | { readonly k: 'opt'; readonly inner: number };

export function reprOfL(t: LType): Repr {
  switch (t.k) {
    case 'int':
    case 'string':
    case 'list':
      return 'i64';
    case 'float':
      return 'f64';
    default:
      return 'i32';
  }
}

/** The member of `T | Null`, or null when `t` is not such a union. */
export function optionalInner(t: Type): Type | null {
  if (t.kind !== 'Union' || t.members.length !== 2) return null;
  const [a, b] = t.members as [Type, Type];
  if (b.kind === 'Null' && a.kind !== 'Null') return a;
  if (a.kind === 'Null' && b.kind !== 'Null') return b;
  return null;
}

/** Whether values of `t` are non-zero heap references (so `T?` can use 0 for null). */
function isPointerType(t: Type): boolean {
  return t.kind === 'String' || t.kind === 'List' || t.kind === 'Record' || t.kind === 'Enum' || t.kind === 'Tuple' || t.kind === 'Result';
}

export function typeText(t: Type): string {
  switch (t.kind) {
    case 'List':
      return `list[${typeText(t.elem)}]`;
    case 'Map':
      return `map[${typeText(t.key)}, ${typeText(t.value)}]`;
    case 'Tuple':
      return `(${t.elems.map(typeText).join(', ')})`;
    case 'Record':
    case 'Enum':
      return t.args.length ? `${t.info.name}[${t.args.map(typeText).join(', ')}]` : t.info.name;
    case 'Result':
      return `result[${typeText(t.ok)}, ${typeText(t.err)}]`;
    case 'Union':
      return t.members.map(typeText).join(' | ');
    case 'TypeParam':
      return t.name;
    default:
      return t.kind;
  }
}

/** The machine representation of `t`; raises `Unsupported` for types the backend does not lay out. */
export function reprOf(t: Type, span: Span | null = null): Repr {
  switch (t.kind) {
    case 'Int':
    case 'String':
    case 'List':
      return 'i64';
    case 'Float':
      return 'f64';
    case 'Bool':
    case 'Null':
    case 'Never':
    case 'Record':
    case 'Enum':
    case 'Tuple':
    case 'Result':
      return 'i32';
    case 'Union': {
      const inner = optionalInner(t);
      if (inner && isPointerType(inner)) return reprOf(inner, span);
      throw new Unsupported(`the union type \`${typeText(t)}\` (only \`T?\` of a String, list, record, enum, tuple or result is supported)`, span);
    }
    case 'Map':
      throw new Unsupported(`the map type \`${typeText(t)}\``, span);
    case 'TypeParam':
      throw new Unsupported(`generic code (type parameter \`${t.name}\`)`, span);
    case 'Error':
      throw new Unsupported('a value of an erroneous type', span);
  }
}

export function fieldTypesOfRecord(t: Extract<Type, { kind: 'Record' }>): Type[] {
  return t.info.fields.map((f) => substitute(f.type.type, t.info.typeParams, t.args));
}

export function fieldTypesOfVariant(t: Extract<Type, { kind: 'Enum' }>, variant: number): Type[] {
  const v = t.info.variants[variant];
  if (!v) return [];
  return v.fields.map((f) => substitute(f.type.type, t.info.typeParams, t.args));
}

/** A stable key for a type (records and enums by name and arguments, so recursion terminates). */
export function typeKey(t: Type): string {
  switch (t.kind) {
    case 'List':
      return `[${typeKey(t.elem)}]`;
    case 'Map':
      return `{${typeKey(t.key)}:${typeKey(t.value)}}`;
    case 'Tuple':
      return `(${t.elems.map(typeKey).join(',')})`;
    case 'Record':
    case 'Enum':
      return `${t.kind}:${t.info.qualifiedName}<${t.args.map(typeKey).join(',')}>`;
    case 'Result':
      return `result<${typeKey(t.ok)},${typeKey(t.err)}>`;
    case 'Union':
      return `(${t.members.map(typeKey).join('|')})`;
    case 'TypeParam':
      return `'${t.name}`;
    default:
      return t.kind;
  }
}

function shortName(qualified: string): string {
  const i = qualified.lastIndexOf('.');
  return i < 0 ? qualified : qualified.slice(i + 1);
}

/** Builds the type table while compiling; `id(t)` registers `t` and its components. */
export class TypeTable {
  readonly entries: LType[] = [];
  private readonly ids = new Map<string, number>();

  id(t: Type, span: Span | null = null): number {
    const key = typeKey(t);
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const index = this.entries.length;
    this.ids.set(key, index);
    // Placeholder first, so that a recursive reference finds the index.
    this.entries.push({ k: 'never' });
    this.entries[index] = this.describe(t, span);
    return index;
  }

  private describe(t: Type, span: Span | null): LType {
    switch (t.kind) {
      case 'Int':
        return { k: 'int' };
      case 'Float':
        return { k: 'float' };
      case 'Bool':
        return { k: 'bool' };
      case 'Null':
        return { k: 'null' };
      case 'String':
        return { k: 'string' };
      case 'Never':
        return { k: 'never' };
      case 'List':
        return { k: 'list', elem: this.id(t.elem, span) };
      case 'Tuple':
        return { k: 'tuple', elems: t.elems.map((e) => this.id(e, span)) };
      case 'Record':
        return {
          k: 'record',
          name: t.info.qualifiedName,
          display: shortName(t.info.qualifiedName),
          fields: fieldTypesOfRecord(t).map((ft, i) => ({ name: t.info.fields[i]!.name, t: this.id(ft, span) })),
        };
      case 'Enum':
        return {
          k: 'enum',
          name: t.info.qualifiedName,
          display: shortName(t.info.qualifiedName),
          variants: t.info.variants.map((v, vi) => ({
            name: v.name,
            fields: fieldTypesOfVariant(t, vi).map((ft, i) => ({ name: v.fields[i]!.name, t: this.id(ft, span) })),
          })),
        };
      case 'Result':
        return { k: 'result', ok: this.id(t.ok, span), err: this.id(t.err, span) };
      case 'Union': {
        reprOf(t, span); // raises for unions other than pointer `T?`
        return { k: 'opt', inner: this.id(optionalInner(t)!, span) };
      }
      default:
        reprOf(t, span);
        throw new Unsupported(`the type \`${typeText(t)}\``, span);
    }
  }
}

// ---------------------------------------------------------------- memory map

/** Addresses below this are never allocated (0 is null). */
export const STATIC_BASE = 16;
/** Element slot size of lists, record fields and payloads. */
export const SLOT = 8;
/** Header of a list buffer (capacity + padding). */
export const LIST_HEADER = 8;
/** Header of an enum / result block (tag + padding). */
export const TAG_HEADER = 8;
export const NON_ASCII_BIT = 1n << 63n;
