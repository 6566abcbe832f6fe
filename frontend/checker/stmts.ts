// Blocks and statements: `let` (declared types, refinements, destructuring),
// assignment and mutability, loops (with their invariants and `decreases`),
// `return`, `break`/`continue`, `assert`/`assume`, and flow-sensitive
// narrowing (`if x == null return … end` narrows `x` for the rest of the
// block; an assignment or a `mut ref` call forgets what was known).

import type * as A from '../ast.js';
import { printExpr } from '../printer.js';
import type { Span } from '../span.js';
import type { LocalSymbol, RefinedType, Type } from '../types.js';
import { BOOL, ERROR, INT, NEVER, NULL, STRING } from '../types.js';
import type { Ctx, SpecKind } from './context.js';
import { plainSpec } from './context.js';
import { resolveWithBinder } from './decls.js';
import { checkBool, checkExpr, condNarrowings, expectType, reportMismatch, type Expect, type Narrowing } from './exprs.js';
import { checkNotReference, checkNotReferenceIn, localType } from './names.js';
import { checkPattern, requireIrrefutable } from './patterns.js';
import { assignedNames } from './walk.js';
import { resolveRefinedType } from './types.js';
import { typeToString } from '../typeprint.js';

/** The span of the value of a block (its last expression), for branch mismatches. */
export function branchValueSpan(b: A.Block): Span {
  const last = b.stmts[b.stmts.length - 1];
  return last ? last.span : b.span;
}

/** Checks a block in a new scope; its type is that of its last expression (Null if none, Never if it cannot finish). */
export function checkBlock(ctx: Ctx, b: A.Block, expect: Expect): Type {
  const saved = ctx.openScope();
  const t = checkStmts(ctx, b, expect);
  ctx.scope = saved;
  return t;
}

/** `checkBlock` inside a scope where `narrow` holds (the branch of an `if`, the right of `and`). */
export function checkBlockNarrowed(ctx: Ctx, b: A.Block, expect: Expect, narrow: readonly Narrowing[]): Type {
  if (narrow.length === 0) return checkBlock(ctx, b, expect);
  const saved = ctx.openScope();
  for (const [sym, t] of narrow) ctx.scope.setNarrow(sym, t);
  const t = checkBlock(ctx, b, expect);
  ctx.scope = saved;
  return t;
}

/** Checks the statements of `b` in the current scope. */
export function checkStmts(ctx: Ctx, b: A.Block, expect: Expect): Type {
  let diverged = false;
  let value: Type = NULL;
  const n = b.stmts.length;
  for (let i = 0; i < n; i++) {
    const s = b.stmts[i]!;
    const last = i === n - 1;
    if (s.kind === 'ExprStmt') {
      const t = ctx.prune(checkExpr(ctx, s.expr, last ? expect : 'discard'));
      if (t.kind === 'Never') diverged = true;
      if (last) value = t;
      if (s.expr.kind === 'If') narrowAfterIf(ctx, s.expr);
      continue;
    }
    if (checkStmt(ctx, s)) diverged = true;
  }
  return diverged ? NEVER : value;
}

function isNever(ctx: Ctx, t: Type): boolean {
  return ctx.prune(t).kind === 'Never';
}

/** `if x == null return 0 end`: after it, `x` is not null. */
function narrowAfterIf(ctx: Ctx, e: A.IfExpr): void {
  // `checkIf` has just finished with `e` and left the types of its branches.
  if (ctx.lastIf !== e) return;
  const thenNever = isNever(ctx, ctx.lastIfThen);
  const elseNever = ctx.lastIfElse !== null && isNever(ctx, ctx.lastIfElse);
  if (thenNever === elseNever) return;
  for (const [sym, t] of condNarrowings(ctx, e.cond, !thenNever)) ctx.scope.setNarrow(sym, t);
}

/** Checks one non-expression statement; returns true when it never completes (return, break, continue). */
function checkStmt(ctx: Ctx, s: A.Stmt): boolean {
  switch (s.kind) {
    case 'Let':
      checkLet(ctx, s);
      return false;
    case 'Assign':
      checkAssign(ctx, s);
      return false;
    case 'While':
      checkWhile(ctx, s);
      return false;
    case 'For':
      checkFor(ctx, s);
      return false;
    case 'Return':
      checkReturn(ctx, s);
      return true;
    case 'Break':
    case 'Continue':
      if (ctx.cell.loopDepth === 0) ctx.report('E0200', s.span, [s.kind === 'Break' ? 'break' : 'continue']);
      return true;
    case 'Assert':
    case 'Assume':
      checkSpec(ctx, s.kind === 'Assert' ? 'assert' : 'assume', s.cond);
      // What an assertion states holds afterwards.
      for (const [sym, t] of condNarrowings(ctx, s.cond, true)) ctx.scope.setNarrow(sym, t);
      return false;
    case 'ExprStmt':
      return ctx.prune(checkExpr(ctx, s.expr, 'discard')).kind === 'Never';
  }
}

/** A Bool specification (`assert`, `invariant`, …) in the current scope. */
export function checkSpec(ctx: Ctx, kind: SpecKind, e: A.Expr, type: Type = BOOL): void {
  const saved = ctx.spec;
  ctx.spec = plainSpec(kind);
  expectType(ctx, e, type);
  ctx.spec = saved;
}

// ---------------------------------------------------------------- let

function checkLet(ctx: Ctx, s: A.LetStmt): void {
  const p = s.pattern;
  let declared: RefinedType | null = null;
  let local: LocalSymbol | null = null;
  if (s.type) {
    if (p.kind === 'PBind') {
      // The binder of `let x: Int where x > 0` is the new local itself.
      declared = resolveWithBinder(ctx, s.type, (base) => {
        local = ctx.newLocal(p.name.name, base, s.mutable, p.name.span);
        return local;
      }).refined;
    } else declared = resolveRefinedType(ctx, s.type, null);
    ctx.letTypes.set(s, declared);
  }
  const initT = declared ? expectType(ctx, s.init, declared.type) : checkExpr(ctx, s.init, null);
  // A linear value cannot be copied out of a borrow (§8 rules 3 and 4): neither bound nor destructured.
  if (isLinearType(ctx.prune(initT))) checkNotReference(ctx, s.init, p.kind === 'PBind' ? 'stored in another variable' : 'destructured (that would consume it)');
  if (p.kind === 'PBind' && local === null) {
    local = ctx.newLocal(p.name.name, declared ? declared.type : initT, s.mutable, p.name.span);
  }
  if (p.kind === 'PBind') {
    const sym = local!;
    ctx.declare(sym);
    ctx.patterns.set(p, { kind: 'Bind', local: sym });
    if (declared) {
      for (const r of declared.refinements) if (r.binder === sym) checkSpec(ctx, 'where', r.predicate);
    }
    return;
  }
  checkPattern(ctx, p, declared ? declared.type : initT, { kind: 'let', mutable: s.mutable });
  requireIrrefutable(ctx, p, 'let');
}

// ---------------------------------------------------------------- assignment

function checkAssign(ctx: Ctx, s: A.AssignStmt): void {
  const t = s.target;
  if (t.kind === 'Name') {
    const sym = ctx.scope.lookup(t.name);
    if (!sym) {
      const top = ctx.mod.values.get(t.name);
      if (top) {
        ctx.names.set(t, top.kind === 'Cell' ? { kind: 'Cell', cell: top.cell } : { kind: 'RecordCtor', record: top.record });
        ctx.setType(t, ERROR);
        ctx.report('E0182', t.span, [], [`\`${t.name}\` is ${top.kind === 'Cell' ? 'a cell' : 'a record type'}, not a variable`]);
      } else checkExpr(ctx, t, null);
      checkExpr(ctx, s.value, null);
      return;
    }
    ctx.names.set(t, sym);
    ctx.setType(t, sym.type);
    if (!sym.mutable) {
      const notes = sym.param ? [`\`${sym.name}\` is a parameter; declare it \`mut ref\` to assign through it, or copy it with \`let mut\``] : [];
      ctx.report('E0180', t.span, [sym.name], notes);
    }
    const vt = assignValue(ctx, s, sym.type);
    const cur = localType(ctx, sym);
    if (!(s.op === '=' && ctx.u.assignable(cur, vt))) ctx.scope.forgetNarrowing(sym);
    return;
  }
  if (t.kind === 'Index') {
    const base = t.target;
    const sym = base.kind === 'Name' ? ctx.scope.lookup(base.name) : undefined;
    const bt = ctx.prune(checkExpr(ctx, base, null));
    if (base.kind !== 'Name' || !sym) {
      if (bt.kind !== 'Error') ctx.report('E0182', t.span);
    } else if (!sym.mutable) ctx.report('E0183', base.span, [sym.name]);
    let elem: Type = ERROR;
    if (bt.kind === 'List') {
      expectType(ctx, t.index, INT);
      elem = bt.elem;
    } else if (bt.kind === 'Map') {
      expectType(ctx, t.index, bt.key);
      elem = bt.value;
    } else {
      checkExpr(ctx, t.index, null);
      if (bt.kind !== 'Error') ctx.report('E0114', t.span, [typeToString(ctx.u.zonk(bt, null))], bt.kind === 'String' ? ['strings are immutable'] : []);
    }
    ctx.setType(t, elem);
    assignValue(ctx, s, elem);
    return;
  }
  if (t.kind === 'Field') {
    checkExpr(ctx, t, null);
    const fieldName = t.name.name;
    const base = printExpr(t.target);
    const suggestion = `${base} = ${recordNameOf(ctx, t)}(..${base}, ${fieldName}: ${printExpr(s.value)})`;
    ctx.report('E0181', t.span, [fieldName, suggestion]);
    checkExpr(ctx, s.value, null);
    return;
  }
  checkExpr(ctx, t, null);
  ctx.report('E0182', t.span);
  checkExpr(ctx, s.value, null);
}

function recordNameOf(ctx: Ctx, t: A.FieldExpr): string {
  const target = ctx.fields.get(t);
  return target && target.kind === 'RecordField' ? target.record.name : 'Record';
}

/** The right-hand side of `=`, `+=`, `-=`, `*=` against the target's type. */
function assignValue(ctx: Ctx, s: A.AssignStmt, target: Type): Type {
  if (s.op === '=') {
    const t = expectType(ctx, s.value, target);
    checkNotReference(ctx, s.value, 'stored in another variable');
    return t;
  }
  const tt = ctx.prune(target);
  const vt = ctx.prune(checkExpr(ctx, s.value, tt));
  if (tt.kind === 'Error' || vt.kind === 'Error') return tt;
  const op = s.op.slice(0, 1);
  if (!((tt.kind === 'Int' || tt.kind === 'Float') && tt.kind === vt.kind)) {
    const notes = tt.kind === 'String' && op === '+' ? ['strings are joined with `++`: write `s = s ++ …`'] : [];
    ctx.report('E0115', s.span, [op, typeToString(ctx.u.zonk(tt, null)), typeToString(ctx.u.zonk(vt, null))], notes);
  }
  return tt;
}

// ---------------------------------------------------------------- loops

/** Narrowings of variables that the loop assigns do not hold in (or after) the loop. */
function forgetAssignedIn(ctx: Ctx, body: A.Block, extra: readonly A.Expr[]): void {
  // Nothing to forget (the usual case): skip the scan of the body.
  if (!ctx.scope.hasNarrowings()) return;
  for (const name of assignedNames(body, extra)) {
    const sym = ctx.scope.lookup(name);
    if (sym) ctx.scope.forgetNarrowing(sym);
  }
}

function checkLoopSpecs(ctx: Ctx, invariants: readonly A.Expr[], decreases: A.Expr | null): void {
  for (const inv of invariants) checkSpec(ctx, 'invariant', inv);
  if (decreases) checkSpec(ctx, 'decreases', decreases, INT);
}

/** A loop body, with `break` and `continue` allowed. */
function checkLoopBody(ctx: Ctx, body: A.Block): void {
  const cell = ctx.cell;
  cell.loopDepth++;
  checkBlock(ctx, body, 'discard');
  cell.loopDepth--;
}

function checkWhile(ctx: Ctx, s: A.WhileStmt): void {
  forgetAssignedIn(ctx, s.body, [s.cond]);
  checkBool(ctx, s.cond);
  const saved = ctx.openScope();
  checkLoopSpecs(ctx, s.invariants, s.decreases);
  for (const [sym, t] of condNarrowings(ctx, s.cond, true)) ctx.scope.setNarrow(sym, t);
  checkLoopBody(ctx, s.body);
  ctx.scope = saved;
}

function checkFor(ctx: Ctx, s: A.ForStmt): void {
  forgetAssignedIn(ctx, s.body, []);
  const it = s.iterable;
  let elem: Type;
  if (it.kind === 'Binary' && (it.op === '..' || it.op === '..=')) {
    checkExpr(ctx, it, null);
    elem = INT;
  } else {
    const t = ctx.prune(checkExpr(ctx, it, null));
    if (t.kind === 'List') elem = t.elem;
    else if (t.kind === 'String') elem = STRING;
    else {
      if (t.kind !== 'Error') ctx.report('E0118', it.span, [typeToString(ctx.u.zonk(t, null))], ['iterate over a range `a..b` or a list']);
      elem = ERROR;
    }
  }
  const saved = ctx.openScope();
  checkPattern(ctx, s.pattern, elem, { kind: 'for', mutable: false });
  requireIrrefutable(ctx, s.pattern, 'for');
  checkLoopSpecs(ctx, s.invariants, s.decreases);
  checkLoopBody(ctx, s.body);
  ctx.scope = saved;
}

// ---------------------------------------------------------------- return

function checkReturn(ctx: Ctx, s: A.ReturnStmt): void {
  const cell = ctx.cell;
  if (!cell.info || cell.handler || ctx.spec) {
    ctx.report('E0201', s.span);
    if (s.value) checkExpr(ctx, s.value, null);
    return;
  }
  if (s.value) {
    expectType(ctx, s.value, cell.ret);
    checkNotReferenceIn(ctx, s.value, 'returned');
  } else if (!ctx.u.assignable(cell.ret, NULL)) {
    reportMismatch(ctx, s, cell.ret, NULL);
  }
}

function isLinearType(t: Type): boolean {
  return t.kind === 'Record' && t.info.linear;
}
