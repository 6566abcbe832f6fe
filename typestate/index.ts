// Typestate (LANGUAGE.md §9) as ghost state in the checked IR.
//
// `instrumentTypestate` runs right after lowering (before the ownership
// pass). Every variable of a record type with a `typestate` gets a ghost Int
// `state(f)`: the index of its state in the declaration, or -1 once the value
// has moved away (into an `owned` parameter or another variable), which no
// longer carries an obligation. Ghost code maintains it and ordinary checks
// state the protocol:
// * typestate-transition: before a call of a transition cell on `mut ref f`,
//   `state(f)` is one of the listed sources; afterwards it is the target, or,
//   for `… if result, … otherwise`, chosen by the call's Bool result;
// * typestate-final: a value the scope owns (a local, an `owned` parameter)
//   is in a final state (or moved away) whenever it leaves its scope or is
//   overwritten, reported at the line that introduces it (§6.5). A value that
//   is returned or stored in an aggregate must be in its initial state, which
//   is the state every value of unknown origin (a call result, a field, a list
//   element) is assumed to have.
//
// Across cells, each parameter of a typestate type gets a hidden Int
// parameter `state(f)` (`IrParam.ghost = 'typestate'`, appended after the
// real ones): a plain value for `ref`, `owned` and plain parameters, a
// `mut ref` one for a `mut ref` parameter of a cell with a body, so the
// callee's final state flows back to the caller exactly as the value does.
// `state(f) == S` (the IR's `StateIs`) becomes a comparison of that variable
// with S's index everywhere: in the cell's own `requires`/`ensures`, loop
// invariants and assertions, and in the callee's clauses checked or assumed
// at call sites. A transition cell's own declaration is its contract: for its
// tracked (first) parameter the hidden parameter is a plain value (the entry
// state, assumed to be a listed source), `state(f)` in its `ensures` means
// the declared target, and the caller sets the target itself. An `extern`
// cell that is not a transition cannot change a protocol state, so its hidden
// parameters are plain values too.
//
// Unlike ownership, typestate is enforced at run time when not proved: the
// ghost statements carry `ghost: 'typestate'` and are compiled (Int moves and
// comparisons), and hidden parameters are real parameters of the bytecode.

import type { CheckId, IrBlock, IrCell, IrClause, IrExpr, IrParam, IrProgram, IrStmt, IrVar } from '../frontend/ir.js';
import type { CheckedProgram, Type, TypestateInfo } from '../frontend/types.js';
import { BOOL, INT } from '../frontend/types.js';
import type { Span } from '../frontend/span.js';
import { modifiedVars } from '../frontend/lower.js';
import { GhostRewriter, type Declared, type Exit, type Position } from '../ownership/engine.js';
import {
  assignStmt,
  checkStmt,
  intConst,
  intEq,
  IrKit,
  letStmt,
  mapExpr,
  not,
  or,
  varRef,
  type AssignStmt,
  type CallExpr,
  type VarExpr,
  type WhileStmt,
} from '../ownership/irkit.js';

/** The state index of a value that moved away (no obligation left). */
export const MOVED_STATE = -1;

/** A transition cell, with state indices. */
export interface Transition {
  readonly ts: TypestateInfo;
  readonly cell: string;
  readonly from: readonly number[];
  readonly to: number;
  readonly otherwise: number | null;
  readonly span: Span;
}

/** Adds the typestate ghost state, hidden parameters and checks. */
export function instrumentTypestate(ir: IrProgram, checked: CheckedProgram | null = null): IrProgram {
  const typestates = [...ir.records.values()].flatMap((r) => (r.typestate ? [r.typestate] : []));
  if (typestates.length === 0) return ir;
  const kit = new IrKit(ir);
  const transitions = transitionTable(typestates);
  const effectOps = new Set((checked?.cells ?? []).filter((c) => c.effectOp !== null).map((c) => c.qualifiedName));

  // 1. Signatures: hidden state parameters.
  const hidden = new Map<string, Map<number, IrVar>>();
  const withParams = new Map<string, IrCell>();
  for (const [name, cell] of ir.cells) {
    const map = new Map<number, IrVar>();
    hidden.set(name, map);
    if (effectOps.has(name)) {
      withParams.set(name, cell);
      continue;
    }
    const extra: IrParam[] = [];
    const oldVars = new Map(cell.oldVars);
    const transition = transitions.get(name);
    cell.params.forEach((p, i) => {
      const ts = typestateOf(p.v.type);
      if (!ts) return;
      const tracksFirst = transition !== undefined && transition.ts === ts && i === 0;
      const flowsBack = p.mode === 'mutref' && !tracksFirst && !cell.extern && cell.body !== null;
      const v = kit.fresh(`state(${p.v.name})`, INT);
      map.set(p.v.id, v);
      extra.push({ v, mode: flowsBack ? 'mutref' : 'value', span: p.span, ghost: 'typestate', ghostOf: i });
      if (flowsBack) oldVars.set(v.id, kit.fresh(`old_state(${p.v.name})`, INT));
    });
    withParams.set(name, extra.length === 0 ? cell : { ...cell, params: [...cell.params, ...extra], oldVars });
  }

  // 2. Contracts: `state(f) == S` over the hidden parameters.
  const cells = new Map<string, IrCell>();
  for (const [name, cell] of withParams) {
    const map = hidden.get(name)!;
    const transition = transitions.get(name) ?? null;
    const spec = new SpecRewriter(withParams, map, transition, cell);
    const requires: IrClause[] = cell.requires.map((c) => ({ ...c, cond: spec.pre(c.cond) }));
    for (const p of cell.params) {
      if (!p.ghost || p.ghostOf === undefined) continue;
      const real = cell.params[p.ghostOf]!;
      const ts = typestateOf(real.v.type)!;
      requires.push(stateDomainClause(p.v, real.v.name, ts, transition && p.ghostOf === 0 && transition.ts === ts ? transition : null, p.span));
    }
    const ensures: IrClause[] = cell.ensures.map((c) => ({ ...c, cond: spec.post(c.cond) }));
    const decreases = cell.decreases ? spec.pre(cell.decreases) : null;
    cells.set(name, { ...cell, requires, ensures, decreases });
  }

  // 3. Bodies.
  for (const [name, cell] of cells) {
    if (!cell.body) continue;
    const pass = new TypestatePass(kit, cells, hidden, transitions);
    cells.set(name, { ...cell, body: pass.rewriteBody(cell) });
  }
  return kit.finish(cells);
}

export function typestateOf(t: Type): TypestateInfo | null {
  return t.kind === 'Record' ? t.info.typestate : null;
}

function stateIndex(ts: TypestateInfo, name: string): number {
  return ts.states.indexOf(name);
}

export function transitionTable(typestates: readonly TypestateInfo[]): Map<string, Transition> {
  const out = new Map<string, Transition>();
  for (const ts of typestates) {
    for (const t of ts.transitions) {
      if (out.has(t.cell.qualifiedName)) continue;
      out.set(t.cell.qualifiedName, {
        ts,
        cell: t.cell.qualifiedName,
        from: t.from.map((s) => stateIndex(ts, s)),
        to: stateIndex(ts, t.to),
        otherwise: t.otherwise === null ? null : stateIndex(ts, t.otherwise),
        span: t.span,
      });
    }
  }
  return out;
}

/** `v` is one of `states` (as an IR condition). */
function inStates(v: IrVar, states: readonly number[], span: Span): IrExpr {
  return or(states.map((k) => intEq(varRef(v, span), intConst(k, span), span)), span);
}

function statesText(ts: TypestateInfo, states: readonly number[], conj = 'or'): string {
  const names = states.map((k) => ts.states[k] ?? '?');
  return names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} ${conj} ${names[names.length - 1]}`;
}

/** What a hidden parameter may hold at entry: any state or moved away; for a transition's value, its sources. */
function stateDomainClause(v: IrVar, of: string, ts: TypestateInfo, transition: Transition | null, span: Span): IrClause {
  if (transition) {
    return {
      cond: inStates(v, transition.from, span),
      span,
      text: transition.from.map((k) => `state(${of}) == ${ts.states[k]}`).join(' or '),
      origin: 'contract',
    };
  }
  const lo: IrExpr = { kind: 'Cmp', op: '<=', left: intConst(MOVED_STATE, span), right: varRef(v, span), operand: INT, span };
  const hi: IrExpr = { kind: 'Cmp', op: '<', left: varRef(v, span), right: intConst(ts.states.length, span), operand: INT, span };
  return { cond: { kind: 'And', left: lo, right: hi, span }, span, text: `${MOVED_STATE} <= state(${of}) and state(${of}) < ${ts.states.length}`, origin: 'contract' };
}

// ---------------------------------------------------------------- specifications

/**
 * Rewrites specifications of one cell: `StateIs` to a comparison of the
 * state variable, calls of cells with hidden parameters get their hidden
 * arguments. For a transition cell's tracked parameter, `state(f)` after the
 * call (in `ensures`) is the declared target.
 */
class SpecRewriter {
  constructor(
    private readonly cells: ReadonlyMap<string, IrCell>,
    private readonly states: ReadonlyMap<number, IrVar>,
    private readonly transition: Transition | null,
    private readonly cell: IrCell | null,
  ) {}

  pre(e: IrExpr): IrExpr {
    return this.rewrite(e, false);
  }

  post(e: IrExpr): IrExpr {
    return this.rewrite(e, true);
  }

  private rewrite(e: IrExpr, post: boolean): IrExpr {
    const f = (x: IrExpr): IrExpr | null => {
      if (x.kind === 'StateIs') {
        const sv = this.states.get(x.v.id);
        if (!sv) return null;
        const ts = typestateOf(x.v.type);
        const k = ts ? stateIndex(ts, x.state) : -2;
        const tracked = this.transition && this.cell && this.cell.params[0]?.v.id === x.v.id;
        if (post && tracked) return declaredTarget(this.transition!, k, this.cell!.resultVar, x.span);
        return intEq(varRef(sv, x.span), intConst(k, x.span), x.span);
      }
      if (x.kind === 'Call') {
        const callee = this.cells.get(x.cell);
        const args = x.args.map((a) => mapExpr(a, f));
        const extra = hiddenArgs(callee, x.args.length, (i) => {
          const a = x.args[i];
          const sv = a && a.kind === 'Var' ? this.states.get(a.v.id) : undefined;
          return sv ? varRef(sv, x.span) : null;
        }, x.span);
        return { ...x, args: [...args, ...extra], pre: x.pre.map((p) => ({ check: p.check, cond: mapExpr(p.cond, f) })) };
      }
      return null;
    };
    return mapExpr(e, f);
  }
}

/** After a transition: `state(f) == k` as a condition on the call's result. */
function declaredTarget(t: Transition, k: number, result: IrVar, span: Span): IrExpr {
  const yes = k === t.to;
  if (t.otherwise === null) return { kind: 'Const', value: { kind: 'Bool', value: yes }, type: BOOL, span };
  const no = k === t.otherwise;
  if (yes && no) return { kind: 'Const', value: { kind: 'Bool', value: true }, type: BOOL, span };
  if (yes) return varRef(result, span);
  if (no) return not(varRef(result, span), span);
  return { kind: 'Const', value: { kind: 'Bool', value: false }, type: BOOL, span };
}

/**
 * The hidden arguments of a call with `realCount` real arguments: for each
 * hidden parameter, the state of the variable passed for its real parameter
 * (`stateOf(i)`), or the initial state for any other value.
 */
function hiddenArgs(callee: IrCell | undefined, realCount: number, stateOf: (i: number) => IrExpr | null, span: Span): IrExpr[] {
  if (!callee) return [];
  return callee.params.slice(realCount).map((p) => {
    const i = p.ghostOf ?? 0;
    const ts = typestateOf(callee.params[i]!.v.type);
    return stateOf(i) ?? intConst(ts ? stateIndex(ts, ts.initial) : 0, span);
  });
}

// ---------------------------------------------------------------- bodies

class TypestatePass extends GhostRewriter {
  /** `state(x)` per tracked variable id (hidden parameters for parameters). */
  private readonly states = new Map<number, IrVar>();
  /** Lowering temporaries that stand for a tracked variable (`$let`, `$base`, record fields…). */
  private readonly aliases = new Map<number, IrVar>();
  private spec!: SpecRewriter;

  constructor(
    kit: IrKit,
    cells: ReadonlyMap<string, IrCell>,
    private readonly hidden: ReadonlyMap<string, ReadonlyMap<number, IrVar>>,
    private readonly transitions: ReadonlyMap<string, Transition>,
  ) {
    super(kit, cells);
  }

  override rewriteBody(cell: IrCell): IrBlock | null {
    for (const [id, v] of this.hidden.get(cell.name) ?? []) this.states.set(id, v);
    this.spec = new SpecRewriter(this.cells, this.states, this.transitions.get(cell.name) ?? null, cell);
    return super.rewriteBody(cell);
  }

  private resolve(v: IrVar): IrVar {
    return this.aliases.get(v.id) ?? v;
  }

  private stateOfExpr(e: IrExpr): { v: IrVar; sv: IrVar } | null {
    if (e.kind !== 'Var') return null;
    const v = this.resolve(e.v);
    const sv = this.states.get(v.id);
    return sv ? { v, sv } : null;
  }

  private initialOf(t: Type, span: Span): IrExpr {
    const ts = typestateOf(t);
    return intConst(ts ? stateIndex(ts, ts.initial) : 0, span);
  }

  /** Values the scope owns: locals, pattern variables and `owned` parameters. */
  private owns(d: Declared): boolean {
    if (d.origin === 'param') return d.param?.mode === 'owned';
    return !d.v.name.startsWith('$');
  }

  // ------------------------------------------------------------ hooks

  protected onParam(_d: Declared): IrStmt[] {
    return [];
  }

  protected onDeclare(d: Declared, init: IrExpr | null): IrStmt[] {
    const ts = typestateOf(d.v.type);
    if (!ts) return [];
    const src = init ? this.stateOfExpr(init) : null;
    if (d.v.name.startsWith('$')) {
      // A lowering temporary holding a tracked value stands for it.
      if (src) this.aliases.set(d.v.id, src.v);
      return [];
    }
    const sv = this.kit.fresh(`state(${d.v.name})`, INT);
    this.states.set(d.v.id, sv);
    if (src) {
      // `let g = f`: the protocol state moves with the value.
      return [letStmt(sv, varRef(src.sv, d.span), d.span, 'typestate'), assignStmt(src.sv, intConst(MOVED_STATE, d.span), d.span, 'typestate')];
    }
    return [letStmt(sv, this.initialOf(d.v.type, d.span), d.span, 'typestate')];
  }

  protected onVar(e: VarExpr, pos: Position): IrStmt[] {
    const src = this.stateOfExpr(e);
    if (!src) return [];
    switch (pos.kind) {
      case 'init':
      case 'arg':
        // Direct: handled where the value lands (declaration, assignment, call).
        return pos.direct ? [] : this.leaves(src.v, src.sv, e.span, 'passed on');
      case 'return':
        return this.leaves(src.v, src.sv, e.span, 'returned');
      case 'store':
        return this.leaves(src.v, src.sv, e.span, 'stored');
      case 'scrutinee':
        return pos.binds ? this.leaves(src.v, src.sv, e.span, 'bound to a pattern variable') : [];
      default:
        return [];
    }
  }

  /** A value that leaves the tracked variables (returned, stored, …) must be in its initial state. */
  private leaves(v: IrVar, sv: IrVar, at: Span, verb: string): IrStmt[] {
    const ts = typestateOf(v.type)!;
    const init = stateIndex(ts, ts.initial);
    const d = this.declaredOf(v);
    const check = this.kit.newCheck(
      this.cell.name,
      'typestate-final',
      d?.span ?? at,
      `state(${v.name}) == ${ts.initial}`,
      `\`${v.name}\` may be ${verb} in a state other than \`${ts.initial}\`: a \`${ts.record.name}\` is tracked only while held in a variable, so it may leave one only in its initial state`,
      `\`${v.name}\` is in its initial state \`${ts.initial}\` when it is ${verb}`,
      [{ span: at, message: `\`${v.name}\` is ${verb} here` }],
    );
    return [checkStmt(check, intEq(varRef(sv, at), intConst(init, at), at), at, 'typestate')];
  }

  protected onAssign(s: AssignStmt, d: Declared | null): { before: IrStmt[]; after: IrStmt[] } {
    const sv = this.states.get(s.v.id);
    if (!sv) return { before: [], after: [] };
    // Inside a transition cell the tracked value's representation is the
    // cell's own business: its declaration, not its body, is the protocol step.
    if (this.transitions.get(this.cell.name) && this.cell.params[0]?.v.id === s.v.id) return { before: [], after: [] };
    const after: IrStmt[] = [];
    // The old value is dropped: it must have been in a final state.
    if (d) after.push(...this.finalCheck(d, sv, s.span, 'the old value is overwritten here'));
    const src = this.stateOfExpr(s.value);
    if (src && src.v.id !== s.v.id) {
      after.push(assignStmt(sv, varRef(src.sv, s.span), s.span, 'typestate'));
      after.push(assignStmt(src.sv, intConst(MOVED_STATE, s.span), s.span, 'typestate'));
    } else if (!src) {
      after.push(assignStmt(sv, this.initialOf(s.v.type, s.span), s.span, 'typestate'));
    }
    return { before: [], after };
  }

  protected onCall(call: CallExpr, original: CallExpr): IrExpr {
    const callee = this.cells.get(call.cell);
    if (!callee) return call;
    const realCount = original.args.length;
    const pre: IrStmt[] = [];
    const post: IrStmt[] = [];
    const span = call.span;
    const extraArgs: IrExpr[] = [];
    const extraMut: { arg: number; v: IrVar }[] = [];
    callee.params.slice(realCount).forEach((hp, j) => {
      const i = hp.ghostOf ?? 0;
      const a = call.args[i];
      const src = a ? this.stateOfExpr(a) : null;
      if (hp.mode === 'mutref') {
        let target = src?.sv;
        if (!target) {
          target = this.kit.fresh('$ts.state', INT);
          pre.push(letStmt(target, this.initialOf(callee.params[i]!.v.type, span), span, 'typestate'));
        }
        extraArgs.push(varRef(target, span));
        extraMut.push({ arg: realCount + j, v: target });
      } else {
        extraArgs.push(src ? varRef(src.sv, span) : this.initialOf(callee.params[i]!.v.type, span));
      }
      if (callee.params[i]!.mode === 'owned' && src) post.push(assignStmt(src.sv, intConst(MOVED_STATE, span), span, 'typestate'));
    });
    const t = this.transitions.get(callee.name);
    const first = call.args[0];
    const tracked = t && realCount > 0 && first ? this.stateOfExpr(first) : null;
    let result: IrVar | null = null;
    if (t && tracked) {
      pre.push(this.transitionCheck(t, tracked.v, tracked.sv, callee, span));
      if (t.otherwise === null) post.unshift(assignStmt(tracked.sv, intConst(t.to, span), span, 'typestate'));
      else {
        result = this.kit.fresh('$ts.r', call.type);
        const pick: IrExpr = {
          kind: 'If',
          cond: varRef(result, span),
          then: { stmts: [], value: intConst(t.to, span), span },
          else: { stmts: [], value: intConst(t.otherwise, span), span },
          type: INT,
          span,
        };
        post.unshift(assignStmt(tracked.sv, pick, span, 'typestate'));
      }
    }
    const newCall: CallExpr = { ...call, args: [...call.args, ...extraArgs], mutRefs: [...call.mutRefs, ...extraMut] };
    if (post.length === 0) return this.kit.wrap(pre, newCall, span);
    result ??= this.kit.fresh('$ts.r', call.type);
    return this.kit.wrap([...pre, letStmt(result, newCall, span), ...post], varRef(result, span), span);
  }

  private transitionCheck(t: Transition, v: IrVar, sv: IrVar, callee: IrCell, span: Span): IrStmt {
    const ts = t.ts;
    const short = callee.name.split('.').pop()!;
    const allowed = statesText(ts, t.from);
    const check: CheckId = this.kit.newCheck(
      this.cell.name,
      'typestate-transition',
      span,
      t.from.map((k) => `state(${v.name}) == ${ts.states[k]}`).join(' or '),
      `\`${short}\` may be called on \`${v.name}\` in the wrong state: it is allowed only in state ${allowed}`,
      `\`${v.name}\` is in state ${allowed} whenever \`${short}\` is called`,
      [{ span: t.span, message: `the transition \`${short}\` of typestate \`${ts.record.name}\`` }],
    );
    return checkStmt(check, inStates(sv, t.from, span), span, 'typestate');
  }

  protected onExit(d: Declared, exit: Exit): IrStmt[] {
    if (!this.owns(d)) return [];
    const sv = this.states.get(d.v.id);
    if (!sv) return [];
    const where =
      exit.kind === 'return' ? 'it goes out of scope at this return' : exit.kind === 'block-end' ? 'it goes out of scope here' : `it goes out of scope at this \`${exit.kind}\``;
    return this.finalCheck(d, sv, exit.span, where);
  }

  private finalCheck(d: Declared, sv: IrVar, at: Span, where: string): IrStmt[] {
    const ts = typestateOf(d.v.type)!;
    const finals = ts.finals.map((s) => stateIndex(ts, s));
    const n = d.v.name;
    const check = this.kit.newCheck(
      this.cell.name,
      'typestate-final',
      d.span,
      ts.finals.map((s) => `state(${n}) == ${s}`).join(' or '),
      `\`${n}\` may be dropped in a non-final state (a \`${ts.record.name}\` must end in ${statesText(ts, finals)})`,
      `\`${n}\` is in a final state (${statesText(ts, finals)}) whenever it is dropped`,
      [{ span: at, message: where }],
    );
    return [checkStmt(check, inStates(sv, [MOVED_STATE, ...finals], at), at, 'typestate')];
  }

  protected onLoopEntry(_loop: WhileStmt): IrStmt[] {
    return [];
  }

  protected onIterationEnd(_loop: WhileStmt, _at: Span): IrStmt[] {
    return [];
  }

  protected loopModified(loop: WhileStmt, body: IrBlock): readonly IrVar[] {
    const out = new Map<number, IrVar>();
    for (const v of [...loop.modified, ...modifiedVars(body)]) out.set(v.id, v);
    return [...out.values()].sort((a, b) => a.id - b.id);
  }

  protected rewriteSpec(e: IrExpr): IrExpr {
    return this.spec.pre(e);
  }

  protected override rewritePost(e: IrExpr): IrExpr {
    return this.spec.post(e);
  }

  protected override rewriteCalleeSpec(e: IrExpr, callee: IrCell | null): IrExpr {
    if (!callee) return e;
    const map = this.hidden.get(callee.name) ?? new Map<number, IrVar>();
    return new SpecRewriter(this.cells, map, this.transitions.get(callee.name) ?? null, callee).pre(e);
  }
}
