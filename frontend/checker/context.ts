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
  VariantInfo,
  BuiltinName,
} from '../types.js';
import { ERROR, INT, NULL } from '../types.js';
import type { ModuleScope, Mutable } from './scope.js';
import { NodeMap } from './nodemap.js';
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
  readonly later: { owner: string; names: { has(name: string): boolean } } | null;
}

const PLAIN_SPECS = new Map<SpecKind, SpecCtx>();

/** The context of a specification of `kind` with no `result`, `self` or field names (shared, never modified). */
export function plainSpec(kind: SpecKind): SpecCtx {
  let s = PLAIN_SPECS.get(kind);
  if (!s) PLAIN_SPECS.set(kind, (s = { kind, result: null, self: null, fields: null, later: null }));
  return s;
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

/** The shared empty set (type parameters, effect rows): never modified. */
export const EMPTY_SET: ReadonlySet<never> = new Set<never>();

/** A set of the given names, or the shared empty set. */
export function setOf<T>(items: readonly T[]): ReadonlySet<T> {
  return items.length === 0 ? EMPTY_SET : new Set(items);
}

export class Ctx implements ResolveEnv {
  readonly diagnostics: Diagnostic[] = [];
  readonly u = new Unifier();

  readonly exprTypes: NodeMap<A.Expr, Type>;
  readonly names: NodeMap<A.NameExpr, Symbol>;
  readonly calls: NodeMap<A.CallExpr, CallTarget>;
  readonly fields: NodeMap<A.FieldExpr, FieldTarget>;
  readonly patterns: NodeMap<A.Pattern, PatternTarget>;
  readonly letTypes = new Map<A.LetStmt, RefinedType>();
  readonly quantVars = new Map<A.QuantExpr, LocalSymbol>();
  readonly handlerParams = new Map<A.Handler, LocalSymbol[]>();
  readonly effectOps = new Map<A.Handler | A.PerformExpr, CellInfo>();

  /**
   * The last `if` whose checking finished, with the types of its branches
   * (internal: for the narrowing after `if x == null return … end`).
   */
  lastIf: A.IfExpr | null = null;
  lastIfThen: Type = NULL;
  lastIfElse: Type | null = null;
  /** Typestate state names, for `state(f) == Open` in specifications. */
  readonly stateNames = new Map<string, TypestateInfo[]>();

  mod!: ModuleScope;
  scope = new LocalScope(null);
  cell: CellCtx = NO_CELL;
  spec: SpecCtx | null = null;
  typeParams: ReadonlySet<string> = EMPTY_SET;

  private nextLocalId = 1;
  /** Expressions, locals and call targets whose types may still contain inference variables. */
  private pendingExprs: A.Expr[] = [];
  private pendingLocals: Mutable<LocalSymbol>[] = [];
  private pendingCalls: A.CallExpr[] = [];
  /** `u.created` at the last flush: types recorded since can only hold variables if it moved. */
  private varsAtFlush = 0;

  /** One shared symbol per entity (`Cell`, `Variant`, `Builtin`…): names are numerous, entities few. */
  private readonly symbolCache = new Map<object | string, Symbol>();

  /**
   * `sourceLength`: the total length of the modules' code. The side tables
   * grow with the code, so they are sized from it up front (a typical line of
   * code has an expression every 7 characters, a name every 15).
   */
  constructor(sourceLength = 0) {
    this.exprTypes = new NodeMap(sourceLength / 7);
    this.names = new NodeMap(sourceLength / 15);
    this.calls = new NodeMap(sourceLength / 100);
    this.fields = new NodeMap(sourceLength / 200);
    this.patterns = new NodeMap(sourceLength / 50);
  }

  cellSym(cell: CellInfo): Symbol {
    let s = this.symbolCache.get(cell);
    if (!s) this.symbolCache.set(cell, (s = { kind: 'Cell', cell }));
    return s;
  }

  recordCtorSym(record: RecordInfo): Symbol {
    let s = this.symbolCache.get(record);
    if (!s) this.symbolCache.set(record, (s = { kind: 'RecordCtor', record }));
    return s;
  }

  variantSym(info: EnumInfo, variant: VariantInfo): Symbol {
    let s = this.symbolCache.get(variant);
    if (!s) this.symbolCache.set(variant, (s = { kind: 'Variant', enum: info, variant }));
    return s;
  }

  enumNameSym(info: EnumInfo): Symbol {
    let s = this.symbolCache.get(info);
    if (!s) this.symbolCache.set(info, (s = { kind: 'EnumName', enum: info }));
    return s;
  }

  effectSym(effect: EffectInfo): Symbol {
    let s = this.symbolCache.get(effect);
    if (!s) this.symbolCache.set(effect, (s = { kind: 'Effect', effect }));
    return s;
  }

  private readonly builtinSyms = new Map<string, Symbol>();

  builtinSym(name: BuiltinName): Symbol {
    let s = this.builtinSyms.get(name);
    if (!s) this.builtinSyms.set(name, (s = { kind: 'Builtin', name }));
    return s;
  }

  resultCtorSym(which: 'ok' | 'err'): Symbol {
    let s = this.symbolCache.get(which);
    if (!s) this.symbolCache.set(which, (s = { kind: 'ResultCtor', which }));
    return s;
  }

  private readonly paramNameCache = new Map<CellInfo, string[]>();
  private readonly fieldNameCache = new Map<object, string[]>();
  private readonly monoTypes = new Map<object, Type>();

  paramNames(cell: CellInfo): readonly string[] {
    let names = this.paramNameCache.get(cell);
    if (!names) {
      names = cell.params.map((p) => p.name);
      this.paramNameCache.set(cell, names);
    }
    return names;
  }

  /** The field names of a record or variant, in declaration order. */
  fieldNames(owner: RecordInfo | VariantInfo): readonly string[] {
    let names = this.fieldNameCache.get(owner);
    if (!names) {
      names = owner.fields.map((f) => f.name);
      this.fieldNameCache.set(owner, names);
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

  /** Enters a new block scope; returns the scope to restore with `ctx.scope = saved`. */
  openScope(): LocalScope {
    const saved = this.scope;
    this.scope = new LocalScope(saved);
    return saved;
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
    if (this.pendingExprs.length > 0) {
      for (const e of this.pendingExprs) this.exprTypes.set(e, u.zonk(this.exprTypes.get(e)!, INT));
      this.pendingExprs = [];
    }
    if (this.pendingLocals.length > 0) {
      for (const l of this.pendingLocals) l.type = u.zonk(l.type, INT);
      this.pendingLocals = [];
    }
    if (this.pendingCalls.length > 0) {
      for (const c of this.pendingCalls) {
        const t = this.calls.get(c);
        if (t && t.kind === 'Cell') this.calls.set(c, { ...t, typeArgs: t.typeArgs.map((x) => u.zonk(x, INT)) });
      }
      this.pendingCalls = [];
    }
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
