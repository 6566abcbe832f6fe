// Traversal and rewriting of the checked IR for the fuzzer: which cells a
// cell can reach, the literals it mentions (the fuzzer's dictionary), and the
// one rewrite the fuzzer needs — every `assume` turned into a check of its own,
// so that a run whose inputs break an `assume` can be told apart from a real
// failure (see README.md, "Trusted base").
//
// The rewrite rebuilds only the statement and expression nodes on the way to a
// changed statement's block; everything else (types, variables, spans, check
// ids) is shared with the original IR, which is never mutated.

import type { IrBlock, IrCell, IrExpr, IrProgram, IrStmt } from '../frontend/ir.js';
import { mapExprChildren, walkBlock, walkExpr, walkStmt } from '../frontend/irwalk.js';

function assertNever(x: never): never {
  throw new Error(`internal: unexpected IR node ${JSON.stringify(x)}`);
}

/** What `visit` reports. Call preconditions (`Call.pre`, over the callee's variables) are visited too. */
export interface IrVisitor {
  onExpr?: (e: IrExpr) => void;
  onStmt?: (s: IrStmt) => void;
}

export function visitBlock(b: IrBlock, v: IrVisitor): void {
  walkBlock(b, hooks(v));
}

export function visitStmt(s: IrStmt, v: IrVisitor): void {
  walkStmt(s, hooks(v));
}

export function visitExpr(e: IrExpr, v: IrVisitor): void {
  walkExpr(e, hooks(v));
}

function hooks(v: IrVisitor): { expr: (e: IrExpr) => void; stmt: (s: IrStmt) => void } {
  return { expr: (e) => v.onExpr?.(e), stmt: (s) => v.onStmt?.(s) };
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
  return mapExprChildren(e, (c) => rewriteExpr(c, f), (b) => rewriteBlock(b, f), { specs: false });
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
