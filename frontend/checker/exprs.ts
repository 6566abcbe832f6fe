// Expressions: literals, names, operators, fields, indexing, lists, tuples,
// `if`, `?`, `!`, quantifiers, `old`, effects (`handle`, `perform`, `resume`)
// and `halt`. Calls live in calls.ts, `match` and patterns in patterns.ts.
//
// `checkExpr(e, expect)` infers a type and records it in `exprTypes`; `expect`
// is only a hint (for `[]`, generic variants, branch joins) or `'discard'` when
// the value is unused. `expectType` also reports a mismatch against it.

import type * as A from '../ast.js';
import { typeToString } from '../typeprint.js';
import type { LocalSymbol, Type } from '../types.js';
import { BOOL, ERROR, FLOAT, INT, NEVER, NULL, STRING } from '../types.js';
import { checkCall } from './calls.js';
import { checkHandle, checkPerform, checkResume } from './effects.js';
import { checkName, checkNotReference, enumTypeFor, localType } from './names.js';
import type { Ctx } from './context.js';
import { checkMatch } from './patterns.js';
import { didYouMean } from './scope.js';
import { checkBlock, checkBlockNarrowed, branchValueSpan } from './stmts.js';
import { isNullable, optional, paramMap, removeNull, resolveType, substitute } from './types.js';

/** The first item called `name` (fields, variants: a loop, no closure). */
export function findByName<T extends { readonly name: string }>(items: readonly T[], name: string): T | undefined {
  for (let i = 0; i < items.length; i++) if (items[i]!.name === name) return items[i];
  return undefined;
}

/** A type hint, no hint, or "the value is not used". */
export type Expect = Type | null | 'discard';

export function hint(expect: Expect): Type | null {
  return expect === null || expect === 'discard' ? null : expect;
}

/** Checks `e` against `expected`, reporting E0103 on a mismatch. */
export function expectType(ctx: Ctx, e: A.Expr, expected: Type): Type {
  const t = checkExpr(ctx, e, expected);
  // A type is always assignable to itself (and binds nothing): the usual case, `Int` where `Int` is expected.
  if (t === expected) return t;
  if (!ctx.u.assignable(expected, t)) {
    reportMismatch(ctx, e, expected, t);
    return expected;
  }
  return t;
}

export function reportMismatch(ctx: Ctx, e: A.Expr | { span: A.Expr['span'] }, expected: Type, actual: Type): void {
  const u = ctx.u;
  const exp = u.zonk(expected, null);
  const act = u.zonk(actual, null);
  const notes: string[] = [];
  if (isNullable(act) && !isNullable(exp)) notes.push('the value may be `null`: test it with `!= null` first, or use `!`');
  if ((exp.kind === 'Float' && act.kind === 'Int') || (exp.kind === 'Int' && act.kind === 'Float')) {
    notes.push(`Int and Float do not mix implicitly: use \`${exp.kind === 'Float' ? 'to_float' : 'to_int'}(…)\``);
  }
  ctx.report('E0103', e.span, [typeToString(exp), typeToString(act)], notes);
}

export function checkBool(ctx: Ctx, e: A.Expr): void {
  expectType(ctx, e, BOOL);
}

export function checkExpr(ctx: Ctx, e: A.Expr, expect: Expect = null): Type {
  return ctx.setType(e, infer(ctx, e, expect));
}

function infer(ctx: Ctx, e: A.Expr, expect: Expect): Type {
  switch (e.kind) {
    case 'Int':
      return INT;
    case 'Float':
      return FLOAT;
    case 'Bool':
      return BOOL;
    case 'Null':
      return NULL;
    case 'String':
      for (const p of e.parts) if (typeof p !== 'string') checkExpr(ctx, p, null);
      return STRING;
    case 'Name':
      return checkName(ctx, e, hint(expect));
    case 'Binary':
      return checkBinary(ctx, e);
    case 'Unary':
      return checkUnary(ctx, e);
    case 'Call':
      return checkCall(ctx, e, hint(expect));
    case 'Index':
      return checkIndex(ctx, e);
    case 'Field':
      return checkField(ctx, e, hint(expect));
    case 'Try':
      return checkTry(ctx, e);
    case 'NonNull': {
      const t = ctx.prune(checkExpr(ctx, e.expr, null));
      if (t.kind === 'Error') return ERROR;
      if (!isNullable(t)) {
        ctx.report('W0100', e.span, [typeToString(ctx.u.zonk(t, null))]);
        return t;
      }
      return removeNull(t);
    }
    case 'List':
      return checkList(ctx, e, hint(expect));
    case 'Tuple': {
      const h = hint(expect);
      const ht = h ? ctx.prune(h) : null;
      const elems: Type[] = [];
      for (let i = 0; i < e.elems.length; i++) {
        const x = e.elems[i]!;
        elems.push(checkExpr(ctx, x, ht && ht.kind === 'Tuple' ? (ht.elems[i] ?? null) : null));
        checkNotReference(ctx, x, 'stored in a tuple');
      }
      return { kind: 'Tuple', elems };
    }
    case 'If':
      return checkIf(ctx, e, expect);
    case 'Match':
      return checkMatch(ctx, e, expect);
    case 'Handle':
      return checkHandle(ctx, e, expect);
    case 'Perform':
      return checkPerform(ctx, e);
    case 'Resume':
      return checkResume(ctx, e);
    case 'Halt':
      if (ctx.spec) ctx.report('E0195', e.span, ['`halt`']);
      if (e.message) expectType(ctx, e.message, STRING);
      return NEVER;
    case 'Quant':
      return checkQuant(ctx, e);
    case 'Old':
      if (!ctx.spec) ctx.report('E0190', e.span, ['old']);
      else if (ctx.spec.kind !== 'ensures') ctx.report('E0191', e.span);
      return checkExpr(ctx, e.expr, hint(expect));
    case 'BlockExpr':
      return checkBlock(ctx, e.block, expect);
  }
}

// ---------------------------------------------------------------- operators

function typeText(ctx: Ctx, t: Type): string {
  return typeToString(ctx.u.zonk(t, null));
}

function isNumeric(t: Type): boolean {
  return t.kind === 'Int' || t.kind === 'Float';
}

function checkUnary(ctx: Ctx, e: A.UnaryExpr): Type {
  if (e.op === 'not') {
    checkBool(ctx, e.operand);
    return BOOL;
  }
  const t = ctx.prune(checkExpr(ctx, e.operand, null));
  if (t.kind === 'Error' || isNumeric(t)) return t;
  ctx.report('E0116', e.span, ['-', typeText(ctx, t)]);
  return ERROR;
}

function checkBinary(ctx: Ctx, e: A.BinaryExpr): Type {
  switch (e.op) {
    case 'and':
    case 'or':
    case 'implies': {
      if (e.op === 'implies' && !ctx.spec) ctx.report('E0190', e.span, ['implies']);
      checkBool(ctx, e.left);
      // `x != null and x > 0`: the right operand sees what the left one established.
      const narrow = condNarrowings(ctx, e.left, e.op !== 'or');
      if (narrow.length === 0) checkBool(ctx, e.right);
      else {
        const saved = ctx.openScope();
        for (const [sym, t] of narrow) ctx.scope.setNarrow(sym, t);
        checkBool(ctx, e.right);
        ctx.scope = saved;
      }
      return BOOL;
    }
    case '==':
    case '!=':
      return checkEquality(ctx, e);
    case '<':
    case '<=':
    case '>':
    case '>=': {
      const l = ctx.prune(checkExpr(ctx, e.left, null));
      const r = ctx.prune(checkExpr(ctx, e.right, l));
      if (l.kind === 'Error' || r.kind === 'Error') return BOOL;
      const ok = l.kind === r.kind && (isNumeric(l) || l.kind === 'String');
      if (!ok) ctx.report('E0115', e.span, [e.op, typeText(ctx, l), typeText(ctx, r)]);
      return BOOL;
    }
    case 'in':
      return checkIn(ctx, e);
    case '..':
    case '..=':
      expectType(ctx, e.left, INT);
      expectType(ctx, e.right, INT);
      return { kind: 'List', elem: INT };
    case '++': {
      const l = ctx.prune(checkExpr(ctx, e.left, null));
      const r = ctx.prune(checkExpr(ctx, e.right, l));
      if (l.kind === 'Error' || r.kind === 'Error') return ERROR;
      if (l.kind === 'String' && r.kind === 'String') return STRING;
      if (l.kind === 'List' && r.kind === 'List') {
        const elem = ctx.u.join(l.elem, r.elem);
        if (elem) return { kind: 'List', elem };
      }
      ctx.report('E0115', e.span, ['++', typeText(ctx, l), typeText(ctx, r)]);
      return ERROR;
    }
    default:
      return checkArithmetic(ctx, e);
  }
}

function checkArithmetic(ctx: Ctx, e: A.BinaryExpr): Type {
  const l = ctx.prune(checkExpr(ctx, e.left, null));
  const r = ctx.prune(checkExpr(ctx, e.right, l));
  if (l.kind === 'Error' || r.kind === 'Error') return ERROR;
  const intOnly = e.op === '//' || e.op === '%' || e.op === '**';
  if (l.kind === 'Int' && r.kind === 'Int') return INT;
  if (l.kind === 'Float' && r.kind === 'Float' && !intOnly) return FLOAT;
  const notes: string[] = [];
  if (isNumeric(l) && isNumeric(r) && l.kind !== r.kind) notes.push('Int and Float do not mix implicitly: convert with `to_float(…)` or `to_int(…)`');
  else if (e.op === '+' && l.kind === 'String' && r.kind === 'String') notes.push('strings are joined with `++`');
  else if (intOnly && l.kind === 'Float') notes.push(`\`${e.op}\` is defined on Int only`);
  else if ((isNullable(l) && l.kind !== 'Null') || (isNullable(r) && r.kind !== 'Null')) notes.push('the value may be `null`: test it with `!= null` first, or use `!`');
  ctx.report('E0115', e.span, [e.op, typeText(ctx, l), typeText(ctx, r)], notes);
  return ERROR;
}

function checkEquality(ctx: Ctx, e: A.BinaryExpr): Type {
  // `state(f) == Open`: the state name is resolved against the typestate of `f`.
  if (ctx.spec) {
    const [call, other] = isStateCall(e.left) ? [e.left, e.right] : isStateCall(e.right) ? [e.right, e.left] : [null, null];
    if (call && other && other.kind === 'Name') {
      checkExpr(ctx, call, null);
      const target = ctx.calls.get(call);
      if (target && target.kind === 'State' && target.typestate.states.includes(other.name) && !ctx.scope.lookup(other.name)) {
        const ts = target.typestate;
        ctx.names.set(other, { kind: 'State', typestate: ts, state: other.name, index: ts.states.indexOf(other.name) });
        ctx.setType(other, INT);
        return BOOL;
      }
      if (target && target.kind === 'State' && !ctx.scope.lookup(other.name) && !ctx.stateNames.has(other.name)) {
        const ts = target.typestate;
        ctx.setType(other, ERROR);
        ctx.report('E0211', other.span, [other.name, ts.record.name], didYouMean(other.name, ts.states));
        return BOOL;
      }
      checkExpr(ctx, other, INT);
      return BOOL;
    }
  }
  const l = ctx.prune(checkExpr(ctx, e.left, null));
  const r = ctx.prune(checkExpr(ctx, e.right, l));
  if (!comparable(ctx, l, r)) ctx.report('E0129', e.span, [typeText(ctx, l), typeText(ctx, r)]);
  return BOOL;
}

function isStateCall(e: A.Expr): e is A.CallExpr {
  return e.kind === 'Call' && e.callee.kind === 'Name' && e.callee.name === 'state';
}

export function comparable(ctx: Ctx, l: Type, r: Type): boolean {
  if (l.kind === 'Error' || r.kind === 'Error' || l.kind === 'Never' || r.kind === 'Never') return true;
  return ctx.u.assignable(l, r) || ctx.u.assignable(r, l);
}

function checkIn(ctx: Ctx, e: A.BinaryExpr): Type {
  const r = e.right;
  if (r.kind === 'Binary' && (r.op === '..' || r.op === '..=')) {
    expectType(ctx, e.left, INT);
    checkExpr(ctx, r, null);
    return BOOL;
  }
  const l = ctx.prune(checkExpr(ctx, e.left, null));
  const rt = ctx.prune(checkExpr(ctx, r, null));
  if (rt.kind === 'Error' || l.kind === 'Error') return BOOL;
  if (rt.kind === 'List') {
    if (!comparable(ctx, rt.elem, l)) ctx.report('E0129', e.span, [typeText(ctx, l), typeText(ctx, rt.elem)]);
    return BOOL;
  }
  ctx.report('E0115', e.span, ['in', typeText(ctx, l), typeText(ctx, rt)], ['`in` tests membership in a list or a range `a..b`']);
  return BOOL;
}

// ---------------------------------------------------------------- narrowing

/** A local and the type it has where a condition holds. */
export type Narrowing = [LocalSymbol, Type];

const NO_NARROWINGS: readonly Narrowing[] = [];

/** `[local, type]` pairs that hold when `cond` evaluates to `positive` (a shared empty list when none). */
export function condNarrowings(ctx: Ctx, cond: A.Expr, positive: boolean): readonly Narrowing[] {
  if (cond.kind === 'Unary' && cond.op === 'not') return condNarrowings(ctx, cond.operand, !positive);
  if (cond.kind !== 'Binary') return NO_NARROWINGS;
  if ((cond.op === 'and' && positive) || (cond.op === 'or' && !positive)) {
    const l = condNarrowings(ctx, cond.left, positive);
    const r = condNarrowings(ctx, cond.right, positive);
    return r.length === 0 ? l : l.length === 0 ? r : [...l, ...r];
  }
  if (cond.op !== '==' && cond.op !== '!=') return NO_NARROWINGS;
  const [name, other] = cond.left.kind === 'Name' ? [cond.left, cond.right] : [cond.right, cond.left];
  if (name.kind !== 'Name' || other.kind !== 'Null') return NO_NARROWINGS;
  const sym = ctx.names.get(name);
  if (!sym || sym.kind !== 'Local') return NO_NARROWINGS;
  const current = ctx.prune(localType(ctx, sym));
  if (!isNullable(current) || current.kind === 'Null') return NO_NARROWINGS;
  const nonNull = (cond.op === '!=') === positive;
  return [[sym, nonNull ? removeNull(current) : NULL]];
}

// ---------------------------------------------------------------- compound expressions

function checkIndex(ctx: Ctx, e: A.IndexExpr): Type {
  const t = ctx.prune(checkExpr(ctx, e.target, null));
  switch (t.kind) {
    case 'List':
      expectType(ctx, e.index, INT);
      return t.elem;
    case 'String':
      expectType(ctx, e.index, INT);
      return STRING;
    case 'Map':
      expectType(ctx, e.index, t.key);
      return optional(t.value);
    case 'Error':
      checkExpr(ctx, e.index, null);
      return ERROR;
    default:
      checkExpr(ctx, e.index, null);
      ctx.report('E0114', e.span, [typeText(ctx, t)], t.kind === 'Tuple' ? ['tuple elements are read with `t.0`, `t.1`, …'] : []);
      return ERROR;
  }
}

function checkField(ctx: Ctx, e: A.FieldExpr, expect: Type | null): Type {
  const name = e.name.name;
  // `Shape.Empty`: an enum name before the dot.
  if (e.target.kind === 'Name' && !ctx.scope.lookup(e.target.name) && !ctx.mod.values.has(e.target.name)) {
    const te = ctx.mod.types.get(e.target.name);
    if (te && te.kind === 'Enum') {
      const info = te.enum;
      ctx.names.set(e.target, ctx.enumNameSym(info));
      ctx.setType(e.target, NULL);
      const variant = findByName(info.variants, name);
      if (!variant) {
        ctx.report('E0121', e.name.span, [info.name, name], didYouMean(name, info.variants.map((v) => v.name)));
        return ERROR;
      }
      ctx.fields.set(e, { kind: 'Variant', enum: info, variant });
      if (variant.fields.length > 0) {
        ctx.report('E0122', e.span, [name]);
        return ERROR;
      }
      return enumTypeFor(ctx, info, expect);
    }
    if (ctx.mod.imports.has(e.target.name) && !ctx.mod.effects.has(e.target.name)) {
      ctx.setType(e.target, ERROR);
      ctx.report('E0131', e.target.span, [e.target.name]);
      return ERROR;
    }
  }
  const t = ctx.prune(checkExpr(ctx, e.target, null));
  if (t.kind === 'Error') return ERROR;
  if (t.kind === 'Record') {
    const field = findByName(t.info.fields, name);
    if (field) {
      ctx.fields.set(e, { kind: 'RecordField', record: t.info, field });
      return substitute(field.type.type, paramMap(t.info.typeParams, t.args));
    }
    ctx.report('E0113', e.name.span, [typeText(ctx, t), name], didYouMean(name, t.info.fields.map((f) => f.name)));
    return ERROR;
  }
  if (t.kind === 'Tuple' && /^\d+$/.test(name)) {
    const index = Number(name);
    if (index < t.elems.length) {
      ctx.fields.set(e, { kind: 'TupleIndex', index });
      return t.elems[index]!;
    }
    ctx.report('E0128', e.name.span, [typeText(ctx, t), name]);
    return ERROR;
  }
  const notes = isNullable(t) && removeNull(t).kind === 'Record' ? ['the value may be `null`: test it with `!= null` first, or use `!`'] : [];
  ctx.report('E0113', e.name.span, [typeText(ctx, t), name], notes);
  return ERROR;
}

function checkTry(ctx: Ctx, e: A.TryExpr): Type {
  if (ctx.spec) ctx.report('E0195', e.span, ['`?`']);
  const t = ctx.prune(checkExpr(ctx, e.expr, null));
  if (t.kind === 'Error') return ERROR;
  if (t.kind !== 'Result') {
    ctx.report('E0126', e.span, [typeText(ctx, t)]);
    return ERROR;
  }
  const ret = ctx.prune(ctx.cell.ret);
  const cellName = ctx.cell.info?.name ?? '';
  if (ret.kind !== 'Result') {
    if (ret.kind !== 'Error') ctx.report('E0125', e.span, [cellName, typeText(ctx, ret)]);
    return t.ok;
  }
  if (!ctx.u.assignable(ret.err, t.err)) ctx.report('E0127', e.span, [typeText(ctx, t.err), typeText(ctx, ret.err)]);
  return t.ok;
}

function checkList(ctx: Ctx, e: A.ListExpr, expect: Type | null): Type {
  const exp = expect ? ctx.prune(expect) : null;
  const elemHint = exp && exp.kind === 'List' ? exp.elem : null;
  if (e.elems.length === 0) return { kind: 'List', elem: elemHint ?? ctx.u.fresh() };
  let elem: Type | null = null;
  let allFit = elemHint !== null;
  for (const x of e.elems) {
    const t = checkExpr(ctx, x, elemHint);
    checkNotReference(ctx, x, 'stored in a list');
    if (elemHint && !ctx.u.assignable(elemHint, t)) allFit = false;
    if (elem === null) {
      elem = t;
      continue;
    }
    const j = ctx.u.join(elem, t);
    if (j === null) reportMismatch(ctx, x, elem, t);
    else elem = j;
  }
  return { kind: 'List', elem: allFit && elemHint ? elemHint : (elem ?? ERROR) };
}

/** `if`: joins the branches; without `else` its value is `Null`. */
function checkIf(ctx: Ctx, e: A.IfExpr, expect: Expect): Type {
  checkBool(ctx, e.cond);
  const pos = condNarrowings(ctx, e.cond, true);
  const neg = condNarrowings(ctx, e.cond, false);
  if (e.else === null) {
    const thenT = checkBlockNarrowed(ctx, e.then, 'discard', pos);
    ctx.lastIf = e;
    ctx.lastIfThen = thenT;
    ctx.lastIfElse = null;
    return NULL;
  }
  const thenT = checkBlockNarrowed(ctx, e.then, expect, pos);
  const elseBranch = e.else;
  let elseT: Type;
  if (elseBranch.kind === 'If') {
    if (neg.length === 0) elseT = checkExpr(ctx, elseBranch, expect);
    else {
      const saved = ctx.openScope();
      for (const [sym, t] of neg) ctx.scope.setNarrow(sym, t);
      elseT = checkExpr(ctx, elseBranch, expect);
      ctx.scope = saved;
    }
  } else elseT = checkBlockNarrowed(ctx, elseBranch, expect, neg);
  const t =
    expect === 'discard'
      ? joinDiscarded(ctx, thenT, elseT)
      : joinBranches(ctx, 'if', expect, [
          { type: thenT, span: branchValueSpan(e.then) },
          { type: elseT, span: elseBranch.kind === 'If' ? elseBranch.span : branchValueSpan(elseBranch) },
        ]);
  ctx.lastIf = e;
  ctx.lastIfThen = thenT;
  ctx.lastIfElse = elseT;
  return t;
}

/** `joinBranches` of two branches whose value is not used. */
function joinDiscarded(ctx: Ctx, a: Type, b: Type): Type {
  return ctx.prune(a).kind === 'Never' && ctx.prune(b).kind === 'Never' ? NEVER : NULL;
}

/** The type of `if`/`match`/`handle` from its branches, reporting incompatible ones. */
export function joinBranches(ctx: Ctx, what: string, expect: Expect, branches: readonly { type: Type; span: A.Expr['span'] }[]): Type {
  const allNever = branches.length > 0 && branches.every((b) => ctx.prune(b.type).kind === 'Never');
  if (expect === 'discard') return allNever ? NEVER : NULL;
  let acc: Type = NEVER;
  let ok = true;
  for (const b of branches) {
    if (expect !== null && !ctx.u.assignable(expect, b.type)) {
      reportMismatch(ctx, b, expect, b.type);
      ok = false;
      continue;
    }
    const j = ctx.u.join(acc, b.type);
    if (j === null) {
      if (expect === null) ctx.report('E0117', b.span, [what, typeText(ctx, acc), typeText(ctx, b.type)]);
      ok = false;
      acc = expect ?? ERROR;
      continue;
    }
    acc = j;
  }
  if (!ok) return expect ?? ERROR;
  return acc;
}

function checkQuant(ctx: Ctx, e: A.QuantExpr): Type {
  if (!ctx.spec) ctx.report('E0190', e.span, [e.quantifier]);
  let varType: Type = INT;
  const d = e.domain;
  if (d) {
    if (d.kind === 'Binary' && (d.op === '..' || d.op === '..=')) {
      checkExpr(ctx, d, null);
    } else {
      const t = ctx.prune(checkExpr(ctx, d, null));
      if (t.kind === 'List') varType = t.elem;
      else if (t.kind === 'Error') varType = ERROR;
      else {
        ctx.report('E0118', d.span, [typeText(ctx, t)]);
        varType = ERROR;
      }
    }
  }
  if (e.type) {
    const declared = resolveType(ctx, e.type);
    if (d && !ctx.u.assignable(declared, varType)) reportMismatch(ctx, d, declared, varType);
    varType = declared;
  }
  const saved = ctx.openScope();
  const local = ctx.newLocal(e.variable.name, varType, false, e.variable.span);
  ctx.declare(local);
  ctx.quantVars.set(e, local);
  checkBool(ctx, e.body);
  ctx.scope = saved;
  return BOOL;
}
