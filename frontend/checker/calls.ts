// Calls: what a `CallExpr` is (a cell, a record construction or functional
// update, a variant, `ok`/`err`, a built-in, or the specification functions
// `calls(E)` / `state(x)`), argument matching (positional, then named; the
// call target lists arguments in declaration order), parameter modes
// (`mut ref` / `ref` markers), purity, effect rows and the restrictions on
// calls inside specifications.

import type * as A from '../ast.js';
import { ERROR_NAME } from '../parser.js';
import type { Span } from '../span.js';
import type { BuiltinName, CellInfo, EnumInfo, RecordInfo, Type, VariantInfo } from '../types.js';
import { ERROR, FLOAT, INT, NULL, STRING } from '../types.js';
import type { Ctx } from './context.js';
import { effectAllowed } from './effects.js';
import { checkExpr, expectType, findByName, reportMismatch } from './exprs.js';
import { BUILTIN_NAMES, checkNotReference, enumTypeFor, pickVariant, unknownValue } from './names.js';
import { didYouMean } from './scope.js';
import { paramMap, substitute } from './types.js';
import { printExpr } from '../printer.js';
import { typeToString } from '../typeprint.js';

const SPEC_BUILTINS: ReadonlySet<string> = new Set(['len', 'abs', 'min', 'max']);
const NO_INST: ReadonlyMap<string, Type> = new Map();
/** Type arguments of a call to a non-generic cell (shared, never modified). */
const NO_TYPES: Type[] = [];

export function checkCall(ctx: Ctx, e: A.CallExpr, expect: Type | null): Type {
  const callee = e.callee;
  if (callee.kind === 'Name') return checkNamedCall(ctx, e, callee, expect);
  if (callee.kind === 'Field' && callee.target.kind === 'Name' && !ctx.scope.lookup(callee.target.name)) {
    const targetName = callee.target.name;
    const mod = ctx.mod;
    const te = mod.values.has(targetName) ? undefined : mod.types.get(targetName);
    if (te && te.kind === 'Enum') {
      ctx.names.set(callee.target, ctx.enumNameSym(te.enum));
      ctx.setType(callee.target, NULL);
      ctx.setType(callee, NULL);
      const variant = findByName(te.enum.variants, callee.name.name);
      if (!variant) {
        ctx.report('E0121', callee.name.span, [te.enum.name, callee.name.name], didYouMean(callee.name.name, te.enum.variants.map((v) => v.name)));
        return checkArgsLoosely(ctx, e);
      }
      ctx.fields.set(callee, { kind: 'Variant', enum: te.enum, variant });
      return checkVariantCall(ctx, e, te.enum, variant, expect);
    }
    const effect = mod.effects.get(targetName);
    if (effect && !mod.values.has(targetName)) {
      ctx.names.set(callee.target, ctx.effectSym(effect));
      ctx.setType(callee.target, NULL);
      ctx.setType(callee, NULL);
      ctx.report('E0165', e.span, [`${targetName}.${callee.name.name}`], [`write \`perform ${targetName}.${callee.name.name}(…)\``]);
      return checkArgsLoosely(ctx, e);
    }
  }
  const t = checkExpr(ctx, callee, null);
  if (ctx.prune(t).kind !== 'Error') ctx.report('E0104', callee.span, [printCallee(callee)]);
  return checkArgsLoosely(ctx, e);
}

function printCallee(e: A.Expr): string {
  return printExpr(e);
}

/** Checks the argument expressions of a call that could not be resolved (for the side tables). */
function checkArgsLoosely(ctx: Ctx, e: A.CallExpr): Type {
  if (e.spread) checkExpr(ctx, e.spread, null);
  for (const a of e.args) checkExpr(ctx, a.value, null);
  return ERROR;
}

function checkNamedCall(ctx: Ctx, e: A.CallExpr, callee: A.NameExpr, expect: Type | null): Type {
  const name = callee.name;
  ctx.setType(callee, NULL);
  if (name === ERROR_NAME) return checkArgsLoosely(ctx, e);
  const mod = ctx.mod;
  const local = ctx.scope.lookup(name);
  if (local) {
    ctx.names.set(callee, local);
    ctx.report('E0104', callee.span, [name]);
    return checkArgsLoosely(ctx, e);
  }
  if ((name === 'calls' || name === 'state') && !mod.values.has(name)) return checkSpecFunction(ctx, e, callee, name);
  const value = mod.values.get(name);
  if (value) {
    if (value.kind === 'Cell') {
      ctx.names.set(callee, ctx.cellSym(value.cell));
      return checkCellCall(ctx, e, value.cell);
    }
    ctx.names.set(callee, ctx.recordCtorSym(value.record));
    return checkRecordCall(ctx, e, value.record, expect);
  }
  const variant = pickVariant(ctx, name, expect, callee.span);
  if (variant) {
    ctx.names.set(callee, ctx.variantSym(variant.enum, variant.variant));
    return checkVariantCall(ctx, e, variant.enum, variant.variant, expect);
  }
  if (BUILTIN_NAMES.has(name)) {
    ctx.names.set(callee, ctx.builtinSym(name as BuiltinName));
    return checkBuiltinCall(ctx, e, name as BuiltinName);
  }
  if (name === 'ok' || name === 'err') {
    ctx.names.set(callee, ctx.resultCtorSym(name));
    return checkResultCall(ctx, e, name, expect);
  }
  const t = unknownValue(ctx, callee);
  ctx.setType(callee, t);
  return checkArgsLoosely(ctx, e);
}

// ---------------------------------------------------------------- arguments

export interface MatchedArgs {
  /** One entry per parameter/field, in declaration order; null when not given. */
  readonly ordered: (A.Arg | null)[];
}

/**
 * Matches positional then named arguments to `names`. Extra or misplaced
 * arguments are reported and their values checked; missing ones are reported
 * with `missingCode` unless `allowMissing`.
 */
export function matchArgs(
  ctx: Ctx,
  args: readonly A.Arg[],
  names: readonly string[],
  callee: string,
  span: Span,
  missingCode: 'E0108' | 'E0120' | null,
): MatchedArgs {
  const ordered: (A.Arg | null)[] = new Array<A.Arg | null>(names.length).fill(null);
  let seenNamed = false;
  let positional = 0;
  let extra = 0;
  for (const a of args) {
    if (a.name) {
      seenNamed = true;
      const idx = names.indexOf(a.name.name);
      if (idx < 0) {
        ctx.report('E0106', a.name.span, [callee, a.name.name], didYouMean(a.name.name, names));
        checkExpr(ctx, a.value, null);
      } else if (ordered[idx]) {
        ctx.report('E0107', a.name.span, [a.name.name]);
        checkExpr(ctx, a.value, null);
      } else ordered[idx] = a;
      continue;
    }
    if (seenNamed) {
      ctx.report('E0109', a.span);
      checkExpr(ctx, a.value, null);
      continue;
    }
    if (positional < names.length) ordered[positional] = a;
    else {
      extra++;
      checkExpr(ctx, a.value, null);
    }
    positional++;
  }
  if (extra > 0) {
    ctx.report('E0105', span, [callee, names.length, args.length]);
  } else if (missingCode && ordered.includes(null)) {
    const missing = names.filter((_, i) => !ordered[i]);
    if (missing.length > 0) ctx.report(missingCode, span, [missing.map((m) => m).join('`, `'), callee]);
  }
  return { ordered };
}

/**
 * Checks the arguments of a call to a cell or an effect operation against its
 * parameters (types, modes, second-class references); returns them in
 * declaration order.
 */
export function checkArgumentsAgainst(ctx: Ctx, args: readonly A.Arg[], cell: CellInfo, calleeName: string, span: Span, inst: ReadonlyMap<string, Type> = NO_INST): A.Arg[] {
  const { ordered } = matchArgs(ctx, args, ctx.paramNames(cell), calleeName, span, 'E0108');
  const out: A.Arg[] = [];
  let mutRefs: string[] | null = null;
  for (let i = 0; i < ordered.length; i++) {
    const a = ordered[i];
    if (!a) continue;
    out.push(a);
    const param = cell.params[i]!;
    const mode = param.param?.mode ?? 'value';
    const type = substitute(cell.paramTypes[i]!.type, inst);
    if (mode === 'mutref') {
      if (a.mode !== 'mutref') ctx.report('E0150', a.value.span, [param.name, calleeName], [`write \`mut ref ${a.value.kind === 'Name' ? a.value.name : '…'}\``]);
      checkMutRefArgument(ctx, a, type);
      if (a.value.kind === 'Name') (mutRefs ??= []).push(a.value.name);
      continue;
    }
    if (mode === 'ref' && a.mode !== 'ref') ctx.report('E0151', a.value.span, [param.name, calleeName]);
    if (mode !== 'ref' && a.mode !== 'plain') ctx.report('E0152', a.span, [a.mode === 'mutref' ? 'mut ref' : 'ref', calleeName]);
    expectType(ctx, a.value, type);
    // A borrowed value cannot be moved away (§8 rule 3): not into an `owned`
    // parameter, and a linear one not into a plain parameter either.
    const pruned = ctx.prune(type);
    if (mode === 'owned' || (mode === 'value' && pruned.kind === 'Record' && pruned.info.linear)) {
      checkNotReference(ctx, a.value, `moved into parameter \`${param.name}\` of \`${calleeName}\``);
    }
  }
  // The callee may have changed a variable passed `mut ref`: what we knew about it no longer holds.
  if (mutRefs !== null) {
    for (const n of mutRefs) {
      const sym = ctx.scope.lookup(n);
      if (sym) ctx.scope.forgetNarrowing(sym);
    }
  }
  return out;
}

/** `mut ref x`: `x` must be a mutable variable whose declared type is exactly the parameter's. */
function checkMutRefArgument(ctx: Ctx, a: A.Arg, type: Type): void {
  const v = a.value;
  if (v.kind !== 'Name') {
    if (a.mode === 'mutref') ctx.report('E0154', v.span);
    expectType(ctx, v, type);
    return;
  }
  const t = checkExpr(ctx, v, type);
  const sym = ctx.names.get(v);
  if (!sym || sym.kind !== 'Local') {
    if (ctx.prune(t).kind !== 'Error' && a.mode === 'mutref') ctx.report('E0154', v.span);
    return;
  }
  if (!sym.mutable && a.mode === 'mutref') ctx.report('E0153', v.span, [sym.name]);
  if (!ctx.u.unify(type, sym.type)) reportMismatch(ctx, v, type, sym.type);
}

// ---------------------------------------------------------------- cells

function checkCellCall(ctx: Ctx, e: A.CallExpr, cell: CellInfo): Type {
  const cur = ctx.cell;
  if (e.spread) {
    ctx.report('E0134', e.spread.span, [cell.name]);
    checkExpr(ctx, e.spread, null);
  }
  if (cell.effectOp) ctx.report('E0165', e.span, [cell.name]);
  const typeArgs = cell.typeParams.length === 0 ? NO_TYPES : cell.typeParams.map(() => ctx.u.fresh());
  const inst = paramMap(cell.typeParams, typeArgs);
  const args = checkArgumentsAgainst(ctx, e.args, cell, cell.name, e.span, inst);
  ctx.setCall(e, { kind: 'Cell', cell, args, typeArgs });
  if (ctx.spec) {
    if (!cell.decl.pure) ctx.report('E0194', e.callee.span, [cell.name], ['only `pure` cells and `len`, `abs`, `min`, `max` may be called in a specification']);
  } else if (cur.info) {
    if (cur.pure && !cell.decl.pure) ctx.report('E0172', e.callee.span, [cur.info.name, cell.name]);
    else {
      for (const eff of cell.effects) {
        if (!effectAllowed(ctx, eff.effect)) ctx.report('E0163', e.callee.span, [cell.name, eff.effect.name, cur.info.name], [`add \`${eff.effect.name}\` to the effect row of \`${cur.info.name}\`, or handle it here`]);
      }
    }
  }
  return substitute(cell.ret.type, inst);
}

// ---------------------------------------------------------------- constructors

/** Type arguments for a generic record/enum: the expected type's when it is the same declaration. */
function typeArgsFor(ctx: Ctx, info: RecordInfo | EnumInfo, kind: 'Record' | 'Enum', expect: Type | null): Type[] {
  if (info.typeParams.length === 0) return [];
  const exp = expect ? ctx.prune(expect) : null;
  const candidates = exp ? (exp.kind === 'Union' ? exp.members : [exp]) : [];
  for (const c of candidates) if (c.kind === kind && c.info === info) return [...c.args];
  return info.typeParams.map(() => ctx.u.fresh());
}

function checkRecordCall(ctx: Ctx, e: A.CallExpr, record: RecordInfo, expect: Type | null): Type {
  const args = typeArgsFor(ctx, record, 'Record', expect);
  const type: Type = args.length === 0 ? ctx.monoType(record, 'Record') : { kind: 'Record', info: record, args };
  const inst = paramMap(record.typeParams, args);
  if (e.spread) expectType(ctx, e.spread, type);
  const { ordered } = matchArgs(ctx, e.args, ctx.fieldNames(record), record.name, e.span, e.spread ? null : 'E0120');
  const fields: (A.Expr | null)[] = [];
  for (let i = 0; i < ordered.length; i++) {
    const a = ordered[i];
    fields.push(a ? a.value : null);
    if (!a) continue;
    if (a.mode !== 'plain') ctx.report('E0152', a.span, [a.mode === 'mutref' ? 'mut ref' : 'ref', record.name]);
    expectType(ctx, a.value, substitute(record.fields[i]!.type.type, inst));
    checkNotReference(ctx, a.value, 'stored in a record');
  }
  ctx.setCall(e, { kind: 'Record', record, fields, spread: e.spread });
  return type;
}

function checkVariantCall(ctx: Ctx, e: A.CallExpr, info: EnumInfo, variant: VariantInfo, expect: Type | null): Type {
  if (e.spread) {
    ctx.report('E0134', e.spread.span, [variant.name]);
    checkExpr(ctx, e.spread, null);
  }
  const type = enumTypeFor(ctx, info, expect);
  const t = ctx.prune(type);
  const inst = paramMap(info.typeParams, t.kind === 'Enum' ? t.args : []);
  const { ordered } = matchArgs(ctx, e.args, ctx.fieldNames(variant), variant.name, e.span, 'E0108');
  const args: A.Expr[] = [];
  for (let i = 0; i < ordered.length; i++) {
    const a = ordered[i];
    if (!a) continue;
    if (a.mode !== 'plain') ctx.report('E0152', a.span, [a.mode === 'mutref' ? 'mut ref' : 'ref', variant.name]);
    expectType(ctx, a.value, substitute(variant.fields[i]!.type.type, inst));
    checkNotReference(ctx, a.value, 'stored in a variant');
    args.push(a.value);
  }
  ctx.setCall(e, { kind: 'Variant', enum: info, variant, args });
  return type;
}

function checkResultCall(ctx: Ctx, e: A.CallExpr, which: 'ok' | 'err', expect: Type | null): Type {
  const exp = expect ? ctx.prune(expect) : null;
  const expected = exp && exp.kind === 'Result' ? exp : null;
  const positional = e.args.filter((a) => a.name === null);
  if (e.spread) checkExpr(ctx, e.spread, null);
  for (const a of e.args) if (a.name) ctx.report('E0133', a.name.span, [which]);
  if (e.args.length !== 1 || positional.length !== 1) {
    if (e.args.length !== 1) ctx.report('E0105', e.span, [which, 1, e.args.length]);
    for (const a of e.args) checkExpr(ctx, a.value, null);
    return expected ?? ERROR;
  }
  const arg = positional[0]!;
  const inner = expected ? (which === 'ok' ? expected.ok : expected.err) : null;
  const t = inner ? expectType(ctx, arg.value, inner) : checkExpr(ctx, arg.value, null);
  checkNotReference(ctx, arg.value, `stored in \`${which}(…)\``);
  ctx.setCall(e, { kind: 'ResultCtor', which, arg: arg.value });
  if (expected) return expected;
  return which === 'ok' ? { kind: 'Result', ok: t, err: ctx.u.fresh() } : { kind: 'Result', ok: ctx.u.fresh(), err: t };
}

// ---------------------------------------------------------------- built-ins

function checkBuiltinCall(ctx: Ctx, e: A.CallExpr, name: BuiltinName): Type {
  const cur = ctx.cell;
  if (ctx.spec && !SPEC_BUILTINS.has(name)) ctx.report('E0194', e.callee.span, [name]);
  if (!ctx.spec && name === 'print' && cur.pure && cur.info) ctx.report('E0171', e.callee.span, [cur.info.name]);
  if (e.spread) {
    ctx.report('E0134', e.spread.span, [name]);
    checkExpr(ctx, e.spread, null);
  }
  for (const a of e.args) {
    if (a.name) ctx.report('E0133', a.name.span, [name]);
    if (a.mode !== 'plain') ctx.report('E0152', a.span, [a.mode === 'mutref' ? 'mut ref' : 'ref', name]);
  }
  const values: A.Expr[] = [];
  for (const a of e.args) values.push(a.value);
  const arity = name === 'min' || name === 'max' || name === 'push' || name === 'range' ? 2 : 1;
  ctx.setCall(e, { kind: 'Builtin', name, args: values });
  if (values.length !== arity) {
    ctx.report('E0105', e.span, [name, arity, values.length]);
    for (const v of values) checkExpr(ctx, v, null);
    return builtinFallback(name);
  }
  const a = values[0]!;
  const b = values[1];
  switch (name) {
    case 'print':
    case 'to_string':
      checkExpr(ctx, a, null);
      return name === 'print' ? NULL : STRING;
    case 'len': {
      const t = ctx.prune(checkExpr(ctx, a, null));
      if (t.kind !== 'List' && t.kind !== 'String' && t.kind !== 'Map' && t.kind !== 'Error') ctx.report('E0103', a.span, ['list, String or map', typeText(ctx, t)]);
      return INT;
    }
    case 'abs': {
      const t = ctx.prune(checkExpr(ctx, a, null));
      if (t.kind === 'Int' || t.kind === 'Float' || t.kind === 'Error') return t;
      ctx.report('E0103', a.span, ['Int or Float', typeText(ctx, t)]);
      return ERROR;
    }
    case 'min':
    case 'max': {
      const t = ctx.prune(checkExpr(ctx, a, null));
      if (t.kind !== 'Int' && t.kind !== 'Float') {
        if (t.kind !== 'Error') ctx.report('E0103', a.span, ['Int or Float', typeText(ctx, t)]);
        checkExpr(ctx, b!, null);
        return ERROR;
      }
      expectType(ctx, b!, t);
      return t;
    }
    case 'to_float':
      expectType(ctx, a, INT);
      return FLOAT;
    case 'to_int':
      expectType(ctx, a, FLOAT);
      return INT;
    case 'range':
      expectType(ctx, a, INT);
      expectType(ctx, b!, INT);
      return { kind: 'List', elem: INT };
    case 'push': {
      const t = ctx.prune(checkExpr(ctx, a, null));
      if (t.kind === 'List') {
        expectType(ctx, b!, t.elem);
        checkNotReference(ctx, b!, 'stored in a list');
        return t;
      }
      if (t.kind !== 'Error') ctx.report('E0103', a.span, ['list[T]', typeText(ctx, t)]);
      checkExpr(ctx, b!, null);
      return ERROR;
    }
  }
}

function typeText(ctx: Ctx, t: Type): string {
  return typeToString(ctx.u.zonk(t, null));
}

function builtinFallback(name: BuiltinName): Type {
  switch (name) {
    case 'print':
      return NULL;
    case 'to_string':
      return STRING;
    case 'len':
      return INT;
    case 'to_float':
      return FLOAT;
    case 'to_int':
      return INT;
    default:
      return ERROR;
  }
}

// ---------------------------------------------------------------- specification functions

/** `calls(E)` (performs of E so far) and `state(x)` (the typestate of x); both are Ints. */
function checkSpecFunction(ctx: Ctx, e: A.CallExpr, callee: A.NameExpr, name: 'calls' | 'state'): Type {
  ctx.names.set(callee, { kind: 'SpecFn', name });
  if (!ctx.spec) ctx.report('E0190', e.span, [name]);
  if (e.spread) checkExpr(ctx, e.spread, null);
  const arg = e.args.length === 1 && e.args[0]!.name === null ? e.args[0]!.value : null;
  if (!arg) {
    ctx.report('E0105', e.span, [name, 1, e.args.length]);
    for (const a of e.args) checkExpr(ctx, a.value, null);
    return INT;
  }
  if (name === 'calls') {
    const effect = arg.kind === 'Name' && !ctx.scope.lookup(arg.name) ? ctx.mod.effects.get(arg.name) : undefined;
    if (!effect) {
      checkExpr(ctx, arg, null);
      ctx.report('E0197', arg.span);
      return INT;
    }
    ctx.names.set(arg as A.NameExpr, ctx.effectSym(effect));
    ctx.setType(arg, NULL);
    ctx.setCall(e, { kind: 'Calls', effect });
    return INT;
  }
  const t = ctx.prune(checkExpr(ctx, arg, null));
  if (t.kind === 'Record' && t.info.typestate) {
    ctx.setCall(e, { kind: 'State', arg, typestate: t.info.typestate });
  } else if (t.kind !== 'Error') {
    ctx.report('E0198', arg.span, [typeToString(ctx.u.zonk(t, null))]);
  }
  return INT;
}
