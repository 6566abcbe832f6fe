// Traversal of the checked IR for the WASM backend: reachability of cells,
// the variables a handler body uses, and the per-cell facts the code
// generator needs before it emits a function (owner lists, effect snapshots,
// whether the entry measure is needed). The per-cell facts are computed
// exactly as backend/compile.ts computes them for the VM, so that both
// backends check the same things.

import type { IrBlock, IrExpr, IrPattern, IrStmt, IrVar } from '../../frontend/ir.js';

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

export function walkStmt(s: IrStmt, v: Visitor): void {
  v.onStmt?.(s);
  switch (s.kind) {
    case 'Let':
      v.onVar?.(s.v);
      v.onBinder?.(s.v);
      walkExpr(s.init, v);
      return;
    case 'Assign':
      v.onVar?.(s.v);
      v.onVarRef?.(s.v);
      walkExpr(s.value, v);
      return;
    case 'SetIndex':
      v.onVar?.(s.v);
      v.onVarRef?.(s.v);
      walkExpr(s.index, v);
      walkExpr(s.value, v);
      return;
    case 'Expr':
      walkExpr(s.expr, v);
      return;
    case 'Check':
    case 'Assume':
      walkExpr(s.cond, v);
      return;
    case 'While':
      walkExpr(s.cond, v);
      for (const inv of s.invariants) walkExpr(inv.cond, v);
      if (s.decreases?.expr) walkExpr(s.decreases.expr, v);
      walkBlock(s.body, v);
      return;
    case 'Return':
      walkExpr(s.value, v);
      for (const p of s.posts) walkExpr(p.cond, v);
      return;
    default:
      return;
  }
}

function walkPattern(p: IrPattern, v: Visitor): void {
  switch (p.kind) {
    case 'Bind':
    case 'Type':
      v.onVar?.(p.v);
      v.onBinder?.(p.v);
      return;
    case 'Variant':
      p.args.forEach((x) => walkPattern(x, v));
      return;
    case 'Record':
      p.fields.forEach((x) => walkPattern(x, v));
      return;
    case 'Tuple':
      p.elems.forEach((x) => walkPattern(x, v));
      return;
    case 'Result':
      walkPattern(p.arg, v);
      return;
    default:
      return;
  }
}

export function walkExpr(e: IrExpr, v: Visitor): void {
  v.onExpr?.(e);
  const ex = (x: IrExpr): void => walkExpr(x, v);
  const bl = (b: IrBlock): void => walkBlock(b, v);
  switch (e.kind) {
    case 'Var':
      v.onVar?.(e.v);
      v.onVarRef?.(e.v);
      return;
    case 'Const':
    case 'Calls':
      return;
    case 'StateIs':
      return;
    case 'IntOp':
    case 'FloatOp':
    case 'Cmp':
    case 'And':
    case 'Or':
    case 'Implies':
    case 'Concat':
      ex(e.left);
      ex(e.right);
      return;
    case 'IntNeg':
    case 'FloatNeg':
    case 'Not':
    case 'Len':
    case 'NonNull':
    case 'IsType':
    case 'Narrow':
    case 'Inject':
      ex(e.operand);
      return;
    case 'Try':
      ex(e.operand);
      for (const p of e.posts) ex(p.cond);
      return;
    case 'Index':
      ex(e.target);
      ex(e.index);
      return;
    case 'Field':
    case 'TupleGet':
      ex(e.target);
      return;
    case 'MakeRecord':
      e.fields.forEach(ex);
      return;
    case 'MakeVariant':
    case 'Builtin':
    case 'Perform':
      e.args.forEach(ex);
      return;
    case 'Call':
      e.args.forEach(ex);
      for (const m of e.mutRefs) v.onVar?.(m.v);
      for (const m of e.mutRefs) v.onVarRef?.(m.v);
      if (v.preconditions) for (const p of e.pre) ex(p.cond);
      return;
    case 'MakeResult':
      ex(e.arg);
      return;
    case 'MakeList':
    case 'MakeTuple':
      e.elems.forEach(ex);
      return;
    case 'Interp':
      e.parts.forEach(ex);
      return;
    case 'If':
      ex(e.cond);
      bl(e.then);
      bl(e.else);
      return;
    case 'Match':
      ex(e.scrutinee);
      for (const a of e.arms) {
        walkPattern(a.pattern, v);
        if (a.guard) ex(a.guard);
        bl(a.body);
      }
      return;
    case 'Block':
      bl(e.block);
      return;
    case 'Halt':
      if (e.message) ex(e.message);
      return;
    case 'Handle':
      bl(e.body);
      for (const h of e.handlers) {
        for (const p of h.params) {
          v.onVar?.(p);
          v.onBinder?.(p);
        }
        bl(h.body);
      }
      return;
    case 'Resume':
      if (e.value) ex(e.value);
      return;
    case 'Quant':
      v.onVar?.(e.v);
      v.onBinder?.(e.v);
      if (e.domain.kind === 'range') {
        ex(e.domain.lo);
        ex(e.domain.hi);
      } else if (e.domain.kind === 'list') ex(e.domain.list);
      ex(e.body);
      return;
    case 'In':
      ex(e.element);
      if (e.range) {
        ex(e.range.lo);
        ex(e.range.hi);
      }
      if (e.list) ex(e.list);
      return;
    case 'Old':
      ex(e.expr);
      return;
    default:
      return;
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
