// Small toolkit for IR-to-IR instrumentation passes (ownership/, typestate/):
// fresh program-unique variables, new checks with description objects and
// stable keys, expression builders, and generic traversals of the checked IR.
// It knows nothing of ownership or typestate rules.

import type {
  CheckId,
  CheckInfo,
  CheckKind,
  GhostKind,
  IrBlock,
  IrCell,
  IrExpr,
  IrPattern,
  IrProgram,
  IrStmt,
  IrVar,
} from '../frontend/ir.js';
import type { Span } from '../frontend/span.js';
import type { Type } from '../frontend/types.js';
import { BOOL, INT } from '../frontend/types.js';

export type VarExpr = Extract<IrExpr, { kind: 'Var' }>;
export type CallExpr = Extract<IrExpr, { kind: 'Call' }>;
export type WhileStmt = Extract<IrStmt, { kind: 'While' }>;
export type AssignStmt = Extract<IrStmt, { kind: 'Assign' }>;

/**
 * Shared state of one instrumentation pass over a program: the variable-id
 * counter (continuing after the largest id in the input, so ids stay
 * program-unique) and the growing check table (new checks are appended, so
 * existing ids never change).
 */
export class IrKit {
  private nextVarId: number;
  readonly checks: CheckInfo[];
  private readonly keyCounts = new Map<string, number>();
  /** Blocks created by a pass to put ghost statements before a value (see `wrap`). */
  readonly wrappers = new WeakSet<IrExpr>();

  constructor(readonly program: IrProgram) {
    this.nextVarId = maxVarId(program) + 1;
    this.checks = [...program.checks];
    for (const c of program.checks) {
      const hash = c.key.lastIndexOf('#');
      const base = hash >= 0 ? c.key.slice(0, hash) : c.key;
      const n = hash >= 0 ? Number(c.key.slice(hash + 1)) : 0;
      this.keyCounts.set(base, Math.max(this.keyCounts.get(base) ?? 0, (Number.isFinite(n) ? n : 0) + 1));
    }
  }

  fresh(name: string, type: Type): IrVar {
    return { id: this.nextVarId++, name, type };
  }

  /** Appends a check with its description; the key follows the lowering's `cell:kind:expr#n` scheme. */
  newCheck(
    cell: string,
    kind: CheckKind,
    span: Span,
    expr: string,
    failure: string,
    success: string,
    related: CheckInfo['related'] = [],
  ): CheckId {
    const base = `${cell}:${kind}:${expr}`;
    const n = this.keyCounts.get(base) ?? 0;
    this.keyCounts.set(base, n + 1);
    const id = this.checks.length;
    this.checks.push({ id, kind, cell, span, expr, failure, success, related, key: `${base}#${n}` });
    return id;
  }

  /** `{ stmts; value }` as an expression; remembered so a statement can hoist the statements again. */
  wrap(stmts: readonly IrStmt[], value: IrExpr, span: Span): IrExpr {
    if (stmts.length === 0) return value;
    const b: IrExpr = { kind: 'Block', block: { stmts, value, span }, span };
    this.wrappers.add(b);
    return b;
  }

  isWrapper(e: IrExpr): e is Extract<IrExpr, { kind: 'Block' }> {
    return e.kind === 'Block' && this.wrappers.has(e);
  }

  /** The finished program: new cells, the extended check table. */
  finish(cells: ReadonlyMap<string, IrCell>): IrProgram {
    return { ...this.program, cells, checks: this.checks };
  }
}

// ---------------------------------------------------------------- builders

export function boolConst(value: boolean, span: Span): IrExpr {
  return { kind: 'Const', value: { kind: 'Bool', value }, type: BOOL, span };
}

export function intConst(value: number | bigint, span: Span): IrExpr {
  return { kind: 'Const', value: { kind: 'Int', value: BigInt(value) }, type: INT, span };
}

export function varRef(v: IrVar, span: Span): IrExpr {
  return { kind: 'Var', v, span };
}

export function not(e: IrExpr, span: Span): IrExpr {
  if (e.kind === 'Const' && e.value.kind === 'Bool') return boolConst(!e.value.value, span);
  return { kind: 'Not', operand: e, span };
}

export function intEq(left: IrExpr, right: IrExpr, span: Span): IrExpr {
  return { kind: 'Cmp', op: '==', left, right, operand: INT, span };
}

export function boolEq(left: IrExpr, right: IrExpr, span: Span): IrExpr {
  return { kind: 'Cmp', op: '==', left, right, operand: BOOL, span };
}

export function or(items: readonly IrExpr[], span: Span): IrExpr {
  if (items.length === 0) return boolConst(false, span);
  return items.slice(1).reduce((acc, x) => ({ kind: 'Or', left: acc, right: x, span }), items[0]!);
}

export function letStmt(v: IrVar, init: IrExpr, span: Span, ghost?: GhostKind): IrStmt {
  return ghost ? { kind: 'Let', v, init, span, ghost } : { kind: 'Let', v, init, span };
}

export function assignStmt(v: IrVar, value: IrExpr, span: Span, ghost?: GhostKind): IrStmt {
  return ghost ? { kind: 'Assign', v, value, span, ghost } : { kind: 'Assign', v, value, span };
}

export function checkStmt(check: CheckId, cond: IrExpr, span: Span, ghost: GhostKind): IrStmt {
  return { kind: 'Check', check, cond, span, ghost };
}

/** `a`, `a, b` and `a or b` style lists for messages. */
export function listText(items: readonly string[], conj = 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conj} ${items[items.length - 1]}`;
}

// ---------------------------------------------------------------- traversals

/** Calls `onExpr` on each direct sub-expression and `onBlock` on each direct sub-block of `e`. */
export function forEachChild(e: IrExpr, onExpr: (x: IrExpr) => void, onBlock: (b: IrBlock) => void): void {
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
    case 'Narrow':
    case 'Inject':
    case 'IsType':
      onExpr(e.operand);
      return;
    case 'Try':
      onExpr(e.operand);
      for (const p of e.posts) onExpr(p.cond);
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
      e.fields.forEach(onExpr);
      return;
    case 'MakeVariant':
    case 'Builtin':
    case 'Perform':
      e.args.forEach(onExpr);
      return;
    case 'Call':
      e.args.forEach(onExpr);
      for (const p of e.pre) onExpr(p.cond);
      return;
    case 'MakeList':
    case 'MakeTuple':
      e.elems.forEach(onExpr);
      return;
    case 'Interp':
      e.parts.forEach(onExpr);
      return;
    case 'MakeResult':
      onExpr(e.arg);
      return;
    case 'If':
      onExpr(e.cond);
      onBlock(e.then);
      onBlock(e.else);
      return;
    case 'Match':
      onExpr(e.scrutinee);
      for (const a of e.arms) {
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
      for (const h of e.handlers) onBlock(h.body);
      return;
    case 'Resume':
      if (e.value) onExpr(e.value);
      return;
    case 'Quant':
      if (e.domain.kind === 'range') {
        onExpr(e.domain.lo);
        onExpr(e.domain.hi);
      } else if (e.domain.kind === 'list') onExpr(e.domain.list);
      onExpr(e.body);
      return;
    case 'In':
      onExpr(e.element);
      if (e.range) {
        onExpr(e.range.lo);
        onExpr(e.range.hi);
      }
      if (e.list) onExpr(e.list);
      return;
    case 'Old':
      onExpr(e.expr);
      return;
  }
}

/** Calls the visitors on every expression, statement and block of `b`, depth first. */
export function visitBlock(b: IrBlock, v: { expr?: (e: IrExpr) => void; stmt?: (s: IrStmt) => void; pattern?: (p: IrPattern) => void }): void {
  const onExpr = (e: IrExpr): void => {
    v.expr?.(e);
    if (e.kind === 'Match') for (const a of e.arms) onPattern(a.pattern);
    forEachChild(e, onExpr, onBlock);
  };
  const onPattern = (p: IrPattern): void => {
    v.pattern?.(p);
    switch (p.kind) {
      case 'Variant':
        p.args.forEach(onPattern);
        return;
      case 'Record':
        p.fields.forEach(onPattern);
        return;
      case 'Tuple':
        p.elems.forEach(onPattern);
        return;
      case 'Result':
        onPattern(p.arg);
        return;
      default:
        return;
    }
  };
  const onStmt = (s: IrStmt): void => {
    v.stmt?.(s);
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
        onExpr(s.cond);
        return;
      case 'While':
        onExpr(s.cond);
        for (const inv of s.invariants) onExpr(inv.cond);
        s.facts.forEach(onExpr);
        if (s.decreases?.expr) onExpr(s.decreases.expr);
        onBlock(s.body);
        return;
      case 'Return':
        onExpr(s.value);
        for (const p of s.posts) onExpr(p.cond);
        return;
      case 'Break':
      case 'Continue':
        return;
    }
  };
  const onBlock = (blk: IrBlock): void => {
    blk.stmts.forEach(onStmt);
    if (blk.value) onExpr(blk.value);
  };
  onBlock(b);
}

/** Every variable bound by a pattern, in order. */
export function patternVars(p: IrPattern): IrVar[] {
  switch (p.kind) {
    case 'Bind':
    case 'Type':
      return [p.v];
    case 'Variant':
      return p.args.flatMap(patternVars);
    case 'Record':
      return p.fields.flatMap(patternVars);
    case 'Tuple':
      return p.elems.flatMap(patternVars);
    case 'Result':
      return patternVars(p.arg);
    default:
      return [];
  }
}

/** Whether `e` mentions variable `id` anywhere (blocks included). */
export function mentionsVar(e: IrExpr, id: number): boolean {
  let found = false;
  const probe: IrBlock = { stmts: [], value: e, span: e.span };
  visitBlock(probe, {
    expr: (x) => {
      if (x.kind === 'Var' && x.v.id === id) found = true;
    },
  });
  return found;
}

/**
 * Rebuilds a specification expression bottom-up, replacing each node for
 * which `f` returns a non-null result. Specifications contain no blocks with
 * statements that matter here, so blocks are mapped through their values only.
 */
export function mapExpr(e: IrExpr, f: (x: IrExpr) => IrExpr | null): IrExpr {
  const direct = f(e);
  if (direct) return direct;
  const m = (x: IrExpr): IrExpr => mapExpr(x, f);
  const mb = (b: IrBlock): IrBlock => ({ ...b, stmts: b.stmts.map((s) => mapStmt(s, f)), value: b.value ? m(b.value) : null });
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
    case 'Narrow':
    case 'Inject':
    case 'IsType':
      return { ...e, operand: m(e.operand) } as IrExpr;
    case 'Try':
      return { ...e, operand: m(e.operand), posts: e.posts.map((p) => ({ check: p.check, cond: m(p.cond) })) };
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
    case 'Call':
      return { ...e, args: e.args.map(m), pre: e.pre.map((p) => ({ check: p.check, cond: m(p.cond) })) };
    case 'MakeList':
    case 'MakeTuple':
      return { ...e, elems: e.elems.map(m) } as IrExpr;
    case 'Interp':
      return { ...e, parts: e.parts.map(m) };
    case 'MakeResult':
      return { ...e, arg: m(e.arg) };
    case 'If':
      return { ...e, cond: m(e.cond), then: mb(e.then), else: mb(e.else) };
    case 'Match':
      return { ...e, scrutinee: m(e.scrutinee), arms: e.arms.map((a) => ({ ...a, guard: a.guard ? m(a.guard) : null, body: mb(a.body) })) };
    case 'Block':
      return { ...e, block: mb(e.block) };
    case 'Halt':
      return { ...e, message: e.message ? m(e.message) : null };
    case 'Handle':
      return { ...e, body: mb(e.body), handlers: e.handlers.map((h) => ({ ...h, body: mb(h.body) })) };
    case 'Resume':
      return { ...e, value: e.value ? m(e.value) : null };
    case 'Quant': {
      const d = e.domain;
      const domain: typeof d =
        d.kind === 'range' ? { ...d, lo: m(d.lo), hi: m(d.hi) } : d.kind === 'list' ? { ...d, list: m(d.list) } : d;
      return { ...e, domain, body: m(e.body) };
    }
    case 'In':
      return {
        ...e,
        element: m(e.element),
        range: e.range ? { ...e.range, lo: m(e.range.lo), hi: m(e.range.hi) } : null,
        list: e.list ? m(e.list) : null,
      };
    case 'Old':
      return { ...e, expr: m(e.expr) };
  }
}

function mapStmt(s: IrStmt, f: (x: IrExpr) => IrExpr | null): IrStmt {
  const m = (x: IrExpr): IrExpr => mapExpr(x, f);
  switch (s.kind) {
    case 'Let':
      return { ...s, init: m(s.init) };
    case 'Assign':
      return { ...s, value: m(s.value) };
    case 'Expr':
      return { ...s, expr: m(s.expr) };
    case 'Check':
    case 'Assume':
      return { ...s, cond: m(s.cond) };
    default:
      return s;
  }
}

/** The largest IrVar id anywhere in the program (0 for none). */
export function maxVarId(p: IrProgram): number {
  let max = 0;
  const see = (v: IrVar): void => {
    if (v.id > max) max = v.id;
  };
  for (const r of p.records.values()) for (const f of r.fields) see(f.v);
  for (const e of p.effects.values()) for (const op of e.ops) op.params.forEach(see);
  const visitor = {
    expr: (e: IrExpr): void => {
      if (e.kind === 'Var' || e.kind === 'Quant') see(e.v);
      if (e.kind === 'Call') for (const m of e.mutRefs) see(m.v);
      if (e.kind === 'Handle') for (const h of e.handlers) h.params.forEach(see);
      if (e.kind === 'StateIs') see(e.v);
    },
    stmt: (s: IrStmt): void => {
      if (s.kind === 'Let' || s.kind === 'Assign' || s.kind === 'SetIndex') see(s.v);
      if (s.kind === 'While') s.modified.forEach(see);
    },
    pattern: (p: IrPattern): void => {
      if (p.kind === 'Bind' || p.kind === 'Type') see(p.v);
    },
  };
  const clauses = (c: IrCell): IrExpr[] => [...c.requires.map((r) => r.cond), ...c.ensures.map((r) => r.cond), ...(c.decreases ? [c.decreases] : [])];
  for (const c of p.cells.values()) {
    for (const x of c.params) see(x.v);
    see(c.resultVar);
    for (const [, ov] of c.oldVars) see(ov);
    for (const e of clauses(c)) visitBlock({ stmts: [], value: e, span: e.span }, visitor);
    if (c.body) visitBlock(c.body, visitor);
  }
  for (const r of p.records.values()) for (const inv of r.invariants) visitBlock({ stmts: [], value: inv.cond, span: inv.span }, visitor);
  return max;
}
