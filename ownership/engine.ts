// The traversal shared by the ownership and typestate passes: it rebuilds a
// cell body, keeping evaluation order, and calls a pass's hooks at the points
// where ghost code belongs —
// * each variable occurrence in code, with its *position* (read, the value of
//   a `let`, a returned or stored value, an argument of a given mode, …);
// * each declaration (parameters at entry, `let`, pattern bindings);
// * each assignment and each call;
// * each scope exit: the end of a block, and `return`/`break`/`continue`,
//   which leave several scopes at once;
// * each loop entry and iteration end.
// Ghost statements that must run just before a sub-expression are attached to
// it as a `Block` (blocks share the enclosing state, so this keeps the order
// exact even inside short-circuit operators and branches); at statement level
// such wrappers are hoisted back into the statement list.
//
// Specifications (`Check`/`Assume` conditions, invariants, contracts) are not
// code: they go through `rewriteSpec` only.

import type { IrBlock, IrCell, IrExpr, IrParam, IrProgram, IrStmt, IrVar } from '../frontend/ir.js';
import type { Span } from '../frontend/span.js';
import { irType } from '../frontend/lower.js';
import type { AssignStmt, CallExpr, IrKit, VarExpr, WhileStmt } from './irkit.js';
import { letStmt, patternVars, varRef } from './irkit.js';

/** Where a variable occurrence sits, as far as ownership and typestate care. */
export type Position =
  | { readonly kind: 'read' }
  /** The value of an expression statement (evaluated and dropped). */
  | { readonly kind: 'discard' }
  /**
   * The value of `let target = …` / `target = …`; `direct` when the variable is
   * the whole value; `at` is the statement.
   */
  | { readonly kind: 'init'; readonly target: IrVar; readonly direct: boolean; readonly at?: Span }
  | { readonly kind: 'return'; readonly direct: boolean }
  /** Stored into an aggregate (record, list, tuple, variant, result), pushed, or performed. */
  | { readonly kind: 'store'; readonly direct: boolean }
  | { readonly kind: 'arg'; readonly param: IrParam | null; readonly index: number; readonly direct: boolean }
  /**
   * A `match` scrutinee; `binds` when some arm binds the whole value to a name,
   * `destructures` when every arm binds or takes it apart (no `_` or literal arm).
   */
  | { readonly kind: 'scrutinee'; readonly binds: boolean; readonly destructures: boolean };

/** A variable the scope owns, with where it was introduced (§6.5: where leaks are reported). */
export interface Declared {
  readonly v: IrVar;
  readonly span: Span;
  readonly origin: 'param' | 'let' | 'pattern';
  readonly param: IrParam | null;
}

export interface Exit {
  readonly kind: 'block-end' | 'return' | 'break' | 'continue';
  readonly span: Span;
}

interface LoopCtx {
  readonly stmt: WhileStmt;
  /** Index in `scopes` of the loop body's scope. */
  readonly bodyDepth: number;
}

export abstract class GhostRewriter {
  protected cell!: IrCell;
  protected scopes: Declared[][] = [];
  protected loops: LoopCtx[] = [];

  constructor(
    protected readonly kit: IrKit,
    /** Cells with their final signatures (a pass may add hidden parameters). */
    protected readonly cells: ReadonlyMap<string, IrCell>,
  ) {}

  protected get program(): IrProgram {
    return this.kit.program;
  }

  // ------------------------------------------------------------ hooks

  /** Ghost statements at entry for a (non-ghost) parameter. */
  protected abstract onParam(d: Declared): IrStmt[];
  /** Ghost statements right after a `let` or at the start of a match arm; `init` is the original initialiser. */
  protected abstract onDeclare(d: Declared, init: IrExpr | null): IrStmt[];
  /** Ghost statements to run just before this occurrence of a variable. */
  protected abstract onVar(e: VarExpr, pos: Position): IrStmt[];
  /** Ghost statements around an assignment to a user variable (`original` is the input statement). */
  protected abstract onAssign(original: AssignStmt, declared: Declared | null): { before: IrStmt[]; after: IrStmt[] };
  /** The call (arguments and preconditions already rewritten), possibly wrapped with ghost code. */
  protected abstract onCall(call: CallExpr, original: CallExpr): IrExpr;
  /** Checks for a variable leaving its scope. */
  protected abstract onExit(d: Declared, exit: Exit): IrStmt[];
  /** Ghost statements just before a loop. */
  protected abstract onLoopEntry(loop: WhileStmt): IrStmt[];
  /** Ghost statements at the end of every iteration (body end, `continue`). */
  protected abstract onIterationEnd(loop: WhileStmt, at: Span): IrStmt[];
  /** The loop-carried variables of the rewritten loop. */
  protected abstract loopModified(loop: WhileStmt, body: IrBlock): readonly IrVar[];
  /** A specification of the current cell. */
  protected abstract rewriteSpec(e: IrExpr): IrExpr;
  /** A postcondition of the current cell, checked at a return (over `result`). */
  protected rewritePost(e: IrExpr): IrExpr {
    return this.rewriteSpec(e);
  }
  /** A callee's clause evaluated at a call site (its variables are the callee's). */
  protected rewriteCalleeSpec(e: IrExpr, _callee: IrCell | null): IrExpr {
    return this.rewriteSpec(e);
  }

  // ------------------------------------------------------------ driver

  /** The rewritten body of `cell` (which must already carry its final signature). */
  rewriteBody(cell: IrCell): IrBlock | null {
    this.cell = cell;
    this.scopes = [];
    this.loops = [];
    if (!cell.body) return null;
    const prefix = (): IrStmt[] => {
      const out: IrStmt[] = [];
      for (const p of cell.params) {
        if (p.ghost) continue;
        const d: Declared = { v: p.v, span: p.span, origin: 'param', param: p };
        this.top().push(d);
        out.push(...this.onParam(d));
      }
      return out;
    };
    return this.rewriteBlock(cell.body, { kind: 'return', direct: true }, { prefix });
  }

  protected top(): Declared[] {
    return this.scopes[this.scopes.length - 1]!;
  }

  /** The declaration of `v` in an enclosing scope, if it is one the scopes own. */
  protected declaredOf(v: IrVar): Declared | null {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      const d = this.scopes[i]!.find((x) => x.v.id === v.id);
      if (d) return d;
    }
    return null;
  }

  /** Index of the scope declaring `v` (-1 when none). */
  protected depthOf(v: IrVar): number {
    for (let i = this.scopes.length - 1; i >= 0; i--) if (this.scopes[i]!.some((x) => x.v.id === v.id)) return i;
    return -1;
  }

  protected currentLoops(): readonly LoopCtx[] {
    return this.loops;
  }

  // ------------------------------------------------------------ blocks and statements

  /**
   * A block is a scope. `prefix` runs after the scope is opened (declarations
   * of parameters or pattern variables); `after` adds statements at the end of
   * a block that does not end in a jump, after the scope's own exit checks.
   */
  protected rewriteBlock(
    b: IrBlock,
    valuePos: Position,
    opts: { prefix?: () => IrStmt[]; after?: () => IrStmt[] } = {},
  ): IrBlock {
    this.scopes.push([]);
    const out: IrStmt[] = opts.prefix ? opts.prefix() : [];
    for (const s of b.stmts) this.rewriteStmt(s, out);
    let value = b.value ? this.rewriteExpr(b.value, valuePos) : null;
    const last = out[out.length - 1];
    const jumps = last !== undefined && (last.kind === 'Return' || last.kind === 'Break' || last.kind === 'Continue');
    if (!jumps) {
      const exit: Exit = { kind: 'block-end', span: endSpan(b) };
      const tail = [...this.top().flatMap((d) => this.onExit(d, exit)), ...(opts.after ? opts.after() : [])];
      if (tail.length > 0) {
        if (value && !isTrivial(value)) {
          const tmp = this.kit.fresh('$ghost.val', irType(value));
          this.pushFlattened(out, letStmt(tmp, value, value.span));
          value = varRef(tmp, value.span);
        }
        out.push(...tail);
      }
    }
    this.scopes.pop();
    return { stmts: out, value, span: b.span };
  }

  protected rewriteStmt(s: IrStmt, out: IrStmt[]): void {
    switch (s.kind) {
      case 'Let': {
        if (s.ghost) {
          out.push(s);
          return;
        }
        const init = this.rewriteExpr(s.init, { kind: 'init', target: s.v, direct: true, at: s.span });
        this.pushFlattened(out, { ...s, init });
        const d: Declared = { v: s.v, span: s.span, origin: 'let', param: null };
        this.top().push(d);
        out.push(...this.onDeclare(d, s.init));
        return;
      }
      case 'Assign': {
        if (s.ghost) {
          out.push(s);
          return;
        }
        const value = this.rewriteExpr(s.value, { kind: 'init', target: s.v, direct: true, at: s.span });
        const { before, after } = this.onAssign(s, this.declaredOf(s.v));
        out.push(...before);
        this.pushFlattened(out, { ...s, value });
        out.push(...after);
        return;
      }
      case 'SetIndex': {
        const index = this.rewriteExpr(s.index, { kind: 'read' });
        const value = this.rewriteExpr(s.value, { kind: 'store', direct: true });
        out.push({ ...s, index, value });
        return;
      }
      case 'Expr':
        this.pushFlattened(out, { ...s, expr: this.rewriteExpr(s.expr, { kind: 'discard' }) });
        return;
      case 'Check':
        out.push(s.ghost ? s : { ...s, cond: this.rewriteSpec(s.cond) });
        return;
      case 'Assume':
        out.push({ ...s, cond: this.rewriteSpec(s.cond) });
        return;
      case 'While':
        this.rewriteWhile(s, out);
        return;
      case 'Return': {
        let value = this.rewriteExpr(s.value, { kind: 'return', direct: true });
        const posts = s.posts.map((p) => ({ check: p.check, cond: this.rewritePost(p.cond) }));
        const exit: Exit = { kind: 'return', span: s.span };
        const checks: IrStmt[] = [];
        for (let i = this.scopes.length - 1; i >= 0; i--) for (const d of this.scopes[i]!) checks.push(...this.onExit(d, exit));
        if (checks.length > 0) {
          if (!isTrivial(value)) {
            const tmp = this.kit.fresh('$ghost.ret', irType(value));
            this.pushFlattened(out, letStmt(tmp, value, s.span));
            value = varRef(tmp, s.span);
          }
          out.push(...checks);
        }
        out.push({ ...s, value, posts });
        return;
      }
      case 'Break':
      case 'Continue': {
        const loop = this.loops[this.loops.length - 1];
        if (loop) {
          const exit: Exit = { kind: s.kind === 'Break' ? 'break' : 'continue', span: s.span };
          for (let i = this.scopes.length - 1; i >= loop.bodyDepth; i--) for (const d of this.scopes[i]!) out.push(...this.onExit(d, exit));
          if (s.kind === 'Continue') out.push(...this.onIterationEnd(loop.stmt, s.span));
        }
        out.push(s);
        return;
      }
    }
  }

  private rewriteWhile(s: WhileStmt, out: IrStmt[]): void {
    out.push(...this.onLoopEntry(s));
    const invariants = s.invariants.map((inv) => ({ ...inv, cond: this.rewriteSpec(inv.cond) }));
    const facts = s.facts.map((f) => this.rewriteSpec(f));
    const decreases = s.decreases ? { ...s.decreases, expr: s.decreases.expr ? this.rewriteSpec(s.decreases.expr) : null } : null;
    const cond = this.rewriteExpr(s.cond, { kind: 'read' });
    this.loops.push({ stmt: s, bodyDepth: this.scopes.length });
    const body = this.rewriteBlock(s.body, { kind: 'discard' }, { after: () => this.onIterationEnd(s, endSpan(s.body)) });
    this.loops.pop();
    out.push({ ...s, cond, invariants, facts, decreases, body, modified: this.loopModified(s, body) });
  }

  /** Pushes a statement, hoisting the ghost statements of a wrapper that is its whole expression. */
  protected pushFlattened(out: IrStmt[], s: IrStmt): void {
    const e = s.kind === 'Let' ? s.init : s.kind === 'Assign' ? s.value : s.kind === 'Expr' ? s.expr : null;
    if (!e || !this.kit.isWrapper(e)) {
      out.push(s);
      return;
    }
    const inner = e.block;
    out.push(...inner.stmts);
    const value = inner.value!;
    if (s.kind === 'Let') this.pushFlattened(out, { ...s, init: value });
    else if (s.kind === 'Assign') this.pushFlattened(out, { ...s, value });
    else if (s.kind === 'Expr' && value.kind !== 'Var' && value.kind !== 'Const') this.pushFlattened(out, { ...s, expr: value });
  }

  // ------------------------------------------------------------ expressions

  protected rewriteExpr(e: IrExpr, pos: Position): IrExpr {
    const read: Position = { kind: 'read' };
    const r = (x: IrExpr): IrExpr => this.rewriteExpr(x, read);
    const store = (x: IrExpr): IrExpr => this.rewriteExpr(x, { kind: 'store', direct: true });
    switch (e.kind) {
      case 'Const':
        return e;
      case 'Var':
        return this.kit.wrap(this.onVar(e, pos), e, e.span);
      case 'IntOp':
      case 'FloatOp':
      case 'Cmp':
      case 'Concat':
        return { ...e, left: r(e.left), right: r(e.right) } as IrExpr;
      case 'And':
      case 'Or':
      case 'Implies':
        return { ...e, left: r(e.left), right: r(e.right) };
      case 'IntNeg':
      case 'FloatNeg':
      case 'Not':
      case 'Len':
      case 'IsType':
        return { ...e, operand: r(e.operand) } as IrExpr;
      case 'NonNull':
      case 'Narrow':
      case 'Inject':
        // The value itself flows on.
        return { ...e, operand: this.rewriteExpr(e.operand, flowOn(pos)) } as IrExpr;
      case 'Try':
        return { ...e, operand: r(e.operand), posts: e.posts.map((p) => ({ check: p.check, cond: this.rewritePost(p.cond) })) };
      case 'Index':
        return { ...e, target: r(e.target), index: r(e.index) };
      case 'Field':
      case 'TupleGet':
        return { ...e, target: r(e.target) } as IrExpr;
      case 'MakeRecord':
        return { ...e, fields: e.fields.map(store) };
      case 'MakeVariant':
        return { ...e, args: e.args.map(store) };
      case 'Perform':
        return { ...e, args: e.args.map(store) };
      case 'MakeList':
      case 'MakeTuple':
        return { ...e, elems: e.elems.map(store) } as IrExpr;
      case 'MakeResult':
        return { ...e, arg: store(e.arg) };
      case 'Interp':
        return { ...e, parts: e.parts.map(r) };
      case 'Builtin':
        return { ...e, args: e.args.map((a, i) => (e.name === 'push' && i === 1 ? store(a) : r(a))) };
      case 'Call':
        return this.rewriteCall(e);
      case 'If': {
        const cond = r(e.cond);
        const then = this.rewriteBlock(e.then, flowOn(pos));
        const els = this.rewriteBlock(e.else, flowOn(pos));
        return { ...e, cond, then, else: els };
      }
      case 'Match':
        return this.rewriteMatch(e, pos);
      case 'Block':
        return { ...e, block: this.rewriteBlock(e.block, flowOn(pos)) };
      case 'Halt':
        return { ...e, message: e.message ? r(e.message) : null };
      case 'Handle': {
        const body = this.rewriteBlock(e.body, flowOn(pos));
        const handlers = e.handlers.map((h) => ({ ...h, body: this.rewriteBlock(h.body, flowOn(pos)) }));
        return { ...e, body, handlers };
      }
      case 'Resume':
        return { ...e, value: e.value ? store(e.value) : null };
      case 'In':
        return {
          ...e,
          element: r(e.element),
          range: e.range ? { ...e.range, lo: r(e.range.lo), hi: r(e.range.hi) } : null,
          list: e.list ? r(e.list) : null,
        };
      case 'Quant':
      case 'Old':
      case 'Calls':
      case 'StateIs':
        return this.rewriteSpec(e);
    }
  }

  private rewriteCall(e: CallExpr): IrExpr {
    const callee = this.cells.get(e.cell) ?? null;
    const args = e.args.map((a, i) => {
      const param = callee?.params[i] ?? null;
      if (param?.ghost) return a;
      return this.rewriteExpr(a, { kind: 'arg', param, index: i, direct: true });
    });
    const pre = e.pre.map((p) => ({ check: p.check, cond: this.rewriteCalleeSpec(p.cond, callee) }));
    return this.onCall({ ...e, args, pre }, e);
  }

  private rewriteMatch(e: Extract<IrExpr, { kind: 'Match' }>, pos: Position): IrExpr {
    const binds = e.arms.some((a) => a.pattern.kind === 'Bind' || a.pattern.kind === 'Type');
    const destructures = e.arms.every((a) => a.pattern.kind !== 'Wild' && a.pattern.kind !== 'Lit' && a.pattern.kind !== 'Range');
    const scrutinee = this.rewriteExpr(e.scrutinee, { kind: 'scrutinee', binds, destructures });
    const arms = e.arms.map((arm) => {
      // The arm's pattern variables live in a scope around the guard and the body.
      this.scopes.push([]);
      const decls: IrStmt[] = [];
      for (const v of patternVars(arm.pattern)) {
        const d: Declared = { v, span: arm.span, origin: 'pattern', param: null };
        this.top().push(d);
        decls.push(...this.onDeclare(d, null));
      }
      const armScope = this.top();
      let guard: IrExpr | null = null;
      if (arm.guard) guard = this.kit.wrap(decls, this.rewriteExpr(arm.guard, { kind: 'read' }), arm.guard.span);
      const body = this.rewriteBlock(arm.body, flowOn(pos), {
        prefix: () => (arm.guard ? [] : decls),
        after: () => armScope.flatMap((d) => this.onExit(d, { kind: 'block-end', span: endSpan(arm.body) })),
      });
      this.scopes.pop();
      return { ...arm, guard, body };
    });
    return { ...e, scrutinee, arms };
  }
}

/** The position of a value that flows out of a branch, block or narrowing. */
export function flowOn(pos: Position): Position {
  switch (pos.kind) {
    case 'init':
    case 'return':
    case 'store':
    case 'arg':
      return { ...pos, direct: false };
    case 'scrutinee':
      return { kind: 'read' };
    default:
      return pos;
  }
}

/** A value whose evaluation changes no ghost state: exit checks may run before it. */
function isTrivial(e: IrExpr): boolean {
  return e.kind === 'Const' || e.kind === 'Var';
}

function endSpan(b: IrBlock): Span {
  return { file: b.span.file, start: Math.max(b.span.start, b.span.end - 1), end: b.span.end };
}
