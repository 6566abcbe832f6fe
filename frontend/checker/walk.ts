// A small visitor over statements and expressions (blocks, arms, handlers,
// quantifiers…), used by the checker's loop pre-scan and by tests that verify
// that the side tables cover every node. Type expressions are not entered,
// except that refinement predicates in `let` types are visited.

import type * as A from '../ast.js';

export interface Visitor {
  expr?(e: A.Expr): void;
  stmt?(s: A.Stmt): void;
  pattern?(p: A.Pattern): void;
}

export function walkBlock(b: A.Block, v: Visitor): void {
  for (const s of b.stmts) walkStmt(s, v);
}

export function walkStmt(s: A.Stmt, v: Visitor): void {
  v.stmt?.(s);
  switch (s.kind) {
    case 'Let':
      walkPattern(s.pattern, v);
      if (s.type) walkTypeExpr(s.type, v);
      walkExpr(s.init, v);
      return;
    case 'Assign':
      walkExpr(s.target, v);
      walkExpr(s.value, v);
      return;
    case 'ExprStmt':
      walkExpr(s.expr, v);
      return;
    case 'While':
      walkExpr(s.cond, v);
      s.invariants.forEach((e) => walkExpr(e, v));
      if (s.decreases) walkExpr(s.decreases, v);
      walkBlock(s.body, v);
      return;
    case 'For':
      walkPattern(s.pattern, v);
      walkExpr(s.iterable, v);
      s.invariants.forEach((e) => walkExpr(e, v));
      if (s.decreases) walkExpr(s.decreases, v);
      walkBlock(s.body, v);
      return;
    case 'Return':
      if (s.value) walkExpr(s.value, v);
      return;
    case 'Assert':
    case 'Assume':
      walkExpr(s.cond, v);
      return;
    case 'Break':
    case 'Continue':
      return;
  }
}

/** Visits the refinement predicates inside a written type. */
export function walkTypeExpr(t: A.TypeExpr, v: Visitor): void {
  switch (t.kind) {
    case 'TRefined':
      walkTypeExpr(t.base, v);
      walkExpr(t.predicate, v);
      return;
    case 'TName':
      t.args.forEach((a) => walkTypeExpr(a, v));
      return;
    case 'TTuple':
      t.elems.forEach((a) => walkTypeExpr(a, v));
      return;
    case 'TUnion':
      t.members.forEach((a) => walkTypeExpr(a, v));
      return;
    case 'TOptional':
      walkTypeExpr(t.inner, v);
      return;
  }
}

export function walkPattern(p: A.Pattern, v: Visitor): void {
  v.pattern?.(p);
  if (p.kind === 'PTuple') p.elems.forEach((x) => walkPattern(x, v));
  else if (p.kind === 'PCtor' && p.args) p.args.forEach((a) => walkPattern(a.pattern, v));
}

export function walkExpr(e: A.Expr, v: Visitor): void {
  v.expr?.(e);
  switch (e.kind) {
    case 'Int':
    case 'Float':
    case 'Bool':
    case 'Null':
    case 'Name':
      return;
    case 'String':
      for (const p of e.parts) if (typeof p !== 'string') walkExpr(p, v);
      return;
    case 'Binary':
      walkExpr(e.left, v);
      walkExpr(e.right, v);
      return;
    case 'Unary':
      walkExpr(e.operand, v);
      return;
    case 'Call':
      walkExpr(e.callee, v);
      if (e.spread) walkExpr(e.spread, v);
      e.args.forEach((a) => walkExpr(a.value, v));
      return;
    case 'Index':
      walkExpr(e.target, v);
      walkExpr(e.index, v);
      return;
    case 'Field':
      walkExpr(e.target, v);
      return;
    case 'Try':
    case 'NonNull':
    case 'Old':
      walkExpr(e.expr, v);
      return;
    case 'List':
    case 'Tuple':
      e.elems.forEach((x) => walkExpr(x, v));
      return;
    case 'If':
      walkExpr(e.cond, v);
      walkBlock(e.then, v);
      if (e.else) {
        if (e.else.kind === 'If') walkExpr(e.else, v);
        else walkBlock(e.else, v);
      }
      return;
    case 'Match':
      walkExpr(e.scrutinee, v);
      for (const arm of e.arms) {
        walkPattern(arm.pattern, v);
        if (arm.guard) walkExpr(arm.guard, v);
        walkBlock(arm.body, v);
      }
      return;
    case 'Handle':
      walkBlock(e.body, v);
      e.handlers.forEach((h) => walkBlock(h.body, v));
      return;
    case 'Perform':
      e.args.forEach((a) => walkExpr(a.value, v));
      return;
    case 'Resume':
    case 'Halt': {
      const inner = e.kind === 'Resume' ? e.value : e.message;
      if (inner) walkExpr(inner, v);
      return;
    }
    case 'Quant':
      if (e.type) walkTypeExpr(e.type, v);
      if (e.domain) walkExpr(e.domain, v);
      walkExpr(e.body, v);
      return;
    case 'BlockExpr':
      walkBlock(e.block, v);
      return;
  }
}

/** Names assigned in a block (`x = …`, `xs[i] = …`, `f(mut ref x)`): the loop pre-scan. */
export function assignedNames(b: A.Block, extra: readonly A.Expr[] = []): Set<string> {
  const out = new Set<string>();
  const v: Visitor = {
    stmt(s) {
      if (s.kind !== 'Assign') return;
      const t = s.target.kind === 'Index' ? s.target.target : s.target;
      if (t.kind === 'Name') out.add(t.name);
    },
    expr(e) {
      if (e.kind !== 'Call') return;
      for (const a of e.args) if (a.mode === 'mutref' && a.value.kind === 'Name') out.add(a.value.name);
    },
  };
  extra.forEach((e) => walkExpr(e, v));
  walkBlock(b, v);
  return out;
}
