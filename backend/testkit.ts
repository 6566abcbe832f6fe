// Small constructors for checked IR, so backend and VM tests can build
// programs by hand (independently of the parser, checker and lowering).
// Types of records and enums are given minimal fake `RecordInfo`/`EnumInfo`
// objects: the backend only reads names, field names and field types.

import type {
  CheckId,
  CheckInfo,
  CheckKind,
  IntOp,
  CmpOp,
  IrArm,
  IrBlock,
  IrCell,
  IrEffect,
  IrEnum,
  IrExpr,
  IrHandler,
  IrInvariant,
  IrPattern,
  IrProgram,
  IrRecord,
  IrStmt,
  IrVar,
  BuiltinOp,
  PreCheck,
} from '../frontend/ir.js';
import type { Span } from '../frontend/span.js';
import type { EnumInfo, RecordInfo, Type } from '../frontend/types.js';

export const SP: Span = { file: 'test.lm', start: 0, end: 0 };

export const T = {
  Int: { kind: 'Int' } as Type,
  Float: { kind: 'Float' } as Type,
  Bool: { kind: 'Bool' } as Type,
  String: { kind: 'String' } as Type,
  Null: { kind: 'Null' } as Type,
  Never: { kind: 'Never' } as Type,
  list: (elem: Type): Type => ({ kind: 'List', elem }),
  tuple: (...elems: Type[]): Type => ({ kind: 'Tuple', elems }),
  result: (ok: Type, err: Type): Type => ({ kind: 'Result', ok, err }),
  union: (...members: Type[]): Type => ({ kind: 'Union', members }),
  opt: (t: Type): Type => ({ kind: 'Union', members: [t, { kind: 'Null' }] }),
};

export interface CellHandle {
  readonly name: string;
  readonly params: readonly IrVar[];
  readonly ret: Type;
  readonly resultVar: IrVar;
}

export interface CellOptions {
  requires?: IrExpr[];
  ensures?: IrExpr[];
  decreases?: IrExpr;
  effects?: { effect: string; maxCalls: bigint | null }[];
  recursive?: boolean;
  extern?: boolean;
  modes?: ('value' | 'owned' | 'ref' | 'mutref')[];
  oldVars?: Map<number, IrVar>;
}

/** Builds one IR program. Check ids are allocated in creation order. */
export class IrBuilder {
  private nextVar = 1;
  readonly checks: CheckInfo[] = [];
  readonly cells = new Map<string, IrCell>();
  readonly records = new Map<string, IrRecord>();
  readonly enums = new Map<string, IrEnum>();
  readonly effects = new Map<string, IrEffect>();

  // ------------------------------------------------------------ declarations

  v(name: string, type: Type): IrVar {
    return { id: this.nextVar++, name, type };
  }

  check(kind: CheckKind, expr: string = kind): CheckId {
    const id = this.checks.length;
    this.checks.push({ id, kind, cell: '', span: { file: 'test.lm', start: id, end: id + 1 }, expr, failure: `${kind} failed: ${expr}`, success: 'ok', related: [], key: `${kind}#${id}` });
    return id;
  }

  record(name: string, fields: [string, Type][]): Type {
    const info = {
      qualifiedName: name,
      name,
      module: 'test',
      linear: false,
      typeParams: [],
      typestate: null,
      fields: fields.map(([n, t], index) => ({ name: n, index, type: { type: t, refinements: [] }, span: SP })),
    } as unknown as RecordInfo;
    this.records.set(name, {
      name,
      fields: fields.map(([n, t]) => ({ name: n, type: t, v: this.v(n, t) })),
      invariants: [],
      linear: false,
      typestate: null,
    });
    return { kind: 'Record', info, args: [] };
  }

  enum(name: string, variants: [string, [string, Type][]][]): Type {
    const info = {
      qualifiedName: name,
      name,
      module: 'test',
      typeParams: [],
      variants: variants.map(([vn, fs], index) => ({
        name: vn,
        index,
        span: SP,
        fields: fs.map(([n, t], i) => ({ name: n, index: i, type: { type: t, refinements: [] }, span: SP })),
      })),
    } as unknown as EnumInfo;
    this.enums.set(name, { name, variants: variants.map(([vn, fs]) => ({ name: vn, fields: fs.map(([n, t]) => ({ name: n, type: t })) })) });
    return { kind: 'Enum', info, args: [] };
  }

  effect(name: string, ops: [string, Type[], Type][]): void {
    this.effects.set(name, {
      name,
      ops: ops.map(([op, params, ret]) => ({ name: op, params: params.map((t, i) => this.v(`p${i}`, t)), ret, ensures: [] })),
    });
  }

  declare(name: string, params: IrVar[], ret: Type): CellHandle {
    return { name, params, ret, resultVar: this.v('result', ret) };
  }

  define(c: CellHandle, body: IrBlock | IrStmt[], opts: CellOptions = {}): CellHandle {
    const block: IrBlock = Array.isArray(body) ? { stmts: body, value: null, span: SP } : body;
    const clause = (cond: IrExpr) => ({ cond, span: SP, text: 'clause', origin: 'contract' as const });
    this.cells.set(c.name, {
      name: c.name,
      span: SP,
      params: c.params.map((v, i) => ({ v, mode: opts.modes?.[i] ?? 'value', span: SP })),
      ret: c.ret,
      resultVar: c.resultVar,
      oldVars: opts.oldVars ?? new Map(),
      requires: (opts.requires ?? []).map(clause),
      ensures: (opts.ensures ?? []).map(clause),
      decreases: opts.decreases ?? null,
      effects: (opts.effects ?? []).map((e) => ({ ...e, span: SP })),
      pure: false,
      extern: opts.extern ?? false,
      body: opts.extern ? null : block,
      module: 'test',
      recursive: opts.recursive ?? false,
    });
    return c;
  }

  /** Declares and defines in one go; the body gets the handle to refer to params and result. */
  cell(name: string, params: IrVar[], ret: Type, body: (c: CellHandle) => IrBlock | IrStmt[], opts: CellOptions = {}): CellHandle {
    const c = this.declare(name, params, ret);
    return this.define(c, body(c), opts);
  }

  program(): IrProgram {
    return {
      cells: this.cells,
      records: this.records,
      enums: this.enums,
      effects: this.effects,
      checks: this.checks,
      trusted: [],
      rootCells: [...this.cells.keys()],
    };
  }

  // ------------------------------------------------------------ expressions

  int(n: number | bigint): IrExpr {
    return { kind: 'Const', value: { kind: 'Int', value: BigInt(n) }, type: T.Int, span: SP };
  }
  flt(x: number): IrExpr {
    return { kind: 'Const', value: { kind: 'Float', value: x }, type: T.Float, span: SP };
  }
  bool(b: boolean): IrExpr {
    return { kind: 'Const', value: { kind: 'Bool', value: b }, type: T.Bool, span: SP };
  }
  str(s: string): IrExpr {
    return { kind: 'Const', value: { kind: 'String', value: s }, type: T.String, span: SP };
  }
  nul(): IrExpr {
    return { kind: 'Const', value: { kind: 'Null' }, type: T.Null, span: SP };
  }
  ref(v: IrVar): IrExpr {
    return { kind: 'Var', v, span: SP };
  }
  /** Checked Int operation in code (fresh overflow/div-by-zero check ids). */
  op(op: IntOp, left: IrExpr, right: IrExpr): Extract<IrExpr, { kind: 'IntOp' }> {
    const isDiv = op === '/' || op === '//' || op === '%';
    return {
      kind: 'IntOp',
      op,
      left,
      right,
      overflow: op === '%' ? null : this.check('overflow', op),
      divZero: isDiv ? this.check('div-by-zero', op) : null,
      span: SP,
    };
  }
  /** Int operation as in a specification: no overflow check. */
  sop(op: IntOp, left: IrExpr, right: IrExpr): IrExpr {
    const isDiv = op === '/' || op === '//' || op === '%';
    return { kind: 'IntOp', op, left, right, overflow: null, divZero: isDiv ? this.check('div-by-zero', op) : null, span: SP };
  }
  neg(operand: IrExpr, checked = true): IrExpr {
    return { kind: 'IntNeg', operand, overflow: checked ? this.check('overflow', 'neg') : null, span: SP };
  }
  fop(op: '+' | '-' | '*' | '/' | '**', left: IrExpr, right: IrExpr): IrExpr {
    return { kind: 'FloatOp', op, left, right, span: SP };
  }
  cmp(op: CmpOp, left: IrExpr, right: IrExpr, operand: Type = T.Int): IrExpr {
    return { kind: 'Cmp', op, left, right, operand, span: SP };
  }
  and(left: IrExpr, right: IrExpr): IrExpr {
    return { kind: 'And', left, right, span: SP };
  }
  or(left: IrExpr, right: IrExpr): IrExpr {
    return { kind: 'Or', left, right, span: SP };
  }
  implies(left: IrExpr, right: IrExpr): IrExpr {
    return { kind: 'Implies', left, right, span: SP };
  }
  not(operand: IrExpr): IrExpr {
    return { kind: 'Not', operand, span: SP };
  }
  concat(left: IrExpr, right: IrExpr, type: Type = T.String): IrExpr {
    return { kind: 'Concat', left, right, type, span: SP };
  }
  len(operand: IrExpr): IrExpr {
    return { kind: 'Len', operand, span: SP };
  }
  index(target: IrExpr, index: IrExpr, type: Type = T.Int, checked = true): Extract<IrExpr, { kind: 'Index' }> {
    return { kind: 'Index', target, index, check: checked ? this.check('index') : null, type, span: SP };
  }
  field(target: IrExpr, record: string, field: number, type: Type): IrExpr {
    return { kind: 'Field', target, record, field, type, span: SP };
  }
  tget(target: IrExpr, index: number, type: Type): IrExpr {
    return { kind: 'TupleGet', target, index, type, span: SP };
  }
  make(record: Type, fields: IrExpr[]): IrExpr {
    const name = (record as Extract<Type, { kind: 'Record' }>).info.qualifiedName;
    return { kind: 'MakeRecord', record: name, fields, type: record, span: SP };
  }
  variant(enumType: Type, variant: number, args: IrExpr[] = []): IrExpr {
    const name = (enumType as Extract<Type, { kind: 'Enum' }>).info.qualifiedName;
    return { kind: 'MakeVariant', enum: name, variant, args, type: enumType, span: SP };
  }
  ok(arg: IrExpr, type: Type): IrExpr {
    return { kind: 'MakeResult', which: 'ok', arg, type, span: SP };
  }
  err(arg: IrExpr, type: Type): IrExpr {
    return { kind: 'MakeResult', which: 'err', arg, type, span: SP };
  }
  list(elems: IrExpr[], elem: Type = T.Int): IrExpr {
    return { kind: 'MakeList', elems, type: T.list(elem), span: SP };
  }
  tuple(elems: IrExpr[], type: Type): IrExpr {
    return { kind: 'MakeTuple', elems, type, span: SP };
  }
  interp(...parts: IrExpr[]): IrExpr {
    return { kind: 'Interp', parts, span: SP };
  }
  call(c: CellHandle, args: IrExpr[], opts: { pre?: PreCheck[]; termination?: CheckId | null; mutRefs?: { arg: number; v: IrVar }[]; budgets?: { effect: string; check: CheckId }[] } = {}): IrExpr {
    return {
      kind: 'Call',
      cell: c.name,
      args,
      pre: opts.pre ?? [],
      termination: opts.termination ?? null,
      budgets: opts.budgets ?? [],
      mutRefs: opts.mutRefs ?? [],
      type: c.ret,
      span: SP,
    };
  }
  builtin(name: BuiltinOp, args: IrExpr[], type: Type, check: CheckId | null = null): IrExpr {
    return { kind: 'Builtin', name, args, check, type, span: SP };
  }
  print(arg: IrExpr): IrStmt {
    return this.expr(this.builtin('print', [arg], T.Null));
  }
  if(cond: IrExpr, then: IrBlock | IrExpr, els: IrBlock | IrExpr, type: Type): IrExpr {
    return { kind: 'If', cond, then: this.asBlock(then), else: this.asBlock(els), type, span: SP };
  }
  match(scrutinee: IrExpr, arms: IrArm[], type: Type, check: CheckId | null = null): IrExpr {
    return { kind: 'Match', scrutinee, arms, check, type, span: SP };
  }
  arm(pattern: IrPattern, body: IrBlock | IrExpr, guard: IrExpr | null = null): IrArm {
    return { pattern, guard, body: this.asBlock(body), span: SP };
  }
  block(stmts: IrStmt[], value: IrExpr | null = null): IrBlock {
    return { stmts, value, span: SP };
  }
  blockExpr(stmts: IrStmt[], value: IrExpr | null = null): IrExpr {
    return { kind: 'Block', block: this.block(stmts, value), span: SP };
  }
  halt(message: IrExpr | null): IrExpr {
    return { kind: 'Halt', message, check: this.check('halt'), span: SP };
  }
  nonNull(operand: IrExpr, type: Type): IrExpr {
    return { kind: 'NonNull', operand, check: this.check('null'), type, span: SP };
  }
  try(operand: IrExpr, type: Type, posts: { check: CheckId; cond: IrExpr }[] = []): IrExpr {
    return { kind: 'Try', operand, posts, type, span: SP };
  }
  perform(effect: string, op: string, args: IrExpr[], type: Type, budget: CheckId | null = null): IrExpr {
    return { kind: 'Perform', effect, op, args, budget, type, span: SP };
  }
  handle(body: IrBlock | IrExpr, handlers: IrHandler[], type: Type): IrExpr {
    return { kind: 'Handle', body: this.asBlock(body), handlers, type, span: SP };
  }
  handler(effect: string, op: string, params: IrVar[], body: IrBlock | IrExpr): IrHandler {
    return { effect, op, params, body: this.asBlock(body), span: SP };
  }
  resume(value: IrExpr | null): IrExpr {
    return { kind: 'Resume', value, span: SP };
  }
  isType(operand: IrExpr, type: Type): IrExpr {
    return { kind: 'IsType', operand, type, span: SP };
  }
  forall(v: IrVar, lo: IrExpr, hi: IrExpr, body: IrExpr, inclusive = false): IrExpr {
    return { kind: 'Quant', quantifier: 'forall', v, domain: { kind: 'range', lo, hi, inclusive }, body, span: SP };
  }
  exists(v: IrVar, lo: IrExpr, hi: IrExpr, body: IrExpr, inclusive = false): IrExpr {
    return { kind: 'Quant', quantifier: 'exists', v, domain: { kind: 'range', lo, hi, inclusive }, body, span: SP };
  }
  quantList(quantifier: 'forall' | 'exists', v: IrVar, list: IrExpr, body: IrExpr): IrExpr {
    return { kind: 'Quant', quantifier, v, domain: { kind: 'list', list }, body, span: SP };
  }
  quantType(quantifier: 'forall' | 'exists', v: IrVar, body: IrExpr): IrExpr {
    return { kind: 'Quant', quantifier, v, domain: { kind: 'type' }, body, span: SP };
  }
  inRange(element: IrExpr, lo: IrExpr, hi: IrExpr, inclusive = false): IrExpr {
    return { kind: 'In', element, range: { lo, hi, inclusive }, list: null, span: SP };
  }
  inList(element: IrExpr, list: IrExpr): IrExpr {
    return { kind: 'In', element, range: null, list, span: SP };
  }
  old(expr: IrExpr): IrExpr {
    return { kind: 'Old', expr, span: SP };
  }
  calls(effect: string): IrExpr {
    return { kind: 'Calls', effect, span: SP };
  }

  // ------------------------------------------------------------ statements

  let(v: IrVar, init: IrExpr): IrStmt {
    return { kind: 'Let', v, init, span: SP };
  }
  assign(v: IrVar, value: IrExpr): IrStmt {
    return { kind: 'Assign', v, value, span: SP };
  }
  setIndex(v: IrVar, index: IrExpr, value: IrExpr): IrStmt {
    return { kind: 'SetIndex', v, index, value, check: this.check('index'), span: SP };
  }
  expr(expr: IrExpr): IrStmt {
    return { kind: 'Expr', expr, span: SP };
  }
  assert(cond: IrExpr, kind: CheckKind = 'assertion'): IrStmt {
    return { kind: 'Check', check: this.check(kind), cond, span: SP };
  }
  while(
    cond: IrExpr,
    body: IrStmt[],
    opts: { invariants?: IrExpr[]; decreases?: IrExpr } = {},
  ): IrStmt {
    const invariants: IrInvariant[] = (opts.invariants ?? []).map((c) => ({
      cond: c,
      text: 'inv',
      span: SP,
      entryCheck: this.check('invariant-entry'),
      preservedCheck: this.check('invariant-preserved'),
    }));
    return {
      kind: 'While',
      cond,
      invariants,
      facts: [],
      decreases: opts.decreases ? { expr: opts.decreases, check: this.check('termination'), guessed: false } : null,
      body: this.block(body),
      modified: [],
      counted: false,
      span: SP,
    };
  }
  /** `return value` with postcondition checks (conditions over the cell's result var). */
  ret(value: IrExpr, posts: IrExpr[] = [], kind: CheckKind = 'postcondition'): IrStmt {
    return { kind: 'Return', value, posts: posts.map((cond) => ({ check: this.check(kind), cond })), span: SP };
  }
  break(): IrStmt {
    return { kind: 'Break', span: SP };
  }
  continue(): IrStmt {
    return { kind: 'Continue', span: SP };
  }

  private asBlock(x: IrBlock | IrExpr): IrBlock {
    return 'stmts' in x ? x : this.block([], x);
  }
}

// ---------------------------------------------------------------- patterns

export const P = {
  wild: (): IrPattern => ({ kind: 'Wild' }),
  bind: (v: IrVar): IrPattern => ({ kind: 'Bind', v }),
  int: (n: number | bigint): IrPattern => ({ kind: 'Lit', value: { kind: 'Int', value: BigInt(n) } }),
  str: (s: string): IrPattern => ({ kind: 'Lit', value: { kind: 'String', value: s } }),
  bool: (b: boolean): IrPattern => ({ kind: 'Lit', value: { kind: 'Bool', value: b } }),
  nul: (): IrPattern => ({ kind: 'Lit', value: { kind: 'Null' } }),
  range: (lo: number, hi: number, inclusive = true): IrPattern => ({ kind: 'Range', lo: BigInt(lo), hi: BigInt(hi), inclusive }),
  variant: (enumType: Type, variant: number, args: IrPattern[] = []): IrPattern => ({
    kind: 'Variant',
    enum: (enumType as Extract<Type, { kind: 'Enum' }>).info.qualifiedName,
    variant,
    args,
  }),
  record: (record: Type, fields: IrPattern[]): IrPattern => ({ kind: 'Record', record: (record as Extract<Type, { kind: 'Record' }>).info.qualifiedName, fields }),
  tuple: (...elems: IrPattern[]): IrPattern => ({ kind: 'Tuple', elems }),
  ok: (arg: IrPattern): IrPattern => ({ kind: 'Result', which: 'ok', arg }),
  err: (arg: IrPattern): IrPattern => ({ kind: 'Result', which: 'err', arg }),
  type: (type: Type, v: IrVar): IrPattern => ({ kind: 'Type', type, v }),
};
