// The fuzzing harness: the program compiled with every runtime check on, plus
// synthetic *guard* cells that decide whether generated data is admissible,
// and the code that runs one input and classifies the outcome.
//
// Guards are ordinary IR cells added to a copy of the program, whose body is
// one `Check` statement per clause, with synthetic check ids above the
// program's own. The backend compiles `Check` conditions in its specification
// mode — unbounded Ints, quantifiers over ranges and lists as loops, calls of
// pure cells — which is exactly how LANGUAGE.md §6.1 says a specification is
// evaluated at run time. So a clause holds for a value iff running its guard
// on the value returns `ok`; any trap (the clause is false, or ill-defined for
// these values) makes the value inadmissible. There are guards for
// * a cell's parameter refinements and `requires` (the inputs of a run);
// * a record's field refinements (every record value inside an input);
// * a variant's payload refinements (from refined aliases, e.g.
//   `Some(v: list[Nat])`; every enum value inside an input);
// * the `ensures` of effect operations and `extern` cells (the results the
//   fuzzer gives them, since the verifier assumes those contracts).
// And every `assume` of the program becomes a `Check` with a synthetic id: a
// run that breaks an assumption is discarded, not reported (README.md).

import type { BytecodeProgram } from '../backend/index.js';
import { compileProgram } from '../backend/index.js';
import type { CheckInfo, IrCell, IrClause, IrExpr, IrProgram, IrStmt, IrVar } from '../frontend/ir.js';
import type { Span } from '../frontend/span.js';
import type { Type } from '../frontend/types.js';
import { runCell, Struct, type RunResult, type Value } from '../vm/index.js';
import { substitute } from '../vm/value.js';
import { hasAssume, rewriteBlock, visitExpr } from './irwalk.js';

const BOOL: Type = { kind: 'Bool' };

/** Why an input was not run to a verdict. */
export type RejectReason = 'requires' | 'record-invariant' | 'assume' | 'effect-contract';

/** The result of one run, seen by the fuzzer. */
export type Outcome =
  | { readonly kind: 'pass' }
  | { readonly kind: 'reject'; readonly reason: RejectReason }
  /** A runtime check failed (or a `halt` was reached): `check` is the program's check id. */
  | { readonly kind: 'failure'; readonly check: number; readonly run: RunResult }
  /** The run ended without a verdict: out of fuel, too deep, an unhandled effect, a host-level error. */
  | { readonly kind: 'inconclusive'; readonly reason: 'fuel' | 'depth' | 'unhandled' | 'error'; readonly message: string };

/** Answers for effect operations and `extern` cells: one stream per operation. */
export interface AnswerStream {
  /** `Effect.op` for an effect operation, the qualified cell name for an extern. */
  readonly key: string;
  readonly kind: 'perform' | 'extern';
  readonly type: Type;
  /** Guard over (params…, result), or null when the operation has no contract. */
  readonly guard: string | null;
}

/** What one run recorded, for the counterexample. */
export interface RunRecord {
  readonly performs: { readonly value: Value; readonly type: Type }[];
  readonly calls: { readonly cell: string; readonly value: Value; readonly type: Type }[];
}

export interface Harness {
  readonly ir: IrProgram;
  /** The program with guards and assume checks, every runtime check on. */
  readonly prog: BytecodeProgram;
  /** Guard of a cell's refinements + `requires`, by cell name (absent: nothing to check). */
  readonly requiresGuard: ReadonlyMap<string, string>;
  /** Guard of a record's field refinements, by record name. */
  readonly recordGuard: ReadonlyMap<string, string>;
  /** Guard of a variant's payload refinements, by `enum#variant index`. */
  readonly variantGuard: ReadonlyMap<string, string>;
  /** Guard of an effect operation's (`Effect.op`) or extern cell's contract. */
  readonly contractGuard: ReadonlyMap<string, string>;
  /** Synthetic ids of assume checks, and of the checks nested inside assumed conditions. */
  readonly assumeChecks: ReadonlySet<number>;
}

const GUARD_PREFIX = 'fuzz$';

export function buildHarness(ir: IrProgram): Harness {
  const checks: CheckInfo[] = [...ir.checks];
  const cells = new Map(ir.cells);
  const requiresGuard = new Map<string, string>();
  const recordGuard = new Map<string, string>();
  const variantGuard = new Map<string, string>();
  const contractGuard = new Map<string, string>();
  const assumeChecks = new Set<number>();

  const synthetic = (cell: string, span: Span, text: string, what: string): number => {
    const id = checks.length;
    checks.push({
      id,
      kind: 'assertion',
      cell,
      span,
      expr: text,
      failure: `${what}: \`${text}\` does not hold`,
      success: `${what} holds`,
      related: [],
      key: `${cell}:fuzz:${id}`,
    });
    return id;
  };

  const addGuard = (name: string, params: readonly IrVar[], resultVar: IrVar, clauses: readonly IrClause[], module: string, span: Span): void => {
    const stmts: IrStmt[] = clauses.map((c) => ({ kind: 'Check', check: synthetic(name, c.span, c.text, 'fuzz guard'), cond: c.cond, span: c.span }));
    const guard: IrCell = {
      name,
      span,
      params: params.map((v) => ({ v, mode: 'value', span })),
      ret: BOOL,
      resultVar,
      oldVars: new Map(),
      requires: [],
      ensures: [],
      decreases: null,
      effects: [],
      pure: true,
      extern: false,
      body: { stmts, value: { kind: 'Const', value: { kind: 'Bool', value: true }, type: BOOL, span }, span },
      module,
      recursive: false,
    };
    cells.set(name, guard);
  };

  for (const cell of ir.cells.values()) {
    if (cell.body && cell.requires.length > 0) {
      const name = `${GUARD_PREFIX}requires$${cell.name}`;
      addGuard(name, cell.params.map((p) => p.v), cell.resultVar, cell.requires, cell.module, cell.span);
      requiresGuard.set(cell.name, name);
    }
    if (cell.body === null && cell.ensures.length > 0) {
      // An extern cell or an effect operation: its contract constrains the answers the fuzzer gives.
      const name = `${GUARD_PREFIX}ensures$${cell.name}`;
      addGuard(name, [...cell.params.map((p) => p.v), cell.resultVar], cell.resultVar, cell.ensures, cell.module, cell.span);
      contractGuard.set(cell.name, name);
    }
  }
  for (const rec of ir.records.values()) {
    if (rec.invariants.length === 0) continue;
    const name = `${GUARD_PREFIX}invariant$${rec.name}`;
    const span = rec.invariants[0]!.span;
    const resultVar: IrVar = { id: -1, name: '$result', type: BOOL };
    addGuard(name, rec.fields.map((f) => f.v), resultVar, rec.invariants, '', span);
    recordGuard.set(rec.name, name);
  }
  for (const en of ir.enums.values()) {
    en.variants.forEach((variant, index) => {
      if (!variant.invariants || variant.invariants.length === 0) return;
      const name = `${GUARD_PREFIX}payload$${en.name}$${variant.name}`;
      const span = variant.invariants[0]!.span;
      const resultVar: IrVar = { id: -1, name: '$result', type: BOOL };
      const params = variant.fields.map((f, i): IrVar => f.v ?? { id: -2 - i, name: f.name, type: f.type });
      addGuard(name, params, resultVar, variant.invariants, '', span);
      variantGuard.set(`${en.name}#${index}`, name);
    });
  }
  // `assume P` → a check of its own (and the checks inside P report as assumptions too).
  for (const cell of ir.cells.values()) {
    if (!cell.body || !hasAssume(cell.body)) continue;
    const body = rewriteBlock(cell.body, (s) => {
      if (s.kind !== 'Assume') return s;
      for (const id of checkIdsIn(s.cond)) assumeChecks.add(id);
      const id = synthetic(cell.name, s.span, 'assume', 'assumption');
      assumeChecks.add(id);
      return { kind: 'Check', check: id, cond: s.cond, span: s.span };
    });
    cells.set(cell.name, { ...cell, body });
  }

  const fuzzIr: IrProgram = { ...ir, cells, checks };
  const prog = compileProgram(fuzzIr, { proved: new Set() });
  return { ir, prog, requiresGuard, recordGuard, variantGuard, contractGuard, assumeChecks };
}

function checkIdsIn(e: IrExpr): number[] {
  const out: number[] = [];
  visitExpr(e, {
    onExpr: (x) => {
      const ids =
        x.kind === 'IntOp' ? [x.overflow, x.divZero] : x.kind === 'IntNeg' || x.kind === 'Index' || x.kind === 'NonNull' || x.kind === 'Builtin' ? [x.kind === 'IntNeg' ? x.overflow : x.check] : [];
      for (const id of ids) if (id !== null) out.push(id);
    },
  });
  return out;
}

/** Fuel for a guard: specifications are small, but quantifiers loop. */
const GUARD_FUEL = 1_000_000;

/** Whether running a guard on these values passes. */
export function guardHolds(h: Harness, guard: string, args: readonly Value[]): boolean {
  return runGuard(h, guard, args) === 'holds';
}

/**
 * Runs a guard: `holds`, `fails` (a clause is false, or the run ended
 * otherwise), or `ill-defined` when one of the program's own checks inside a
 * clause trapped (an index or a division in a `requires`).
 */
function runGuard(h: Harness, guard: string, args: readonly Value[]): 'holds' | 'fails' | 'ill-defined' {
  const r = runCell(h.prog, guard, args.map(cloneValue), { fuel: GUARD_FUEL, stdout: () => undefined });
  if (r.kind === 'ok') return 'holds';
  return r.kind === 'check-failed' && r.check < h.ir.checks.length ? 'ill-defined' : 'fails';
}

/** Whether every record value inside `v` (of type `t`) satisfies its record's field refinements. */
export function recordsAdmissible(h: Harness, v: Value, t: Type): boolean {
  switch (t.kind) {
    case 'List':
      return Array.isArray(v) && v.every((x) => recordsAdmissible(h, x, t.elem));
    case 'Tuple':
      return v instanceof Struct && t.elems.every((et, i) => recordsAdmissible(h, v.f[i]!, et));
    case 'Record': {
      if (!(v instanceof Struct)) return false;
      const info = t.info;
      const fieldsOk = info.fields.every((f, i) => recordsAdmissible(h, v.f[i]!, substitute(f.type.type, info.typeParams, t.args)));
      if (!fieldsOk) return false;
      const guard = h.recordGuard.get(info.qualifiedName);
      return guard === undefined || guardHolds(h, guard, v.f);
    }
    case 'Enum': {
      if (!(v instanceof Struct)) return false;
      const variant = t.info.variants[v.tag];
      if (!variant) return false;
      if (!variant.fields.every((f, i) => recordsAdmissible(h, v.f[i]!, substitute(f.type.type, t.info.typeParams, t.args)))) return false;
      const guard = h.variantGuard.get(`${t.info.qualifiedName}#${v.tag}`);
      return guard === undefined || guardHolds(h, guard, v.f);
    }
    case 'Result':
      return v instanceof Struct && recordsAdmissible(h, v.f[0]!, v.tag === 0 ? t.ok : t.err);
    case 'Union': {
      const member = t.members.find((m) => m.kind !== 'Null' && v !== null && memberMatches(v, m));
      return member === undefined || recordsAdmissible(h, v, member);
    }
    default:
      return true;
  }
}

function memberMatches(v: Value, t: Type): boolean {
  switch (t.kind) {
    case 'Record':
    case 'Enum':
      return v instanceof Struct && (v.d.kind === 'record' || v.d.kind === 'enum') && v.d.name === t.info.qualifiedName;
    case 'Tuple':
      return v instanceof Struct && v.d.kind === 'tuple';
    case 'Result':
      return v instanceof Struct && v.d.kind === 'result';
    case 'List':
      return Array.isArray(v);
    default:
      return false;
  }
}

/** A deep copy: the VM never mutates its inputs, but generated values are reused while shrinking. */
export function cloneValue(v: Value): Value {
  if (Array.isArray(v)) return v.map(cloneValue);
  if (v instanceof Struct) return new Struct(v.d, v.tag, v.f.map(cloneValue));
  return v;
}

export interface RunSettings {
  readonly fuel: number;
  readonly maxDepth: number;
}

/** Host handlers answering effect operations and extern cells from generated answers. */
export interface Host {
  readonly effects: (effect: string, op: string, args: Value[]) => Value | undefined;
  readonly externs: (cell: string, args: Value[]) => Value | undefined;
  /** An answer broke its operation's contract: the input is not admissible. */
  readonly rejected: () => boolean;
}

/**
 * Stream `i` answers its k-th request with `answers[i][k mod n]`; an answer
 * that breaks the operation's `ensures` stops the run (the input is rejected).
 */
export function makeHost(h: Harness, streams: readonly AnswerStream[], answers: readonly (readonly Value[])[], record?: RunRecord): Host {
  const byKey = new Map(streams.map((s, i) => [s.key, i]));
  const used = streams.map(() => 0);
  let rejected = false;
  const answer = (key: string, hostArgs: Value[]): Value | undefined => {
    const i = byKey.get(key);
    if (i === undefined || rejected) return undefined;
    const list = answers[i]!;
    if (list.length === 0) return undefined;
    const v = list[used[i]!++ % list.length]!;
    const s = streams[i]!;
    if (s.guard !== null && !guardHolds(h, s.guard, [...hostArgs, v])) {
      rejected = true;
      return undefined;
    }
    if (record) {
      if (s.kind === 'perform') record.performs.push({ value: v, type: s.type });
      else record.calls.push({ cell: s.key, value: v, type: s.type });
    }
    return cloneValue(v);
  };
  return {
    effects: (effect, op, hostArgs) => answer(`${effect}.${op}`, hostArgs),
    externs: (name, hostArgs) => answer(name, hostArgs),
    rejected: () => rejected,
  };
}

/**
 * Runs `cell` on `args` on the VM, answering effect operations and extern
 * cells from `answers` (see `makeHost`). Inputs must already be admissible
 * (see `admissible`).
 */
export function runInput(
  h: Harness,
  cell: string,
  args: readonly Value[],
  streams: readonly AnswerStream[],
  answers: readonly (readonly Value[])[],
  settings: RunSettings,
  record?: RunRecord,
): { readonly outcome: Outcome; readonly run: RunResult } {
  const host = makeHost(h, streams, answers, record);
  const run = runCell(h.prog, cell, args.map(cloneValue), {
    fuel: settings.fuel,
    maxDepth: settings.maxDepth,
    stdout: () => undefined,
    effects: host.effects,
    externs: host.externs,
  });
  return { outcome: host.rejected() ? { kind: 'reject', reason: 'effect-contract' } : classify(h, run), run };
}

function classify(h: Harness, run: RunResult): Outcome {
  switch (run.kind) {
    case 'ok':
      return { kind: 'pass' };
    case 'check-failed':
      if (h.assumeChecks.has(run.check)) return { kind: 'reject', reason: 'assume' };
      return { kind: 'failure', check: run.check, run };
    case 'halt':
      return { kind: 'failure', check: run.check, run };
    case 'fuel-exhausted':
      return { kind: 'inconclusive', reason: 'fuel', message: 'out of fuel' };
    case 'depth-exceeded':
      return { kind: 'inconclusive', reason: 'depth', message: 'call depth limit exceeded' };
    case 'effect-unhandled':
      return { kind: 'inconclusive', reason: 'unhandled', message: `effect \`${run.effect}.${run.op}\` is not handled` };
    case 'error':
      return { kind: 'inconclusive', reason: 'error', message: run.message };
  }
}

/**
 * Whether `args` may be given to `cell`: record invariants inside them, then
 * its refinements and `requires`, in order. Inputs for which a clause is
 * ill-defined (given the earlier clauses) are admitted: the run then fails at
 * the cell's entry with that well-definedness check, as the verifier reports it.
 */
export function admissible(h: Harness, cell: IrCell, types: readonly Type[], args: readonly Value[]): RejectReason | null {
  for (let i = 0; i < args.length; i++) if (!recordsAdmissible(h, args[i]!, types[i]!)) return 'record-invariant';
  const guard = h.requiresGuard.get(cell.name);
  if (guard !== undefined && runGuard(h, guard, args) === 'fails') return 'requires';
  return null;
}

