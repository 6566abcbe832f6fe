// Names in value position: locals (with their narrowed types), `result`,
// `self`, field names in field refinements, payload-less variants, typestate
// states in specifications; and the reporting of names that are not values,
// with "did you mean" suggestions.

import type * as A from '../ast.js';
import { ERROR_NAME } from '../parser.js';
import type { Span } from '../span.js';
import type { EnumInfo, LocalSymbol, Symbol, Type } from '../types.js';
import { ERROR, INT } from '../types.js';
import type { Ctx } from './context.js';
import { didYouMean, topLevelNames, type VariantRef } from './scope.js';

export const BUILTIN_NAMES: ReadonlySet<string> = new Set(['print', 'len', 'abs', 'min', 'max', 'to_string', 'to_float', 'to_int', 'push', 'range']);

/** The type of a local at this point (narrowed if a test narrowed it). */
export function localType(ctx: Ctx, sym: LocalSymbol): Type {
  return ctx.scope.narrowed(sym) ?? sym.type;
}

function bindName(ctx: Ctx, e: A.NameExpr, sym: Symbol): void {
  ctx.names.set(e, sym);
}

/** A name in value position. */
export function checkName(ctx: Ctx, e: A.NameExpr, expect: Type | null): Type {
  const name = e.name;
  if (name === ERROR_NAME) return ERROR;
  const spec = ctx.spec;
  if (name === 'result' && spec?.result) {
    bindName(ctx, e, { kind: 'ResultRef', cell: spec.result.cell });
    return spec.result.type;
  }
  if (name === 'self') {
    if (spec?.self) {
      bindName(ctx, e, { kind: 'SelfRef' });
      return spec.self;
    }
    ctx.report('E0193', e.span);
    return ERROR;
  }
  const field = spec?.fields?.visible.get(name);
  if (field) {
    bindName(ctx, e, { kind: 'FieldRef', record: spec!.fields!.record, field: field.field });
    return field.type;
  }
  const local = ctx.scope.lookup(name);
  if (local) {
    bindName(ctx, e, local);
    return localType(ctx, local);
  }
  if (spec?.later?.names.has(name)) {
    ctx.report('E0196', e.span, [spec.later.owner, name]);
    return ERROR;
  }
  const mod = ctx.mod;
  const value = mod.values.get(name);
  if (value) {
    if (value.kind === 'Cell') {
      bindName(ctx, e, ctx.cellSym(value.cell));
      ctx.report('E0111', e.span, [name, 'a cell'], [`call it: \`${name}(…)\``]);
    } else {
      bindName(ctx, e, ctx.recordCtorSym(value.record));
      ctx.report('E0111', e.span, [name, 'a record type'], [`construct a value: \`${name}(…)\``]);
    }
    return ERROR;
  }
  const variant = pickVariant(ctx, name, expect, e.span);
  if (variant) {
    bindName(ctx, e, ctx.variantSym(variant.enum, variant.variant));
    if (variant.variant.fields.length > 0) {
      ctx.report('E0122', e.span, [name]);
      return ERROR;
    }
    return enumTypeFor(ctx, variant.enum, expect);
  }
  if (spec) {
    const states = ctx.stateNames.get(name);
    if (states) {
      const ts = states[0]!;
      bindName(ctx, e, { kind: 'State', typestate: ts, state: name, index: ts.states.indexOf(name) });
      return INT;
    }
  }
  return unknownValue(ctx, e);
}

/** Reports a name that is not a value here, with the most helpful message. */
export function unknownValue(ctx: Ctx, e: A.NameExpr): Type {
  const name = e.name;
  const mod = ctx.mod;
  if (name === 'result') {
    ctx.report('E0192', e.span);
    return ERROR;
  }
  if (name === 'calls' || name === 'state') {
    ctx.report(ctx.spec ? 'E0111' : 'E0190', e.span, ctx.spec ? [name, 'a specification function'] : [name]);
    return ERROR;
  }
  if (BUILTIN_NAMES.has(name) || name === 'ok' || name === 'err') {
    ctx.report('E0111', e.span, [name, 'a built-in']);
    return ERROR;
  }
  const type = mod.types.get(name);
  if (type) {
    if (type.kind === 'Enum') bindName(ctx, e, ctx.enumNameSym(type.enum));
    ctx.report('E0111', e.span, [name, type.kind === 'Enum' ? 'an enum type' : 'a type']);
    return ERROR;
  }
  const effect = mod.effects.get(name);
  if (effect) {
    bindName(ctx, e, ctx.effectSym(effect));
    ctx.report('E0111', e.span, [name, 'an effect']);
    return ERROR;
  }
  if (mod.imports.has(name)) {
    ctx.report('E0131', e.span, [name]);
    return ERROR;
  }
  const candidates = [...ctx.scope.visibleNames(), ...topLevelNames(mod), ...BUILTIN_NAMES];
  if (ctx.spec?.fields) candidates.push(...ctx.spec.fields.visible.keys());
  ctx.report('E0100', e.span, [name], didYouMean(name, candidates));
  return ERROR;
}

/** The variant a bare name denotes, preferring the expected enum; reports ambiguity. */
export function pickVariant(ctx: Ctx, name: string, expect: Type | null, span: Span): VariantRef | null {
  const list = ctx.mod.variants.get(name);
  if (!list || list.length === 0) return null;
  if (list.length === 1) return list[0]!;
  const exp = expect ? ctx.prune(expect) : null;
  const members = exp ? (exp.kind === 'Union' ? exp.members : [exp]) : [];
  for (const m of members) {
    if (m.kind !== 'Enum') continue;
    const found = list.find((r) => r.enum === m.info);
    if (found) return found;
  }
  ctx.report('E0112', span, [name, list.map((r) => r.enum.name).join(', ')]);
  return list[0]!;
}

/** `Shape` / `Option[?1]`, taking type arguments from the expected type when it is the same enum. */
export function enumTypeFor(ctx: Ctx, info: EnumInfo, expect: Type | null): Type {
  const exp = expect ? ctx.prune(expect) : null;
  const candidates = exp ? (exp.kind === 'Union' ? exp.members : [exp]) : [];
  for (const c of candidates) if (c.kind === 'Enum' && c.info === info) return c;
  if (info.typeParams.length === 0) return ctx.monoType(info, 'Enum');
  return { kind: 'Enum', info, args: info.typeParams.map(() => ctx.u.fresh()) };
}

/** References are second-class: a `ref`/`mut ref` parameter cannot be returned or stored. */
export function checkNotReference(ctx: Ctx, e: A.Expr, how: string): void {
  if (e.kind !== 'Name') return;
  const sym = ctx.names.get(e);
  if (sym && sym.kind === 'Local' && sym.param && (sym.param.mode === 'ref' || sym.param.mode === 'mutref')) {
    ctx.report('E0155', e.span, [sym.name, how]);
  }
}

/**
 * `checkNotReference` for every value a tail expression can produce: both
 * branches of an `if`, every arm of a `match`, the last statement of a block
 * (LANGUAGE.md §8 rule 3: `if c xs else [] end` returns `xs` too).
 */
export function checkNotReferenceIn(ctx: Ctx, e: A.Expr, how: string): void {
  const tail = (b: A.Block): void => {
    const last = b.stmts[b.stmts.length - 1];
    if (last && last.kind === 'ExprStmt') checkNotReferenceIn(ctx, last.expr, how);
  };
  switch (e.kind) {
    case 'If':
      tail(e.then);
      if (e.else && e.else.kind === 'If') checkNotReferenceIn(ctx, e.else, how);
      else if (e.else) tail(e.else);
      return;
    case 'Match':
      for (const arm of e.arms) tail(arm.body);
      return;
    case 'BlockExpr':
      tail(e.block);
      return;
    default:
      checkNotReference(ctx, e, how);
  }
}

