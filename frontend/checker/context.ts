// The state shared by every part of the checker: the side tables it fills
// (the `CheckedProgram` contract), the diagnostics, the unifier, and where we
// are — module, local scope, enclosing cell (effect row, loops, handlers) and
// whether the current expression is a specification.

import type * as A from '../ast.js';
import { diag, type Diagnostic } from '../diagnostics.js';
import type { Span } from '../span.js';
import type {
  CallTarget,
  CellInfo,
  EffectInfo,
  EnumInfo,
  FieldInfo,
  FieldTarget,
  LocalSymbol,
  PatternTarget,
  RecordInfo,
  RefinedType,
  Symbol,
  Type,
  TypestateInfo,
} from '../types.js';
import { ERROR, INT } from '../types.js';
import type { ModuleScope, Mutable } from './scope.js';
import { LocalScope } from './scope.js';
import type { ResolveEnv } from './types.js';
import { Unifier } from './types.js';

/** Which specification position an expression is in; null in executable code. */
export type SpecKind =
  | 'requires'
  | 'ensures'
  | 'invariant'
  | 'assert'
  | 'assume'
  | 'where'
  | 'decreases';

export interface SpecCtx {
  readonly kind: SpecKind;
  /** `result` is allowed (ensures, return refinements) and denotes this cell's result. */
  readonly result: { cell: CellInfo; type: Type } | null;
  /** `self` is allowed (alias refinements) with this type. */
  readonly self: Type | null;
  /** Field names usable in a field refinement (the field and earlier ones). */
  readonly fields: { record: RecordInfo; visible: Map<string, { field: FieldInfo; type: Type }> } | null;
  /** Names declared after the refined position: mentioning them is E0196. */
  readonly later: { owner: string; names: ReadonlySet<string> } | null;
}

/** The cell whose body (or contract) is being checked. */
export interface CellCtx {
  readonly info: CellInfo | null;
  /** Declared return type. */
  readonly ret: Type;
  /** Effects in the cell's row. */
  readonly row: ReadonlySet<EffectInfo>;
  /** Effects handled by enclosing `handle` bodies. */
  handled: EffectInfo[];
  loopDepth: number;
  /** The operation whose handler body we are in (for `resume`). */
  handler: CellInfo | null;
  pure: boolean;
}

export const NO_CELL: CellCtx = { info: null, ret: ERROR, row: new Set(), handled: [], loopDepth: 0, handler: null, pure: false };

export class Ctx implements ResolveEnv {
  readonly diagnostics: Diagnostic[] = [];
  readonly u = new Unifier();

  readonly exprTypes = new Map<A.Expr, Type>();
  readonly names = new Map<A.NameExpr, Symbol>();
  readonly calls = new Map<A.CallExpr, CallTarget>();
  readonly fields = new Map<A.FieldExpr, FieldTarget>();
  readonly patterns = new Map<A.Pattern, PatternTarget>();
  readonly letTypes = new Map<A.LetStmt, RefinedType>();
  readonly quantVars = new Map<A.QuantExpr, LocalSymbol>();
  readonly handlerParams = new Map<A.Handler, LocalSymbol[]>();
  readonly effectOps = new Map<A.Handler | A.PerformExpr, CellInfo>();

  /** The type of each checked block (internal: used for early-exit narrowing). */
  readonly blockTypes = new Map<A.Block, Type>();
  /** Typestate state names, for `state(f) == Open` in specifications. */
  readonly stateNames = new Map<string, TypestateInfo[]>();

  mod!: ModuleScope;
  scope = new LocalScope(null);
  cell: CellCtx = NO_CELL;
  spec: SpecCtx | null = null;
  typeParams: ReadonlySet<string> = new Set();

  private nextLocalId = 1;
  /** Expressions, locals and call targets whose types may still contain inference variables. */
  private pendingExprs: A.Expr[] = [];
  private pendingLocals: Mutable<LocalSymbol>[] = [];
  private pendingCalls: A.CallExpr[] = [];
  /** `u.created` at the last flush: types recorded since can only hold variables if it moved. */
  private varsAtFlush = 0;

  private readonly symbolCache = new Map<object | string, Symbol>();

  /** One shared symbol per entity (`Cell`, `Variant`, `Builtin`…): names are numerous, entities few. */
  sym<S extends Symbol>(key: object | string, make: () => S): S {
    let s = this.symbolCache.get(key);
    if (!s) {
      s = make();
      this.symbolCache.set(key, s);
    }
    return s as S;
  }

  private readonly paramNameCache = new Map<CellInfo, string[]>();
  private readonly monoTypes = new Map<object, Type>();

  paramNames(cell: CellInfo): readonly string[] {
    let names = this.paramNameCache.get(cell);
    if (!names) {
      names = cell.params.map((p) => p.name);
      this.paramNameCache.set(cell, names);
    }
    return names;
  }

  /** The type of a non-generic record or enum (one shared object). */
  monoType(info: RecordInfo | EnumInfo, kind: 'Record' | 'Enum'): Type {
    let t = this.monoTypes.get(info);
    if (!t) {
      t = kind === 'Record' ? { kind, info: info as RecordInfo, args: [] } : { kind, info: info as EnumInfo, args: [] };
      this.monoTypes.set(info, t);
    }
    return t;
  }

  report(code: string, span: Span, args: readonly (string | number)[] = [], notes: string[] = []): void {
    this.diagnostics.push(diag(code, span, args, notes.length > 0 ? { notes } : {}));
  }

  reportRelated(code: string, span: Span, args: readonly (string | number)[], related: { span: Span; message: string }[]): void {
    this.diagnostics.push(diag(code, span, args, { related }));
  }

  /** Records the type of an expression and returns it. */
  setType(e: A.Expr, t: Type): Type {
    this.exprTypes.set(e, t);
    if (this.u.created !== this.varsAtFlush && mayHoldVars(t)) this.pendingExprs.push(e);
    return t;
  }

  setCall(e: A.CallExpr, target: CallTarget): void {
    this.calls.set(e, target);
    if (target.kind === 'Cell' && target.typeArgs.length > 0 && this.u.created !== this.varsAtFlush) this.pendingCalls.push(e);
  }

  newLocal(name: string, type: Type, mutable: boolean, span: Span, param: LocalSymbol['param'] = null): LocalSymbol {
    const sym: Mutable<LocalSymbol> = { kind: 'Local', id: this.nextLocalId++, name, type, mutable, span, param };
    if (this.u.created !== this.varsAtFlush && mayHoldVars(type)) this.pendingLocals.push(sym);
    return sym;
  }

  /** Declares a local in the current scope. */
  declare(sym: LocalSymbol): void {
    this.scope.declare(sym);
  }

  /** Runs `f` in a new block scope. */
  inScope<T>(f: () => T): T {
    const prev = this.scope;
    this.scope = new LocalScope(prev);
    try {
      return f();
    } finally {
      this.scope = prev;
    }
  }

  inSpec<T>(spec: SpecCtx, f: () => T): T {
    const prev = this.spec;
    this.spec = spec;
    try {
      return f();
    } finally {
      this.spec = prev;
    }
  }

  prune(t: Type): Type {
    return this.u.prune(t);
  }

  /**
   * Replaces resolved inference variables in everything recorded since the
   * last flush; unresolved ones default to `Int`. Called after each cell.
   */
  flush(): void {
    const u = this.u;
    for (const e of this.pendingExprs) this.exprTypes.set(e, u.zonk(this.exprTypes.get(e)!, INT));
    for (const l of this.pendingLocals) l.type = u.zonk(l.type, INT);
    for (const c of this.pendingCalls) {
      const t = this.calls.get(c);
      if (t && t.kind === 'Cell') this.calls.set(c, { ...t, typeArgs: t.typeArgs.map((x) => u.zonk(x, INT)) });
    }
    this.pendingExprs = [];
    this.pendingLocals = [];
    this.pendingCalls = [];
    u.reset();
    this.varsAtFlush = u.created;
  }
}

/** Cheap test: only compound types and type parameters can contain inference variables. */
function mayHoldVars(t: Type): boolean {
  switch (t.kind) {
    case 'Int':
    case 'Float':
    case 'Bool':
    case 'String':
    case 'Null':
    case 'Never':
    case 'Error':
      return false;
    case 'Record':
    case 'Enum':
      return t.args.length > 0;
    default:
      return true;
  }
}
