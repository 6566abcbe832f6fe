// Verification-condition generation: symbolic execution of one cell of the
// checked IR, producing one SMT query per check *emission*.
//
// The state maps every IrVar to a term and carries a path condition. Branches
// fork the state and merge it again with fresh constants (so terms stay
// small); `return`, `break`, `halt` end a path by setting its condition to
// false. Every check emission becomes a query `assumptions so far ∧ pc ∧ ¬cond`;
// afterwards `pc ⇒ cond` is assumed, so one failure does not cascade.
//
// Assumptions are guarded by activation literals (`act!k`): the assumptions
// made before emission j are exactly those switched on by asserting `act!j`,
// so all queries of a cell share one solver prelude.
//
// Loops have two encodings:
// * `havoc` (for proofs): check invariants on entry, havoc the modified
//   variables, assume invariants and the guard, run the body once, check the
//   invariants and the measure again. Sound, but a satisfying model after a
//   havoc need not be reachable, so such emissions are marked `approx`.
// * `unroll k` (for counterexamples): run the body up to k times exactly and
//   drop the paths that need more iterations. Every model is a real run.

import type {
  CheckId,
  IrBlock,
  IrCell,
  IrExpr,
  IrPattern,
  IrProgram,
  IrStmt,
  IrVar,
} from '../frontend/ir.js';
import type { Type } from '../frontend/types.js';
import type { Candidate, LoopStmt } from './infer.js';
import { dt, instantiate, NULL_VALUE, SortRegistry, typeKey } from './encode.js';
import type { Command, Sort, Term } from './smtlib/term.js';
import {
  arraySort,
  add,
  and,
  app,
  bool,
  BoolSort,
  eq,
  FALSE,
  Float64Sort,
  forall,
  exists,
  ge,
  gt,
  implies,
  int,
  IntSort,
  ite,
  le,
  lt,
  mul,
  neg,
  not,
  or,
  sortOf,
  str,
  StringSort,
  sub,
  sym,
  TRUE,
} from './smtlib/term.js';

export const INT_MIN = -(2n ** 63n);
export const INT_MAX = 2n ** 63n - 1n;
export const MAX_LEN = 2n ** 31n - 1n;

export type LoopMode = { readonly kind: 'havoc' } | { readonly kind: 'unroll'; readonly depth: number };

export interface Emission {
  readonly check: CheckId;
  /** Activation level: the query asserts `act!level`. */
  readonly level: number;
  readonly pc: Term;
  readonly cond: Term;
  /** The state was over-approximated (after a loop havoc, or an abstracted operation). */
  readonly approx: boolean;
  /** Steps of the path, for counterexample traces. */
  readonly path: readonly PathStep[];
  /** Number of assumptions made before this emission (for Horn clauses). */
  readonly assumptionCount: number;
}

/** What the Horn-clause inference needs to know about one loop (havoc mode). */
export interface LoopRecord {
  readonly loop: LoopStmt;
  /** Invariant arguments: the cell's Int/Bool inputs, then the loop-carried Int/Bool state. */
  readonly args: readonly { readonly name: string; readonly sort: Sort; readonly entry: Term; readonly head: Term }[];
  readonly entryPc: Term;
  readonly entryAssumptions: number;
  readonly ends: readonly { readonly pc: Term; readonly values: readonly Term[]; readonly assumptions: number }[];
  /** Emissions from this index on come after the loop head. */
  readonly firstEmission: number;
}

export interface PathStep {
  readonly span: IrExpr['span'];
  readonly what: string;
  /** A Boolean term: whether this step was taken on the path (evaluated in the model). */
  readonly taken: Term;
  /** Terms whose model values are shown at this step. */
  readonly values: readonly { readonly name: string; readonly term: Term; readonly type: Type }[];
  /** Set on the step of a `perform`: its label (`perform#2`). */
  readonly perform?: string;
  /** Set on the step of a call: index into `CellVC.calls`. */
  readonly call?: number;
}

export interface CellVC {
  readonly cell: string;
  readonly declarations: readonly Command[];
  /** Unconditional definitions of fresh constants. */
  readonly definitions: readonly Term[];
  /** Guarded assumptions: `[level, fact]`. */
  readonly assumptions: readonly (readonly [number, Term])[];
  readonly levels: number;
  readonly emissions: readonly Emission[];
  /** The cell's inputs: parameter values at entry. */
  readonly inputs: readonly { readonly name: string; readonly term: Term; readonly type: Type }[];
  /** Results of `perform`s, in order of appearance. */
  readonly performs: readonly { readonly label: string; readonly term: Term; readonly type: Type }[];
  /** Results of calls to other cells, in order of appearance. */
  readonly calls: readonly { readonly cell: string; readonly term: Term; readonly type: Type }[];
  /** Non-linear integer arithmetic appears: use the `smt` tactic. */
  readonly nonlinear: boolean;
  /** Uninterpreted functions used (e.g. the text of a record for interpolation). */
  readonly functions: ReadonlyMap<string, { readonly params: readonly Sort[]; readonly sort: Sort }>;
  /** Declarations / definitions of the pure cells called (see `pureFunction`). */
  readonly pureCommands: readonly Command[];
  readonly loopRecords: readonly LoopRecord[];
}

interface State {
  pc: Term;
  env: Map<number, Term>;
  ghosts: Map<string, Term>;
  approx: boolean;
  path: PathStep[];
}

interface LoopCtx {
  breaks: State[];
  continues: State[];
}

interface EvalMode {
  /** Emit checks found inside (false when evaluating a callee's contract at a call site). */
  readonly emit: boolean;
}

const EMIT: EvalMode = { emit: true };
const SILENT: EvalMode = { emit: false };

export function generateCellVC(
  program: IrProgram,
  cell: IrCell,
  sorts: SortRegistry,
  loops: LoopMode,
  candidates: ReadonlyMap<LoopStmt, readonly Candidate[]> = new Map(),
  /**
   * Recursive pure cells whose termination has been proved: only these may be
   * unfolded with `define-fun-rec` (a recursive definition of a function that
   * may not terminate can be contradictory, e.g. `f(n) == f(n) + 1`).
   */
  terminating: ReadonlySet<string> = new Set(),
): CellVC {
  return new CellGen(program, cell, sorts, loops, candidates, terminating).run();
}

class CellGen {
  private readonly decls: Command[] = [];
  private readonly declared = new Set<string>();
  private readonly definitions: Term[] = [];
  private readonly assumptions: [number, Term][] = [];
  private readonly emissions: Emission[] = [];
  private level = 0;
  private freshCounter = 0;
  private readonly loopStack: LoopCtx[] = [];
  private readonly inputs: { name: string; term: Term; type: Type }[] = [];
  private readonly performs: { label: string; term: Term; type: Type }[] = [];
  private readonly calls: { cell: string; term: Term; type: Type }[] = [];
  private nonlinear = false;
  /** > 0 while a pure cell's body or contract is being turned into a function definition. */
  private translating = 0;
  private translationFailed = false;
  private readonly pureCommands: Command[] = [];
  private readonly pureState = new Map<string, 'in-progress' | 'done'>();
  private readonly functions = new Map<string, { params: Sort[]; sort: Sort }>();
  /** Entry values, for `old(…)` in the cell's own `ensures`. */
  private entryEnv = new Map<number, Term>();
  private entryMeasure: Term | null = null;
  private quantDepth = 0;
  /** > 0 while evaluating a quantifier body over its bound variable. */
  private boundDepth = 0;

  constructor(
    private readonly program: IrProgram,
    private readonly cell: IrCell,
    private readonly sorts: SortRegistry,
    private readonly loops: LoopMode,
    /** Candidate invariants under test (Houdini); checked with synthetic ids. */
    private readonly candidates: ReadonlyMap<LoopStmt, readonly Candidate[]>,
    private readonly terminating: ReadonlySet<string>,
  ) {}

  run(): CellVC {
    const c = this.cell;
    const st: State = { pc: TRUE, env: new Map(), ghosts: new Map(), approx: false, path: [] };
    for (const p of c.params) {
      const t = this.declare(`in!${p.v.name}`, p.v.type);
      this.typeFacts(t, p.v.type, st);
      st.env.set(p.v.id, t);
      this.inputs.push({ name: p.v.name, term: t, type: p.v.type });
      const old = c.oldVars.get(p.v.id);
      if (old) st.env.set(old.id, t);
    }
    for (const e of c.effects) st.ghosts.set(e.effect, int(0));
    this.entryEnv = new Map(st.env);
    // Refinements and `requires` hold at entry; their own well-definedness is checked here.
    for (const r of c.requires) this.assume(st, this.evalExpr(r.cond, st, EMIT));
    if (c.decreases) this.entryMeasure = this.evalExpr(c.decreases, st, SILENT);
    if (c.body) this.execBlock(c.body, st);
    return {
      cell: c.name,
      declarations: this.decls,
      definitions: this.definitions,
      assumptions: this.assumptions,
      levels: this.level + 1,
      emissions: this.emissions,
      inputs: this.inputs,
      performs: this.performs,
      calls: this.calls,
      nonlinear: this.nonlinear,
      functions: this.functions,
      pureCommands: this.pureCommands,
      loopRecords: this.loopRecords,
    };
  }

  // ------------------------------------------------------------ bookkeeping

  private declare(base: string, type: Type): Term {
    return this.declareSort(base, this.sorts.sortOf(type));
  }

  private declareSort(base: string, sort: Sort): Term {
    // Inside a function definition an arbitrary value cannot be named: give up on the definition.
    if (this.translating > 0) this.translationFailed = true;
    const name = `${base}!${this.freshCounter++}`;
    this.decls.push({ kind: 'DeclareConst', name, sort });
    this.declared.add(name);
    return sym(name, sort);
  }

  /** A fresh constant equal to `t`, unless `t` is already small. */
  private name(base: string, t: Term): Term {
    // Inside a function definition or under a quantifier's bound variable a
    // term cannot be given a global name.
    if (this.translating > 0 || this.boundDepth > 0) return t;
    if (t.kind === 'Sym' || t.kind === 'IntLit' || t.kind === 'BoolLit' || t.kind === 'StrLit' || t.kind === 'FloatLit') return t;
    const c = this.declareSort(base, sortOf(t));
    this.definitions.push(eq(c, t));
    return c;
  }

  private assume(st: State, fact: Term): void {
    // Under a quantifier's bound variable a fact cannot be stated on its own.
    if (this.translating > 0 || this.boundDepth > 0) return;
    if (fact.kind === 'BoolLit' && fact.value) return;
    if (st.pc.kind === 'BoolLit' && !st.pc.value) return;
    this.assumptions.push([this.level, implies(st.pc, fact)]);
  }

  private emit(check: CheckId, st: State, cond: Term, mode: EvalMode): void {
    if (!mode.emit || this.translating > 0) return;
    if (st.pc.kind === 'BoolLit' && !st.pc.value) return;
    this.emissions.push({ check, level: this.level, pc: st.pc, cond, approx: st.approx, path: [...st.path], assumptionCount: this.assumptions.length });
    this.level++;
    this.assume(st, cond);
  }

  /** Facts every value of a type satisfies, about a fresh constant: the Int range, list and string lengths. */
  private typeFacts(t: Term, type: Type, st: State): void {
    this.assumeGlobal(this.typeFact(t, type));
    void st;
  }

  /**
   * What every Lumen value of a type satisfies: Ints in the 64-bit range,
   * lengths within 0 .. 2^31 - 1 — also inside unions, results, tuples,
   * records and enum payloads (two levels deep; recursive types stop there).
   */
  private typeFact(t: Term, type: Type, depth = 0): Term {
    switch (type.kind) {
      case 'Int':
        return and(ge(t, int(INT_MIN)), le(t, int(INT_MAX)));
      case 'List': {
        const len = this.listLen(t);
        return and(le(int(0), len), le(len, int(MAX_LEN)));
      }
      case 'String':
        return le(app('str.len', [t], IntSort), int(MAX_LEN));
      default:
        break;
    }
    if (depth >= 2) return TRUE;
    const sub = (sel: string, ft: Type): Term => this.typeFact(app(sel, [t], this.sorts.sortOf(ft)), ft, depth + 1);
    switch (type.kind) {
      case 'Union': {
        const d = this.sorts.ensureDatatype(type);
        return and(...type.members.map((m, i) => implies(dt.is(dt.unionCtor(d, i), t), sub(dt.unionField(d, i), m))));
      }
      case 'Result': {
        const d = this.sorts.ensureDatatype(type);
        return and(
          implies(dt.is(dt.resultCtor(d, 'ok'), t), sub(dt.resultField(d, 'ok'), type.ok)),
          implies(dt.is(dt.resultCtor(d, 'err'), t), sub(dt.resultField(d, 'err'), type.err)),
        );
      }
      case 'Tuple': {
        const d = this.sorts.ensureDatatype(type);
        return and(...type.elems.map((e, i) => sub(dt.tupleField(d, i), e)));
      }
      case 'Record': {
        const d = this.sorts.ensureDatatype(type);
        return and(...type.info.fields.map((f) => sub(dt.recordField(d, f.name), instantiate(f.type.type, type.info.typeParams, type.args))));
      }
      case 'Enum': {
        const d = this.sorts.ensureDatatype(type);
        return and(
          ...type.info.variants.map((v) =>
            implies(
              dt.is(dt.variantCtor(d, v.name), t),
              and(...v.fields.map((f) => sub(dt.variantField(d, v.name, f.name), instantiate(f.type.type, type.info.typeParams, type.args)))),
            ),
          ),
        );
      }
      default:
        return TRUE;
    }
  }

  /** A fact about a fresh constant that is always satisfiable: needs no guard. */
  private assumeGlobal(fact: Term): void {
    if (this.translating > 0 || this.boundDepth > 0) return;
    this.definitions.push(fact);
  }

  private fork(st: State, cond: Term): State {
    return { pc: and(st.pc, cond), env: new Map(st.env), ghosts: new Map(st.ghosts), approx: st.approx, path: [...st.path] };
  }

  private step(st: State, span: IrExpr['span'], what: string, values: PathStep['values'] = []): void {
    if (this.quantDepth > 0) return;
    st.path.push({ span, what, taken: st.pc, values });
  }

  /** Merges branch states into `into` (mutated). Dead branches (pc false) are dropped. */
  private merge(into: State, branches: State[]): void {
    const live = branches.filter((b) => !(b.pc.kind === 'BoolLit' && !b.pc.value));
    if (live.length === 0) {
      into.pc = FALSE;
      return;
    }
    if (live.length === 1) {
      const b = live[0]!;
      into.pc = b.pc;
      into.env = b.env;
      into.ghosts = b.ghosts;
      into.approx = b.approx;
      into.path = b.path;
      return;
    }
    const pcs = live.map((b) => b.pc);
    into.pc = this.name('pc', or(...pcs));
    into.approx = live.some((b) => b.approx);
    const ids = new Set<number>();
    for (const b of live) for (const k of b.env.keys()) ids.add(k);
    const env = new Map<number, Term>();
    for (const id of ids) {
      const vals = live.map((b) => b.env.get(id));
      if (vals.some((v) => v === undefined)) continue; // declared in only some branches: out of scope
      env.set(id, this.mergeValues(`m${id}`, pcs, vals as Term[]));
    }
    into.env = env;
    const ghosts = new Map<string, Term>();
    for (const k of into.ghosts.keys()) {
      const vals = live.map((b) => b.ghosts.get(k) ?? int(0));
      ghosts.set(k, this.mergeValues(`g`, pcs, vals));
    }
    into.ghosts = ghosts;
    // Paths: keep the steps of each branch, each guarded by its own condition.
    const seen = new Set<PathStep>();
    const path: PathStep[] = [];
    for (const b of live) for (const s of b.path) if (!seen.has(s)) (seen.add(s), path.push(s));
    into.path = path;
  }

  private mergeValues(base: string, pcs: Term[], vals: Term[]): Term {
    if (vals.every((v) => v === vals[0])) return vals[0]!;
    let t = vals[vals.length - 1]!;
    for (let i = vals.length - 2; i >= 0; i--) t = ite(pcs[i]!, vals[i]!, t);
    return this.name(base, t);
  }

  // ------------------------------------------------------------ statements

  private execBlock(b: IrBlock, st: State): Term {
    for (const s of b.stmts) {
      if (st.pc.kind === 'BoolLit' && !st.pc.value) break;
      this.execStmt(s, st);
    }
    if (st.pc.kind === 'BoolLit' && !st.pc.value) return NULL_VALUE;
    return b.value ? this.evalExpr(b.value, st, EMIT) : NULL_VALUE;
  }

  private execStmt(s: IrStmt, st: State): void {
    switch (s.kind) {
      case 'Let':
      case 'Assign': {
        const value = this.evalExpr(s.kind === 'Let' ? s.init : s.value, st, EMIT);
        st.env.set(s.v.id, this.name(`v!${safe(s.v.name)}`, value));
        if (!s.v.name.startsWith('$')) {
          this.step(st, s.span, s.kind === 'Let' ? `let ${s.v.name}` : `${s.v.name} changes`, [{ name: s.v.name, term: st.env.get(s.v.id)!, type: s.v.type }]);
        }
        return;
      }
      case 'SetIndex': {
        const xs = this.lookup(s.v, st);
        const i = this.evalExpr(s.index, st, EMIT);
        const len = this.listLen(xs);
        this.emit(s.check, st, and(le(neg(len), i), lt(i, len)), EMIT);
        const v = this.evalExpr(s.value, st, EMIT);
        const idx = this.isNonNeg(i) ? i : ite(lt(i, int(0)), add(len, i), i);
        const arr = this.listArr(xs);
        const updated = this.listMake(app('store', [arr, idx, v], sortOf(arr)), len, sortOf(xs));
        st.env.set(s.v.id, this.name(`v!${safe(s.v.name)}`, updated));
        return;
      }
      case 'Expr':
        this.evalExpr(s.expr, st, EMIT);
        return;
      case 'Check': {
        const cond = this.evalExpr(s.cond, st, EMIT);
        this.emit(s.check, st, cond, EMIT);
        return;
      }
      case 'Assume':
        this.assume(st, this.evalExpr(s.cond, st, EMIT));
        return;
      case 'While':
        if (this.loops.kind === 'havoc') this.execLoopHavoc(s, st);
        else this.execLoopUnrolled(s, st, this.loops.depth);
        return;
      case 'Return': {
        const value = this.name('ret', this.evalExpr(s.value, st, EMIT));
        this.checkPosts(s.posts, value, st);
        this.step(st, s.span, 'return', [{ name: 'result', term: value, type: this.cell.ret }]);
        st.pc = FALSE;
        return;
      }
      case 'Break':
      case 'Continue': {
        const ctx = this.loopStack[this.loopStack.length - 1];
        if (ctx) (s.kind === 'Break' ? ctx.breaks : ctx.continues).push(this.fork(st, TRUE));
        st.pc = FALSE;
        return;
      }
    }
  }

  private checkPosts(posts: readonly { check: CheckId; cond: IrExpr }[], value: Term, st: State): void {
    const env = new Map(st.env);
    env.set(this.cell.resultVar.id, value);
    // `old(x)` reads the entry values.
    for (const [id, old] of this.cell.oldVars) env.set(old.id, this.entryEnv.get(id)!);
    const inner: State = { ...st, env };
    for (const p of posts) this.emit(p.check, st, this.evalExpr(p.cond, inner, EMIT), EMIT);
  }

  private lookup(v: IrVar, st: State): Term {
    const t = st.env.get(v.id);
    if (t) return t;
    // A variable without a value here (e.g. a spec-only binder): an arbitrary value of its type.
    const fresh = this.declare(`u!${safe(v.name)}`, v.type);
    st.env.set(v.id, fresh);
    st.approx = true;
    return fresh;
  }

  // ------------------------------------------------------------ loops

  private execLoopHavoc(s: Extract<IrStmt, { kind: 'While' }>, st: State): void {
    // Entry: the invariants hold.
    const cands = this.candidates.get(s) ?? [];
    for (const inv of s.invariants) this.emit(inv.entryCheck, st, this.evalExpr(inv.cond, st, EMIT), EMIT);
    const entryArgs = this.loopArgs(s, st);
    const entryPc = st.pc;
    const entryAssumptions = this.assumptions.length;
    for (const c of cands) this.emit(c.entryId, st, this.candidateTerm(c, s, st), EMIT);
    // Havoc the loop-carried state.
    for (const v of s.modified) {
      const h = this.declare(`h!${safe(v.name)}`, v.type);
      this.typeFacts(h, v.type, st);
      st.env.set(v.id, h);
    }
    if (bodyHasEffects(s.body)) {
      for (const k of [...st.ghosts.keys()]) {
        const h = this.declareSort(`h!calls`, IntSort);
        this.assumeGlobal(ge(h, st.ghosts.get(k)!));
        st.ghosts.set(k, h);
      }
    }
    st.approx = true;
    for (const f of s.facts) this.assume(st, this.evalExpr(f, st, SILENT));
    for (const inv of s.invariants) this.assume(st, this.evalExpr(inv.cond, st, SILENT));
    for (const c of cands) this.assume(st, this.candidateTerm(c, s, st));
    const headArgs = this.loopArgs(s, st);
    const firstEmission = this.emissions.length;
    this.step(st, s.span, 'loop head (any iteration)', s.modified.filter((v) => !v.name.startsWith('$')).map((v) => ({ name: v.name, term: st.env.get(v.id)!, type: v.type })));
    const guard = this.evalExpr(s.cond, st, EMIT);
    const body = this.fork(st, guard);
    const measure0 = s.decreases?.expr ? this.name('measure', this.evalExpr(s.decreases.expr, body, SILENT)) : null;
    const ctx: LoopCtx = { breaks: [], continues: [] };
    this.loopStack.push(ctx);
    this.execBlock(s.body, body);
    this.loopStack.pop();
    // End of an iteration (normally or by `continue`): invariants again, measure smaller.
    const ends = [body, ...ctx.continues].filter((b) => !(b.pc.kind === 'BoolLit' && !b.pc.value));
    const recordEnds: { pc: Term; values: Term[]; assumptions: number }[] = [];
    for (const end of ends) {
      for (const inv of s.invariants) this.emit(inv.preservedCheck, end, this.evalExpr(inv.cond, end, EMIT), EMIT);
      for (const c of cands) this.emit(c.preservedId, end, this.candidateTerm(c, s, end), EMIT);
      recordEnds.push({ pc: end.pc, values: this.loopArgs(s, end).map((a) => a.term), assumptions: this.assumptions.length });
      if (s.decreases) {
        if (measure0 && s.decreases.expr) {
          const m1 = this.evalExpr(s.decreases.expr, end, SILENT);
          this.emit(s.decreases.check, end, and(ge(measure0, int(0)), lt(m1, measure0)), EMIT);
        } else {
          // No measure at all: termination cannot be shown (reported unknown, never refuted).
          this.emit(s.decreases.check, { ...end, approx: true }, FALSE, EMIT);
        }
      }
    }
    if (entryArgs.length === headArgs.length) {
      this.loopRecords.push({
        loop: s,
        args: headArgs.map((a, i) => ({ name: a.name, sort: a.sort, entry: entryArgs[i]!.term, head: a.term })),
        entryPc,
        entryAssumptions,
        ends: recordEnds,
        firstEmission,
      });
    }
    // Exit: the guard is false at some loop head, or a `break` was taken.
    const exit = this.fork(st, not(guard));
    this.merge(st, [exit, ...ctx.breaks]);
  }

  private execLoopUnrolled(s: Extract<IrStmt, { kind: 'While' }>, st: State, depth: number): void {
    const exits: State[] = [];
    const cur = st;
    for (let iter = 0; iter <= depth; iter++) {
      if (cur.pc.kind === 'BoolLit' && !cur.pc.value) break;
      for (const inv of s.invariants) {
        this.emit(iter === 0 ? inv.entryCheck : inv.preservedCheck, cur, this.evalExpr(inv.cond, cur, EMIT), EMIT);
      }
      const guard = this.evalExpr(s.cond, cur, EMIT);
      exits.push(this.fork(cur, not(guard)));
      if (iter === depth) break;
      const body = this.fork(cur, guard);
      this.step(body, s.span, `loop iteration ${iter + 1}`);
      const measure0 = s.decreases?.expr ? this.name('measure', this.evalExpr(s.decreases.expr, body, SILENT)) : null;
      const ctx: LoopCtx = { breaks: [], continues: [] };
      this.loopStack.push(ctx);
      this.execBlock(s.body, body);
      this.loopStack.pop();
      exits.push(...ctx.breaks);
      const ends = [body, ...ctx.continues];
      const next: State = { pc: FALSE, env: cur.env, ghosts: cur.ghosts, approx: cur.approx, path: cur.path };
      this.merge(next, ends);
      if (s.decreases && measure0 && s.decreases.expr && !(next.pc.kind === 'BoolLit' && !next.pc.value)) {
        const m1 = this.evalExpr(s.decreases.expr, next, SILENT);
        this.emit(s.decreases.check, next, and(ge(measure0, int(0)), lt(m1, measure0)), EMIT);
      }
      cur.pc = next.pc;
      cur.env = next.env;
      cur.ghosts = next.ghosts;
      cur.approx = next.approx;
      cur.path = next.path;
    }
    // Paths that would need more iterations are dropped (under-approximation).
    this.merge(st, exits);
  }

  // ------------------------------------------------------------ expressions

  evalExpr(e: IrExpr, st: State, mode: EvalMode): Term {
    switch (e.kind) {
      case 'Const':
        return this.constTerm(e.value);
      case 'Var':
        return this.lookup(e.v, st);
      case 'IntOp':
        return this.evalIntOp(e, st, mode);
      case 'IntNeg': {
        const a = this.evalExpr(e.operand, st, mode);
        if (e.overflow !== null) this.emit(e.overflow, st, not(eq(a, int(INT_MIN))), mode);
        return neg(a);
      }
      case 'FloatOp': {
        const a = this.evalExpr(e.left, st, mode);
        const b = this.evalExpr(e.right, st, mode);
        const rne = app('RNE', [], { kind: 'RoundingMode' });
        const fn = { '+': 'fp.add', '-': 'fp.sub', '*': 'fp.mul', '/': 'fp.div' } as const;
        if (e.op === '**') {
          st.approx = true;
          return app('l!fpow', [a, b], Float64Sort);
        }
        return app(fn[e.op], [rne, a, b], Float64Sort);
      }
      case 'FloatNeg':
        return app('fp.neg', [this.evalExpr(e.operand, st, mode)], Float64Sort);
      case 'Cmp':
        return this.evalCmp(e, st, mode);
      case 'Not':
        return not(this.evalExpr(e.operand, st, mode));
      case 'And':
      case 'Or':
      case 'Implies': {
        const l = this.evalExpr(e.left, st, mode);
        // The right operand runs only when the left one lets it.
        const guard = e.kind === 'Or' ? not(l) : l;
        const right = this.fork(st, guard);
        const r = this.evalExpr(e.right, right, mode);
        const skip = this.fork(st, not(guard));
        if (right.env.size !== st.env.size || [...right.env].some(([k, v]) => st.env.get(k) !== v)) this.merge(st, [right, skip]);
        if (e.kind === 'And') return and(l, r);
        if (e.kind === 'Or') return or(l, r);
        return implies(l, r);
      }
      case 'Concat': {
        const a = this.evalExpr(e.left, st, mode);
        const b = this.evalExpr(e.right, st, mode);
        return e.type.kind === 'String' ? app('str.++', [a, b], StringSort) : this.seqConcat(a, b);
      }
      case 'Len': {
        const a = this.evalExpr(e.operand, st, mode);
        const s = sortOf(a);
        if (s.kind === 'String') return app('str.len', [a], IntSort);
        if (this.sorts.listElem(s)) return this.listLen(a);
        st.approx = true;
        return this.name('len', this.declareSort('maplen', IntSort));
      }
      case 'Index':
        return this.evalIndex(e, st, mode);
      case 'Field': {
        const target = this.evalExpr(e.target, st, mode);
        const dtName = this.dtOfTerm(target);
        const rec = this.program.records.get(e.record);
        if (rec && rec.invariants.length > 0) this.assumeRecordInvariants(rec.name, target, st);
        const value = app(dt.recordField(dtName, rec ? rec.fields[e.field]!.name : String(e.field)), [target], this.sorts.sortOf(e.type));
        this.assume(st, this.typeFact(value, e.type));
        return value;
      }
      case 'TupleGet': {
        const target = this.evalExpr(e.target, st, mode);
        const value = app(dt.tupleField(this.dtOfTerm(target), e.index), [target], this.sorts.sortOf(e.type));
        this.assume(st, this.typeFact(value, e.type));
        return value;
      }
      case 'MakeRecord': {
        const dtName = this.sorts.ensureDatatype(e.type);
        return app(dt.recordCtor(dtName), e.fields.map((f) => this.evalExpr(f, st, mode)), this.sorts.sortOf(e.type));
      }
      case 'MakeVariant': {
        const dtName = this.sorts.ensureDatatype(e.type);
        const en = this.program.enums.get(e.enum)!;
        const ctor = dt.variantCtor(dtName, en.variants[e.variant]!.name);
        const args = e.args.map((a) => this.evalExpr(a, st, mode));
        return args.length === 0 ? app(ctor, [], this.sorts.sortOf(e.type)) : app(ctor, args, this.sorts.sortOf(e.type));
      }
      case 'MakeResult': {
        const dtName = this.sorts.ensureDatatype(e.type);
        return app(dt.resultCtor(dtName, e.which), [this.evalExpr(e.arg, st, mode)], this.sorts.sortOf(e.type));
      }
      case 'MakeList': {
        const sort = this.sorts.sortOf(e.type);
        const elem = this.sorts.listElem(sort) ?? IntSort;
        // The cells beyond the length are arbitrary: a fresh array underneath.
        let arr = this.declareSort('arr', arraySort(IntSort, elem));
        e.elems.forEach((x, i) => {
          arr = app('store', [arr, int(i), this.evalExpr(x, st, mode)], sortOf(arr));
        });
        return this.listMake(arr, int(e.elems.length), sort);
      }
      case 'MakeTuple': {
        const dtName = this.sorts.ensureDatatype(e.type);
        return app(dt.tupleCtor(dtName), e.elems.map((x) => this.evalExpr(x, st, mode)), this.sorts.sortOf(e.type));
      }
      case 'Interp': {
        const parts = e.parts.map((p) => this.toStringTerm(this.evalExpr(p, st, mode), exprType(p), st));
        return parts.length === 1 ? parts[0]! : app('str.++', parts, StringSort);
      }
      case 'Call':
        return this.evalCall(e, st, mode);
      case 'Builtin':
        return this.evalBuiltin(e, st, mode);
      case 'If': {
        const c = this.evalExpr(e.cond, st, mode);
        const t = this.fork(st, c);
        this.step(t, e.cond.span, 'condition is true');
        const tv = this.execBlock(e.then, t);
        const f = this.fork(st, not(c));
        this.step(f, e.cond.span, 'condition is false');
        const fv = this.execBlock(e.else, f);
        const live = [t, f].filter((b) => !(b.pc.kind === 'BoolLit' && !b.pc.value));
        const tpc = t.pc;
        this.merge(st, [t, f]);
        // An `if` without `else` is `null`, whatever its branch computes.
        if (e.type.kind === 'Null' || live.length === 0) return NULL_VALUE;
        if (live.length === 1) return live[0] === t ? tv : fv;
        if (!sameSort(sortOf(tv), sortOf(fv))) {
          st.approx = true;
          return this.declare('if', e.type);
        }
        return this.name('if', ite(tpc, tv, fv));
      }
      case 'Match':
        return this.evalMatch(e, st, mode);
      case 'Block': {
        const inner = st; // Blocks share the state: their lets are fresh vars.
        return this.execBlock(e.block, inner);
      }
      case 'Halt':
        if (e.message) this.evalExpr(e.message, st, mode);
        this.emit(e.check, st, FALSE, mode);
        st.pc = FALSE;
        return NULL_VALUE;
      case 'NonNull': {
        const v = this.evalExpr(e.operand, st, mode);
        const s = sortOf(v);
        if (s.kind === 'Named' && s.name === 'Null!') {
          this.emit(e.check, st, FALSE, mode);
          return v;
        }
        const ut = exprType(e.operand);
        if (ut.kind !== 'Union') return v;
        const dtName = this.sorts.ensureDatatype(ut);
        const nullIdx = ut.members.findIndex((m) => m.kind === 'Null');
        this.emit(e.check, st, not(dt.is(dt.unionCtor(dtName, nullIdx), v)), mode);
        const target = e.type;
        const idx = ut.members.findIndex((m) => typeKey(m) === typeKey(target));
        if (idx >= 0) return app(dt.unionField(dtName, idx), [v], this.sorts.sortOf(target));
        st.approx = true;
        return this.declare('nn', target);
      }
      case 'Try': {
        const v = this.evalExpr(e.operand, st, mode);
        const rt = exprType(e.operand);
        if (rt.kind !== 'Result') return v;
        const dtName = this.sorts.ensureDatatype(rt);
        const isErr = dt.is(dt.resultCtor(dtName, 'err'), v);
        const errState = this.fork(st, isErr);
        const retType = this.cell.ret;
        if (retType.kind === 'Result' && mode.emit) {
          const retDt = this.sorts.ensureDatatype(retType);
          const errVal = app(dt.resultCtor(retDt, 'err'), [app(dt.resultField(dtName, 'err'), [v], this.sorts.sortOf(rt.err))], this.sorts.sortOf(retType));
          this.checkPosts(e.posts, this.name('ret', errVal), errState);
        }
        st.pc = and(st.pc, not(isErr));
        return app(dt.resultField(dtName, 'ok'), [v], this.sorts.sortOf(rt.ok));
      }
      case 'Perform':
        return this.evalPerform(e, st, mode);
      case 'Handle': {
        // Handler bodies are checked with arbitrary arguments; performs inside the
        // body return arbitrary values of the operation's type (over-approximation).
        for (const h of e.handlers) {
          const hs = this.fork(st, TRUE);
          hs.approx = true;
          for (const p of h.params) hs.env.set(p.id, this.declare(`hp!${safe(p.name)}`, p.type));
          this.execBlock(h.body, hs);
        }
        const saved = new Map(st.ghosts);
        const v = this.execBlock(e.body, st);
        // Handled effects are not the enclosing cell's: their counters are unchanged.
        for (const h of e.handlers) if (saved.has(h.effect)) st.ghosts.set(h.effect, saved.get(h.effect)!);
        if (e.handlers.length > 0) {
          st.approx = true;
          return this.name('handle', ite(this.declareSort('aborted', BoolSort), this.declare('hv', e.type), v));
        }
        return v;
      }
      case 'Resume':
        if (e.value) this.evalExpr(e.value, st, mode);
        st.pc = FALSE;
        return NULL_VALUE;
      case 'Narrow': {
        const v = this.evalExpr(e.operand, st, mode);
        const ut = exprType(e.operand);
        if (ut.kind !== 'Union') return v;
        const idx = ut.members.findIndex((m) => typeKey(m) === typeKey(e.type));
        if (idx < 0) {
          st.approx = true;
          return this.declare('narrow', e.type);
        }
        const member = app(dt.unionField(this.sorts.ensureDatatype(ut), idx), [v], this.sorts.sortOf(e.type));
        this.assume(st, this.typeFact(member, e.type));
        return member;
      }
      case 'Inject': {
        const v = this.evalExpr(e.operand, st, mode);
        const ut = e.type;
        if (ut.kind !== 'Union') return v;
        const from = exprType(e.operand);
        const idx = ut.members.findIndex((m) => typeKey(m) === typeKey(from));
        const d = this.sorts.ensureDatatype(ut);
        if (idx < 0) {
          st.approx = true;
          return this.declare('inject', ut);
        }
        return app(dt.unionCtor(d, idx), [v], this.sorts.sortOf(ut));
      }
      case 'IsType': {
        const v = this.evalExpr(e.operand, st, mode);
        const ut = exprType(e.operand);
        if (ut.kind !== 'Union') return bool(typeKey(ut) === typeKey(e.type));
        const dtName = this.sorts.ensureDatatype(ut);
        const idx = ut.members.findIndex((m) => typeKey(m) === typeKey(e.type));
        return idx >= 0 ? dt.is(dt.unionCtor(dtName, idx), v) : FALSE;
      }
      case 'Quant':
        return this.evalQuant(e, st, mode);
      case 'In': {
        const x = this.evalExpr(e.element, st, mode);
        if (e.range) {
          const lo = this.evalExpr(e.range.lo, st, mode);
          const hi = this.evalExpr(e.range.hi, st, mode);
          return and(le(lo, x), e.range.inclusive ? le(x, hi) : lt(x, hi));
        }
        const xs = this.evalExpr(e.list!, st, mode);
        const k = `k!in!${this.freshCounter++}`;
        const ks = sym(k, IntSort);
        return exists([{ name: k, sort: IntSort }], and(le(int(0), ks), lt(ks, this.listLen(xs)), eq(this.listNth(xs, ks), x)));
      }
      case 'Old': {
        const inner: State = { ...st, env: new Map([...st.env, ...this.entryEnv]) };
        return this.evalExpr(e.expr, inner, SILENT);
      }
      case 'Calls':
        return st.ghosts.get(e.effect) ?? int(0);
      case 'StateIs':
        st.approx = true;
        return this.declareSort('state', BoolSort);
    }
  }

  private constTerm(v: Extract<IrExpr, { kind: 'Const' }>['value']): Term {
    switch (v.kind) {
      case 'Int':
        return int(v.value);
      case 'Bool':
        return bool(v.value);
      case 'String':
        return str(v.value);
      case 'Float':
        return { kind: 'FloatLit', value: v.value };
      case 'Null':
        this.sorts.sortOf({ kind: 'Null' });
        return NULL_VALUE;
    }
  }

  private evalIntOp(e: Extract<IrExpr, { kind: 'IntOp' }>, st: State, mode: EvalMode): Term {
    const a = this.evalExpr(e.left, st, mode);
    const b = this.evalExpr(e.right, st, mode);
    if (e.divZero !== null) this.emit(e.divZero, st, not(eq(b, int(0))), mode);
    let r: Term;
    switch (e.op) {
      case '+':
        r = add(a, b);
        break;
      case '-':
        r = sub(a, b);
        break;
      case '*':
        if (a.kind !== 'IntLit' && b.kind !== 'IntLit') this.nonlinear = true;
        r = mul(a, b);
        break;
      case '/':
        r = app('l!tdiv', [a, b], IntSort);
        break;
      case '//':
        r = app('l!fdiv', [a, b], IntSort);
        break;
      case '%':
        r = app('l!trem', [a, b], IntSort);
        break;
      case '**':
        r = this.power(a, b, st);
        break;
    }
    if (e.op === '/' || e.op === '//') {
      if (e.overflow !== null) this.emit(e.overflow, st, not(and(eq(a, int(INT_MIN)), eq(b, int(-1)))), mode);
    } else if (e.overflow !== null) {
      if (e.op === '**') this.emit(e.overflow, st, and(ge(b, int(0)), ge(r, int(INT_MIN)), le(r, int(INT_MAX))), mode);
      else this.emit(e.overflow, st, and(ge(r, int(INT_MIN)), le(r, int(INT_MAX))), mode);
    }
    return r;
  }

  private power(a: Term, b: Term, st: State): Term {
    if (b.kind === 'IntLit' && b.value >= 0n && b.value <= 8n) {
      let r: Term = int(1);
      for (let i = 0n; i < b.value; i++) r = i === 0n ? a : mul(r, a);
      if (b.value > 1n) this.nonlinear = true;
      return r;
    }
    // General exponent: the recursive definition in the prelude (Z3 unfolds
    // it on demand, so bounded exponents are decided; a sat answer satisfies
    // the definition, and refutations are replayed on the VM anyway). A
    // negative exponent traps; in code the overflow check rules it out, in a
    // specification (no overflow check) its value is left unknown, so nothing
    // is proved from it.
    this.nonlinear = true;
    return app('l!pow', [a, b], IntSort);
  }

  private evalCmp(e: Extract<IrExpr, { kind: 'Cmp' }>, st: State, mode: EvalMode): Term {
    const a = this.evalExpr(e.left, st, mode);
    const b = this.evalExpr(e.right, st, mode);
    const sa = sortOf(a);
    if (sa.kind === 'Float64') {
      const fn = { '==': 'fp.eq', '!=': 'fp.eq', '<': 'fp.lt', '<=': 'fp.leq', '>': 'fp.gt', '>=': 'fp.geq' }[e.op];
      const r = app(fn, [a, b], BoolSort);
      return e.op === '!=' ? not(r) : r;
    }
    if (sa.kind === 'String' && e.op !== '==' && e.op !== '!=') {
      const fn = e.op === '<' || e.op === '>' ? 'str.<' : 'str.<=';
      return e.op === '<' || e.op === '<=' ? app(fn, [a, b], BoolSort) : app(fn, [b, a], BoolSort);
    }
    if ((e.op === '==' || e.op === '!=') && this.sorts.listElem(sa)) {
      const r = this.listEq(a, b);
      return e.op === '==' ? r : not(r);
    }
    // Comparing a union value with a member (e.g. `x == null`): compare the tags.
    const sb = sortOf(b);
    if ((e.op === '==' || e.op === '!=') && !sameSort(sa, sb)) {
      const r = this.unionEq(a, exprType(e.left), b, exprType(e.right));
      return e.op === '==' ? r : not(r);
    }
    switch (e.op) {
      case '==':
        return eq(a, b);
      case '!=':
        return not(eq(a, b));
      case '<':
        return lt(a, b);
      case '<=':
        return le(a, b);
      case '>':
        return gt(a, b);
      case '>=':
        return ge(a, b);
    }
  }

  private unionEq(a: Term, at: Type, b: Term, bt: Type): Term {
    if (at.kind === 'Union' && bt.kind !== 'Union') {
      const dtName = this.sorts.ensureDatatype(at);
      const idx = at.members.findIndex((m) => typeKey(m) === typeKey(bt));
      if (idx < 0) return FALSE;
      return and(dt.is(dt.unionCtor(dtName, idx), a), eq(app(dt.unionField(dtName, idx), [a], sortOf(b)), b));
    }
    if (bt.kind === 'Union' && at.kind !== 'Union') return this.unionEq(b, bt, a, at);
    return FALSE;
  }

  private evalIndex(e: Extract<IrExpr, { kind: 'Index' }>, st: State, mode: EvalMode): Term {
    const xs = this.evalExpr(e.target, st, mode);
    const i = this.evalExpr(e.index, st, mode);
    const s = sortOf(xs);
    const isString = s.kind === 'String';
    const elem = this.sorts.listElem(s);
    if (!isString && !elem) {
      st.approx = true;
      return this.declare('idx', e.type);
    }
    const len = isString ? app('str.len', [xs], IntSort) : this.listLen(xs);
    if (e.check !== null) this.emit(e.check, st, and(le(neg(len), i), lt(i, len)), mode);
    // Lumen's negative indices count from the end; when the index is known to be
    // non-negative the plain `seq.nth` keeps quantifier triggers simple.
    const idx = this.isNonNeg(i) ? i : ite(lt(i, int(0)), add(len, i), i);
    if (isString) return app('str.at', [xs, idx], StringSort);
    const value = this.listNth(xs, idx);
    this.assume(st, this.typeFact(value, e.type));
    return value;
  }

  // ---- lists: `mk(arr, len)` (see encode.ts)

  private listDt(xs: Term): string {
    const s = sortOf(xs);
    return s.kind === 'Named' ? s.name : '';
  }

  private listLen(xs: Term): Term {
    return app(`${this.listDt(xs)}!len`, [xs], IntSort);
  }

  private listArr(xs: Term): Term {
    const elem = this.sorts.listElem(sortOf(xs)) ?? IntSort;
    return app(`${this.listDt(xs)}!arr`, [xs], arraySort(IntSort, elem));
  }

  private listNth(xs: Term, i: Term): Term {
    const elem = this.sorts.listElem(sortOf(xs)) ?? IntSort;
    return app('select', [this.listArr(xs), i], elem);
  }

  private listMake(arr: Term, len: Term, sort: Sort): Term {
    return app(`${sort.kind === 'Named' ? sort.name : ''}!mk`, [arr, len], sort);
  }

  /** Lumen `==` on lists: same length and the same elements (cells beyond the length do not count). */
  private listEq(a: Term, b: Term): Term {
    const k = `k!eq!${this.freshCounter++}`;
    const ks = sym(k, IntSort);
    const la = this.listLen(a);
    return and(eq(la, this.listLen(b)), forall([{ name: k, sort: IntSort }], implies(and(le(int(0), ks), lt(ks, la)), eq(this.listNth(a, ks), this.listNth(b, ks)))));
  }

  /**
   * `a ++ b` for lists: a fresh list `c` with `len(c) == len(a) + len(b)`,
   * `c[k] == a[k]` below `len(a)` and `c[k] == b[k - len(a)]` above.
   */
  private seqConcat(a: Term, b: Term): Term {
    const s = sortOf(a);
    const c = this.declareSort('cat', s);
    if (this.translating > 0) return c;
    const k = sym(`k!${c.kind === 'Sym' ? c.name : 'cat'}`, IntSort);
    const la = this.listLen(a);
    const lc = this.listLen(c);
    const nthC = this.listNth(c, k);
    this.assumeGlobal(eq(lc, add(la, this.listLen(b))));
    this.assumeGlobal(
      forall(
        [{ name: k.kind === 'Sym' ? k.name : '', sort: IntSort }],
        and(implies(and(le(int(0), k), lt(k, la)), eq(nthC, this.listNth(a, k))), implies(and(le(la, k), lt(k, lc)), eq(nthC, this.listNth(b, sub(k, la))))),
      ),
    );
    return c;
  }

  /** Names of quantified variables (and their witnesses) known to be ≥ 0 from their domain. */
  private readonly nonNegSyms = new Set<string>();

  private isNonNeg(t: Term): boolean {
    switch (t.kind) {
      case 'IntLit':
        return t.value >= 0n;
      case 'Sym':
        return this.nonNegSyms.has(t.name);
      case 'App':
        if (t.fn === 'str.len' || t.fn.endsWith('!len')) return true;
        if (t.fn === '+' || t.fn === '*') return t.args.every((a) => this.isNonNeg(a));
        return false;
      default:
        return false;
    }
  }

  private assumeRecordInvariants(record: string, value: Term, st: State): void {
    const rec = this.program.records.get(record);
    if (!rec) return;
    const env = new Map(st.env);
    rec.fields.forEach((f, i) => {
      env.set(f.v.id, app(dt.recordField(this.dtOfTerm(value), f.name), [value], this.sorts.sortOf(f.type)));
      void i;
    });
    const inner: State = { ...st, env };
    // Guarded by the path: the value may come from a construction whose check failed.
    for (const inv of rec.invariants) this.assume(st, this.evalExpr(inv.cond, inner, SILENT));
  }

  /**
   * The payload refinements of a variant (from refined aliases: see
   * `IrVariant.invariants`) hold when `value` is that variant: every
   * construction of it checked them.
   */
  private assumeVariantInvariants(enumName: string, index: number, type: Extract<Type, { kind: 'Enum' }>, value: Term, st: State): void {
    const variant = this.program.enums.get(enumName)?.variants[index];
    const info = type.info.variants[index];
    if (!variant || !info || !variant.invariants || variant.invariants.length === 0) return;
    const dtName = this.sorts.ensureDatatype(type);
    const env = new Map(st.env);
    variant.fields.forEach((f, i) => {
      if (!f.v || !info.fields[i]) return;
      const ft = instantiate(info.fields[i]!.type.type, type.info.typeParams, type.args);
      env.set(f.v.id, app(dt.variantField(dtName, variant.name, f.name), [value], this.sorts.sortOf(ft)));
    });
    const inner: State = { ...st, env };
    const is = dt.is(dt.variantCtor(dtName, variant.name), value);
    for (const inv of variant.invariants) this.assume(st, implies(is, this.evalExpr(inv.cond, inner, SILENT)));
  }

  private dtOfTerm(t: Term): string {
    const s = sortOf(t);
    return s.kind === 'Named' ? s.name : '';
  }

  private toStringTerm(v: Term, type: Type, st: State): Term {
    switch (type.kind) {
      case 'String':
        return v;
      case 'Int':
        return ite(lt(v, int(0)), app('str.++', [str('-'), app('str.from_int', [neg(v)], StringSort)], StringSort), app('str.from_int', [v], StringSort));
      case 'Bool':
        return ite(v, str('true'), str('false'));
      case 'Null':
        return str('null');
      default: {
        // The text of other values is consistent but unknown to the solver.
        st.approx = true;
        const fn = `l!tostr!${typeKey(type)}`;
        this.functions.set(fn, { params: [sortOf(v)], sort: StringSort });
        return app(fn, [v], StringSort);
      }
    }
  }

  private evalBuiltin(e: Extract<IrExpr, { kind: 'Builtin' }>, st: State, mode: EvalMode): Term {
    const args = e.args.map((a) => this.evalExpr(a, st, mode));
    const [a, b] = args;
    switch (e.name) {
      case 'print':
        return NULL_VALUE;
      case 'abs': {
        if (sortOf(a!).kind === 'Float64') return app('fp.abs', [a!], Float64Sort);
        if (e.check !== null) this.emit(e.check, st, not(eq(a!, int(INT_MIN))), mode);
        return ite(lt(a!, int(0)), neg(a!), a!);
      }
      case 'min':
      case 'max': {
        if (sortOf(a!).kind === 'Float64') return app(e.name === 'min' ? 'fp.min' : 'fp.max', [a!, b!], Float64Sort);
        return e.name === 'min' ? ite(le(a!, b!), a!, b!) : ite(ge(a!, b!), a!, b!);
      }
      case 'to_string':
        return this.toStringTerm(a!, exprType(e.args[0]!), st);
      case 'to_float':
        return app('(_ to_fp 11 53)', [app('RNE', [], { kind: 'RoundingMode' }), app('to_real', [a!], { kind: 'Real' })], Float64Sort);
      case 'to_int': {
        const real = app('fp.to_real', [a!], { kind: 'Real' });
        const ok = and(not(app('fp.isNaN', [a!], BoolSort)), not(app('fp.isInfinite', [a!], BoolSort)));
        // Truncation toward zero of the real value.
        const truncated = ite(app('>=', [real, app('to_real', [int(0)], { kind: 'Real' })], BoolSort), app('to_int', [real], IntSort), neg(app('to_int', [app('-', [real], { kind: 'Real' })], IntSort)));
        const r = this.name('toint', truncated);
        if (e.check !== null) this.emit(e.check, st, and(ok, ge(r, int(INT_MIN)), le(r, int(INT_MAX))), mode);
        return r;
      }
      case 'push': {
        const len = this.listLen(a!);
        const arr = this.listArr(a!);
        return this.listMake(app('store', [arr, len, b!], sortOf(arr)), add(len, int(1)), sortOf(a!));
      }
      case 'range': {
        const s = this.sorts.sortOf(e.type);
        const r = this.declareSort('range', s);
        const n = ite(le(a!, b!), sub(b!, a!), int(0));
        this.assumeGlobal(eq(this.listLen(r), n));
        const kn = `k!${r.kind === 'Sym' ? r.name : 'r'}`;
        const k = sym(kn, IntSort);
        this.assumeGlobal(forall([{ name: kn, sort: IntSort }], implies(and(le(int(0), k), lt(k, n)), eq(this.listNth(r, k), add(a!, k)))));
        return r;
      }
    }
  }

  private evalCall(e: Extract<IrExpr, { kind: 'Call' }>, st: State, mode: EvalMode): Term {
    const callee = this.program.cells.get(e.cell);
    const args = e.args.map((a, i) => this.name(`arg${i}`, this.evalExpr(a, st, mode)));
    if (!callee) {
      st.approx = true;
      return this.declare('call', e.type);
    }
    const calleeEnv = new Map<number, Term>();
    callee.params.forEach((p, i) => calleeEnv.set(p.v.id, args[i]!));
    for (const [id, old] of callee.oldVars) calleeEnv.set(old.id, calleeEnv.get(id)!);
    const calleeState: State = { ...st, env: calleeEnv };
    // Preconditions and parameter refinements of the callee, at this call.
    for (const pre of e.pre) this.emit(pre.check, st, this.evalExpr(pre.cond, calleeState, SILENT), mode);
    if (e.termination !== null) {
      if (callee.decreases && this.entryMeasure && this.cell.decreases) {
        const m = this.evalExpr(callee.decreases, calleeState, SILENT);
        this.emit(e.termination, st, and(ge(this.entryMeasure, int(0)), lt(m, this.entryMeasure)), mode);
      } else {
        this.emit(e.termination, { ...st, approx: true }, FALSE, mode);
      }
    }
    // Effect budgets: the callee may perform up to its own budget.
    for (const eff of callee.effects) {
      const cur = st.ghosts.get(eff.effect);
      if (cur === undefined) continue;
      let next: Term;
      if (eff.maxCalls !== null) next = add(cur, int(eff.maxCalls));
      else {
        const extra = this.declareSort('calls', IntSort);
        this.assumeGlobal(ge(extra, int(0)));
        next = add(cur, extra);
        st.approx = true;
      }
      const budget = e.budgets.find((b) => b.effect === eff.effect);
      const limit = this.cell.effects.find((x) => x.effect === eff.effect)?.maxCalls;
      if (budget && limit !== undefined && limit !== null) this.emit(budget.check, st, le(next, int(limit)), mode);
      st.ghosts.set(eff.effect, this.name('calls', next));
    }
    // Afterwards: the callee's postconditions about its result. A pure cell's
    // result is the application of its function, so specifications that call
    // it talk about the same value.
    const fn = callee.pure && e.mutRefs.length === 0 ? this.pureFunction(callee) : null;
    const result = fn
      ? app(fn, args, this.sorts.sortOf(callee.ret))
      : this.declare(`r!${safe(callee.name.split('.').pop()!)}`, callee.ret);
    // A fresh result may be constrained globally; a function application only on this path.
    if (fn) this.assume(st, this.typeFact(result, callee.ret));
    else this.typeFacts(result, callee.ret, st);
    calleeEnv.set(callee.resultVar.id, result);
    for (const m of e.mutRefs) {
      const after = this.declare(`mr!${safe(m.v.name)}`, m.v.type);
      this.typeFacts(after, m.v.type, st);
      calleeEnv.set(callee.params[m.arg]!.v.id, after);
      st.env.set(m.v.id, after);
    }
    for (const post of callee.ensures) this.assume(st, this.evalExpr(post.cond, calleeState, SILENT));
    if (this.quantDepth === 0 && this.translating === 0 && !e.spec) {
      this.calls.push({ cell: callee.name, term: result, type: callee.ret });
      st.path.push({ span: e.span, what: `call ${callee.name.split('.').pop()}`, taken: st.pc, values: [{ name: 'result', term: result, type: callee.ret }], call: this.calls.length - 1 });
    }
    return result;
  }

  /**
   * The SMT function of a pure cell. A loop-free, non-recursive body becomes a
   * `define-fun`, which is always consistent. Recursive cells stay
   * uninterpreted: a recursive definition is consistent only if the recursion
   * terminates — itself one of the checks being decided — and a contract
   * stated as a global axiom would be assumed before it is proved (the cell's
   * own verification could then "prove" its own postcondition from it). The
   * contract is instead assumed at each call, on that path only (`evalCall`).
   */
  private pureFunction(callee: IrCell): string {
    const fn = `f!${callee.name}`;
    if (this.pureState.has(fn)) {
      // A definition may refer to itself, not to another one still being written.
      if (this.pureState.get(fn) === 'in-progress' && this.currentPure !== fn && this.translating > 0) this.translationFailed = true;
      return fn;
    }
    this.pureState.set(fn, 'in-progress');
    const params = callee.params.map((p, i) => ({ name: `a!${safe(callee.name)}!${i}`, sort: this.sorts.sortOf(p.v.type) }));
    const retSort = this.sorts.sortOf(callee.ret);
    let body: Term | null = null;
    // The cell being verified never uses its own definition: that would assume what is being checked.
    const definable = callee.body !== null && callee.name !== this.cell.name && (!callee.recursive || this.terminating.has(callee.name));
    if (definable && callee.body) {
      const outer = { failed: this.translationFailed, current: this.currentPure };
      this.translationFailed = false;
      this.currentPure = fn;
      this.translating++;
      try {
        const st: State = { pc: TRUE, env: new Map(), ghosts: new Map(), approx: false, path: [] };
        callee.params.forEach((p, i) => st.env.set(p.v.id, sym(params[i]!.name, params[i]!.sort)));
        body = this.translateStmts(callee.body.stmts, 0, callee.body.value, st);
      } finally {
        this.translating--;
      }
      if (this.translationFailed) body = null;
      this.translationFailed = outer.failed;
      this.currentPure = outer.current;
    }
    if (body) this.pureCommands.push({ kind: callee.recursive ? 'DefineFunRec' : 'DefineFun', name: fn, params, sort: retSort, body });
    else this.pureCommands.push({ kind: 'DeclareFun', name: fn, params: params.map((p) => p.sort), sort: retSort });
    this.pureState.set(fn, 'done');
    return fn;
  }

  private currentPure: string | null = null;
  private readonly loopRecords: LoopRecord[] = [];

  /** The invariant's arguments for a loop: Int/Bool inputs, then loop-carried Int/Bool vars and effect counters. */
  private loopArgs(s: LoopStmt, st: State): { name: string; sort: Sort; term: Term }[] {
    const out: { name: string; sort: Sort; term: Term }[] = [];
    for (const inp of this.inputs) if (inp.type.kind === 'Int' || inp.type.kind === 'Bool') out.push({ name: inp.name, sort: this.sorts.sortOf(inp.type), term: inp.term });
    for (const v of s.modified) {
      if (v.type.kind !== 'Int' && v.type.kind !== 'Bool') continue;
      const t = st.env.get(v.id);
      if (t) out.push({ name: v.name, sort: this.sorts.sortOf(v.type), term: t });
    }
    for (const k of [...st.ghosts.keys()].sort()) out.push({ name: `calls(${k.split('.').pop()})`, sort: IntSort, term: st.ghosts.get(k)! });
    return out;
  }

  /** A candidate invariant's term in a state: from its IR condition, or from an SMT body over the loop arguments. */
  private candidateTerm(c: Candidate, loop: LoopStmt, st: State): Term {
    if (c.smt) {
      const args = this.loopArgs(loop, st).map((a) => a.term);
      if (args.length !== c.smt.arity) return TRUE;
      return c.smt.instantiate(args);
    }
    return this.evalExpr(c.cond!, st, SILENT);
  }

  /** The value of a loop-free body with early returns, as one term; null when not expressible. */
  private translateStmts(stmts: readonly IrStmt[], i: number, value: IrExpr | null, st: State): Term | null {
    for (; i < stmts.length; i++) {
      const s = stmts[i]!;
      switch (s.kind) {
        case 'Let':
        case 'Assign':
          st.env.set(s.v.id, this.evalExpr(s.kind === 'Let' ? s.init : s.value, st, SILENT));
          continue;
        case 'Check':
        case 'Assume':
          continue;
        case 'Return':
          return this.evalExpr(s.value, st, SILENT);
        case 'Expr': {
          const e = s.expr;
          if (e.kind === 'If' && (blockReturns(e.then) || blockReturns(e.else))) {
            const c = this.evalExpr(e.cond, st, SILENT);
            const rest = stmts.slice(i + 1);
            const t = this.translateStmts([...e.then.stmts, ...asStmts(e.then.value), ...rest], 0, value, { ...st, env: new Map(st.env) });
            const f = this.translateStmts([...e.else.stmts, ...asStmts(e.else.value), ...rest], 0, value, { ...st, env: new Map(st.env) });
            return t && f ? ite(c, t, f) : null;
          }
          if (containsReturn(e)) return null;
          this.evalExpr(e, st, SILENT);
          continue;
        }
        default:
          return null;
      }
    }
    return value ? this.evalExpr(value, st, SILENT) : NULL_VALUE;
  }

  private evalPerform(e: Extract<IrExpr, { kind: 'Perform' }>, st: State, mode: EvalMode): Term {
    for (const a of e.args) this.evalExpr(a, st, mode);
    const cur = st.ghosts.get(e.effect);
    if (cur !== undefined) {
      const next = this.name('calls', add(cur, int(1)));
      const limit = this.cell.effects.find((x) => x.effect === e.effect)?.maxCalls;
      if (e.budget !== null && limit !== undefined && limit !== null) this.emit(e.budget, st, le(next, int(limit)), mode);
      st.ghosts.set(e.effect, next);
    }
    const label = `perform#${this.performs.length + 1}`;
    const result = this.declare(`p!${safe(e.op)}`, e.type);
    this.typeFacts(result, e.type, st);
    this.performs.push({ label, term: result, type: e.type });
    const eff = this.program.effects.get(e.effect);
    const op = eff?.ops.find((o) => o.name === e.op);
    if (op) {
      // The operation's return refinement, if any.
      const env = new Map(st.env);
      for (const c of op.ensures) {
        void c;
      }
      void env;
    }
    if (this.quantDepth === 0) st.path.push({ span: e.span, what: `${e.effect.split('.').pop()}.${e.op} returns`, taken: st.pc, values: [{ name: label, term: result, type: e.type }], perform: label });
    return result;
  }

  private evalMatch(e: Extract<IrExpr, { kind: 'Match' }>, st: State, mode: EvalMode): Term {
    const scrut = this.name('scrut', this.evalExpr(e.scrutinee, st, mode));
    const st0 = exprType(e.scrutinee);
    let remaining = st.pc;
    const branches: State[] = [];
    const values: Term[] = [];
    const conds: Term[] = [];
    for (const arm of e.arms) {
      const armState = this.fork(st, TRUE);
      armState.pc = remaining;
      const m = this.patternCond(arm.pattern, scrut, st0, armState);
      let cond = m;
      if (arm.guard) {
        const gs = this.fork(armState, m);
        const g = this.evalExpr(arm.guard, gs, mode);
        cond = and(m, g);
      }
      const taken = this.name('arm', cond);
      conds.push(taken);
      armState.pc = and(remaining, taken);
      this.step(armState, arm.span, 'match arm taken');
      values.push(this.execBlock(arm.body, armState));
      branches.push(armState);
      remaining = and(remaining, not(taken));
    }
    if (e.check !== null) this.emit(e.check, st, or(...conds), mode);
    const live = branches.map((b, i) => [b, values[i]!] as const).filter(([b]) => !(b.pc.kind === 'BoolLit' && !b.pc.value));
    const pcs = live.map(([b]) => b.pc);
    this.merge(st, branches);
    if (e.type.kind === 'Null' || live.length === 0) return NULL_VALUE;
    if (live.length === 1) return live[0]![1];
    const vals = live.map(([, v]) => v);
    if (vals.some((v) => !sameSort(sortOf(v), sortOf(vals[0]!)))) {
      st.approx = true;
      return this.declare('match', e.type);
    }
    return this.mergeValues('match', pcs, vals);
  }

  /** The condition under which `p` matches `v`; binds pattern variables in `st`. */
  private patternCond(p: IrPattern, v: Term, type: Type, st: State): Term {
    switch (p.kind) {
      case 'Wild':
        return TRUE;
      case 'Bind':
        st.env.set(p.v.id, v);
        this.assume(st, this.typeFact(v, type));
        return TRUE;
      case 'Lit': {
        if (type.kind === 'Union') {
          const lt2: Type = p.value.kind === 'Null' ? { kind: 'Null' } : p.value.kind === 'Int' ? { kind: 'Int' } : p.value.kind === 'String' ? { kind: 'String' } : p.value.kind === 'Bool' ? { kind: 'Bool' } : { kind: 'Float' };
          return this.unionEq(v, type, this.constTerm(p.value), lt2);
        }
        return eq(v, this.constTerm(p.value));
      }
      case 'Range':
        return and(le(int(p.lo), v), p.inclusive ? le(v, int(p.hi)) : lt(v, int(p.hi)));
      case 'Variant': {
        const en = this.program.enums.get(p.enum);
        if (!en || type.kind !== 'Enum') return FALSE;
        const dtName = this.sorts.ensureDatatype(type);
        const variant = en.variants[p.variant]!;
        const conds: Term[] = [dt.is(dt.variantCtor(dtName, variant.name), v)];
        const info = type.info.variants[p.variant]!;
        p.args.forEach((sub, i) => {
          const f = variant.fields[i];
          if (!f) return;
          const ft = instantiate(info.fields[i]!.type.type, type.info.typeParams, type.args);
          const fv = app(dt.variantField(dtName, variant.name, f.name), [v], this.sorts.sortOf(ft));
          conds.push(this.patternCond(sub, fv, ft, st));
        });
        this.assumeVariantInvariants(p.enum, p.variant, type, v, st);
        return and(...conds);
      }
      case 'Record': {
        const rec = this.program.records.get(p.record);
        if (!rec) return FALSE;
        // Reading fields by a pattern is a read like `r.f`: the record's invariants hold.
        if (rec.invariants.length > 0) this.assumeRecordInvariants(rec.name, v, st);
        const dtName = this.dtOfTerm(v);
        return and(
          ...p.fields.map((sub, i) => {
            const f = rec.fields[i]!;
            return this.patternCond(sub, app(dt.recordField(dtName, f.name), [v], this.sorts.sortOf(f.type)), f.type, st);
          }),
        );
      }
      case 'Tuple': {
        if (type.kind !== 'Tuple') return FALSE;
        const dtName = this.dtOfTerm(v);
        return and(...p.elems.map((sub, i) => this.patternCond(sub, app(dt.tupleField(dtName, i), [v], this.sorts.sortOf(type.elems[i]!)), type.elems[i]!, st)));
      }
      case 'Result': {
        if (type.kind !== 'Result') return FALSE;
        const dtName = this.dtOfTerm(v);
        const inner = p.which === 'ok' ? type.ok : type.err;
        return and(dt.is(dt.resultCtor(dtName, p.which), v), this.patternCond(p.arg, app(dt.resultField(dtName, p.which), [v], this.sorts.sortOf(inner)), inner, st));
      }
      case 'Type': {
        if (type.kind !== 'Union') {
          st.env.set(p.v.id, v);
          return bool(typeKey(type) === typeKey(p.type));
        }
        const dtName = this.dtOfTerm(v);
        const idx = type.members.findIndex((m) => typeKey(m) === typeKey(p.type));
        if (idx < 0) return FALSE;
        st.env.set(p.v.id, app(dt.unionField(dtName, idx), [v], this.sorts.sortOf(p.type)));
        return dt.is(dt.unionCtor(dtName, idx), v);
      }
    }
  }

  private evalQuant(e: Extract<IrExpr, { kind: 'Quant' }>, st: State, mode: EvalMode): Term {
    const d = e.domain;
    // Well-definedness of the body, for an arbitrary element of the domain.
    if (mode.emit) {
      const ws = this.fork(st, TRUE);
      const c = this.declare(`q!${safe(e.v.name)}`, d.kind === 'list' ? INT_T : e.v.type);
      if (c.kind === 'Sym' && this.domainNonNeg(d, ws)) this.nonNegSyms.add(c.name);
      const dom = this.domainCond(d, c, ws);
      ws.pc = and(ws.pc, dom.cond);
      ws.env.set(e.v.id, dom.value);
      this.quantDepth++;
      this.evalExpr(e.body, ws, EMIT);
      this.quantDepth--;
    }
    const name = `b!${safe(e.v.name)}!${this.freshCounter++}`;
    const bound = sym(name, d.kind === 'list' ? IntSort : this.sorts.sortOf(e.v.type));
    const inner = this.fork(st, TRUE);
    if (this.domainNonNeg(d, inner)) this.nonNegSyms.add(name);
    const dom = this.domainCond(d, bound, inner);
    inner.env.set(e.v.id, dom.value);
    this.quantDepth++;
    this.boundDepth++;
    const body = this.evalExpr(e.body, inner, SILENT);
    this.boundDepth--;
    this.quantDepth--;
    // No explicit triggers: Z3's own choice (the `select` terms) proved the
    // array specifications of the corpus reliably, where hand-picked ones did not.
    const patterns: Term[][] = [];
    const vars = [{ name, sort: bound.kind === 'Sym' ? bound.sort : IntSort }];
    return e.quantifier === 'forall' ? forall(vars, implies(dom.cond, body), patterns) : exists(vars, and(dom.cond, body), patterns);
  }

  private domainNonNeg(d: Extract<IrExpr, { kind: 'Quant' }>['domain'], st: State): boolean {
    if (d.kind === 'list') return true;
    if (d.kind === 'range') return this.isNonNeg(this.evalExpr(d.lo, st, SILENT));
    return false;
  }

  private domainCond(d: Extract<IrExpr, { kind: 'Quant' }>['domain'], x: Term, st: State): { cond: Term; value: Term } {
    switch (d.kind) {
      case 'range': {
        const lo = this.evalExpr(d.lo, st, SILENT);
        const hi = this.evalExpr(d.hi, st, SILENT);
        return { cond: and(le(lo, x), d.inclusive ? le(x, hi) : lt(x, hi)), value: x };
      }
      case 'list': {
        const xs = this.evalExpr(d.list, st, SILENT);
        const s = sortOf(xs);
        const len = s.kind === 'String' ? app('str.len', [xs], IntSort) : this.listLen(xs);
        const value = s.kind === 'String' ? app('str.at', [xs, x], StringSort) : this.listNth(xs, x);
        return { cond: and(le(int(0), x), lt(x, len)), value };
      }
      case 'type':
        return { cond: TRUE, value: x };
    }
  }
}

const INT_T: Type = { kind: 'Int' };

function asStmts(e: IrExpr | null): IrStmt[] {
  return e ? [{ kind: 'Expr', expr: e, span: e.span }] : [];
}

function blockReturns(b: IrBlock): boolean {
  return b.stmts.some((s) => s.kind === 'Return' || (s.kind === 'Expr' && containsReturn(s.expr))) || (b.value !== null && containsReturn(b.value));
}

/** Whether an expression contains a `return` statement in a nested block (not inside loops). */
function containsReturn(e: IrExpr): boolean {
  switch (e.kind) {
    case 'If':
      return blockReturns(e.then) || blockReturns(e.else);
    case 'Match':
      return e.arms.some((a) => blockReturns(a.body));
    case 'Block':
      return blockReturns(e.block);
    default:
      return false;
  }
}

function safe(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

function sameSort(a: Sort, b: Sort): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'Named' && b.kind === 'Named') return a.name === b.name;
  if (a.kind === 'Seq' && b.kind === 'Seq') return sameSort(a.elem, b.elem);
  return true;
}

/** Type of an IR expression (re-exported from the lowering, where it is defined). */
import { irType as exprType } from '../frontend/lower.js';

/** Does a loop body perform effects or call cells (which may)? */
function bodyHasEffects(b: IrBlock): boolean {
  const text = JSON.stringify(b, (k, v) => (k === 'span' || k === 'type' ? undefined : typeof v === 'bigint' ? v.toString() : v));
  return text.includes('"kind":"Perform"') || text.includes('"kind":"Call"');
}

/** SMT definitions of Lumen's integer division operators (SMT's `div`/`mod` are Euclidean). */
export const PRELUDE_FUNCTIONS = `
(define-fun l!abs ((a Int)) Int (ite (>= a 0) a (- a)))
(define-fun l!tdiv ((a Int) (b Int)) Int (ite (= (>= a 0) (> b 0)) (div (l!abs a) (l!abs b)) (- (div (l!abs a) (l!abs b)))))
(define-fun l!trem ((a Int) (b Int)) Int (- a (* b (l!tdiv a b))))
(define-fun l!fdiv ((a Int) (b Int)) Int (ite (> b 0) (div a b) (div (- a) (- b))))
(declare-fun l!pow_neg (Int Int) Int)
(define-fun-rec l!pow ((a Int) (n Int)) Int (ite (< n 0) (l!pow_neg a n) (ite (= n 0) 1 (* a (l!pow a (- n 1))))))
(declare-fun l!fpow ((_ FloatingPoint 11 53) (_ FloatingPoint 11 53)) (_ FloatingPoint 11 53))
`;
