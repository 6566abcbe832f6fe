// Checked IR → register bytecode (one chunk per cell).
//
// Register allocation: every IrVar of a cell gets its own register (parameters
// first, so a call can copy its arguments to registers 0..n-1 of the callee),
// then a few hidden registers (the entry measure of a recursive cell, effect
// counter snapshots), then temporaries, allocated stack-like.
//
// Checks: a node that carries a check id compiles to its checked instruction
// (ADD_CHECKED, INDEX_CHECKED, CHECK, MATCH_FAIL…) whose "site" operand names
// the id and the registers to report; when the id is in `opts.proved`, the
// unchecked form is emitted instead, and a proved specification `Check`
// statement emits nothing at all.
//
// Specifications (Check conditions, pre/postconditions, invariants, measures)
// are compiled in *spec mode*: Int arithmetic is unbounded (no overflow
// check), quantifiers over ranges and lists become loops. A condition that
// cannot be decided at run time (`forall x: Int`, `state(f) == S`) is replaced
// by the value that lets the check pass when it occurs with a definite
// polarity (e.g. `true` under `and`/`or`, `false` left of `implies`); when its
// polarity is mixed (inside `==`, an `if`, a call argument), the whole check is
// skipped. Either way such a check never traps without cause.
//
// Architecture invariant: the backend reads verdicts only as the plain set of
// proved check ids; it knows nothing of the solver.

import type {
  CheckId,
  ConstValue,
  IrBlock,
  IrCell,
  IrExpr,
  IrPattern,
  IrProgram,
  IrStmt,
  IrVar,
} from '../frontend/ir.js';
import { forEachExprChild, forEachStmtChild, forEachSubpattern, type IrChildOptions } from '../frontend/irwalk.js';
import type { Span } from '../frontend/span.js';
import type { Type } from '../frontend/types.js';
import { normalize } from '../vm/int64.js';
import { enumDesc, recordDesc, type Desc, type Value } from '../vm/value.js';
import { Op, type BytecodeProgram, type CheckSite, type Chunk, type HandleInfo } from './bytecode.js';

export interface CompileOptions {
  /** Check ids proved by the verifier: their run-time checks are elided. */
  readonly proved: ReadonlySet<number>;
}

const INT_T: Type = { kind: 'Int' };
const FLOAT_T: Type = { kind: 'Float' };
const BOOL_T: Type = { kind: 'Bool' };
const STRING_T: Type = { kind: 'String' };
const NULL_T: Type = { kind: 'Null' };
const NEVER_T: Type = { kind: 'Never' };

/** `dst` argument meaning "any register" and "the value is not needed". */
const ANY = -1;
const DISCARD = -2;

export function compileProgram(ir: IrProgram, opts: CompileOptions = { proved: new Set() }): BytecodeProgram {
  const prog = new ProgramBuilder(ir, opts.proved);
  const chunks: Chunk[] = [];
  for (const cell of ir.cells.values()) chunks.push(new CellCompiler(prog, cell).compile());
  return {
    chunks,
    cellIndex: prog.cellIndex,
    checks: ir.checks,
    types: prog.types,
    descs: prog.descs,
    effects: prog.effects,
    effectOps: prog.effectOps,
    proved: opts.proved,
  };
}

/** Program-wide tables shared by the cell compilers. */
class ProgramBuilder {
  readonly cellIndex = new Map<string, number>();
  readonly types: Type[] = [];
  private readonly typeIds = new Map<Type, number>();
  readonly descs: Desc[] = [];
  readonly recordDescs = new Map<string, number>();
  readonly enumDescs = new Map<string, number>();
  readonly effects: string[] = [];
  readonly effectIds = new Map<string, number>();
  readonly effectOps: { effect: number; effectName: string; op: string }[] = [];
  private readonly effectOpIds = new Map<string, number>();

  constructor(
    readonly ir: IrProgram,
    readonly proved: ReadonlySet<number>,
  ) {
    let i = 0;
    for (const name of ir.cells.keys()) this.cellIndex.set(name, i++);
    for (const r of ir.records.values()) {
      this.recordDescs.set(r.name, this.descs.length);
      this.descs.push(recordDesc(r.name, r.fields.map((f) => f.name)));
    }
    for (const e of ir.enums.values()) {
      this.enumDescs.set(e.name, this.descs.length);
      this.descs.push(enumDesc(e.name, e.variants.map((v) => ({ name: v.name, fieldNames: v.fields.map((f) => f.name) }))));
    }
    for (const e of ir.effects.values()) {
      this.effectIndex(e.name);
      for (const op of e.ops) this.effectOpIndex(e.name, op.name);
    }
  }

  typeIndex(t: Type): number {
    let i = this.typeIds.get(t);
    if (i === undefined) {
      i = this.types.length;
      this.types.push(t);
      this.typeIds.set(t, i);
    }
    return i;
  }

  effectIndex(name: string): number {
    let i = this.effectIds.get(name);
    if (i === undefined) {
      i = this.effects.length;
      this.effects.push(name);
      this.effectIds.set(name, i);
    }
    return i;
  }

  effectOpIndex(effect: string, op: string): number {
    const key = `${effect}.${op}`;
    let i = this.effectOpIds.get(key);
    if (i === undefined) {
      i = this.effectOps.length;
      this.effectOps.push({ effect: this.effectIndex(effect), effectName: effect, op });
      this.effectOpIds.set(key, i);
    }
    return i;
  }

  recordDesc(name: string): number {
    const i = this.recordDescs.get(name);
    if (i === undefined) throw new Error(`internal: unknown record ${name}`);
    return i;
  }

  enumDesc(name: string): number {
    const i = this.enumDescs.get(name);
    if (i === undefined) throw new Error(`internal: unknown enum ${name}`);
    return i;
  }
}

interface LoopCtx {
  readonly breaks: number[];
  readonly continues: number[];
  readonly handleDepth: number;
}

/** Thrown while compiling a condition that cannot be evaluated at run time. */
class NotRuntimeCheckable extends Error {}

class CellCompiler {
  private readonly code: number[] = [];
  private readonly constants: Value[] = [];
  private readonly constIds = new Map<string, number>();
  private readonly spanOffsets: number[] = [];
  private readonly spanValues: Span[] = [];
  private span: Span;
  private readonly sites: CheckSite[] = [];
  private readonly handles: HandleInfo[] = [];

  private readonly regOf = new Map<number, number>();
  private readonly overrides: Map<number, number>[] = [];
  private nextReg = 0;
  /** First register after the variables and hidden registers. */
  private tempBase = 0;
  private maxReg = 0;
  /** Highest register used since the innermost enclosing `handle` body began. */
  private highWater = 0;
  private loops: LoopCtx[] = [];
  private handleDepth = 0;

  /** Compiling a specification (unbounded Ints). */
  private spec = false;
  /** When >= 0, every check inside the current specification reports this id (a callee's clause at a call site). */
  private silentCheck = -1;
  /** Values of undecidable atoms in the current check (see header). */
  private unknowns = new Map<IrExpr, boolean>();

  /** Registers of list variables that may be updated in place. */
  private readonly ownerRegs = new Set<number>();
  private readonly snapRegs = new Map<string, number>();
  private measureReg = -1;

  constructor(
    private readonly prog: ProgramBuilder,
    private readonly cell: IrCell,
  ) {
    this.span = cell.span;
  }

  // ------------------------------------------------------------ driver

  compile(): Chunk {
    const cell = this.cell;
    const body = cell.body;
    cell.params.forEach((p, i) => this.regOf.set(p.v.id, i));
    let n = cell.params.length;
    const bind = (v: IrVar): void => {
      if (!this.regOf.has(v.id)) this.regOf.set(v.id, n++);
    };
    bind(cell.resultVar);
    for (const ov of cell.oldVars.values()) bind(ov);
    const ownerVars = new Set<number>();
    const snapEffects = new Set<string>();
    let needsMeasure = false;
    if (body) {
      walkBlock(body, {
        onVar: bind,
        onStmt: (s) => {
          if (s.kind === 'SetIndex') ownerVars.add(s.v.id);
          if (s.kind === 'Assign' && (isSelfPush(s.v, s.value) || isSelfAppend(s.v, s.value))) ownerVars.add(s.v.id);
        },
        onExpr: (e) => {
          if (e.kind === 'Calls') snapEffects.add(e.effect);
          if (e.kind === 'Perform' && e.budget !== null && !this.isProved(e.budget)) snapEffects.add(e.effect);
          if (e.kind === 'Call') {
            for (const b of e.budgets) if (!this.isProved(b.check)) snapEffects.add(b.effect);
            if (e.termination !== null && !this.isProved(e.termination)) needsMeasure = true;
          }
        },
      });
    }
    for (const id of ownerVars) this.ownerRegs.add(this.regOf.get(id)!);
    if (needsMeasure && cell.decreases) this.measureReg = n++;
    for (const eff of snapEffects) this.snapRegs.set(eff, n++);
    this.tempBase = n;
    this.nextReg = n;
    this.maxReg = n;
    this.highWater = n;

    let callEntry = 0;
    if (body) {
      this.entryRequires();
      callEntry = this.here();
      this.span = cell.span;
      // Ownership marks left in these registers by an earlier frame must not leak into this one.
      for (const r of this.ownerRegs) this.emit(Op.DISOWN, r);
      for (const [pid, ov] of cell.oldVars) this.emit(Op.MOVE, this.regOf.get(ov.id)!, this.regOf.get(pid)!);
      for (const [eff, r] of this.snapRegs) this.emit(Op.SNAP, r, this.prog.effectIndex(eff));
      if (this.measureReg >= 0) {
        const m = this.specValue(cell.decreases!);
        if (m !== null) this.emit(Op.MOVE, this.measureReg, m);
        this.nextReg = this.tempBase;
      }
      this.blockStmts(body);
      if (body.value !== null) {
        // Hand-built IR may leave the final value in the block; the lowering emits a `Return`.
        this.span = body.value.span;
        const r = this.expr(body.value, ANY);
        this.emit(Op.RET, r);
      } else if (body.stmts[body.stmts.length - 1]?.kind !== 'Return') {
        const r = this.temp();
        this.emit(Op.LOADNULL, r);
        this.emit(Op.RET, r);
      }
    }

    return {
      name: cell.name,
      span: cell.span,
      code: Int32Array.from(this.code),
      constants: this.constants,
      spanOffsets: Int32Array.from(this.spanOffsets),
      spanValues: this.spanValues,
      registerCount: Math.max(this.maxReg, 1),
      callEntry,
      paramCount: cell.params.length,
      paramTypes: cell.params.map((p) => p.v.type),
      ret: cell.ret,
      sites: this.sites,
      handles: this.handles,
      ownerRegs: Int32Array.from(this.ownerRegs),
      extern: cell.extern || body === null,
    };
  }

  /**
   * The well-definedness checks inside this cell's own `requires` clauses,
   * evaluated at entry (the clauses themselves are assumed, so their values are
   * dropped). Emitted only for clauses containing an unproved check.
   */
  private entryRequires(): void {
    for (const clause of this.cell.requires) {
      if (!this.hasUnprovedCheck(clause.cond)) continue;
      const mark = this.nextReg;
      this.withSpec(-1, () => {
        const unknowns = new Map<IrExpr, boolean>();
        if (!analyzeUnknowns(clause.cond, 1, unknowns)) return;
        this.unknowns = unknowns;
        this.span = clause.span;
        this.expr(clause.cond, ANY, false);
      });
      this.nextReg = mark;
    }
  }

  private hasUnprovedCheck(e: IrExpr): boolean {
    let found = false;
    walkExpr(e, {
      onExpr: (x) => {
        const ids: (CheckId | null)[] =
          x.kind === 'IntOp' ? [x.overflow, x.divZero] : x.kind === 'Index' ? [x.check] : x.kind === 'NonNull' ? [x.check] : x.kind === 'Builtin' ? [x.check] : [];
        for (const id of ids) if (id !== null && !this.isProved(id)) found = true;
      },
    });
    return found;
  }

  // ------------------------------------------------------------ emission helpers

  private isProved(id: CheckId): boolean {
    return this.prog.proved.has(id);
  }

  private emit(op: Op, ...operands: number[]): number {
    const at = this.code.length;
    const n = this.spanValues.length;
    if (n === 0 || this.spanValues[n - 1] !== this.span) {
      if (n > 0 && this.spanOffsets[n - 1] === at) this.spanValues[n - 1] = this.span;
      else {
        this.spanOffsets.push(at);
        this.spanValues.push(this.span);
      }
    }
    this.code.push(op, ...operands);
    return at;
  }

  /** Emits a jump whose target (the last operand) is patched later; returns the operand's position. */
  private emitJump(op: Op, ...operands: number[]): number {
    this.emit(op, ...operands, -1);
    return this.code.length - 1;
  }

  private patch(positions: readonly number[]): void {
    for (const p of positions) this.code[p] = this.code.length;
  }

  private here(): number {
    return this.code.length;
  }

  private temp(): number {
    const r = this.nextReg++;
    if (this.nextReg > this.maxReg) this.maxReg = this.nextReg;
    if (this.nextReg > this.highWater) this.highWater = this.nextReg;
    return r;
  }

  /** `n` consecutive temporaries. */
  private temps(n: number): number {
    const start = this.nextReg;
    for (let i = 0; i < n; i++) this.temp();
    return start;
  }

  private want(dst: number): number {
    return dst >= 0 ? dst : this.temp();
  }

  private constant(v: Value): number {
    const key = typeof v === 'number' && Object.is(v, -0) ? 'number:-0' : `${typeof v}:${String(v)}`;
    let i = this.constIds.get(key);
    if (i === undefined) {
      i = this.constants.length;
      this.constants.push(v);
      this.constIds.set(key, i);
    }
    return i;
  }

  private loadConst(c: ConstValue, dst: number): number {
    const d = this.want(dst);
    switch (c.kind) {
      case 'Int': {
        const v = normalize(c.value);
        if (typeof v === 'number' && v >= -0x80000000 && v <= 0x7fffffff) this.emit(Op.LOADI, d, v);
        else this.emit(Op.LOADK, d, this.constant(v));
        break;
      }
      case 'Float':
        this.emit(Op.LOADK, d, this.constant(c.value));
        break;
      case 'Bool':
        this.emit(c.value ? Op.LOADTRUE : Op.LOADFALSE, d);
        break;
      case 'String':
        this.emit(Op.LOADK, d, this.constant(c.value));
        break;
      case 'Null':
        this.emit(Op.LOADNULL, d);
        break;
    }
    return d;
  }

  /** A check site for `id`, or -1 when the id is null or proved. In a silent specification, inner ids report the enclosing check. */
  private site(id: CheckId | null, values: CheckSite['values'] = []): number {
    if (id === null || this.isProved(id)) return -1;
    const check = this.silentCheck >= 0 ? this.silentCheck : id;
    this.sites.push({ check, values });
    return this.sites.length - 1;
  }

  private reg(v: IrVar): number {
    for (let i = this.overrides.length - 1; i >= 0; i--) {
      const r = this.overrides[i]!.get(v.id);
      if (r !== undefined) return r;
    }
    const r = this.regOf.get(v.id);
    if (r === undefined) throw new Error(`internal: no register for \`${v.name}\` (#${v.id}) in cell ${this.cell.name}`);
    return r;
  }

  private withOverrides<T>(map: Map<number, number>, f: () => T): T {
    this.overrides.push(map);
    try {
      return f();
    } finally {
      this.overrides.pop();
    }
  }

  private withSpec<T>(silentCheck: number, f: () => T): T {
    const saved = { spec: this.spec, silent: this.silentCheck, unknowns: this.unknowns };
    this.spec = true;
    this.silentCheck = silentCheck;
    try {
      return f();
    } finally {
      this.spec = saved.spec;
      this.silentCheck = saved.silent;
      this.unknowns = saved.unknowns;
    }
  }

  /** Names and registers of the variables a condition mentions, for the failure report. */
  private valuesOf(e: IrExpr): CheckSite['values'] {
    const out: { name: string; reg: number; type: Type }[] = [];
    const seen = new Set<string>();
    const bound = new Set<number>();
    walkExpr(e, {
      onExpr: (x) => {
        if (x.kind === 'Quant') bound.add(x.v.id);
      },
      onVarRef: (v) => {
        if (bound.has(v.id) || seen.has(v.name) || v.name.startsWith('$')) return;
        let r: number;
        try {
          r = this.reg(v);
        } catch {
          return;
        }
        seen.add(v.name);
        out.push({ name: v.name, reg: r, type: v.type });
      },
    });
    return out;
  }

  private operandValue(e: IrExpr, reg: number, fallback: string, type: Type): { name: string; reg: number; type: Type } {
    return { name: e.kind === 'Var' && !e.v.name.startsWith('$') ? e.v.name : fallback, reg, type };
  }

  // ------------------------------------------------------------ specifications

  /** Compiles `CHECK cond` for check `id` (nothing when proved or not decidable at run time). */
  private specCheck(cond: IrExpr, id: CheckId, silent: boolean, extraValues: CheckSite['values'] = []): void {
    if (this.isProved(id)) return;
    const unknowns = new Map<IrExpr, boolean>();
    if (!analyzeUnknowns(cond, 1, unknowns)) return;
    const mark = this.nextReg;
    this.withSpec(silent ? id : -1, () => {
      this.unknowns = unknowns;
      const r = this.expr(cond, ANY, false);
      const values = [...extraValues, ...this.valuesOf(cond)];
      this.sites.push({ check: id, values });
      this.emit(Op.CHECK, r, this.sites.length - 1);
    });
    this.nextReg = mark;
  }

  /** Evaluates an Int specification expression (a measure) into a register, or null when not decidable. */
  private specValue(e: IrExpr): number | null {
    const unknowns = new Map<IrExpr, boolean>();
    if (!analyzeUnknowns(e, 0, unknowns)) return null;
    return this.withSpec(-1, () => {
      this.unknowns = unknowns;
      return this.expr(e, ANY, false);
    });
  }

  // ------------------------------------------------------------ statements

  /** The statements of a block, from `from` on (a fused `for` step has already consumed the first two). */
  private blockStmts(b: IrBlock, from = 0): void {
    const stmts = b.stmts;
    for (let i = from; i < stmts.length; i++) {
      const s = stmts[i]!;
      const mark = this.nextReg;
      const step = this.forStep(s, stmts[i + 1]);
      if (step !== null) {
        this.span = s.span;
        this.emit(Op.MOVE_ADDI, this.reg((s as { v: IrVar }).v), this.reg((stmts[i + 1] as { v: IrVar }).v), step);
        i++;
      } else if (this.indexAlias(stmts, i)) {
        const let_ = s as Extract<IrStmt, { kind: 'Let' }>;
        const set = stmts[i + 1] as Extract<IrStmt, { kind: 'SetIndex' }>;
        this.withOverrides(new Map([[let_.v.id, this.reg((let_.init as Extract<IrExpr, { kind: 'Var' }>).v)]]), () => this.stmt(set));
        i++;
      } else {
        this.stmt(s);
      }
      this.nextReg = mark;
    }
  }

  /**
   * `let $i = j` followed by `xs[$i] = value` (the lowering's copy of an index
   * expression): when `$i` is not read afterwards and evaluating `value`
   * cannot assign `j`, the store can use `j`'s register and the copy is not
   * needed.
   */
  private indexAlias(stmts: readonly IrStmt[], i: number): boolean {
    const s = stmts[i]!;
    const next = stmts[i + 1];
    if (s.kind !== 'Let' || s.ghost !== undefined || s.init.kind !== 'Var' || next?.kind !== 'SetIndex') return false;
    if (next.index.kind !== 'Var' || next.index.v.id !== s.v.id || next.v.id === s.init.v.id || mayWriteVars(next.value)) return false;
    if (this.ownerRegs.has(this.reg(s.v))) return false;
    let readLater = false;
    for (let k = i + 2; k < stmts.length && !readLater; k++) walkStmt(stmts[k]!, { onVar: (v) => (readLater ||= v.id === s.v.id) });
    return !readLater;
  }

  /**
   * `let x = k` followed by `k = k + c` (unchecked): the step the lowering
   * emits at the top of a counted `for` body. Returns `c`, or null.
   */
  private forStep(s: IrStmt, next: IrStmt | undefined): number | null {
    if (s.kind !== 'Let' || s.init.kind !== 'Var' || !next || next.kind !== 'Assign') return null;
    const counter = s.init.v;
    const v = next.value;
    if (next.v.id !== counter.id || s.v.id === counter.id || v.kind !== 'IntOp' || v.op !== '+') return null;
    if (v.left.kind !== 'Var' || v.left.v.id !== counter.id || v.right.kind !== 'Const' || v.right.value.kind !== 'Int') return null;
    if (v.overflow !== null && !this.isProved(v.overflow)) return null;
    if (this.ownerRegs.has(this.reg(s.v)) || this.ownerRegs.has(this.reg(counter))) return null;
    return smallInt(v.right.value.value);
  }

  private block(b: IrBlock, dst: number): number {
    this.blockStmts(b);
    if (b.value !== null) return this.expr(b.value, dst);
    if (dst === DISCARD) return DISCARD;
    const d = this.want(dst);
    this.emit(Op.LOADNULL, d);
    return d;
  }

  private stmt(s: IrStmt): void {
    // Ownership is static only (issue #8): its ghost flags and checks cost nothing at run time.
    if ((s.kind === 'Let' || s.kind === 'Assign' || s.kind === 'Check') && s.ghost === 'ownership') return;
    this.span = s.span;
    switch (s.kind) {
      case 'Let':
        this.expr(s.init, this.reg(s.v));
        return;
      case 'Assign':
        return this.assign(s.v, s.value);
      case 'SetIndex': {
        const target = this.reg(s.v);
        const i = this.expr(s.index, ANY, false);
        const v = this.expr(s.value, ANY);
        this.span = s.span;
        const site = this.site(s.check, [{ name: s.v.name, reg: target, type: s.v.type }, this.operandValue(s.index, i, 'index', INT_T)]);
        if (site >= 0) this.emit(Op.SET_INDEX_CHECKED, target, i, v, site);
        else this.emit(Op.SET_INDEX, target, i, v);
        return;
      }
      case 'Expr':
        this.expr(s.expr, DISCARD);
        return;
      case 'Check':
        this.specCheck(s.cond, s.check, false);
        return;
      case 'Assume':
        return;
      case 'While':
        return this.whileLoop(s);
      case 'Return':
        return this.ret(s.value, s.posts);
      case 'Break':
      case 'Continue': {
        const loop = this.loops[this.loops.length - 1];
        if (!loop) throw new Error(`internal: \`${s.kind.toLowerCase()}\` outside a loop in ${this.cell.name}`);
        for (let i = loop.handleDepth; i < this.handleDepth; i++) this.emit(Op.HANDLE_POP);
        (s.kind === 'Break' ? loop.breaks : loop.continues).push(this.emitJump(Op.JMP));
        return;
      }
    }
  }

  private assign(v: IrVar, value: IrExpr): void {
    const r = this.reg(v);
    if (isSelfPush(v, value)) {
      const elem = this.expr((value as Extract<IrExpr, { kind: 'Builtin' }>).args[1]!, ANY);
      this.span = value.span;
      this.emit(Op.PUSH_VAR, r, elem);
      return;
    }
    if (isSelfAppend(v, value)) {
      const more = this.expr((value as Extract<IrExpr, { kind: 'Concat' }>).right, ANY, false);
      this.span = value.span;
      this.emit(Op.APPEND_VAR, r, more);
      return;
    }
    if (writesDstLast(value)) {
      this.expr(value, r);
      return;
    }
    const t = this.expr(value, ANY);
    if (t !== r) this.emit(Op.MOVE, r, t);
  }

  /**
   * `return value`. A conditional value returns from each branch (no jump to a
   * join point); without postconditions to check, a variable is returned
   * from its own register.
   */
  private ret(value: IrExpr, posts: readonly { check: CheckId; cond: IrExpr }[]): void {
    const mark = this.nextReg;
    if (value.kind === 'If') {
      this.span = value.span;
      const toElse = this.cond(value.cond);
      this.retBlock(value.then, posts);
      this.patch(toElse);
      this.retBlock(value.else, posts);
      return;
    }
    if (value.kind === 'Block') {
      this.retBlock(value.block, posts);
      this.nextReg = mark;
      return;
    }
    const checked = posts.filter((p) => !this.isProved(p.check));
    if (checked.length === 0) {
      const r = this.expr(value, ANY);
      this.emit(Op.RET, r);
      this.nextReg = mark;
      return;
    }
    const result = this.reg(this.cell.resultVar);
    this.expr(value, result);
    this.checkPosts(posts, result);
    this.emit(Op.RET, result);
    this.nextReg = mark;
  }

  private retBlock(b: IrBlock, posts: readonly { check: CheckId; cond: IrExpr }[]): void {
    const mark = this.nextReg;
    this.blockStmts(b);
    if (b.value !== null) this.ret(b.value, posts);
    else this.ret({ kind: 'Const', value: { kind: 'Null' }, type: NULL_T, span: b.span }, posts);
    this.nextReg = mark;
  }

  private checkPosts(posts: readonly { check: CheckId; cond: IrExpr }[], result: number): void {
    for (const p of posts) {
      this.specCheck(p.cond, p.check, true, [{ name: 'result', reg: result, type: this.cell.resultVar.type }]);
    }
  }

  /**
   * Loops are rotated: the condition is tested at the bottom and jumps back
   * to the body when true. With a run-time termination measure, the first
   * test is peeled off so that the measure is evaluated once per iteration:
   * at the end of an iteration it must have decreased, and the same value
   * must be >= 0 when the body is about to run again.
   */
  private whileLoop(s: Extract<IrStmt, { kind: 'While' }>): void {
    for (const inv of s.invariants) {
      this.span = inv.span;
      this.specCheck(inv.cond, inv.entryCheck, false);
    }
    let dec = s.decreases !== null && s.decreases.expr !== null && !this.isProved(s.decreases.check) ? s.decreases : null;
    if (dec && !analyzeUnknowns(dec.expr!, 0, new Map())) dec = null;
    const loop: LoopCtx = { breaks: [], continues: [], handleDepth: this.handleDepth };
    let prev = -1;
    let m = -1;
    const measure = (): void => {
      this.span = dec!.expr!.span;
      const mark = this.nextReg;
      const r = this.specValue(dec!.expr!)!;
      if (r !== m) this.emit(Op.MOVE, m, r);
      this.nextReg = mark;
    };
    const step = dec ? null : this.fusedForStep(s);
    let toTest = -1;
    if (dec) {
      prev = this.temp();
      m = this.temp();
      this.span = s.span;
      loop.breaks.push(...this.cond(s.cond));
      measure();
    } else {
      this.span = s.span;
      toTest = this.emitJump(Op.JMP);
    }
    const body = this.here();
    if (dec) {
      this.sites.push({ check: dec.check, values: [{ name: 'measure', reg: m, type: INT_T }] });
      this.emit(Op.MEASURE_START, m, prev, this.sites.length - 1);
    }
    this.loops.push(loop);
    this.blockStmts(s.body, step ? 2 : 0);
    if (s.body.value !== null) {
      const mark = this.nextReg;
      this.expr(s.body.value, DISCARD);
      this.nextReg = mark;
    }
    this.loops.pop();
    this.patch(loop.continues);
    for (const inv of s.invariants) {
      this.span = inv.span;
      this.specCheck(inv.cond, inv.preservedCheck, false);
    }
    if (dec) {
      measure();
      this.sites.push({
        check: dec.check,
        values: [
          { name: 'measure', reg: m, type: INT_T },
          { name: 'previous measure', reg: prev, type: INT_T },
        ],
      });
      this.emit(Op.MEASURE_STEP, m, prev, this.sites.length - 1);
    } else {
      this.patch([toTest]);
    }
    this.span = s.span;
    if (step) this.emit(Op.FOR_LT, step.counter, step.end, step.v, step.step, body);
    else for (const p of this.condTrue(s.cond)) this.code[p] = body;
    this.patch(loop.breaks);
  }

  /**
   * A counted loop `while k < hi` whose body begins with the step `let x = k;
   * k = k + c` (see `forStep`): the test and the step fuse into one FOR_LT at
   * the bottom, and the body starts after the step. Null when the loop does
   * not have that shape.
   */
  private fusedForStep(s: Extract<IrStmt, { kind: 'While' }>): { counter: number; end: number; v: number; step: number } | null {
    const c = s.cond;
    if (!s.counted || c.kind !== 'Cmp' || c.op !== '<' || c.operand.kind !== 'Int' || c.left.kind !== 'Var' || c.right.kind !== 'Var') return null;
    const [first, second] = s.body.stmts;
    if (!first || first.kind !== 'Let' || first.ghost !== undefined || first.init.kind !== 'Var' || first.init.v.id !== c.left.v.id) return null;
    const step = this.forStep(first, second);
    if (step === null) return null;
    return { counter: this.reg(c.left.v), end: this.reg(c.right.v), v: this.reg(first.v), step };
  }

  // ------------------------------------------------------------ conditions

  /** Compiles a Bool condition as jumps; returns the jump operands to patch to the "false" target. */
  private cond(e: IrExpr): number[] {
    const mark = this.nextReg;
    try {
      switch (e.kind) {
        case 'Const':
          if (e.value.kind === 'Bool') return e.value.value ? [] : [this.emitJump(Op.JMP)];
          break;
        case 'And':
          return [...this.cond(e.left), ...this.cond(e.right)];
        case 'Or': {
          // A true left operand jumps past the right one's test.
          const leftTrue = this.condTrue(e.left);
          const rightFalse = this.cond(e.right);
          this.patch(leftTrue);
          return rightFalse;
        }
        case 'Not':
          return this.condTrue(e.operand);
        case 'Implies': {
          if (!this.spec) break;
          // `a implies b` is `not a or b`.
          const aFalse = this.cond(e.left);
          const bFalse = this.cond(e.right);
          this.patch(aFalse);
          return bFalse;
        }
        case 'Cmp': {
          const imm = this.immediateCompare(e);
          if (imm !== null) return [imm];
          const op = fusedJump(e.op, e.operand);
          if (op === null) break;
          const [a, b] = this.operands(e.left, e.right, false);
          this.span = e.span;
          return [this.emitJump(op, a, b)];
        }
        default:
          break;
      }
      const r = this.expr(e, ANY, false);
      return [this.emitJump(Op.JMPF, r)];
    } finally {
      this.nextReg = mark;
    }
  }

  /** Compiles a Bool condition as jumps taken when it is true (falls through when false). */
  private condTrue(e: IrExpr): number[] {
    const mark = this.nextReg;
    try {
      switch (e.kind) {
        case 'Const':
          if (e.value.kind === 'Bool') return e.value.value ? [this.emitJump(Op.JMP)] : [];
          break;
        case 'And': {
          const leftFalse = this.cond(e.left);
          const t = this.condTrue(e.right);
          this.patch(leftFalse);
          return t;
        }
        case 'Or':
          return [...this.condTrue(e.left), ...this.condTrue(e.right)];
        case 'Not':
          return this.cond(e.operand);
        case 'Cmp': {
          const imm = this.immediateCompare(e, true);
          if (imm !== null) return [imm];
          const op = fusedJump(e.op, e.operand, true);
          if (op === null) break;
          const [a, b] = this.operands(e.left, e.right, false);
          this.span = e.span;
          return [this.emitJump(op, a, b)];
        }
        default:
          break;
      }
      const r = this.expr(e, ANY, false);
      return [this.emitJump(Op.JMPT, r)];
    } finally {
      this.nextReg = mark;
    }
  }

  /** `x < 2`, `0 <= i`: an Int comparison with a small constant as one jump; null when not applicable. */
  private immediateCompare(e: Extract<IrExpr, { kind: 'Cmp' }>, whenTrue = false): number | null {
    if (e.operand.kind !== 'Int') return null;
    const constOf = (x: IrExpr): number | null => (x.kind === 'Const' && x.value.kind === 'Int' ? smallInt(x.value.value) : null);
    let op = e.op;
    let other = e.left;
    let k = constOf(e.right);
    if (k === null) {
      k = constOf(e.left);
      if (k === null) return null;
      other = e.right;
      // `k < x` is `x > k`.
      op = ({ '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' } as const)[op];
    }
    const jump = whenTrue
      ? { '<': Op.JLTI, '<=': Op.JLEI, '>': Op.JGTI, '>=': Op.JGEI, '==': Op.JEQI, '!=': Op.JNEI }[op]
      : { '<': Op.JNLTI, '<=': Op.JNLEI, '>': Op.JNGTI, '>=': Op.JNGEI, '==': Op.JNEQI, '!=': Op.JNNEI }[op];
    const a = this.expr(other, ANY, false);
    this.span = e.span;
    return this.emitJump(jump, a, k);
  }

  /**
   * Evaluates both operands of a binary node. If evaluating the right one
   * could assign the variable the left one was read from, the left value is
   * copied first (left-to-right evaluation order).
   */
  private operands(left: IrExpr, right: IrExpr, retain: boolean): [number, number] {
    let a = this.expr(left, ANY, retain);
    if (left.kind === 'Var' && mayWriteVars(right)) {
      const t = this.temp();
      this.emit(Op.MOVE, t, a);
      a = t;
    }
    return [a, this.expr(right, ANY, retain)];
  }

  // ------------------------------------------------------------ expressions

  /**
   * Compiles `e`. With `dst >= 0` the value is left in `dst`; with ANY/DISCARD
   * it is in the returned register (a variable's own register, or a temporary).
   * `retain` is false when the consumer only inspects the value (index, len,
   * comparison…), so a list variable keeps the exclusive ownership that lets it
   * be updated in place.
   */
  private expr(e: IrExpr, dst: number, retain = true): number {
    const savedSpan = this.span;
    this.span = e.span;
    try {
      return this.exprInner(e, dst, retain);
    } finally {
      this.span = savedSpan;
    }
  }

  private exprInner(e: IrExpr, dst: number, retain: boolean): number {
    switch (e.kind) {
      case 'Const':
        return this.loadConst(e.value, dst);
      case 'Var': {
        const r = this.reg(e.v);
        if (retain && this.ownerRegs.has(r)) this.emit(Op.DISOWN, r);
        if (dst >= 0 && dst !== r) {
          this.emit(Op.MOVE, dst, r);
          return dst;
        }
        return r;
      }
      case 'IntOp':
        return this.intOp(e, dst);
      case 'IntNeg': {
        const mark = this.nextReg;
        const a = this.expr(e.operand, ANY, false);
        this.nextReg = mark;
        const d = this.want(dst);
        const site = this.spec ? -1 : this.site(e.overflow, [this.operandValue(e.operand, a, 'operand', INT_T)]);
        if (site >= 0) this.emit(Op.NEG_CHECKED, d, a, site);
        else this.emit(Op.NEG, d, a);
        return d;
      }
      case 'FloatOp': {
        const op = { '+': Op.FADD, '-': Op.FSUB, '*': Op.FMUL, '/': Op.FDIV, '**': Op.FPOW }[e.op];
        return this.binary(op, e.left, e.right, dst);
      }
      case 'FloatNeg':
        return this.unary(Op.FNEG, e.operand, dst);
      case 'Cmp': {
        const op = { '==': Op.EQ, '!=': Op.NE, '<': Op.LT, '<=': Op.LE, '>': Op.GT, '>=': Op.GE }[e.op];
        return this.binary(op, e.left, e.right, dst, false);
      }
      case 'Not':
        return this.unary(Op.NOT, e.operand, dst);
      case 'And':
      case 'Or':
      case 'Implies': {
        const d = this.want(dst);
        const left = e.kind === 'Implies' ? ({ kind: 'Not', operand: e.left, span: e.span } as IrExpr) : e.left;
        this.expr(left, d, false);
        const skip = this.emitJump(e.kind === 'And' ? Op.JMPF : Op.JMPT, d);
        this.expr(e.right, d, false);
        this.patch([skip]);
        return d;
      }
      case 'Concat': {
        const isString = typeOf(e).kind === 'String';
        return this.binary(isString ? Op.CONCAT_STR : Op.CONCAT_LIST, e.left, e.right, dst, false);
      }
      case 'Len': {
        const t = typeOf(e.operand);
        return this.unary(t.kind === 'String' ? Op.LEN_STR : Op.LEN_LIST, e.operand, dst, false);
      }
      case 'Index': {
        const mark = this.nextReg;
        const target = this.expr(e.target, ANY, false);
        const index = this.expr(e.index, ANY, false);
        this.nextReg = mark;
        const d = this.want(dst);
        const isString = typeOf(e.target).kind === 'String';
        const site = this.site(e.check, [this.operandValue(e.index, index, 'index', INT_T), this.operandValue(e.target, target, 'target', typeOf(e.target))]);
        if (site >= 0) this.emit(isString ? Op.SINDEX_CHECKED : Op.INDEX_CHECKED, d, target, index, site);
        else this.emit(isString ? Op.SINDEX : Op.INDEX, d, target, index);
        return d;
      }
      case 'Field':
        return this.field(e.target, e.field, dst);
      case 'TupleGet':
        return this.field(e.target, e.index, dst);
      case 'MakeRecord': {
        const start = this.args(e.fields);
        this.nextReg = start;
        const d = this.want(dst);
        this.emit(Op.MAKE_RECORD, d, this.prog.recordDesc(e.record), start, e.fields.length);
        return d;
      }
      case 'MakeVariant': {
        const start = this.args(e.args);
        this.nextReg = start;
        const d = this.want(dst);
        this.emit(Op.MAKE_VARIANT, d, this.prog.enumDesc(e.enum), e.variant, start, e.args.length);
        return d;
      }
      case 'MakeResult': {
        const mark = this.nextReg;
        const a = this.expr(e.arg, ANY);
        this.nextReg = mark;
        const d = this.want(dst);
        this.emit(Op.MAKE_RESULT, d, e.which === 'ok' ? 0 : 1, a);
        return d;
      }
      case 'MakeList':
      case 'MakeTuple': {
        const start = this.args(e.elems);
        this.nextReg = start;
        const d = this.want(dst);
        this.emit(e.kind === 'MakeList' ? Op.MAKE_LIST : Op.MAKE_TUPLE, d, start, e.elems.length);
        return d;
      }
      case 'Interp': {
        const start = this.temps(e.parts.length);
        e.parts.forEach((p, i) => {
          const t = typeOf(p);
          if (t.kind === 'String') {
            this.expr(p, start + i, false);
          } else {
            const mark = this.nextReg;
            const r = this.expr(p, ANY, false);
            this.nextReg = mark;
            this.emit(Op.TO_STRING, start + i, r, this.prog.typeIndex(t));
          }
        });
        this.nextReg = start;
        const d = this.want(dst);
        this.emit(Op.CONCAT_N, d, start, e.parts.length);
        return d;
      }
      case 'Call':
        return this.call(e, dst);
      case 'Builtin':
        return this.builtin(e, dst);
      case 'If': {
        const d = dst === DISCARD ? DISCARD : this.want(dst);
        const toElse = this.cond(e.cond);
        this.block(e.then, d);
        if (d === DISCARD && e.else.stmts.length === 0 && e.else.value === null) {
          this.patch(toElse);
          return d;
        }
        const toEnd = this.emitJump(Op.JMP);
        this.patch(toElse);
        this.block(e.else, d);
        this.patch([toEnd]);
        return d;
      }
      case 'Match':
        return this.match(e, dst);
      case 'Block': {
        const d = dst === ANY ? this.temp() : dst;
        const mark = this.nextReg;
        const r = this.block(e.block, d);
        this.nextReg = mark;
        return r;
      }
      case 'Halt': {
        const mark = this.nextReg;
        const msg = e.message ? this.expr(e.message, ANY, false) : -1;
        this.nextReg = mark;
        const values = msg >= 0 && e.message ? [{ name: 'message', reg: msg, type: typeOf(e.message) }] : [];
        this.sites.push({ check: e.check, values });
        this.emit(Op.HALT, msg, this.sites.length - 1);
        return this.want(dst);
      }
      case 'NonNull': {
        if (this.isProved(e.check)) return this.expr(e.operand, dst);
        const mark = this.nextReg;
        const a = this.expr(e.operand, ANY);
        this.nextReg = mark;
        const d = this.want(dst);
        this.emit(Op.NONNULL, d, a, this.site(e.check, [this.operandValue(e.operand, a, 'value', typeOf(e.operand))]));
        return d;
      }
      case 'Try': {
        const d = this.want(dst);
        const mark = this.nextReg;
        const r = this.expr(e.operand, ANY);
        const toOk = this.emitJump(Op.JNTAG, r, 1);
        const result = this.reg(this.cell.resultVar);
        this.emit(Op.MOVE, result, r);
        this.checkPosts(e.posts, result);
        this.emit(Op.RET, result);
        this.patch([toOk]);
        this.emit(Op.FIELD, d, r, 0);
        this.nextReg = mark;
        return d;
      }
      case 'Perform':
        return this.perform(e, dst);
      case 'Handle':
        return this.handle(e, dst);
      case 'Resume': {
        const mark = this.nextReg;
        let r: number;
        if (e.value) r = this.expr(e.value, ANY);
        else {
          r = this.temp();
          this.emit(Op.LOADNULL, r);
        }
        this.emit(Op.RESUME, r);
        this.nextReg = mark;
        return this.want(dst);
      }
      case 'IsType': {
        const mark = this.nextReg;
        const a = this.expr(e.operand, ANY, false);
        this.nextReg = mark;
        const d = this.want(dst);
        this.emit(Op.IS_TYPE, d, a, this.prog.typeIndex(e.type));
        return d;
      }
      case 'Quant':
        return this.quant(e, dst);
      case 'In': {
        const d = this.want(dst);
        const mark = this.nextReg;
        const x = this.expr(e.element, ANY, false);
        if (e.range) {
          const lo = this.expr(e.range.lo, ANY, false);
          this.emit(Op.LE, d, lo, x);
          const out = this.emitJump(Op.JMPF, d);
          const hi = this.expr(e.range.hi, ANY, false);
          this.emit(e.range.inclusive ? Op.LE : Op.LT, d, x, hi);
          this.patch([out]);
        } else if (e.list) {
          const xs = this.expr(e.list, ANY, false);
          this.emit(Op.IN_LIST, d, x, xs);
        }
        this.nextReg = mark;
        return d;
      }
      case 'Narrow':
      case 'Inject':
        // Values are untagged at run time: a narrowed union value is the value itself.
        return this.expr(e.operand, dst, retain);
      case 'Old': {
        const map = new Map<number, number>();
        for (const [pid, ov] of this.cell.oldVars) map.set(pid, this.regOf.get(ov.id)!);
        return this.withOverrides(map, () => this.expr(e.expr, dst, retain));
      }
      case 'Calls': {
        const d = this.want(dst);
        const snap = this.snapRegs.get(e.effect);
        if (snap === undefined) this.emit(Op.LOADI, d, 0);
        else this.emit(Op.CALLS, d, snap, this.prog.effectIndex(e.effect));
        return d;
      }
      case 'StateIs': {
        const d = this.want(dst);
        this.emit(this.unknowns.get(e) === false ? Op.LOADFALSE : Op.LOADTRUE, d);
        return d;
      }
    }
  }

  private binary(op: Op, left: IrExpr, right: IrExpr, dst: number, retain = false): number {
    const mark = this.nextReg;
    const [a, b] = this.operands(left, right, retain);
    this.nextReg = mark;
    const d = this.want(dst);
    this.emit(op, d, a, b);
    return d;
  }

  private unary(op: Op, operand: IrExpr, dst: number, retain = false): number {
    const mark = this.nextReg;
    const a = this.expr(operand, ANY, retain);
    this.nextReg = mark;
    const d = this.want(dst);
    this.emit(op, d, a);
    return d;
  }

  private field(target: IrExpr, index: number, dst: number): number {
    const mark = this.nextReg;
    const a = this.expr(target, ANY, false);
    this.nextReg = mark;
    const d = this.want(dst);
    this.emit(Op.FIELD, d, a, index);
    return d;
  }

  /** Evaluates expressions into consecutive fresh temporaries; returns the first. */
  private args(list: readonly IrExpr[]): number {
    const start = this.temps(list.length);
    list.forEach((a, i) => {
      const mark = this.nextReg;
      this.expr(a, start + i);
      this.nextReg = mark;
    });
    return start;
  }

  private intOp(e: Extract<IrExpr, { kind: 'IntOp' }>, dst: number): number {
    const fused = this.mulAdd(e, dst);
    if (fused !== null) return fused;
    const mark = this.nextReg;
    let a = this.expr(e.left, ANY, false);
    // `i + 1` and friends: immediate operand.
    const imm = e.right.kind === 'Const' && e.right.value.kind === 'Int' ? smallInt(e.right.value.value) : null;
    let b = -1;
    if (imm === null || (e.op !== '+' && e.op !== '-')) {
      if (e.left.kind === 'Var' && mayWriteVars(e.right)) {
        const t = this.temp();
        this.emit(Op.MOVE, t, a);
        a = t;
      }
      b = this.expr(e.right, ANY, false);
    }
    this.nextReg = mark;
    const d = this.want(dst);
    this.span = e.span;
    const values = (): CheckSite['values'] => [
      this.operandValue(e.left, a, 'left', INT_T),
      b >= 0 ? this.operandValue(e.right, b, 'right', INT_T) : { name: 'right', reg: -1, type: INT_T, literal: String(imm) },
    ];
    const ov = this.spec ? -1 : this.site(e.overflow, values());
    switch (e.op) {
      case '+':
      case '-': {
        if (b < 0) {
          const k = e.op === '+' ? imm! : -imm!;
          if (ov >= 0) this.emit(Op.ADDI_CHECKED, d, a, k, ov);
          else this.emit(Op.ADDI, d, a, k);
        } else if (e.op === '+') {
          if (ov >= 0) this.emit(Op.ADD_CHECKED, d, a, b, ov);
          else this.emit(Op.ADD, d, a, b);
        } else {
          if (ov >= 0) this.emit(Op.SUB_CHECKED, d, a, b, ov);
          else this.emit(Op.SUB, d, a, b);
        }
        return d;
      }
      case '*':
        if (ov >= 0) this.emit(Op.MUL_CHECKED, d, a, b, ov);
        else this.emit(Op.MUL, d, a, b);
        return d;
      case '**':
        if (ov >= 0) this.emit(Op.POW_CHECKED, d, a, b, ov);
        else this.emit(Op.POW, d, a, b);
        return d;
      case '/':
      case '//': {
        const dz = this.site(e.divZero, values());
        if (ov < 0 && dz < 0) this.emit(e.op === '/' ? Op.DIV : Op.FLOORDIV, d, a, b);
        else this.emit(e.op === '/' ? Op.DIV_CHECKED : Op.FLOORDIV_CHECKED, d, a, b, ov, dz);
        return d;
      }
      case '%': {
        const dz = this.site(e.divZero, values());
        if (dz < 0) this.emit(Op.MOD, d, a, b);
        else this.emit(Op.MOD_CHECKED, d, a, b, dz);
        return d;
      }
    }
  }

  /**
   * `x * y + z` or `z + x * y` with neither operation checked (proved, or in
   * a specification): one MULADD. Operands are evaluated in source order;
   * not fused when evaluating one could assign a variable another reads.
   */
  private mulAdd(e: Extract<IrExpr, { kind: 'IntOp' }>, dst: number): number | null {
    const unchecked = (x: Extract<IrExpr, { kind: 'IntOp' }>): boolean => this.spec || x.overflow === null || this.isProved(x.overflow);
    if (e.op !== '+' || !unchecked(e)) return null;
    const isMul = (x: IrExpr): x is Extract<IrExpr, { kind: 'IntOp' }> => x.kind === 'IntOp' && x.op === '*' && unchecked(x);
    const mulFirst = isMul(e.left);
    const mul = mulFirst ? e.left : e.right;
    if (!isMul(mul) || mayWriteVars(e.left) || mayWriteVars(e.right)) return null;
    const addend = mulFirst ? e.right : e.left;
    const mark = this.nextReg;
    let z = mulFirst ? -1 : this.expr(addend, ANY, false);
    const x = this.expr(mul.left, ANY, false);
    const y = this.expr(mul.right, ANY, false);
    if (mulFirst) z = this.expr(addend, ANY, false);
    this.nextReg = mark;
    const d = this.want(dst);
    this.span = e.span;
    this.emit(Op.MULADD, d, x, y, z);
    return d;
  }

  private call(e: Extract<IrExpr, { kind: 'Call' }>, dst: number): number {
    const calleeIndex = this.prog.cellIndex.get(e.cell);
    const callee = this.prog.ir.cells.get(e.cell);
    if (calleeIndex === undefined || !callee) throw new Error(`internal: call of unknown cell ${e.cell}`);
    const mark = this.nextReg;
    const start = this.args(e.args);
    const argMap = new Map<number, number>();
    callee.params.forEach((p, i) => argMap.set(p.v.id, start + i));
    this.span = e.span;
    this.withOverrides(argMap, () => {
      for (const pre of e.pre) this.specCheck(pre.cond, pre.check, true);
      if (e.termination !== null && !this.isProved(e.termination) && callee.decreases) {
        const m = this.specValue(callee.decreases);
        if (m !== null) {
          const t = this.temp();
          const z = this.temp();
          this.emit(Op.LOADI, z, 0);
          const values = [{ name: 'measure', reg: m, type: INT_T }];
          if (this.measureReg >= 0) {
            // As the verifier decides it (Dafny's rule): the caller's measure is
            // >= 0 and the callee's is strictly smaller; a callee measure may
            // then be negative, and that call cannot recurse again.
            this.emit(Op.LE, t, z, this.measureReg);
            const skip = this.emitJump(Op.JMPF, t);
            this.emit(Op.LT, t, m, this.measureReg);
            this.patch([skip]);
            values.push({ name: 'caller measure', reg: this.measureReg, type: INT_T });
          } else {
            this.emit(Op.LE, t, z, m);
          }
          this.sites.push({ check: e.termination, values });
          this.emit(Op.CHECK, t, this.sites.length - 1);
        }
      }
    });
    this.span = e.span;
    // The result may land on the first argument's register: CALL copies the
    // arguments into the callee's window before anything is written back.
    this.nextReg = mark;
    const d = this.want(dst);
    this.emit(callee.extern || callee.body === null ? Op.CALL_EXTERN : Op.CALL, d, calleeIndex, start, e.args.length);
    for (const m of e.mutRefs) this.emit(Op.OUTARG, this.reg(m.v), m.arg);
    for (const b of e.budgets) {
      const snap = this.snapRegs.get(b.effect);
      const max = this.budgetOf(b.effect);
      if (snap === undefined || max === null || this.isProved(b.check)) continue;
      this.sites.push({ check: b.check, values: [] });
      this.emit(Op.BUDGET_CHECK, snap, this.prog.effectIndex(b.effect), this.sites.length - 1, max);
    }
    return d;
  }

  private budgetOf(effect: string): number | null {
    const row = this.cell.effects.find((x) => x.effect === effect);
    if (!row || row.maxCalls === null) return null;
    return row.maxCalls > 0x7fffffffn ? 0x7fffffff : Number(row.maxCalls);
  }

  private builtin(e: Extract<IrExpr, { kind: 'Builtin' }>, dst: number): number {
    const argType = e.args[0] ? typeOf(e.args[0]) : NULL_T;
    switch (e.name) {
      case 'print': {
        const mark = this.nextReg;
        const a = this.expr(e.args[0]!, ANY, false);
        this.nextReg = mark;
        this.emit(Op.PRINT, a, this.prog.typeIndex(argType));
        const d = this.want(dst);
        if (dst !== DISCARD) this.emit(Op.LOADNULL, d);
        return d;
      }
      case 'to_string': {
        const mark = this.nextReg;
        const a = this.expr(e.args[0]!, ANY, false);
        this.nextReg = mark;
        const d = this.want(dst);
        this.emit(Op.TO_STRING, d, a, this.prog.typeIndex(argType));
        return d;
      }
      case 'abs': {
        if (argType.kind === 'Float') return this.unary(Op.FABS, e.args[0]!, dst);
        const mark = this.nextReg;
        const a = this.expr(e.args[0]!, ANY, false);
        this.nextReg = mark;
        const d = this.want(dst);
        const site = this.spec ? -1 : this.site(e.check, [this.operandValue(e.args[0]!, a, 'operand', INT_T)]);
        if (site >= 0) this.emit(Op.ABS_CHECKED, d, a, site);
        else this.emit(Op.ABS, d, a);
        return d;
      }
      case 'min':
      case 'max':
        return this.binary(e.name === 'min' ? Op.MIN : Op.MAX, e.args[0]!, e.args[1]!, dst, true);
      case 'to_float':
        if (argType.kind !== 'Int') return this.expr(e.args[0]!, dst);
        return this.unary(Op.TO_FLOAT, e.args[0]!, dst);
      case 'to_int': {
        if (argType.kind === 'Int') return this.expr(e.args[0]!, dst);
        const mark = this.nextReg;
        const a = this.expr(e.args[0]!, ANY, false);
        this.nextReg = mark;
        const d = this.want(dst);
        const site = this.site(e.check, [this.operandValue(e.args[0]!, a, 'operand', FLOAT_T)]);
        if (site >= 0) this.emit(Op.TO_INT_CHECKED, d, a, site);
        else this.emit(Op.TO_INT, d, a);
        return d;
      }
      case 'push':
        return this.binary(Op.PUSH, e.args[0]!, e.args[1]!, dst, true);
      case 'range':
        return this.binary(Op.RANGE, e.args[0]!, e.args[1]!, dst, false);
    }
  }

  private perform(e: Extract<IrExpr, { kind: 'Perform' }>, dst: number): number {
    const mark = this.nextReg;
    const start = this.args(e.args);
    this.nextReg = mark;
    const d = this.want(dst);
    this.span = e.span;
    const opIndex = this.prog.effectOpIndex(e.effect, e.op);
    const snap = this.snapRegs.get(e.effect);
    const max = this.budgetOf(e.effect);
    if (e.budget !== null && !this.isProved(e.budget) && snap !== undefined && max !== null) {
      this.sites.push({ check: e.budget, values: [] });
      this.emit(Op.PERFORM_BUDGET, d, opIndex, start, e.args.length, this.sites.length - 1, snap, max);
    } else {
      this.emit(Op.PERFORM, d, opIndex, start, e.args.length);
    }
    return d;
  }

  private handle(e: Extract<IrExpr, { kind: 'Handle' }>, dst: number): number {
    const d = this.want(dst);
    const index = this.handles.length;
    this.handles.push({ dst: d, endPc: -1, ops: [], pcs: [], params: [] });
    this.emit(Op.HANDLE_PUSH, index);
    const savedHigh = this.highWater;
    this.highWater = this.nextReg;
    this.handleDepth++;
    const mark = this.nextReg;
    this.block(e.body, d);
    this.nextReg = mark;
    this.handleDepth--;
    this.span = e.span;
    this.emit(Op.HANDLE_POP);
    const toEnd = this.emitJump(Op.JMP);
    // Handler bodies run in this frame's registers while the handled
    // computation is suspended: they use registers above everything the body used.
    const bodyHigh = this.highWater;
    const ops: number[] = [];
    const pcs: number[] = [];
    const params: number[][] = [];
    const savedLoops = this.loops;
    const savedDepth = this.handleDepth;
    for (const h of e.handlers) {
      this.loops = [];
      this.handleDepth = 0;
      ops.push(this.prog.effectOpIndex(h.effect, h.op));
      pcs.push(this.here());
      params.push(h.params.map((p) => this.reg(p)));
      this.nextReg = bodyHigh;
      this.span = h.span;
      const r = this.block(h.body, ANY);
      this.span = h.span;
      this.emit(Op.HANDLER_END, r);
    }
    this.loops = savedLoops;
    this.handleDepth = savedDepth;
    this.nextReg = mark;
    this.highWater = Math.max(savedHigh, this.highWater);
    this.patch([toEnd]);
    this.handles[index] = { dst: d, endPc: this.here(), ops, pcs, params };
    return d;
  }

  private match(e: Extract<IrExpr, { kind: 'Match' }>, dst: number): number {
    const d = dst === DISCARD ? DISCARD : this.want(dst);
    const mark = this.nextReg;
    const s = this.expr(e.scrutinee, ANY);
    const ends: number[] = [];
    for (const arm of e.arms) {
      const armMark = this.nextReg;
      this.span = arm.span;
      const fails: number[] = [];
      this.pattern(arm.pattern, s, fails);
      if (arm.guard) fails.push(...this.cond(arm.guard));
      this.block(arm.body, d);
      ends.push(this.emitJump(Op.JMP));
      this.patch(fails);
      this.nextReg = armMark;
    }
    this.span = e.span;
    if (e.check !== null && !this.isProved(e.check)) {
      this.emit(Op.MATCH_FAIL, this.site(e.check, [this.operandValue(e.scrutinee, s, 'value', typeOf(e.scrutinee))]));
    } else {
      this.emit(Op.UNREACHABLE);
    }
    this.patch(ends);
    this.nextReg = mark;
    return d;
  }

  /** Tests `r` against a pattern, binding its variables; jumps to be patched to the next arm go to `fails`. */
  private pattern(p: IrPattern, r: number, fails: number[]): void {
    switch (p.kind) {
      case 'Wild':
        return;
      case 'Bind': {
        const v = this.reg(p.v);
        if (v !== r) this.emit(Op.MOVE, v, r);
        return;
      }
      case 'Lit': {
        const k = this.loadConst(p.value, ANY);
        fails.push(this.emitJump(Op.JNEQ, r, k));
        return;
      }
      case 'Range': {
        const lo = this.loadConst({ kind: 'Int', value: p.lo }, ANY);
        fails.push(this.emitJump(Op.JNGE, r, lo));
        const hi = this.loadConst({ kind: 'Int', value: p.hi }, ANY);
        fails.push(this.emitJump(p.inclusive ? Op.JNLE : Op.JNLT, r, hi));
        return;
      }
      case 'Variant': {
        fails.push(this.emitJump(Op.JNVARIANT, r, this.prog.enumDesc(p.enum), p.variant));
        this.subpatterns(p.args, r, fails);
        return;
      }
      case 'Record':
        this.subpatterns(p.fields, r, fails);
        return;
      case 'Tuple':
        this.subpatterns(p.elems, r, fails);
        return;
      case 'Result':
        fails.push(this.emitJump(Op.JNTAG, r, p.which === 'ok' ? 0 : 1));
        this.subpatterns([p.arg], r, fails);
        return;
      case 'Type': {
        const t = this.temp();
        this.emit(Op.IS_TYPE, t, r, this.prog.typeIndex(p.type));
        fails.push(this.emitJump(Op.JMPF, t));
        const v = this.reg(p.v);
        if (v !== r) this.emit(Op.MOVE, v, r);
        return;
      }
    }
  }

  private subpatterns(ps: readonly IrPattern[], r: number, fails: number[]): void {
    ps.forEach((sub, i) => {
      if (sub.kind === 'Wild') return;
      const t = this.temp();
      this.emit(Op.FIELD, t, r, i);
      this.pattern(sub, t, fails);
    });
  }

  private quant(e: Extract<IrExpr, { kind: 'Quant' }>, dst: number): number {
    const d = this.want(dst);
    if (e.domain.kind === 'type') {
      this.emit(this.unknowns.get(e) === false ? Op.LOADFALSE : Op.LOADTRUE, d);
      return d;
    }
    const mark = this.nextReg;
    const forall = e.quantifier === 'forall';
    // The bound variable: its own register when the cell has one, else a temporary.
    let v = this.regOf.get(e.v.id);
    const map = new Map<number, number>();
    if (v === undefined || this.overrides.length > 0) {
      v = this.temp();
      map.set(e.v.id, v);
    }
    const vr = v;
    this.withOverrides(map, () => {
      this.emit(forall ? Op.LOADTRUE : Op.LOADFALSE, d);
      let head: number;
      let exit: number;
      let step: () => void;
      if (e.domain.kind === 'range') {
        const lo = this.expr(e.domain.lo, ANY, false);
        const hi = this.temp();
        this.expr(e.domain.hi, hi, false);
        this.emit(Op.MOVE, vr, lo);
        head = this.here();
        exit = this.emitJump(e.domain.inclusive ? Op.JNLE : Op.JNLT, vr, hi);
        step = () => this.emit(Op.ADDI, vr, vr, 1);
      } else {
        const xs = this.temp();
        this.expr((e.domain as { list: IrExpr }).list, xs, false);
        const n = this.temp();
        const i = this.temp();
        this.emit(Op.LEN_LIST, n, xs);
        this.emit(Op.LOADI, i, 0);
        head = this.here();
        exit = this.emitJump(Op.JNLT, i, n);
        this.emit(Op.INDEX, vr, xs, i);
        step = () => this.emit(Op.ADDI, i, i, 1);
      }
      const bodyMark = this.nextReg;
      const bodyFalse = this.cond(e.body);
      this.nextReg = bodyMark;
      if (forall) {
        step();
        this.emit(Op.JMP, head);
        this.patch(bodyFalse);
        this.emit(Op.LOADFALSE, d);
      } else {
        this.emit(Op.LOADTRUE, d);
        const done = this.emitJump(Op.JMP);
        this.patch(bodyFalse);
        step();
        this.emit(Op.JMP, head);
        this.patch([done]);
      }
      this.patch([exit]);
    });
    this.nextReg = mark;
    return d;
  }
}

// ---------------------------------------------------------------- helpers

function smallInt(v: bigint): number | null {
  return v >= -0x40000000n && v <= 0x40000000n ? Number(v) : null;
}

/** `xs = push(xs, e)`. */
function isSelfPush(v: IrVar, value: IrExpr): boolean {
  return value.kind === 'Builtin' && value.name === 'push' && value.args[0]?.kind === 'Var' && value.args[0].v.id === v.id;
}

/** `xs = xs ++ ys` on lists. */
function isSelfAppend(v: IrVar, value: IrExpr): boolean {
  return value.kind === 'Concat' && value.left.kind === 'Var' && value.left.v.id === v.id && v.type.kind === 'List';
}

/** Expressions whose compiled code writes its destination only with its last instruction. */
function writesDstLast(e: IrExpr): boolean {
  switch (e.kind) {
    case 'Const':
    case 'Var':
    case 'IntOp':
    case 'IntNeg':
    case 'FloatOp':
    case 'FloatNeg':
    case 'Cmp':
    case 'Not':
    case 'Concat':
    case 'Len':
    case 'Index':
    case 'Field':
    case 'TupleGet':
    case 'MakeRecord':
    case 'MakeVariant':
    case 'MakeResult':
    case 'MakeList':
    case 'MakeTuple':
    case 'Interp':
    case 'IsType':
      return true;
    case 'Builtin':
      // `to_float` of a Float and `to_int` of an Int compile to their argument.
      if ((e.name === 'to_float' || e.name === 'to_int') && typeOf(e.args[0]!).kind === (e.name === 'to_float' ? 'Float' : 'Int')) return writesDstLast(e.args[0]!);
      return true;
    case 'Call':
      return e.mutRefs.length === 0;
    default:
      return false;
  }
}

/** Conservatively: can evaluating `e` assign a variable of the current frame? */
function mayWriteVars(e: IrExpr): boolean {
  let found = false;
  walkExpr(e, {
    onExpr: (x) => {
      if ((x.kind === 'Call' && x.mutRefs.length > 0) || x.kind === 'Block' || x.kind === 'If' || x.kind === 'Match' || x.kind === 'Handle' || x.kind === 'Perform') found = true;
    },
  });
  return found;
}

/** The compare-and-jump for a comparison (jump when false, or when true); null when values need structural comparison. */
function fusedJump(op: string, operand: Type, whenTrue = false): Op | null {
  const k = operand.kind;
  const ordered = k === 'Int' || k === 'Float' || k === 'String';
  const primitive = ordered || k === 'Bool' || k === 'Null';
  switch (op) {
    case '<':
      return ordered ? (whenTrue ? Op.JLT : Op.JNLT) : null;
    case '<=':
      return ordered ? (whenTrue ? Op.JLE : Op.JNLE) : null;
    case '>':
      return ordered ? (whenTrue ? Op.JGT : Op.JNGT) : null;
    case '>=':
      return ordered ? (whenTrue ? Op.JGE : Op.JNGE) : null;
    case '==':
      return primitive ? (whenTrue ? Op.JEQ : Op.JNEQ) : null;
    case '!=':
      return primitive ? (whenTrue ? Op.JNE : Op.JNNE) : null;
    default:
      return null;
  }
}

/** The static type of an IR expression. */
export function typeOf(e: IrExpr): Type {
  switch (e.kind) {
    case 'Const':
      return e.type;
    case 'Var':
      return e.v.type;
    case 'IntOp':
    case 'IntNeg':
    case 'Len':
    case 'Calls':
      return INT_T;
    case 'FloatOp':
    case 'FloatNeg':
      return FLOAT_T;
    case 'Cmp':
    case 'Not':
    case 'And':
    case 'Or':
    case 'Implies':
    case 'Quant':
    case 'In':
    case 'StateIs':
    case 'IsType':
      return BOOL_T;
    case 'Interp':
      return STRING_T;
    case 'Block':
      return e.block.value ? typeOf(e.block.value) : NULL_T;
    case 'Old':
      return typeOf(e.expr);
    case 'Halt':
    case 'Resume':
      return NEVER_T;
    default:
      return e.type;
  }
}

// ---------------------------------------------------------------- undecidable atoms

/**
 * Assigns a value to every atom that cannot be evaluated at run time
 * (`forall x: T`, `exists x: T`, `state(v) == S`) so that the enclosing check
 * can only pass because of it: `true` in positive position, `false` in
 * negative position. Returns false when such an atom has mixed polarity.
 */
export function analyzeUnknowns(e: IrExpr, polarity: number, out: Map<IrExpr, boolean>): boolean {
  switch (e.kind) {
    case 'And':
    case 'Or':
      return analyzeUnknowns(e.left, polarity, out) && analyzeUnknowns(e.right, polarity, out);
    case 'Implies':
      return analyzeUnknowns(e.left, -polarity, out) && analyzeUnknowns(e.right, polarity, out);
    case 'Not':
      return analyzeUnknowns(e.operand, -polarity, out);
    case 'StateIs':
      if (polarity === 0) return false;
      out.set(e, polarity > 0);
      return true;
    case 'Quant':
      if (e.domain.kind === 'type') {
        if (polarity === 0) return false;
        out.set(e, polarity > 0);
        return true;
      }
      if (e.domain.kind === 'range') {
        if (!analyzeUnknowns(e.domain.lo, 0, out) || !analyzeUnknowns(e.domain.hi, 0, out)) return false;
      } else if (!analyzeUnknowns(e.domain.list, 0, out)) return false;
      return analyzeUnknowns(e.body, polarity, out);
    default: {
      let ok = true;
      forEachExprChild(e, (c) => {
        if (ok && !analyzeUnknowns(c, 0, out)) ok = false;
      }, (b) => {
        walkBlock(b, {
          onExpr: (x) => {
            if (x.kind === 'StateIs' || (x.kind === 'Quant' && x.domain.kind === 'type')) ok = false;
          },
        });
      }, CHILDREN);
      return ok;
    }
  }
}

// ---------------------------------------------------------------- IR traversal

interface Visitor {
  onVar?: (v: IrVar) => void;
  /** Only variable references (`Var` expressions), not binders. */
  onVarRef?: (v: IrVar) => void;
  onExpr?: (e: IrExpr) => void;
  onStmt?: (s: IrStmt) => void;
}

/**
 * The children this backend's walks enter: call preconditions (over the
 * callee's variables) and loop facts are left out, and a `Try`'s
 * postconditions are visited by `walkExpr` itself, before its operand.
 */
const CHILDREN: IrChildOptions = { preconditions: false, tryPosts: false, loopFacts: false };

function walkExpr(e: IrExpr, v: Visitor): void {
  v.onExpr?.(e);
  switch (e.kind) {
    case 'Var':
      v.onVar?.(e.v);
      v.onVarRef?.(e.v);
      return;
    case 'Quant':
      v.onVar?.(e.v);
      break;
    case 'Match':
      for (const a of e.arms) walkPattern(a.pattern, v);
      break;
    case 'Call':
      for (const m of e.mutRefs) v.onVar?.(m.v);
      break;
    case 'Handle':
      for (const h of e.handlers) h.params.forEach((p) => v.onVar?.(p));
      break;
    case 'Try':
      for (const p of e.posts) walkExpr(p.cond, v);
      break;
    default:
      break;
  }
  forEachExprChild(e, (c) => walkExpr(c, v), (b) => walkBlock(b, v), CHILDREN);
}

function walkPattern(p: IrPattern, v: Visitor): void {
  if (p.kind === 'Bind' || p.kind === 'Type') v.onVar?.(p.v);
  forEachSubpattern(p, (x) => walkPattern(x, v));
}

function walkStmt(s: IrStmt, v: Visitor): void {
  v.onStmt?.(s);
  if (s.kind === 'Let' || s.kind === 'Assign' || s.kind === 'SetIndex') v.onVar?.(s.v);
  forEachStmtChild(s, (x) => walkExpr(x, v), (b) => walkBlock(b, v), CHILDREN);
}

function walkBlock(b: IrBlock, v: Visitor): void {
  for (const s of b.stmts) walkStmt(s, v);
  if (b.value) walkExpr(b.value, v);
}
