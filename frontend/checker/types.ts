// Semantic types for the checker: structural equality, unions, substitution
// of type parameters, inference variables with a unifier (so `let mut out = []`
// is fixed later by `out = push(out, s)`), assignability, branch joins, and the
// resolution of written types (`TypeExpr`) to `RefinedType`s, aliases included.
//
// Inference variables are `TypeParam`s whose name starts with `?`; they never
// leave the checker: `zonk` replaces each by its binding (or a default).

import type * as A from '../ast.js';
import { ERROR_NAME } from '../parser.js';
import type { Span } from '../span.js';
import type { RefinedType, Refinement, Symbol, Type } from '../types.js';
import { BOOL, ERROR, FLOAT, INT, isRefined, NEVER, NULL, STRING } from '../types.js';
import type { AliasInfo, ModuleScope, TypeEntity } from './scope.js';
import { didYouMean } from './scope.js';

export const SELF_REF: Symbol = { kind: 'SelfRef' };

export function isVar(t: Type): t is { kind: 'TypeParam'; name: string } {
  return t.kind === 'TypeParam' && t.name.charCodeAt(0) === 63; // '?'
}

export function refined(type: Type, refinements: readonly Refinement[] = []): RefinedType {
  return { type, refinements };
}

/** Structural equality (inference variables compare by name; prune first if needed). */
export function typeEquals(a: Type, b: Type): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'List':
      return typeEquals(a.elem, (b as typeof a).elem);
    case 'Map':
      return typeEquals(a.key, (b as typeof a).key) && typeEquals(a.value, (b as typeof a).value);
    case 'Tuple':
      return listEquals(a.elems, (b as typeof a).elems);
    case 'Record':
    case 'Enum':
      return a.info === (b as typeof a).info && listEquals(a.args, (b as typeof a).args);
    case 'Result':
      return typeEquals(a.ok, (b as typeof a).ok) && typeEquals(a.err, (b as typeof a).err);
    case 'Union': {
      const bm = (b as typeof a).members;
      return a.members.length === bm.length && a.members.every((m) => bm.some((x) => typeEquals(m, x)));
    }
    case 'TypeParam':
      return a.name === (b as typeof a).name;
    default:
      return true;
  }
}

function listEquals(a: readonly Type[], b: readonly Type[]): boolean {
  return a.length === b.length && a.every((x, i) => typeEquals(x, b[i]!));
}

/** A flattened union without duplicates or `Never`; a single member is returned as is. */
export function makeUnion(members: readonly Type[]): Type {
  const out: Type[] = [];
  const add = (t: Type): void => {
    if (t.kind === 'Union') t.members.forEach(add);
    else if (t.kind !== 'Never' && !out.some((m) => typeEquals(m, t))) out.push(t);
  };
  members.forEach(add);
  if (out.some((m) => m.kind === 'Error')) return ERROR;
  if (out.length === 0) return NEVER;
  if (out.length === 1) return out[0]!;
  // Null last, so `T | Null` prints as `T?`.
  out.sort((x, y) => (x.kind === 'Null' ? 1 : 0) - (y.kind === 'Null' ? 1 : 0));
  return { kind: 'Union', members: out };
}

export function optional(t: Type): Type {
  return makeUnion([t, NULL]);
}

export function isNullable(t: Type): boolean {
  return t.kind === 'Null' || (t.kind === 'Union' && t.members.some((m) => m.kind === 'Null'));
}

/** `T` from `T?`; `Never` from `Null`. */
export function removeNull(t: Type): Type {
  if (t.kind === 'Null') return NEVER;
  if (t.kind !== 'Union') return t;
  return makeUnion(t.members.filter((m) => m.kind !== 'Null'));
}

/** Removes the members equal to `drop` from a union (for match narrowing). */
export function removeMember(t: Type, drop: Type): Type {
  if (t.kind !== 'Union') return typeEquals(t, drop) ? NEVER : t;
  return makeUnion(t.members.filter((m) => !typeEquals(m, drop)));
}

/** Replaces named type parameters. */
export function substitute(t: Type, map: ReadonlyMap<string, Type>): Type {
  if (map.size === 0) return t;
  switch (t.kind) {
    case 'TypeParam':
      return map.get(t.name) ?? t;
    case 'List':
      return { kind: 'List', elem: substitute(t.elem, map) };
    case 'Map':
      return { kind: 'Map', key: substitute(t.key, map), value: substitute(t.value, map) };
    case 'Tuple':
      return { kind: 'Tuple', elems: t.elems.map((x) => substitute(x, map)) };
    case 'Record':
    case 'Enum':
      return t.args.length === 0 ? t : { ...t, args: t.args.map((x) => substitute(x, map)) };
    case 'Result':
      return { kind: 'Result', ok: substitute(t.ok, map), err: substitute(t.err, map) };
    case 'Union':
      return makeUnion(t.members.map((x) => substitute(x, map)));
    default:
      return t;
  }
}

const NO_PARAMS: ReadonlyMap<string, Type> = new Map();

/** Type parameter → argument (the shared empty map for non-generic declarations). */
export function paramMap(names: readonly string[], args: readonly Type[]): ReadonlyMap<string, Type> {
  if (names.length === 0) return NO_PARAMS;
  const m = new Map<string, Type>();
  names.forEach((n, i) => m.set(n, args[i] ?? ERROR));
  return m;
}

// ---------------------------------------------------------------- unifier

/** Inference variables and their bindings, with a trail for trial unification. */
export class Unifier {
  private readonly bindings = new Map<string, Type>();
  private readonly trail: string[] = [];
  private counter = 0;

  /** How many variables were ever created (a cheap "may anything hold a variable?" test). */
  get created(): number {
    return this.counter;
  }

  fresh(): Type {
    return { kind: 'TypeParam', name: `?${++this.counter}` };
  }

  /** Follows the bindings of a variable at the top of `t`. */
  prune(t: Type): Type {
    while (isVar(t)) {
      const b = this.bindings.get(t.name);
      if (!b) return t;
      t = b;
    }
    return t;
  }

  snapshot(): number {
    return this.trail.length;
  }

  rollback(n: number): void {
    while (this.trail.length > n) this.bindings.delete(this.trail.pop()!);
  }

  /** Drops all bindings (between cells: variables never cross a cell boundary). */
  reset(): void {
    if (this.bindings.size > 0) this.bindings.clear();
    this.trail.length = 0;
  }

  private bind(name: string, t: Type): boolean {
    if (this.occurs(name, t)) return false;
    this.bindings.set(name, t);
    this.trail.push(name);
    return true;
  }

  private occurs(name: string, t: Type): boolean {
    t = this.prune(t);
    switch (t.kind) {
      case 'TypeParam':
        return t.name === name;
      case 'List':
        return this.occurs(name, t.elem);
      case 'Map':
        return this.occurs(name, t.key) || this.occurs(name, t.value);
      case 'Tuple':
        return t.elems.some((x) => this.occurs(name, x));
      case 'Record':
      case 'Enum':
        return t.args.some((x) => this.occurs(name, x));
      case 'Result':
        return this.occurs(name, t.ok) || this.occurs(name, t.err);
      case 'Union':
        return t.members.some((x) => this.occurs(name, x));
      default:
        return false;
    }
  }

  /** Deep resolution; unbound variables become `dflt` (or stay when `dflt` is null). */
  zonk(t: Type, dflt: Type | null = INT): Type {
    switch (t.kind) {
      case 'TypeParam': {
        if (!isVar(t)) return t;
        const p = this.prune(t);
        if (isVar(p)) return dflt ?? p;
        return this.zonk(p, dflt);
      }
      case 'List':
        return { kind: 'List', elem: this.zonk(t.elem, dflt) };
      case 'Map':
        return { kind: 'Map', key: this.zonk(t.key, dflt), value: this.zonk(t.value, dflt) };
      case 'Tuple':
        return { kind: 'Tuple', elems: t.elems.map((x) => this.zonk(x, dflt)) };
      case 'Record':
      case 'Enum':
        return t.args.length === 0 ? t : { ...t, args: t.args.map((x) => this.zonk(x, dflt)) };
      case 'Result':
        return { kind: 'Result', ok: this.zonk(t.ok, dflt), err: this.zonk(t.err, dflt) };
      case 'Union':
        return makeUnion(t.members.map((x) => this.zonk(x, dflt)));
      default:
        return t;
    }
  }

  /** Can a value of type `source` be used where `target` is expected? Binds variables on success only. */
  assignable(target: Type, source: Type): boolean {
    const mark = this.snapshot();
    const ok = this.assign(target, source);
    if (!ok) this.rollback(mark);
    return ok;
  }

  /** Invariant equality with unification (for type arguments and `mut ref`). */
  unify(a: Type, b: Type): boolean {
    const mark = this.snapshot();
    const ok = this.eq(a, b);
    if (!ok) this.rollback(mark);
    return ok;
  }

  private eq(a: Type, b: Type): boolean {
    a = this.prune(a);
    b = this.prune(b);
    if (a.kind === 'Error' || b.kind === 'Error') return true;
    if (isVar(a)) return (isVar(b) && a.name === b.name) || this.bind(a.name, b);
    if (isVar(b)) return this.bind(b.name, a);
    if (a.kind !== b.kind) return false;
    switch (a.kind) {
      case 'List':
        return this.eq(a.elem, (b as typeof a).elem);
      case 'Map':
        return this.eq(a.key, (b as typeof a).key) && this.eq(a.value, (b as typeof a).value);
      case 'Tuple': {
        const be = (b as typeof a).elems;
        return a.elems.length === be.length && a.elems.every((x, i) => this.eq(x, be[i]!));
      }
      case 'Record':
      case 'Enum': {
        const bb = b as typeof a;
        return a.info === bb.info && a.args.length === bb.args.length && a.args.every((x, i) => this.eq(x, bb.args[i]!));
      }
      case 'Result':
        return this.eq(a.ok, (b as typeof a).ok) && this.eq(a.err, (b as typeof a).err);
      case 'Union':
        return this.assign(a, b) && this.assign(b, a);
      case 'TypeParam':
        return a.name === (b as typeof a).name;
      default:
        return true;
    }
  }

  private assign(target: Type, source: Type): boolean {
    const t = this.prune(target);
    const s = this.prune(source);
    if (s.kind === 'Never' || s.kind === 'Error' || t.kind === 'Error') return true;
    if (isVar(s) && isVar(t)) return s.name === t.name || this.bind(s.name, t);
    if (isVar(t)) return this.bind(t.name, s);
    if (isVar(s)) return this.bind(s.name, t);
    if (t.kind === 'Union') {
      if (s.kind === 'Union') return s.members.every((m) => this.assignable(t, m));
      if (t.members.some((m) => typeEquals(m, s))) return true;
      return t.members.some((m) => this.assignable(m, s));
    }
    if (s.kind === 'Union') return s.members.every((m) => this.assignable(t, m));
    if (t.kind !== s.kind) return false;
    switch (t.kind) {
      case 'List':
        return this.assign(t.elem, (s as typeof t).elem);
      case 'Map':
        return this.eq(t.key, (s as typeof t).key) && this.assign(t.value, (s as typeof t).value);
      case 'Tuple': {
        const se = (s as typeof t).elems;
        return t.elems.length === se.length && t.elems.every((x, i) => this.assign(x, se[i]!));
      }
      case 'Record':
      case 'Enum':
        return this.eq(t, s);
      case 'Result':
        return this.assign(t.ok, (s as typeof t).ok) && this.assign(t.err, (s as typeof t).err);
      case 'TypeParam':
        return t.name === (s as typeof t).name;
      default:
        return true;
    }
  }

  /**
   * The type of a value that is either `a` or `b` (branches of `if`/`match`):
   * the wider of the two, `T?` when one is `Null`, a union when either is one;
   * null when they are incompatible.
   */
  join(a: Type, b: Type): Type | null {
    const x = this.prune(a);
    const y = this.prune(b);
    if (x.kind === 'Never') return y;
    if (y.kind === 'Never') return x;
    if (x.kind === 'Error' || y.kind === 'Error') return ERROR;
    if (typeEquals(x, y)) return x;
    if (isVar(x) || isVar(y)) return this.unify(x, y) ? x : null;
    if (this.assignable(x, y)) return x;
    if (this.assignable(y, x)) return y;
    if (x.kind === 'Null' || y.kind === 'Null' || x.kind === 'Union' || y.kind === 'Union') return makeUnion([x, y]);
    return null;
  }
}

// ---------------------------------------------------------------- written types

export interface ResolveEnv {
  readonly mod: ModuleScope;
  /** Generic parameters in scope (of the enclosing record, enum, alias or cell). */
  readonly typeParams: ReadonlySet<string>;
  report(code: string, span: Span, args: readonly (string | number)[], notes?: string[]): void;
}

const BUILTIN_TYPES: ReadonlyMap<string, Type> = new Map([
  ['Int', INT],
  ['Float', FLOAT],
  ['Bool', BOOL],
  ['String', STRING],
  ['Null', NULL],
]);
const GENERIC_BUILTINS = new Map([
  ['list', 1],
  ['map', 2],
  ['result', 2],
]);

/**
 * Resolves a written type. A top-level `where` refinement is attached with
 * `binder`; refinements nested inside another type are an error (E0130), and
 * so is a top-level one when `binder` is null. Alias refinements come along,
 * also from aliases used inside another type (`list[Nat]`): those become the
 * result's `inner` refinements.
 */
export function resolveRefinedType(env: ResolveEnv, te: A.TypeExpr, binder: Symbol | null): RefinedType {
  if (te.kind === 'TRefined') {
    const base = resolveRefinedType(env, te.base, binder);
    if (binder === null) {
      env.report('E0130', te.span, []);
      return base;
    }
    return withRefinements(base, [...base.refinements, { predicate: te.predicate, binder, span: te.span }]);
  }
  return resolvePart(env, te);
}

/** Resolves a written type, dropping refinements (nested positions). */
export function resolveType(env: ResolveEnv, te: A.TypeExpr): Type {
  return resolvePart(env, te).type;
}

/**
 * Resolves a type written where no `where` may appear (E0130), keeping the
 * refinements that aliases bring, at the top and in the parts.
 */
export function resolvePart(env: ResolveEnv, te: A.TypeExpr): RefinedType {
  switch (te.kind) {
    case 'TRefined':
      env.report('E0130', te.span, []);
      return resolvePart(env, te.base);
    case 'TTuple':
      return tupleOf(te.elems.map((x) => resolvePart(env, x)));
    case 'TOptional':
      return unionOf([resolvePart(env, te.inner), refined(NULL)]);
    case 'TUnion':
      return unionOf(te.members.map((x) => resolvePart(env, x)));
    case 'TName':
      return namedType(env, te);
  }
}

/** `r` with other top-level refinements (its parts' refinements kept). */
function withRefinements(r: RefinedType, refinements: readonly Refinement[]): RefinedType {
  return r.inner ? { type: r.type, refinements, inner: r.inner } : refined(r.type, refinements);
}

function partsRefined(parts: readonly RefinedType[]): boolean {
  return parts.some((p) => isRefined(p));
}

function tupleOf(elems: readonly RefinedType[]): RefinedType {
  const type: Type = { kind: 'Tuple', elems: elems.map((x) => x.type) };
  return partsRefined(elems) ? { type, refinements: [], inner: { kind: 'Tuple', elems } } : refined(type);
}

function listOf(elem: RefinedType): RefinedType {
  const type: Type = { kind: 'List', elem: elem.type };
  return isRefined(elem) ? { type, refinements: [], inner: { kind: 'List', elem } } : refined(type);
}

function mapOf(key: RefinedType, value: RefinedType): RefinedType {
  const type: Type = { kind: 'Map', key: key.type, value: value.type };
  return partsRefined([key, value]) ? { type, refinements: [], inner: { kind: 'Map', key, value } } : refined(type);
}

function resultOf(ok: RefinedType, err: RefinedType): RefinedType {
  const type: Type = { kind: 'Result', ok: ok.type, err: err.type };
  return partsRefined([ok, err]) ? { type, refinements: [], inner: { kind: 'Result', ok, err } } : refined(type);
}

/**
 * The union of refined parts. Unions are flattened, so a member's refinements
 * are those of the one part it comes from; a member that several parts give
 * (`Nat | Int`) keeps none: its values need only satisfy one of them, and
 * assuming none of them is the sound choice. The refinements of a part that is
 * itself a union, about the whole value, are dropped the same way.
 */
function unionOf(parts: readonly RefinedType[]): RefinedType {
  const type = makeUnion(parts.map((p) => p.type));
  if (type.kind !== 'Union') {
    const from = parts.filter((p) => p.type.kind !== 'Never' && typeEquals(p.type, type));
    return from.length === 1 ? from[0]! : refined(type);
  }
  const members = type.members.map((m) => {
    const from: RefinedType[] = [];
    for (const p of parts) {
      if (p.type.kind === 'Union') {
        const i = p.type.members.findIndex((x) => typeEquals(x, m));
        if (i >= 0) from.push(p.inner?.kind === 'Union' ? p.inner.members[i]! : refined(m));
      } else if (typeEquals(p.type, m)) from.push(p);
    }
    return from.length === 1 ? from[0]! : refined(m);
  });
  return partsRefined(members) ? { type, refinements: [], inner: { kind: 'Union', members } } : refined(type);
}

/** The parts of a refined type, each with its own refinements (unrefined when it has none). */
function partsOf(r: RefinedType): RefinedType[] {
  const t = r.type;
  const inner = r.inner;
  switch (t.kind) {
    case 'List':
      return [inner?.kind === 'List' ? inner.elem : refined(t.elem)];
    case 'Map':
      return inner?.kind === 'Map' ? [inner.key, inner.value] : [refined(t.key), refined(t.value)];
    case 'Result':
      return inner?.kind === 'Result' ? [inner.ok, inner.err] : [refined(t.ok), refined(t.err)];
    case 'Tuple':
      return inner?.kind === 'Tuple' ? [...inner.elems] : t.elems.map((x) => refined(x));
    case 'Union':
      return inner?.kind === 'Union' ? [...inner.members] : t.members.map((x) => refined(x));
    default:
      return [];
  }
}

/**
 * Substitutes refined type arguments for the parameters of a generic alias's
 * body: `Pair[Nat]` with `type Pair[T] = (T, T)` is `(Nat, Nat)`. The body's
 * own top-level refinements are not kept (they are about `self` of a generic
 * type); refinements of records' and enums' type arguments are not tracked.
 */
function substituteRefined(r: RefinedType, map: ReadonlyMap<string, RefinedType>): RefinedType {
  const t = r.type;
  if (!typeMentionsParams(t, map)) return r.inner ? { type: t, refinements: [], inner: r.inner } : refined(t);
  const parts = partsOf(r).map((p) => substituteRefined(p, map));
  switch (t.kind) {
    case 'TypeParam':
      return map.get(t.name) ?? refined(t);
    case 'List':
      return listOf(parts[0]!);
    case 'Map':
      return mapOf(parts[0]!, parts[1]!);
    case 'Result':
      return resultOf(parts[0]!, parts[1]!);
    case 'Tuple':
      return tupleOf(parts);
    case 'Union':
      return unionOf(parts);
    default:
      return refined(substitute(t, new Map([...map].map(([k, v]) => [k, v.type]))));
  }
}

function typeMentionsParams(t: Type, map: ReadonlyMap<string, unknown>): boolean {
  switch (t.kind) {
    case 'TypeParam':
      return map.has(t.name);
    case 'List':
      return typeMentionsParams(t.elem, map);
    case 'Map':
      return typeMentionsParams(t.key, map) || typeMentionsParams(t.value, map);
    case 'Tuple':
      return t.elems.some((x) => typeMentionsParams(x, map));
    case 'Record':
    case 'Enum':
      return t.args.some((x) => typeMentionsParams(x, map));
    case 'Result':
      return typeMentionsParams(t.ok, map) || typeMentionsParams(t.err, map);
    case 'Union':
      return t.members.some((x) => typeMentionsParams(x, map));
    default:
      return false;
  }
}

/** A named type; an alias brings its refinements along, type arguments their own. */
function namedType(env: ResolveEnv, te: A.TName): RefinedType {
  const name = te.name.name;
  if (name === ERROR_NAME) return refined(ERROR);
  const argParts = te.args.map((x) => resolvePart(env, x));
  const args = argParts.map((x) => x.type);
  const builtin = BUILTIN_TYPES.get(name);
  if (builtin) return refined(args.length === 0 ? builtin : arityError(env, te, 0));
  if (name === 'tuple') return tupleOf(argParts);
  const arity = GENERIC_BUILTINS.get(name);
  if (arity !== undefined) {
    if (args.length !== arity) return refined(arityError(env, te, arity));
    if (name === 'list') return listOf(argParts[0]!);
    if (name === 'map') return mapOf(argParts[0]!, argParts[1]!);
    return resultOf(argParts[0]!, argParts[1]!);
  }
  if (env.typeParams.has(name)) {
    if (args.length > 0) env.report('E0123', te.span, [name]);
    return refined({ kind: 'TypeParam', name });
  }
  const entity = lookupType(env, te);
  if (!entity) return refined(ERROR);
  switch (entity.kind) {
    case 'Record':
    case 'Enum': {
      const info = entity.kind === 'Record' ? entity.record : entity.enum;
      if (args.length !== info.typeParams.length) return refined(arityError(env, te, info.typeParams.length));
      return refined(entity.kind === 'Record' ? { kind: 'Record', info: entity.record, args } : { kind: 'Enum', info: entity.enum, args });
    }
    case 'Alias': {
      const alias = entity.alias;
      if (args.length !== alias.typeParams.length) return refined(arityError(env, te, alias.typeParams.length));
      const r = resolveAlias(env, alias, te.span);
      if (alias.typeParams.length === 0) return r;
      return substituteRefined(r, new Map(alias.typeParams.map((p, i) => [p, argParts[i]!])));
    }
  }
}

function arityError(env: ResolveEnv, te: A.TName, expected: number): Type {
  env.report('E0110', te.span, [te.name.name, expected, te.args.length]);
  return ERROR;
}

/** The declared type a name denotes (`Point`, `geometry.Point`), reporting E0101 if none. */
function lookupType(env: ResolveEnv, te: A.TName): TypeEntity | null {
  const name = te.name.name;
  if (BUILTIN_TYPES.has(name) || GENERIC_BUILTINS.has(name) || name === 'tuple' || env.typeParams.has(name)) return null;
  const local = env.mod.types.get(name);
  if (local) return local;
  const dot = name.lastIndexOf('.');
  if (dot > 0) {
    const target = env.mod.imports.get(name.slice(0, dot));
    const exported = target?.declared.get(name.slice(dot + 1));
    if (exported?.type && exported.pub) return exported.type;
  }
  if (env.mod.values.has(name) || env.mod.effects.has(name)) {
    env.report('E0132', te.name.span, [name]);
    return null;
  }
  const candidates = [...BUILTIN_TYPES.keys(), ...GENERIC_BUILTINS.keys(), ...env.mod.types.keys(), ...env.typeParams];
  env.report('E0101', te.name.span, [name], didYouMean(name, candidates));
  return null;
}

/** Resolves an alias once (in its own module), detecting cycles. */
export function resolveAlias(env: ResolveEnv, alias: AliasInfo, useSpan: Span): RefinedType {
  if (alias.state === 'done') return alias.resolved!;
  if (alias.state === 'resolving') {
    env.report('E0124', useSpan, [alias.name]);
    alias.resolved = refined(ERROR);
    return alias.resolved;
  }
  alias.state = 'resolving';
  const inner: ResolveEnv = { mod: alias.module, typeParams: new Set(alias.typeParams), report: (...a) => env.report(...a) };
  const r = resolveRefinedType(inner, alias.decl.type, SELF_REF);
  // A cycle found while resolving has already stored an Error result.
  if (alias.resolved === null) alias.resolved = r;
  alias.state = 'done';
  return alias.resolved;
}
