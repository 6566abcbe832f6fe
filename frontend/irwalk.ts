// The one generic traversal of the checked IR (ir.ts): the direct children of
// an expression, a statement and a pattern, and a pre-order walk over a block
// tree built on them. The passes that read the IR (lowering, backends,
// ownership, fuzzing, invariant inference) build their own walkers on these
// instead of each repeating the switch over node kinds.
//
// Every switch here is exhaustive (an `assertNever` default), so a new IR node
// kind breaks the build here instead of being skipped silently by a walker.
// Children are always given in the same order — evaluation order, then the
// specification parts — so walkers that collect lists keep a stable order.

import type { IrArm, IrBlock, IrExpr, IrHandler, IrPattern, IrStmt } from './ir.js';

function assertNever(x: never): never {
  throw new Error(`internal: unexpected IR node ${JSON.stringify(x)}`);
}

/**
 * Which children a traversal enters. By default every child expression and
 * block is given; the flags leave out parts that hold no code of their own.
 */
export interface IrChildOptions {
  /**
   * `false`: code only — leave out the conditions of `Check`/`Assume`, loop
   * invariants, facts and measures, the postconditions of `Return` and `Try`,
   * call-site preconditions, and the operands of `Quant`, `In` and `Old`.
   */
  readonly specs?: boolean;
  /** `false`: leave out `Call.pre` (over the callee's parameter variables). */
  readonly preconditions?: boolean;
  /** `false`: leave out the postconditions a `Try` checks on its early return. */
  readonly tryPosts?: boolean;
  /** `false`: leave out a loop's `facts`. */
  readonly loopFacts?: boolean;
  /** Called for each `match` arm before its guard and body (e.g. to visit its pattern). */
  readonly onArm?: (a: IrArm) => void;
  /** Called for each handler of a `Handle` before its body (e.g. to visit its parameters). */
  readonly onHandler?: (h: IrHandler) => void;
}

/** Calls `onExpr` on each direct sub-expression and `onBlock` on each direct sub-block of `e`, in order. */
export function forEachExprChild(e: IrExpr, onExpr: (x: IrExpr) => void, onBlock: (b: IrBlock) => void, opts: IrChildOptions = {}): void {
  const specs = opts.specs !== false;
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
      onExpr(e.left);
      onExpr(e.right);
      return;
    case 'IntNeg':
    case 'FloatNeg':
    case 'Not':
    case 'Len':
    case 'NonNull':
    case 'IsType':
    case 'Narrow':
    case 'Inject':
      onExpr(e.operand);
      return;
    case 'Try':
      onExpr(e.operand);
      if (specs && opts.tryPosts !== false) for (const p of e.posts) onExpr(p.cond);
      return;
    case 'Index':
      onExpr(e.target);
      onExpr(e.index);
      return;
    case 'Field':
    case 'TupleGet':
      onExpr(e.target);
      return;
    case 'MakeRecord':
      e.fields.forEach((x) => onExpr(x));
      return;
    case 'MakeVariant':
    case 'Builtin':
    case 'Perform':
      e.args.forEach((x) => onExpr(x));
      return;
    case 'Call':
      e.args.forEach((x) => onExpr(x));
      if (specs && opts.preconditions !== false) for (const p of e.pre) onExpr(p.cond);
      return;
    case 'MakeResult':
      onExpr(e.arg);
      return;
    case 'MakeList':
    case 'MakeTuple':
      e.elems.forEach((x) => onExpr(x));
      return;
    case 'Interp':
      e.parts.forEach((x) => onExpr(x));
      return;
    case 'If':
      onExpr(e.cond);
      onBlock(e.then);
      onBlock(e.else);
      return;
    case 'Match':
      onExpr(e.scrutinee);
      for (const a of e.arms) {
        opts.onArm?.(a);
        if (a.guard) onExpr(a.guard);
        onBlock(a.body);
      }
      return;
    case 'Block':
      onBlock(e.block);
      return;
    case 'Halt':
      if (e.message) onExpr(e.message);
      return;
    case 'Handle':
      onBlock(e.body);
      for (const h of e.handlers) {
        opts.onHandler?.(h);
        onBlock(h.body);
      }
      return;
    case 'Resume':
      if (e.value) onExpr(e.value);
      return;
    case 'Quant':
      if (!specs) return;
      if (e.domain.kind === 'range') {
        onExpr(e.domain.lo);
        onExpr(e.domain.hi);
      } else if (e.domain.kind === 'list') onExpr(e.domain.list);
      onExpr(e.body);
      return;
    case 'In':
      if (!specs) return;
      onExpr(e.element);
      if (e.range) {
        onExpr(e.range.lo);
        onExpr(e.range.hi);
      }
      if (e.list) onExpr(e.list);
      return;
    case 'Old':
      if (specs) onExpr(e.expr);
      return;
    default:
      return assertNever(e);
  }
}

/**
 * Rebuilds `e` with each direct sub-expression replaced by `onExpr`'s result
 * and each direct sub-block by `onBlock`'s, called in the order
 * `forEachExprChild` gives them. Parts left out by `opts` are shared as they
 * are; a node with no children to rebuild is returned itself.
 */
export function mapExprChildren(e: IrExpr, onExpr: (x: IrExpr) => IrExpr, onBlock: (b: IrBlock) => IrBlock, opts: IrChildOptions = {}): IrExpr {
  const specs = opts.specs !== false;
  const m = (x: IrExpr): IrExpr => onExpr(x);
  switch (e.kind) {
    case 'Const':
    case 'Var':
    case 'Calls':
    case 'StateIs':
      return e;
    case 'IntOp':
    case 'FloatOp':
    case 'Cmp':
    case 'And':
    case 'Or':
    case 'Implies':
    case 'Concat':
      return { ...e, left: m(e.left), right: m(e.right) } as IrExpr;
    case 'IntNeg':
    case 'FloatNeg':
    case 'Not':
    case 'Len':
    case 'NonNull':
    case 'IsType':
    case 'Narrow':
    case 'Inject':
      return { ...e, operand: m(e.operand) } as IrExpr;
    case 'Try': {
      const operand = m(e.operand);
      if (!specs || opts.tryPosts === false) return { ...e, operand };
      return { ...e, operand, posts: e.posts.map((p) => ({ check: p.check, cond: m(p.cond) })) };
    }
    case 'Index':
      return { ...e, target: m(e.target), index: m(e.index) };
    case 'Field':
    case 'TupleGet':
      return { ...e, target: m(e.target) } as IrExpr;
    case 'MakeRecord':
      return { ...e, fields: e.fields.map(m) };
    case 'MakeVariant':
    case 'Builtin':
    case 'Perform':
      return { ...e, args: e.args.map(m) } as IrExpr;
    case 'Call': {
      const args = e.args.map(m);
      if (!specs || opts.preconditions === false) return { ...e, args };
      return { ...e, args, pre: e.pre.map((p) => ({ check: p.check, cond: m(p.cond) })) };
    }
    case 'MakeResult':
      return { ...e, arg: m(e.arg) };
    case 'MakeList':
    case 'MakeTuple':
      return { ...e, elems: e.elems.map(m) } as IrExpr;
    case 'Interp':
      return { ...e, parts: e.parts.map(m) };
    case 'If':
      return { ...e, cond: m(e.cond), then: onBlock(e.then), else: onBlock(e.else) };
    case 'Match':
      return { ...e, scrutinee: m(e.scrutinee), arms: e.arms.map((a) => ({ ...a, guard: a.guard ? m(a.guard) : null, body: onBlock(a.body) })) };
    case 'Block':
      return { ...e, block: onBlock(e.block) };
    case 'Halt':
      return { ...e, message: e.message ? m(e.message) : null };
    case 'Handle':
      return { ...e, body: onBlock(e.body), handlers: e.handlers.map((h) => ({ ...h, body: onBlock(h.body) })) };
    case 'Resume':
      return { ...e, value: e.value ? m(e.value) : null };
    case 'Quant': {
      if (!specs) return e;
      const d = e.domain;
      const domain: typeof d = d.kind === 'range' ? { ...d, lo: m(d.lo), hi: m(d.hi) } : d.kind === 'list' ? { ...d, list: m(d.list) } : d;
      return { ...e, domain, body: m(e.body) };
    }
    case 'In':
      if (!specs) return e;
      return {
        ...e,
        element: m(e.element),
        range: e.range ? { ...e.range, lo: m(e.range.lo), hi: m(e.range.hi) } : null,
        list: e.list ? m(e.list) : null,
      };
    case 'Old':
      return specs ? { ...e, expr: m(e.expr) } : e;
    default:
      return assertNever(e);
  }
}

/** Calls `onExpr` on each direct sub-expression and `onBlock` on each direct sub-block of `s`, in order. */
export function forEachStmtChild(s: IrStmt, onExpr: (x: IrExpr) => void, onBlock: (b: IrBlock) => void, opts: IrChildOptions = {}): void {
  const specs = opts.specs !== false;
  switch (s.kind) {
    case 'Let':
      onExpr(s.init);
      return;
    case 'Assign':
      onExpr(s.value);
      return;
    case 'SetIndex':
      onExpr(s.index);
      onExpr(s.value);
      return;
    case 'Expr':
      onExpr(s.expr);
      return;
    case 'Check':
    case 'Assume':
      if (specs) onExpr(s.cond);
      return;
    case 'While':
      onExpr(s.cond);
      if (specs) {
        for (const inv of s.invariants) onExpr(inv.cond);
        if (opts.loopFacts !== false) s.facts.forEach((f) => onExpr(f));
        if (s.decreases?.expr) onExpr(s.decreases.expr);
      }
      onBlock(s.body);
      return;
    case 'Return':
      onExpr(s.value);
      if (specs) for (const p of s.posts) onExpr(p.cond);
      return;
    case 'Break':
    case 'Continue':
      return;
    default:
      return assertNever(s);
  }
}

/** Calls `f` on each direct sub-pattern of `p`, in order. */
export function forEachSubpattern(p: IrPattern, f: (x: IrPattern) => void): void {
  switch (p.kind) {
    case 'Wild':
    case 'Bind':
    case 'Lit':
    case 'Range':
    case 'Type':
      return;
    case 'Variant':
      p.args.forEach((x) => f(x));
      return;
    case 'Record':
      p.fields.forEach((x) => f(x));
      return;
    case 'Tuple':
      p.elems.forEach((x) => f(x));
      return;
    case 'Result':
      f(p.arg);
      return;
    default:
      return assertNever(p);
  }
}

/** Calls `f` on `p` and every pattern nested in it, pre-order. */
export function walkPattern(p: IrPattern, f: (x: IrPattern) => void): void {
  f(p);
  forEachSubpattern(p, (x) => walkPattern(x, f));
}

/** What `walkBlock` reports, each node before its children. */
export interface IrVisitor {
  readonly expr?: (e: IrExpr) => void;
  readonly stmt?: (s: IrStmt) => void;
  /** Expressions whose children are not entered (the expression itself is still reported). */
  readonly skipChildren?: (e: IrExpr) => boolean;
}

/** Calls the visitor on every statement and expression of `b`, depth first, pre-order, in evaluation order. */
export function walkBlock(b: IrBlock, v: IrVisitor, opts: IrChildOptions = {}): void {
  for (const s of b.stmts) walkStmt(s, v, opts);
  if (b.value) walkExpr(b.value, v, opts);
}

export function walkStmt(s: IrStmt, v: IrVisitor, opts: IrChildOptions = {}): void {
  v.stmt?.(s);
  forEachStmtChild(s, (x) => walkExpr(x, v, opts), (b) => walkBlock(b, v, opts), opts);
}

export function walkExpr(e: IrExpr, v: IrVisitor, opts: IrChildOptions = {}): void {
  v.expr?.(e);
  if (v.skipChildren?.(e)) return;
  forEachExprChild(e, (x) => walkExpr(x, v, opts), (b) => walkBlock(b, v, opts), opts);
}
