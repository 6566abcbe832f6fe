// Traversal of the checked IR for the WASM backend: reachability of cells,
// the variables a handler body uses, and the per-cell facts the code
// generator needs before it emits a function (owner lists, effect snapshots,
// whether the entry measure is needed). The per-cell facts are computed
// exactly as backend/compile.ts computes them for the VM, so that both
// backends check the same things.

import type { IrBlock, IrExpr, IrPattern, IrStmt, IrVar } from '../../frontend/ir.js';
import { forEachExprChild, forEachStmtChild, forEachSubpattern, type IrChildOptions } from '../../frontend/irwalk.js';

export interface Visitor {
  /** Every binder and every variable reference. */
  onVar?: (v: IrVar) => void;
  /** Only variable references (`Var` expressions). */
  onVarRef?: (v: IrVar) => void;
  /** Binders only: `let`, pattern variables, quantified and handler variables. */
  onBinder?: (v: IrVar) => void;
  onExpr?: (e: IrExpr) => void;
  onStmt?: (s: IrStmt) => void;
  /** Also visit the conditions of call-site preconditions (over the callee's variables). */
  readonly preconditions?: boolean;
}

export function walkBlock(b: IrBlock, v: Visitor): void {
  for (const s of b.stmts) walkStmt(s, v);
  if (b.value) walkExpr(b.value, v);
}

/** The children the walks enter: loop facts are left out, call preconditions unless asked for. */
function children(v: Visitor): IrChildOptions {
  return {
    preconditions: false,
    loopFacts: false,
    onArm: (a) => walkPattern(a.pattern, v),
    onHandler: (h) => {
      for (const p of h.params) {
        v.onVar?.(p);
        v.onBinder?.(p);
      }
    },
  };
}

export function walkStmt(s: IrStmt, v: Visitor): void {
  v.onStmt?.(s);
  if (s.kind === 'Let') {
    v.onVar?.(s.v);
    v.onBinder?.(s.v);
  } else if (s.kind === 'Assign' || s.kind === 'SetIndex') {
    v.onVar?.(s.v);
    v.onVarRef?.(s.v);
  }
  forEachStmtChild(s, (x) => walkExpr(x, v), (b) => walkBlock(b, v), children(v));
}

function walkPattern(p: IrPattern, v: Visitor): void {
  if (p.kind === 'Bind' || p.kind === 'Type') {
    v.onVar?.(p.v);
    v.onBinder?.(p.v);
  }
  forEachSubpattern(p, (x) => walkPattern(x, v));
}

export function walkExpr(e: IrExpr, v: Visitor): void {
  v.onExpr?.(e);
  if (e.kind === 'Var') {
    v.onVar?.(e.v);
    v.onVarRef?.(e.v);
  } else if (e.kind === 'Quant') {
    v.onVar?.(e.v);
    v.onBinder?.(e.v);
  }
  forEachExprChild(e, (x) => walkExpr(x, v), (b) => walkBlock(b, v), children(v));
  // After the arguments: the variables a call writes back, then (on request) its preconditions.
  if (e.kind === 'Call') {
    for (const m of e.mutRefs) v.onVar?.(m.v);
    for (const m of e.mutRefs) v.onVarRef?.(m.v);
    if (v.preconditions) for (const p of e.pre) walkExpr(p.cond, v);
  }
}

/** `xs = push(xs, e)`. */
export function isSelfPush(v: IrVar, value: IrExpr): boolean {
  return value.kind === 'Builtin' && value.name === 'push' && value.args[0]?.kind === 'Var' && value.args[0].v.id === v.id;
}

/** `xs = xs ++ ys` on lists. */
export function isSelfAppend(v: IrVar, value: IrExpr): boolean {
  return value.kind === 'Concat' && value.left.kind === 'Var' && value.left.v.id === v.id && v.type.kind === 'List';
}
