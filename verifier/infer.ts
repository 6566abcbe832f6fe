// Loop-invariant inference by Houdini: guess a set of simple candidate
// invariants for every loop, then repeatedly drop the candidates that do not
// hold on entry or are not preserved, until the rest are jointly inductive.
// The survivors are sound invariants (each was proved, assuming only the
// others, which were proved too) and are used like user invariants.
//
// Candidates come from the loop's shape: bounds from the guard (`i < n`
// gives `i <= n`), the initial value of each modified Int variable when it is
// a constant or an unmodified variable (`i >= 0` for `let mut i = 0`), and,
// for effects, the number of performs so far tied to a counter.

import type { IrBlock, IrCell, IrExpr, IrStmt, IrVar } from '../frontend/ir.js';
import { forEachExprChild, forEachStmtChild } from '../frontend/irwalk.js';
import { INT } from '../frontend/types.js';
import type { Term } from './smtlib/term.js';

export interface Candidate {
  /** Synthetic check ids (never collide with program checks). */
  readonly entryId: number;
  readonly preservedId: number;
  /** The candidate as an IR condition (guessed), or … */
  readonly cond?: IrExpr;
  /** … as an SMT term over the loop's invariant arguments (found by Spacer). */
  readonly smt?: { readonly arity: number; readonly instantiate: (args: readonly Term[]) => Term };
  /** Lumen text, for `--show-inferred`. */
  readonly text: string;
}

export type LoopStmt = Extract<IrStmt, { kind: 'While' }>;

export const SYNTHETIC_BASE = 1_000_000;

export function inferCandidates(cell: IrCell): Map<LoopStmt, Candidate[]> {
  const out = new Map<LoopStmt, Candidate[]>();
  let next = SYNTHETIC_BASE;
  const visitBlock = (b: IrBlock): void => {
    b.stmts.forEach((s, i) => {
      visitStmt(s, b.stmts.slice(0, i));
    });
    if (b.value) visitExpr(b.value);
  };
  const visitStmt = (s: IrStmt, before: readonly IrStmt[]): void => {
    switch (s.kind) {
      case 'While': {
        const conds = candidatesFor(s, before, cell);
        out.set(
          s,
          conds.map(({ cond, text }) => {
            const c: Candidate = { entryId: next, preservedId: next + 1, cond, text };
            next += 2;
            return c;
          }),
        );
        visitBlock(s.body);
        return;
      }
      case 'Let':
      case 'Assign':
      case 'Expr':
      case 'Return':
        // The statement's own expression (not a return's postconditions).
        forEachStmtChild(s, visitExpr, visitBlock, { specs: false });
        return;
      default:
        return;
    }
  };
  // Loops are looked for in the blocks an expression holds directly: not in
  // its operands, nor in the handlers of a `handle`.
  const visitExpr = (e: IrExpr): void => {
    if (e.kind === 'Handle') visitBlock(e.body);
    else if (e.kind === 'If' || e.kind === 'Match' || e.kind === 'Block') forEachExprChild(e, () => undefined, visitBlock);
  };
  if (cell.body) visitBlock(cell.body);
  return out;
}

function candidatesFor(loop: LoopStmt, before: readonly IrStmt[], cell: IrCell): { cond: IrExpr; text: string }[] {
  const sp = loop.span;
  const res: { cond: IrExpr; text: string }[] = [];
  const seen = new Set<string>();
  const add = (cond: IrExpr): void => {
    const text = show(cond);
    if (text === null || seen.has(text)) return;
    seen.add(text);
    res.push({ cond, text });
  };
  const modified = new Set(loop.modified.map((v) => v.id));
  const isStable = (e: IrExpr): boolean => !mentionsAny(e, modified);
  const cmp = (op: '<=' | '>=' | '==', l: IrExpr, r: IrExpr): IrExpr => ({ kind: 'Cmp', op, left: l, right: r, operand: INT, span: sp });
  const num = (n: bigint): IrExpr => ({ kind: 'Const', value: { kind: 'Int', value: n }, type: INT, span: sp });
  const plus = (l: IrExpr, n: bigint): IrExpr => ({ kind: 'IntOp', op: '+', left: l, right: num(n), overflow: null, divZero: null, span: sp });
  // From the guard: the loop variable stays within one step of its bound.
  for (const c of conjuncts(loop.cond)) {
    if (c.kind !== 'Cmp' || c.operand.kind !== 'Int') continue;
    switch (c.op) {
      case '<':
        add(cmp('<=', c.left, c.right));
        break;
      case '<=':
        add(cmp('<=', c.left, plus(c.right, 1n)));
        break;
      case '>':
        add(cmp('>=', c.left, c.right));
        break;
      case '>=':
        add(cmp('>=', c.left, plus(c.right, -1n)));
        break;
      default:
        break;
    }
  }
  // From initial values: monotone counters keep their side of the start.
  for (const v of loop.modified) {
    if (v.type.kind !== 'Int') continue;
    const init = initialValue(v, before);
    const ve: IrExpr = { kind: 'Var', v, span: sp };
    if (init && isStable(init)) {
      add(cmp('>=', ve, init));
      add(cmp('<=', ve, init));
    }
    add(cmp('>=', ve, num(0n)));
    // Effect budgets through loops: performs so far tied to a counter (`calls(Net) == i`).
    for (const eff of cell.effects) {
      if (eff.maxCalls === null) continue;
      const calls: IrExpr = { kind: 'Calls', effect: eff.effect, span: sp };
      add(cmp('==', calls, ve));
      add(cmp('<=', calls, ve));
    }
  }
  return res;
}

function initialValue(v: IrVar, before: readonly IrStmt[]): IrExpr | null {
  for (let i = before.length - 1; i >= 0; i--) {
    const s = before[i]!;
    if ((s.kind === 'Let' && s.v.id === v.id)) return s.init.kind === 'Const' || s.init.kind === 'Var' ? s.init : null;
    if (s.kind === 'Assign' && s.v.id === v.id) return s.value.kind === 'Const' || s.value.kind === 'Var' ? s.value : null;
  }
  return null;
}

function conjuncts(e: IrExpr): IrExpr[] {
  return e.kind === 'And' ? [...conjuncts(e.left), ...conjuncts(e.right)] : [e];
}

function mentionsAny(e: IrExpr, ids: ReadonlySet<number>): boolean {
  switch (e.kind) {
    case 'Var':
      return ids.has(e.v.id);
    case 'Const':
      return false;
    case 'IntOp':
    case 'Cmp':
    case 'And':
    case 'Or':
    case 'Implies':
    case 'Concat':
    case 'FloatOp':
      return mentionsAny(e.left, ids) || mentionsAny(e.right, ids);
    case 'IntNeg':
    case 'Not':
    case 'Len':
    case 'FloatNeg':
      return mentionsAny(e.operand, ids);
    default:
      // Anything more complex (calls, indexing …) is not used as a bound.
      return true;
  }
}

/** Lumen text of a candidate; null for shapes the guesser does not produce. */
export function show(e: IrExpr): string | null {
  switch (e.kind) {
    case 'Var':
      return e.v.name.startsWith('$') ? null : e.v.name;
    case 'Const':
      return e.value.kind === 'Int' ? e.value.value.toString() : null;
    case 'Calls':
      return `calls(${e.effect.slice(e.effect.lastIndexOf('.') + 1)})`;
    case 'Len': {
      const x = show(e.operand);
      return x === null ? null : `len(${x})`;
    }
    case 'IntOp': {
      const l = show(e.left);
      const r = show(e.right);
      if (l === null || r === null) return null;
      if (e.op === '+' && r.startsWith('-')) return `${l} - ${r.slice(1)}`;
      return `${l} ${e.op} ${r}`;
    }
    case 'IntNeg': {
      const x = show(e.operand);
      return x === null ? null : `-${x}`;
    }
    case 'Cmp': {
      const l = show(e.left);
      const r = show(e.right);
      return l === null || r === null ? null : `${l} ${e.op} ${r}`;
    }
    default:
      return null;
  }
}
