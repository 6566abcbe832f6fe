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
import { mapExprChildren, walkBlock, walkPattern } from '../frontend/irwalk.js';
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

/**
 * Calls the visitors on every expression, statement and block of `b`, depth
 * first (specification parts and call preconditions included), and on the
 * patterns of each `match` before its scrutinee.
 */
export function visitBlock(b: IrBlock, v: { expr?: (e: IrExpr) => void; stmt?: (s: IrStmt) => void; pattern?: (p: IrPattern) => void }): void {
  walkBlock(b, {
    expr: (e) => {
      v.expr?.(e);
      if (e.kind === 'Match' && v.pattern) for (const a of e.arms) walkPattern(a.pattern, v.pattern);
    },
    stmt: (s) => {
      v.stmt?.(s);
    },
  });
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
  const mb = (b: IrBlock): IrBlock => ({ ...b, stmts: b.stmts.map((s) => mapStmt(s, f)), value: b.value ? mapExpr(b.value, f) : null });
  return mapExprChildren(e, (x) => mapExpr(x, f), mb);
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
