// How Lumen types become SMT sorts.
//
// * Int → Int (mathematical; 64-bit range is an explicit check), Bool → Bool,
//   String → String (Z3's string theory), Float → `(_ FloatingPoint 11 53)`.
// * list[T] → a datatype `mk(arr: (Array Int T), len: Int)`: indexing is
//   `select`, update and `push` are `store`, concatenation is a fresh list
//   with element-wise facts. `0 <= len(l) <= 2^31 - 1` is assumed where list
//   values come from outside (parameters, call results, field reads) — never
//   as a quantified axiom over the sort, which would contradict the datatype's
//   own values such as `mk(a, -1)`. (Z3's sequence theory was tried first: it timed
//   out on simple quantified goals that the array encoding proves at once.)
//   Cells beyond `len` are unconstrained, so Lumen `==` on lists is defined
//   extensionally (same length, same elements), never as SMT `=`.
// * Records, enums, tuples, `result[T, E]` and untagged unions are algebraic
//   datatypes, declared together (they may be mutually recursive). A generic
//   type gets one datatype per instantiation; its name is built from the
//   instantiation's key. `Null` is the one-constructor datatype `Null!`.
// * map[K, V] is an uninterpreted sort: map operations are over-approximated,
//   so checks depending on them can be proved only from other facts.

import type { Type } from '../frontend/types.js';
import type { IrProgram } from '../frontend/ir.js';
import type { DatatypeDecl, Sort, Term } from './smtlib/term.js';
import { app, arraySort, BoolSort, Float64Sort, IntSort, namedSort, StringSort } from './smtlib/term.js';

export const NULL_SORT = namedSort('Null!');
export const NULL_VALUE: Term = app('null!', [], NULL_SORT);

/** A short, unique, SMT-safe key for a type; used to name datatypes and functions. */
export function typeKey(t: Type): string {
  switch (t.kind) {
    case 'Int':
    case 'Float':
    case 'Bool':
    case 'String':
    case 'Null':
      return t.kind;
    case 'Never':
    case 'Error':
      return 'Null';
    case 'List':
      return `L.${typeKey(t.elem)}`;
    case 'Map':
      return `M.${typeKey(t.key)}.${typeKey(t.value)}`;
    case 'Tuple':
      return `T${t.elems.length}.${t.elems.map(typeKey).join('.')}`;
    case 'Record':
      return t.args.length ? `${t.info.qualifiedName}.${t.args.map(typeKey).join('.')}` : t.info.qualifiedName;
    case 'Enum':
      return t.args.length ? `${t.info.qualifiedName}.${t.args.map(typeKey).join('.')}` : t.info.qualifiedName;
    case 'Result':
      return `Res.${typeKey(t.ok)}.${typeKey(t.err)}`;
    case 'Union':
      return `U.${t.members.map(typeKey).join('.')}`;
    case 'TypeParam':
      return `P.${t.name}`;
  }
}

/** Substitutes generic parameters by arguments. */
export function instantiate(t: Type, params: readonly string[], args: readonly Type[]): Type {
  if (params.length === 0) return t;
  switch (t.kind) {
    case 'TypeParam': {
      const i = params.indexOf(t.name);
      return i >= 0 && args[i] ? args[i]! : t;
    }
    case 'List':
      return { kind: 'List', elem: instantiate(t.elem, params, args) };
    case 'Map':
      return { kind: 'Map', key: instantiate(t.key, params, args), value: instantiate(t.value, params, args) };
    case 'Tuple':
      return { kind: 'Tuple', elems: t.elems.map((e) => instantiate(e, params, args)) };
    case 'Record':
      return { kind: 'Record', info: t.info, args: t.args.map((e) => instantiate(e, params, args)) };
    case 'Enum':
      return { kind: 'Enum', info: t.info, args: t.args.map((e) => instantiate(e, params, args)) };
    case 'Result':
      return { kind: 'Result', ok: instantiate(t.ok, params, args), err: instantiate(t.err, params, args) };
    case 'Union':
      return { kind: 'Union', members: t.members.map((e) => instantiate(e, params, args)) };
    default:
      return t;
  }
}

/**
 * Collects the datatypes a program needs and names their constructors and
 * selectors. One instance per verification run.
 */
export class SortRegistry {
  private readonly datatypes = new Map<string, DatatypeDecl>();
  private readonly uninterpreted = new Set<string>();
  private readonly order: string[] = [];
  /** List datatypes and their element sorts. */
  private readonly lists = new Map<string, Sort>();

  constructor(private readonly program: IrProgram) {}

  sortOf(t: Type): Sort {
    switch (t.kind) {
      case 'Int':
        return IntSort;
      case 'Bool':
        return BoolSort;
      case 'String':
        return StringSort;
      case 'Float':
        return Float64Sort;
      case 'Null':
      case 'Never':
      case 'Error':
        this.ensureNull();
        return NULL_SORT;
      case 'List':
        return namedSort(this.ensureDatatype(t));
      case 'Map': {
        const name = `Map!${typeKey(t)}`;
        this.uninterpreted.add(name);
        return namedSort(name);
      }
      case 'TypeParam': {
        // Generic cells are verified once for an arbitrary type: an uninterpreted sort.
        const name = `Param!${t.name}`;
        this.uninterpreted.add(name);
        return namedSort(name);
      }
      default:
        return namedSort(this.ensureDatatype(t));
    }
  }

  /** Datatype name for a record / enum / tuple / result / union type. */
  ensureDatatype(t: Type): string {
    const key = typeKey(t);
    const name = `D!${key}`;
    if (this.datatypes.has(name)) return name;
    // Reserve the name first so recursive types terminate.
    const decl: { name: string; constructors: DatatypeDecl['constructors'][number][] } = { name, constructors: [] };
    this.datatypes.set(name, decl);
    switch (t.kind) {
      case 'Record': {
        const fields = t.info.fields.map((f) => ({
          name: `${name}!${f.name}`,
          sort: this.sortOf(instantiate(f.type.type, t.info.typeParams, t.args)),
        }));
        decl.constructors.push({ name: `${name}!mk`, fields });
        break;
      }
      case 'Enum':
        for (const v of t.info.variants) {
          decl.constructors.push({
            name: `${name}!${v.name}`,
            fields: v.fields.map((f) => ({ name: `${name}!${v.name}!${f.name}`, sort: this.sortOf(instantiate(f.type.type, t.info.typeParams, t.args)) })),
          });
        }
        break;
      case 'Tuple':
        decl.constructors.push({ name: `${name}!mk`, fields: t.elems.map((e, i) => ({ name: `${name}!${i}`, sort: this.sortOf(e) })) });
        break;
      case 'List': {
        const elem = this.sortOf(t.elem);
        decl.constructors.push({ name: `${name}!mk`, fields: [{ name: `${name}!arr`, sort: arraySort(IntSort, elem) }, { name: `${name}!len`, sort: IntSort }] });
        this.lists.set(name, elem);
        break;
      }
      case 'Result':
        decl.constructors.push({ name: `${name}!ok`, fields: [{ name: `${name}!ok!0`, sort: this.sortOf(t.ok) }] });
        decl.constructors.push({ name: `${name}!err`, fields: [{ name: `${name}!err!0`, sort: this.sortOf(t.err) }] });
        break;
      case 'Union':
        t.members.forEach((m, i) => {
          decl.constructors.push({ name: `${name}!${i}`, fields: [{ name: `${name}!${i}!val`, sort: this.sortOf(m) }] });
        });
        break;
      default:
        break;
    }
    this.order.push(name);
    return name;
  }

  private ensureNull(): void {
    if (this.datatypes.has('Null!')) return;
    this.datatypes.set('Null!', { name: 'Null!', constructors: [{ name: 'null!', fields: [] }] });
    this.order.unshift('Null!');
  }

  /** All datatypes, in a deterministic order, for one `declare-datatypes`. */
  declarations(): { datatypes: DatatypeDecl[]; sorts: string[] } {
    // `null` values appear without a type asking for them (e.g. the value of `print`).
    this.ensureNull();
    return { datatypes: this.order.map((n) => this.datatypes.get(n)!), sorts: [...this.uninterpreted].sort() };
  }

  /** The element sort when `sort` is a list datatype. */
  listElem(sort: Sort): Sort | undefined {
    return sort.kind === 'Named' ? this.lists.get(sort.name) : undefined;
  }

  recordName(qualifiedName: string): string {
    const rec = this.program.records.get(qualifiedName);
    return rec ? `D!${qualifiedName}` : `D!${qualifiedName}`;
  }
}

/** Constructor / selector / tester names, matching `SortRegistry.ensureDatatype`. */
export const dt = {
  recordCtor: (dtName: string) => `${dtName}!mk`,
  recordField: (dtName: string, field: string) => `${dtName}!${field}`,
  variantCtor: (dtName: string, variant: string) => `${dtName}!${variant}`,
  variantField: (dtName: string, variant: string, field: string) => `${dtName}!${variant}!${field}`,
  tupleCtor: (dtName: string) => `${dtName}!mk`,
  tupleField: (dtName: string, i: number) => `${dtName}!${i}`,
  resultCtor: (dtName: string, which: 'ok' | 'err') => `${dtName}!${which}`,
  resultField: (dtName: string, which: 'ok' | 'err') => `${dtName}!${which}!0`,
  unionCtor: (dtName: string, i: number) => `${dtName}!${i}`,
  unionField: (dtName: string, i: number) => `${dtName}!${i}!val`,
  /** `(_ is C)` tester application. */
  is: (ctor: string, t: Term): Term => app(`(_ is ${ctor})`, [t], BoolSort),
};
