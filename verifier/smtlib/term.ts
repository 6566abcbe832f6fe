// A small typed term language for SMT-LIB 2. The VC generator builds these;
// `printer.ts` turns them into SMT-LIB text. Terms are plain immutable data.
//
// Symbol naming rules (the one place they are written down):
// * Every symbol the verifier declares is a "simple symbol" of SMT-LIB:
//   letters, digits and `_ . $ @ ! ~ - ? ^ & * < > = / % +`, not starting with
//   a digit. Lumen identifiers are `[A-Za-z_][A-Za-z0-9_]*`, so they are
//   always simple symbols; we still never use them bare, to avoid clashing
//   with SMT-LIB reserved words and theory functions (`div`, `abs`, `select`…).
// * Program variables: `v!<name>!<n>` where n is a version counter.
// * Fresh values (havoc, call results, performs): `h!<purpose>!<n>`.
// * Datatypes: records `R!<Name>`, enums `E!<Name>`, tuples `T!<arity>!<key>`;
//   constructors `mk!<Type>` / `<Enum>!<Variant>`, selectors `<Type>!<field>`.
// * Functions for pure cells: `f!<qualifiedName>` (dots kept).
// * Anything else the printer receives is quoted with `|…|` if it is not a
//   simple symbol, so a printed query is always well-formed.

export type Sort =
  | { readonly kind: 'Int' }
  | { readonly kind: 'Bool' }
  | { readonly kind: 'Real' }
  | { readonly kind: 'String' }
  /** IEEE binary64: `(_ FloatingPoint 11 53)`. */
  | { readonly kind: 'Float64' }
  | { readonly kind: 'RoundingMode' }
  | { readonly kind: 'Array'; readonly index: Sort; readonly elem: Sort }
  /** Z3's sequence sort `(Seq T)`; Lumen lists are encoded as sequences. */
  | { readonly kind: 'Seq'; readonly elem: Sort }
  /** A declared sort or datatype, by name. */
  | { readonly kind: 'Named'; readonly name: string };

export const IntSort: Sort = { kind: 'Int' };
export const BoolSort: Sort = { kind: 'Bool' };
export const RealSort: Sort = { kind: 'Real' };
export const StringSort: Sort = { kind: 'String' };
export const Float64Sort: Sort = { kind: 'Float64' };
export const arraySort = (index: Sort, elem: Sort): Sort => ({ kind: 'Array', index, elem });
export const seqSort = (elem: Sort): Sort => ({ kind: 'Seq', elem });
export const namedSort = (name: string): Sort => ({ kind: 'Named', name });

export type Term =
  /** A reference to a declared constant, or to a variable bound by a quantifier. */
  | { readonly kind: 'Sym'; readonly name: string; readonly sort: Sort }
  | { readonly kind: 'IntLit'; readonly value: bigint }
  | { readonly kind: 'BoolLit'; readonly value: boolean }
  | { readonly kind: 'StrLit'; readonly value: string }
  /** A binary64 literal given by its JS number value. */
  | { readonly kind: 'FloatLit'; readonly value: number }
  /**
   * Application of a theory function (`+`, `div`, `select`, `str.++`, `ite`,
   * `fp.add` …) or of a declared function, constructor, selector or tester.
   * `sort` is the result sort.
   */
  | { readonly kind: 'App'; readonly fn: string; readonly args: readonly Term[]; readonly sort: Sort }
  /** `((as const (Array Int Int)) v)` */
  | { readonly kind: 'ConstArray'; readonly sort: Sort; readonly value: Term }
  | {
      readonly kind: 'Quant';
      readonly quantifier: 'forall' | 'exists';
      readonly vars: readonly { readonly name: string; readonly sort: Sort }[];
      readonly body: Term;
      /** Trigger patterns: each inner array is one multi-pattern. */
      readonly patterns: readonly (readonly Term[])[];
    };

export type Command =
  | { readonly kind: 'SetOption'; readonly name: string; readonly value: string }
  | { readonly kind: 'SetLogic'; readonly logic: string }
  | { readonly kind: 'DeclareConst'; readonly name: string; readonly sort: Sort }
  | { readonly kind: 'DeclareFun'; readonly name: string; readonly params: readonly Sort[]; readonly sort: Sort }
  | {
      readonly kind: 'DefineFun' | 'DefineFunRec';
      readonly name: string;
      readonly params: readonly { readonly name: string; readonly sort: Sort }[];
      readonly sort: Sort;
      readonly body: Term;
    }
  | { readonly kind: 'DeclareDatatypes'; readonly datatypes: readonly DatatypeDecl[] }
  | { readonly kind: 'Assert'; readonly term: Term; readonly name?: string }
  | { readonly kind: 'Push' }
  | { readonly kind: 'Pop' }
  | { readonly kind: 'CheckSat' }
  | { readonly kind: 'CheckSatUsing'; readonly tactic: string }
  | { readonly kind: 'GetModel' }
  | { readonly kind: 'GetValue'; readonly terms: readonly Term[] }
  | { readonly kind: 'Comment'; readonly text: string };

export interface DatatypeDecl {
  readonly name: string;
  readonly constructors: readonly {
    readonly name: string;
    readonly fields: readonly { readonly name: string; readonly sort: Sort }[];
  }[];
}

// ---------------------------------------------------------------- builders

export const sym = (name: string, sort: Sort): Term => ({ kind: 'Sym', name, sort });
export const int = (value: bigint | number): Term => ({ kind: 'IntLit', value: BigInt(value) });
export const bool = (value: boolean): Term => ({ kind: 'BoolLit', value });
export const str = (value: string): Term => ({ kind: 'StrLit', value });
export const TRUE = bool(true);
export const FALSE = bool(false);

export const app = (fn: string, args: readonly Term[], sort: Sort): Term => ({ kind: 'App', fn, args, sort });

export function and(...args: Term[]): Term {
  const flat: Term[] = [];
  for (const a of args) {
    if (a.kind === 'BoolLit') {
      if (!a.value) return FALSE;
      continue;
    }
    if (a.kind === 'App' && a.fn === 'and') flat.push(...a.args);
    else flat.push(a);
  }
  if (flat.length === 0) return TRUE;
  if (flat.length === 1) return flat[0]!;
  return app('and', flat, BoolSort);
}

export function or(...args: Term[]): Term {
  const flat: Term[] = [];
  for (const a of args) {
    if (a.kind === 'BoolLit') {
      if (a.value) return TRUE;
      continue;
    }
    if (a.kind === 'App' && a.fn === 'or') flat.push(...a.args);
    else flat.push(a);
  }
  if (flat.length === 0) return FALSE;
  if (flat.length === 1) return flat[0]!;
  return app('or', flat, BoolSort);
}

export function not(a: Term): Term {
  if (a.kind === 'BoolLit') return bool(!a.value);
  if (a.kind === 'App' && a.fn === 'not') return a.args[0]!;
  return app('not', [a], BoolSort);
}

export function implies(a: Term, b: Term): Term {
  if (a.kind === 'BoolLit') return a.value ? b : TRUE;
  if (b.kind === 'BoolLit' && b.value) return TRUE;
  return app('=>', [a, b], BoolSort);
}

export function eq(a: Term, b: Term): Term {
  return app('=', [a, b], BoolSort);
}

export function ite(c: Term, t: Term, e: Term): Term {
  if (c.kind === 'BoolLit') return c.value ? t : e;
  if (termEquals(t, e)) return t;
  return app('ite', [c, t, e], t.kind === 'App' || t.kind === 'Sym' ? t.sort : sortOf(t));
}

export const add = (a: Term, b: Term): Term => app('+', [a, b], IntSort);
export const sub = (a: Term, b: Term): Term => app('-', [a, b], IntSort);
export const mul = (a: Term, b: Term): Term => app('*', [a, b], IntSort);
export const neg = (a: Term): Term => app('-', [a], IntSort);
export const le = (a: Term, b: Term): Term => app('<=', [a, b], BoolSort);
export const lt = (a: Term, b: Term): Term => app('<', [a, b], BoolSort);
export const ge = (a: Term, b: Term): Term => app('>=', [a, b], BoolSort);
export const gt = (a: Term, b: Term): Term => app('>', [a, b], BoolSort);

export function forall(vars: { name: string; sort: Sort }[], body: Term, patterns: Term[][] = []): Term {
  return { kind: 'Quant', quantifier: 'forall', vars, body, patterns };
}

export function exists(vars: { name: string; sort: Sort }[], body: Term, patterns: Term[][] = []): Term {
  return { kind: 'Quant', quantifier: 'exists', vars, body, patterns };
}

export function sortOf(t: Term): Sort {
  switch (t.kind) {
    case 'Sym':
      return t.sort;
    case 'IntLit':
      return IntSort;
    case 'BoolLit':
      return BoolSort;
    case 'StrLit':
      return StringSort;
    case 'FloatLit':
      return Float64Sort;
    case 'App':
      return t.sort;
    case 'ConstArray':
      return t.sort;
    case 'Quant':
      return BoolSort;
  }
}

export function sortEquals(a: Sort, b: Sort): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'Array' && b.kind === 'Array') return sortEquals(a.index, b.index) && sortEquals(a.elem, b.elem);
  if (a.kind === 'Seq' && b.kind === 'Seq') return sortEquals(a.elem, b.elem);
  if (a.kind === 'Named' && b.kind === 'Named') return a.name === b.name;
  return true;
}

/** Structural equality; cheap for the small terms where it is used (simplification). */
export function termEquals(a: Term, b: Term): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'Sym':
      return a.name === (b as typeof a).name;
    case 'IntLit':
      return a.value === (b as typeof a).value;
    case 'BoolLit':
      return a.value === (b as typeof a).value;
    case 'StrLit':
      return a.value === (b as typeof a).value;
    case 'FloatLit':
      return Object.is(a.value, (b as typeof a).value);
    case 'App': {
      const bb = b as typeof a;
      return a.fn === bb.fn && a.args.length === bb.args.length && a.args.every((x, i) => termEquals(x, bb.args[i]!));
    }
    default:
      return false;
  }
}
