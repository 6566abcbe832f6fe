// Traversal and rewriting of the checked IR for the fuzzer: which cells a
// cell can reach, the literals it mentions (the fuzzer's dictionary), and the
// one rewrite the fuzzer needs — every `assume` turned into a check of its own,
// so that a run whose inputs break an `assume` can be told apart from a real
// failure (see README.md, "Trusted base").
//
// The rewrite rebuilds only the statement and expression nodes on the way to a
// changed statement's block; everything else (types, variables, spans, check
// ids) is shared with the original IR, which is never mutated.

import type { IrBlock, IrCell, IrExpr, IrHandler, IrPattern, IrProgram, IrStmt } from '../frontend/ir.js';

function assertNever(x: never): never {
  throw new Error(`internal: unexpected IR node ${JSON.stringify(x)}`);
}

/** What `visit` reports. Call preconditions (`Call.pre`, over the callee's variables) are visited too. */
export interface IrVisitor {
  onExpr?: (e: IrExpr) => void;
  onStmt?: (s: IrStmt) => void;
}

export function visitBlock(b: IrBlock, v: IrVisitor): void {
  for (const s of b.stmts) visitStmt(s, v);
  if (b.value) visitExpr(b.value, v);
}

export function visitStmt(s: IrStmt, v: IrVisitor): void {
  v.onStmt?.(s);
  switch (s.kind) {
    case 'Let':
      return visitExpr(s.init, v);
    case 'Assign':
      return visitExpr(s.value, v);
    case 'SetIndex':
      visitExpr(s.index, v);
      return visitExpr(s.value, v);
    case 'Expr':
      return visitExpr(s.expr, v);
    case 'Check':
    case 'Assume':
      return visitExpr(s.cond, v);
    case 'While':
      visitExpr(s.cond, v);
      for (const inv of s.invariants) visitExpr(inv.cond, v);
      for (const f of s.facts) visitExpr(f, v);
      if (s.decreases?.expr) visitExpr(s.decreases.expr, v);
      return visitBlock(s.body, v);
    case 'Return':
      visitExpr(s.value, v);
      for (const p of s.posts) visitExpr(p.cond, v);
      return;
    case 'Break':
    case 'Continue':
      return;
    default:
      return assertNever(s);
  }
}

export function visitExpr(e: IrExpr, v: IrVisitor): void {
  v.onExpr?.(e);
  const sub = (x: IrExpr): void => visitExpr(x, v);
  switch (e.kind) {
    case 'Const':
    case 'Var':
    case 'Calls':
    case 'StateIs':
      return;
    case 'IntOp':
    case 'FloatOp':
    case 'Cmp':
    case 'And':
    case 'Or':
    case 'Implies':
    case 'Concat':
      sub(e.left);
      return sub(e.right);
    case 'IntNeg':
    case 'FloatNeg':
    case 'Not':
    case 'Len':
    case 'NonNull':
    case 'IsType':
    case 'Narrow':
    case 'Inject':
      return sub(e.operand);
    case 'Try':
      sub(e.operand);
      for (const p of e.posts) sub(p.cond);
      return;
    case 'Index':
      sub(e.target);
      return sub(e.index);
    case 'Field':
    case 'TupleGet':
      return sub(e.target);
    case 'MakeRecord':
      return e.fields.forEach(sub);
    case 'MakeVariant':
    case 'Builtin':
    case 'Perform':
      return e.args.forEach(sub);
    case 'Call':
      e.args.forEach(sub);
      for (const p of e.pre) sub(p.cond);
      return;
    case 'MakeResult':
      return sub(e.arg);
    case 'MakeList':
    case 'MakeTuple':
      return e.elems.forEach(sub);
    case 'Interp':
      return e.parts.forEach(sub);
    case 'If':
      sub(e.cond);
      visitBlock(e.then, v);
      return visitBlock(e.else, v);
    case 'Match':
      sub(e.scrutinee);
      for (const a of e.arms) {
        if (a.guard) sub(a.guard);
        visitBlock(a.body, v);
      }
      return;
    case 'Block':
      return visitBlock(e.block, v);
    case 'Halt':
      if (e.message) sub(e.message);
      return;
    case 'Handle':
      visitBlock(e.body, v);
      for (const h of e.handlers) visitBlock(h.body, v);
      return;
    case 'Resume':
      if (e.value) sub(e.value);
      return;
    case 'Quant':
      if (e.domain.kind === 'range') {
        sub(e.domain.lo);
        sub(e.domain.hi);
      } else if (e.domain.kind === 'list') sub(e.domain.list);
      return sub(e.body);
    case 'In':
      sub(e.element);
      if (e.range) {
        sub(e.range.lo);
        sub(e.range.hi);
      }
      if (e.list) sub(e.list);
      return;
    case 'Old':
      return sub(e.expr);
    default:
      return assertNever(e);
  }
}

/** Visits a cell's contract and body. */
export function visitCell(c: IrCell, v: IrVisitor): void {
  for (const r of c.requires) visitExpr(r.cond, v);
  for (const r of c.ensures) visitExpr(r.cond, v);
  if (c.decreases) visitExpr(c.decreases, v);
  if (c.body) visitBlock(c.body, v);
}

/** The cells `root` can call, directly or not, itself included, in discovery order. */
export function reachableCells(ir: IrProgram, root: string): string[] {
  const seen = new Set<string>([root]);
  const order = [root];
  for (let i = 0; i < order.length; i++) {
    const c = ir.cells.get(order[i]!);
    if (!c) continue;
    visitCell(c, {
      onExpr: (e) => {
        if (e.kind === 'Call' && !seen.has(e.cell)) {
          seen.add(e.cell);
          order.push(e.cell);
        }
      },
    });
  }
  return order;
}

/** Int and String literals of the given cells, in order of appearance, without duplicates. */
export function literalsOf(ir: IrProgram, cells: readonly string[]): { ints: bigint[]; strings: string[] } {
  const ints = new Set<bigint>();
  const strings = new Set<string>();
  for (const name of cells) {
    const c = ir.cells.get(name);
    if (!c) continue;
    visitCell(c, {
      onExpr: (e) => {
        if (e.kind === 'Const' && e.value.kind === 'Int') ints.add(e.value.value);
        if (e.kind === 'Const' && e.value.kind === 'String') strings.add(e.value.value);
      },
    });
  }
  return { ints: [...ints], strings: [...strings] };
}

// ---------------------------------------------------------------- rewriting

/** A statement rewriter: applied bottom-up to every statement of a block tree. */
export type StmtRewrite = (s: IrStmt) => IrStmt;

export function rewriteBlock(b: IrBlock, f: StmtRewrite): IrBlock {
  return { ...b, stmts: b.stmts.map((s) => f(rewriteStmtChildren(s, f))), value: b.value ? rewriteExpr(b.value, f) : null };
}

function rewriteStmtChildren(s: IrStmt, f: StmtRewrite): IrStmt {
  const x = (e: IrExpr): IrExpr => rewriteExpr(e, f);
  switch (s.kind) {
    case 'Let':
      return { ...s, init: x(s.init) };
    case 'Assign':
      return { ...s, value: x(s.value) };
    case 'SetIndex':
      return { ...s, index: x(s.index), value: x(s.value) };
    case 'Expr':
      return { ...s, expr: x(s.expr) };
    case 'Check':
    case 'Assume':
      return s;
    case 'While':
      return { ...s, cond: x(s.cond), body: rewriteBlock(s.body, f) };
    case 'Return':
      return { ...s, value: x(s.value) };
    case 'Break':
    case 'Continue':
      return s;
    default:
      return assertNever(s);
  }
}

/**
 * Rebuilds an expression whose sub-blocks may hold statements to rewrite.
 * Specification-only parts (conditions, posts, preconditions) hold no
 * statements and are shared as they are.
 */
function rewriteExpr(e: IrExpr, f: StmtRewrite): IrExpr {
  const x = (c: IrExpr): IrExpr => rewriteExpr(c, f);
  const blk = (b: IrBlock): IrBlock => rewriteBlock(b, f);
  switch (e.kind) {
    case 'Const':
    case 'Var':
    case 'Calls':
    case 'StateIs':
    case 'Quant':
    case 'In':
    case 'Old':
      return e;
    case 'IntOp':
    case 'FloatOp':
    case 'Cmp':
    case 'And':
    case 'Or':
    case 'Implies':
    case 'Concat':
      return { ...e, left: x(e.left), right: x(e.right) } as IrExpr;
    case 'IntNeg':
    case 'FloatNeg':
    case 'Not':
    case 'Len':
    case 'NonNull':
    case 'IsType':
    case 'Narrow':
    case 'Inject':
    case 'Try':
      return { ...e, operand: x(e.operand) } as IrExpr;
    case 'Index':
      return { ...e, target: x(e.target), index: x(e.index) };
    case 'Field':
    case 'TupleGet':
      return { ...e, target: x(e.target) } as IrExpr;
    case 'MakeRecord':
      return { ...e, fields: e.fields.map(x) };
    case 'MakeVariant':
    case 'Builtin':
    case 'Perform':
    case 'Call':
      return { ...e, args: e.args.map(x) } as IrExpr;
    case 'MakeResult':
      return { ...e, arg: x(e.arg) };
    case 'MakeList':
    case 'MakeTuple':
      return { ...e, elems: e.elems.map(x) } as IrExpr;
    case 'Interp':
      return { ...e, parts: e.parts.map(x) };
    case 'If':
      return { ...e, cond: x(e.cond), then: blk(e.then), else: blk(e.else) };
    case 'Match':
      return { ...e, scrutinee: x(e.scrutinee), arms: e.arms.map((a) => ({ ...a, pattern: a.pattern satisfies IrPattern, guard: a.guard ? x(a.guard) : null, body: blk(a.body) })) };
    case 'Block':
      return { ...e, block: blk(e.block) };
    case 'Halt':
      return { ...e, message: e.message ? x(e.message) : null };
    case 'Handle':
      return { ...e, body: blk(e.body), handlers: e.handlers.map((h): IrHandler => ({ ...h, body: blk(h.body) })) };
    case 'Resume':
      return { ...e, value: e.value ? x(e.value) : null };
    default:
      return assertNever(e);
  }
}

/** Whether a block tree holds an `assume` statement. */
export function hasAssume(b: IrBlock): boolean {
  let found = false;
  visitBlock(b, {
    onStmt: (s) => {
      if (s.kind === 'Assume') found = true;
    },
  });
  return found;
}
