// The verification driver: for each cell, generate its VC, send the queries
// to the solver, and turn answers into one verdict per check.
//
// Verdicts, per check (a check may be emitted several times, e.g. at each return):
// * refuted: some emission is satisfiable on an exact path (no loop havoc, no
//   abstraction), or — when it was only satisfiable after a havoc — bounded
//   unrolling finds a real path to the failure;
// * unknown: a satisfiable emission that bounded unrolling cannot confirm,
//   a solver timeout/unknown, or a guessed termination measure that fails;
// * proved: every emission is unsatisfiable (or the check is unreachable).

import type { CheckId, CheckInfo, IrCell, IrProgram } from '../frontend/ir.js';
import type { Type } from '../frontend/types.js';
import { renderValue } from '../counterexamples/values.js';
import { dt, instantiate, SortRegistry } from './encode.js';
import type { CellVC, Emission, LoopMode, PathStep } from './vcgen.js';
import type { InferredSmt } from './spacer.js';
import { hornScript, readInvariant } from './spacer.js';
import { generateCellVC, PRELUDE_FUNCTIONS } from './vcgen.js';
import type { Candidate, LoopStmt } from './infer.js';
import { inferCandidates, SYNTHETIC_BASE } from './infer.js';
import { printSort, printSymbol, printTerm, printCommand } from './smtlib/printer.js';
import type { Term } from './smtlib/term.js';
import { sortOf } from './smtlib/term.js';
import type { ModelValue } from './smtlib/model.js';
import type { QueryResult, SolverBackend, SolverQuery } from './solver/types.js';
import { createHash } from 'node:crypto';

export interface RawCounterexample {
  /**
   * Parameter values, as Lumen literals, in parameter order. `irrelevant`:
   * the check fails whatever this input is (given the others).
   */
  readonly inputs: readonly { readonly name: string; readonly value: string; readonly type: Type; readonly raw: ModelValue; readonly irrelevant?: boolean }[];
  /** Results of the performs on the failing path, in order (`perform#1`, …). */
  readonly performs: readonly { readonly label: string; readonly value: string; readonly raw: ModelValue; readonly type: Type }[];
  /**
   * Results of the calls the cell makes on the failing path, in order, as the
   * callees' contracts allow them (modular verification: the callee's body is
   * not looked into). Replay returns these instead of running the callees.
   */
  readonly calls: readonly { readonly cell: string; readonly value: string; readonly raw: ModelValue; readonly type: Type }[];
  /** The steps taken on the failing path, with values. */
  readonly path: readonly { readonly span: PathStep['span']; readonly what: string; readonly values: readonly { name: string; value: string }[] }[];
  /** Found by bounded unrolling of loops (depth), or on an exact path (0). */
  readonly unrolled: number;
}

export type Verdict =
  | { readonly kind: 'proved' }
  /**
   * `confirmed`: the counterexample was replayed on the VM and the same check
   * failed (set by counterexamples/confirm.ts; false until then, or when the
   * inputs cannot be built on the VM — `note` says why).
   */
  | { readonly kind: 'refuted'; readonly counterexample: RawCounterexample; readonly confirmed: boolean; readonly note?: string }
  | { readonly kind: 'unknown'; readonly reason: string };

export interface CheckResult {
  readonly check: CheckInfo;
  readonly verdict: Verdict;
  /** Solver time spent on this check's queries. */
  readonly timeMs: number;
  /** sha256 of the SMT-LIB text (prelude and query) that decided the check, for the build ledger. */
  readonly queryHash: string;
}

export interface VerifyOptions {
  readonly solver: SolverBackend;
  readonly timeoutMs: number;
  /** Unrolling depths tried, in order, to confirm counterexamples behind loops. */
  readonly unrollDepths?: readonly number[];
  /** Receives every query as a standalone script (`--emit-smt`). */
  readonly emitSmt?: (name: string, script: string) => void;
  /** Progress: checks done / total, current cell. */
  readonly onProgress?: (done: number, total: number, cell: string) => void;
  /** More solvers to verify cells in parallel (`--jobs`); `solver` is used when absent. */
  readonly solvers?: readonly SolverBackend[];
  /** Cells to verify (default: the root module's cells). */
  readonly cells?: readonly string[];
}

export interface InferredInvariant {
  readonly cell: string;
  /** The loop it belongs to. */
  readonly span: CheckInfo['span'];
  /** In Lumen syntax, ready to paste as `invariant …`. */
  readonly text: string;
}

export interface VerifyReport {
  readonly results: readonly CheckResult[];
  readonly inferred: readonly InferredInvariant[];
  readonly solverTimeMs: number;
  readonly queries: number;
}

interface Pending {
  unknownReason: string | null;
  refuted: RawCounterexample | null;
  /** Where the refutation came from, to look for a smaller counterexample. */
  source: { vc: CellVC; sorts: SortRegistry; emission: Emission; depth: number } | null;
  approxSat: boolean;
  timeMs: number;
  hash: string;
}

export async function verifyProgram(ir: IrProgram, outerOpts: VerifyOptions): Promise<VerifyReport> {
  const opts = outerOpts;
  const cellNames = opts.cells ?? ir.rootCells;
  const cells = cellNames.map((n) => ir.cells.get(n)!).filter((c) => c && c.body !== null);
  const pending = new Map<CheckId, Pending>();
  const inferred: InferredInvariant[] = [];
  let solverTimeMs = 0;
  let queryCount = 0;
  const total = ir.checks.filter((c) => cellNames.includes(c.cell)).length;
  let done = 0;

  const stats = { time: 0, count: 0 };
  const terminating = new Set<string>();
  const inferredByCell = new Map<string, InferredInvariant[]>();
  // Cells are independent: with several solvers they are verified in parallel;
  // every result is keyed by check id or cell, so the output does not depend on timing.
  const verifyCell = async (cell: IrCell, solver: SolverBackend): Promise<void> => {
    const opts = { ...outerOpts, solver };
    const inferred: InferredInvariant[] = [];
    inferredByCell.set(cell.name, inferred);
    const solve = async (vc: CellVC, sorts: SortRegistry, want: (e: Emission) => boolean, label: string) => {
      const r = await solveVC(vc, sorts, opts, want, label);
      stats.time += r.time;
      stats.count += r.count;
      return r.results;
    };
    let candidates = await houdini(ir, cell, inferCandidates(cell), solve, terminating);
    let sorts = new SortRegistry(ir);
    let vc = generateCellVC(ir, cell, sorts, { kind: 'havoc' }, candidates, terminating);
    for (const [emission, result, hash] of await solve(vc, sorts, (e) => e.check < SYNTHETIC_BASE, cell.name)) record(pending, emission, result, hash, vc, sorts, 0);
    const unresolved = (): Set<CheckId> =>
      new Set([...pending].filter(([id, p]) => ir.checks[id]!.cell === cell.name && p.approxSat && !p.refuted).map(([id]) => id));
    // Emissions satisfiable only after a loop havoc: look for a real path by unrolling.
    const toConfirm = unresolved();
    for (const depth of opts.unrollDepths ?? [1, 2, 4]) {
      if (toConfirm.size === 0) break;
      const usorts = new SortRegistry(ir);
      const uvc = generateCellVC(ir, cell, usorts, { kind: 'unroll', depth } satisfies LoopMode, new Map(), terminating);
      for (const [emission, result] of await solve(uvc, usorts, (e) => toConfirm.has(e.check) && !e.approx, `${cell.name}.unroll${depth}`)) {
        if (result.status !== 'sat') continue;
        const p = pending.get(emission.check)!;
        if (!p.refuted) {
          p.refuted = counterexample(uvc, emission, result.values, depth);
          p.source = { vc: uvc, sorts: usorts, emission, depth };
          toConfirm.delete(emission.check);
        }
      }
    }
    // Still open: ask Spacer for an invariant strong enough, per loop and check.
    const open = unresolved();
    if (open.size > 0 && vc.loopRecords.length > 0) {
      const found = await spacerCandidates(vc, sorts, open, opts, stats);
      if (found.size > 0) {
        const merged = new Map(candidates);
        let next = SPACER_BASE;
        for (const [loop, invs] of found) {
          const extra: Candidate[] = invs.map((inv) => ({ entryId: next++, preservedId: next++, smt: inv, text: inv.text }));
          merged.set(loop, [...(merged.get(loop) ?? []), ...extra]);
        }
        candidates = await houdini(ir, cell, merged, solve, terminating);
        sorts = new SortRegistry(ir);
        vc = generateCellVC(ir, cell, sorts, { kind: 'havoc' }, candidates, terminating);
        for (const id of open) pending.delete(id);
        for (const [emission, result, hash] of await solve(vc, sorts, (e) => open.has(e.check), `${cell.name}.spacer`)) record(pending, emission, result, hash, vc, sorts, 0);
      }
    }
    for (const [loop, cs] of candidates) for (const c of cs) inferred.push({ cell: cell.name, span: loop.span, text: c.text });
    // Prefer small, readable counterexamples.
    for (const [id, p] of pending) {
      if (ir.checks[id]!.cell !== cell.name || !p.refuted || !p.source) continue;
      const smaller = await minimize(p.source, opts, stats);
      if (smaller) p.refuted = smaller;
    }
    done += ir.checks.filter((c) => c.cell === cell.name).length;
    opts.onProgress?.(done, total, cell.name);
  };
  const pool = outerOpts.solvers && outerOpts.solvers.length > 0 ? outerOpts.solvers : [outerOpts.solver];
  const runAll = async (batch: readonly IrCell[]): Promise<void> => {
    let next = 0;
    await Promise.all(
      pool.map(async (solver) => {
        while (next < batch.length) {
          const cell = batch[next++]!;
          await verifyCell(cell, solver);
        }
      }),
    );
  };
  // Recursive pure cells first: once their termination is proved, the other
  // cells may unfold their definitions (define-fun-rec) in specifications.
  const recursivePure = (c: IrCell): boolean => c.pure && c.recursive;
  await runAll(cells.filter(recursivePure));
  for (const c of cells.filter(recursivePure)) {
    const measures = ir.checks.filter((k) => k.cell === c.name && k.kind === 'termination');
    if (measures.length > 0 && measures.every((k) => verdictOf(k, pending.get(k.id)).kind === 'proved')) terminating.add(c.name);
  }
  await runAll(cells.filter((c) => !recursivePure(c)));
  for (const cell of cells) inferred.push(...(inferredByCell.get(cell.name) ?? []));
  solverTimeMs += stats.time;
  queryCount += stats.count;

  const results: CheckResult[] = [];
  for (const check of ir.checks) {
    if (!cellNames.includes(check.cell)) continue;
    const p = pending.get(check.id);
    results.push({ check, verdict: verdictOf(check, p), timeMs: p?.timeMs ?? 0, queryHash: p?.hash ?? '' });
  }
  return { results, solverTimeMs, queries: queryCount, inferred };
}

/** Each answer with the sha256 of the query text it answers (computed on demand). */
type Solve = (vc: CellVC, sorts: SortRegistry, want: (e: Emission) => boolean, label: string) => Promise<[Emission, QueryResult, () => string][]>;

/** Houdini: drop candidates until the rest are jointly inductive. */
async function houdini(
  ir: IrProgram,
  cell: IrCell,
  start: Map<LoopStmt, Candidate[]>,
  solve: Solve,
  terminating: ReadonlySet<string>,
): Promise<Map<LoopStmt, Candidate[]>> {
  let candidates = start;
  for (let round = 0; round < MAX_HOUDINI_ROUNDS && [...candidates.values()].some((c) => c.length > 0); round++) {
    const hs = new SortRegistry(ir);
    const hvc = generateCellVC(ir, cell, hs, { kind: 'havoc' }, candidates, terminating);
    const answers = await solve(hvc, hs, (e) => e.check >= SYNTHETIC_BASE, `${cell.name}.houdini${round}`);
    const failing = new Set(answers.filter(([, r]) => r.status !== 'unsat').map(([e]) => e.check));
    if (failing.size === 0) break;
    const next = new Map<LoopStmt, Candidate[]>();
    for (const [loop, cs] of candidates) next.set(loop, cs.filter((c) => !failing.has(c.entryId) && !failing.has(c.preservedId)));
    candidates = next;
  }
  return candidates;
}

const SPACER_BASE = 2_000_000;
const MAX_SPACER_CALLS = 6;

async function spacerCandidates(
  vc: CellVC,
  sorts: SortRegistry,
  open: ReadonlySet<CheckId>,
  opts: VerifyOptions,
  stats: { time: number; count: number },
): Promise<Map<LoopStmt, InferredSmt[]>> {
  const found = new Map<LoopStmt, InferredSmt[]>();
  let calls = 0;
  const emissions = vc.emissions.map((e, i) => [e, i] as const).filter(([e]) => open.has(e.check) && e.approx);
  const done = new Set<CheckId>();
  for (const [e, index] of emissions) {
    if (done.has(e.check)) continue;
    // The innermost loop whose head precedes the check first.
    const loops = vc.loopRecords.filter((l) => l.firstEmission <= index).reverse();
    for (const loop of loops.slice(0, 2)) {
      if (calls >= MAX_SPACER_CALLS) return found;
      const script = hornScript(vc, sorts, loop, e);
      if (!script) continue;
      calls++;
      const r = await opts.solver.runScript(script, opts.timeoutMs);
      stats.time += r.timeMs;
      stats.count++;
      if (r.status !== 'sat') continue;
      const inv = readInvariant(r.output, loop);
      if (!inv) continue;
      found.set(loop.loop, [...(found.get(loop.loop) ?? []), inv]);
      done.add(e.check);
      break;
    }
  }
  return found;
}

function verdictOf(check: CheckInfo, p: Pending | undefined): Verdict {
  // Never emitted: the check sits on no feasible path the encoding reaches.
  if (!p) return { kind: 'proved' };
  if (p.refuted) {
    if (check.kind === 'termination' && check.expr !== 'decreases' && check.failure.includes('guessed')) {
      return { kind: 'unknown', reason: 'the guessed termination measure does not decrease; add a `decreases` clause' };
    }
    return { kind: 'refuted', counterexample: p.refuted, confirmed: false };
  }
  if (p.approxSat) {
    if (check.kind === 'termination' && (check.expr === 'decreases' || check.failure.includes('guessed'))) {
      return { kind: 'unknown', reason: check.failure };
    }
    return { kind: 'unknown', reason: 'could not prove it, and no concrete counterexample was found within the unrolling bound (a loop invariant may be too weak or missing)' };
  }
  if (p.unknownReason) return { kind: 'unknown', reason: p.unknownReason };
  return { kind: 'proved' };
}

function record(pending: Map<CheckId, Pending>, e: Emission, r: QueryResult, hash: () => string, vc: CellVC, sorts: SortRegistry, depth: number): void {
  let p = pending.get(e.check);
  if (!p) {
    p = { unknownReason: null, refuted: null, source: null, approxSat: false, timeMs: 0, hash: hash() };
    pending.set(e.check, p);
  }
  p.timeMs += r.timeMs;
  if (r.status === 'unknown') p.unknownReason ??= r.reason === 'timeout' ? 'the solver timed out' : `the solver could not decide it (${r.reason})`;
  else if (r.status === 'sat') {
    if (e.approx) p.approxSat = true;
    else if (!p.refuted) {
      p.refuted = counterexample(vc, e, r.values, depth);
      p.source = { vc, sorts, emission: e, depth };
    }
  }
}

function counterexample(vc: CellVC, e: Emission, values: readonly ModelValue[], depth: number): RawCounterexample {
  let i = 0;
  const inputs = vc.inputs.map((inp) => {
    const raw = values[i++]!;
    return { name: inp.name, value: renderValue(raw, inp.type), type: inp.type, raw };
  });
  const allPerforms = vc.performs.map((p) => {
    const raw = values[i++]!;
    return { label: p.label, value: renderValue(raw, p.type), raw, type: p.type };
  });
  const allCalls = vc.calls.map((c) => {
    const raw = values[i++]!;
    return { cell: c.cell, value: renderValue(raw, c.type), raw, type: c.type };
  });
  const path: RawCounterexample['path'][number][] = [];
  const takenPerforms: string[] = [];
  const takenCalls: number[] = [];
  for (const step of e.path.slice(0, MAX_PATH)) {
    const taken = values[i++];
    const stepValues = step.values.map((v) => ({ name: v.name, value: renderValue(values[i++]!, v.type) }));
    if (taken && taken.kind === 'bool' && taken.value) {
      path.push({ span: step.span, what: step.what, values: stepValues });
      if (step.perform) takenPerforms.push(step.perform);
      if (step.call !== undefined) takenCalls.push(step.call);
    }
  }
  // The performs that happened on this path, in the order they happened,
  // renumbered `perform#1`, `perform#2`, … as the replay handler answers them.
  const byLabel = new Map(allPerforms.map((p) => [p.label, p]));
  const performs =
    e.path.length <= MAX_PATH
      ? takenPerforms.map((l, k) => ({ ...byLabel.get(l)!, label: `perform#${k + 1}` }))
      : allPerforms;
  const calls = takenCalls.map((k) => allCalls[k]!);
  return { inputs, performs, calls, path, unrolled: depth };
}

const MAX_PATH = 64;
const MAX_HOUDINI_ROUNDS = 6;

async function solveVC(
  vc: CellVC,
  sorts: SortRegistry,
  opts: VerifyOptions,
  want: (e: Emission) => boolean,
  label: string,
): Promise<{ results: [Emission, QueryResult, () => string][]; time: number; count: number }> {
  const emissions = vc.emissions.filter(want);
  if (emissions.length === 0) return { results: [], time: 0, count: 0 };
  const prelude = buildPrelude(vc, sorts);
  const queries: SolverQuery[] = emissions.map((e, k) => queryFor(vc, e, `${e.check}.${k}`));
  if (opts.emitSmt) {
    queries.forEach((q, k) => {
      const e = emissions[k]!;
      opts.emitSmt!(`${label}.check${e.check}.${k}`, `${prelude}\n(push 1)\n${q.body}\n(check-sat)\n(pop 1)\n`);
    });
  }
  const tactic = vc.nonlinear ? 'smt' : undefined;
  const started = Date.now();
  const answers = await opts.solver.run(prelude, queries, { timeoutMs: opts.timeoutMs, ...(tactic ? { tactic } : {}) });
  const time = Date.now() - started;
  // The ledger's query hash: sha256 of the exact text the solver was given
  // (prelude and query), computed only for the answers that decide a check
  // (not for Houdini's rounds).
  let preludeHash: string | undefined;
  const hashOf = (k: number) => (): string => sha256(`${(preludeHash ??= sha256(prelude))}\n${queries[k]!.body}`);
  return { results: emissions.map((e, k) => [e, answers[k]!, hashOf(k)] as [Emission, QueryResult, () => string]), time, count: queries.length };
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function queryFor(vc: CellVC, e: Emission, id: string, extra = ''): SolverQuery {
  const getValues = [
    ...vc.inputs.map((x) => printTerm(x.term)),
    ...vc.performs.map((x) => printTerm(x.term)),
    ...vc.calls.map((x) => printTerm(x.term)),
    ...e.path.slice(0, MAX_PATH).flatMap((s) => [printTerm(s.taken), ...s.values.map((v) => printTerm(v.term))]),
  ];
  return {
    id,
    body: `(assert act!${e.level})\n(assert ${printTerm(e.pc)})\n(assert (not ${printTerm(e.cond)}))${extra}`,
    getValues,
  };
}

/** Bounds tried, in order, to find a counterexample with small values: |Int| ≤ k, lengths ≤ m. */
const MINIMIZE_TIERS: readonly { k: bigint; m: bigint }[] = [
  { k: 10n, m: 2n },
  { k: 1000n, m: 4n },
];

async function minimize(
  source: NonNullable<Pending['source']>,
  opts: VerifyOptions,
  stats: { time: number; count: number },
): Promise<RawCounterexample | null> {
  const { vc, sorts, emission, depth } = source;
  const prelude = buildPrelude(vc, sorts);
  for (const tier of MINIMIZE_TIERS) {
    const bounds = vc.inputs.map((x) => boundFor(x.term, x.type, tier, sorts)).filter((b): b is string => b !== null);
    for (const p of vc.performs) {
      const b = boundFor(p.term, p.type, tier, sorts);
      if (b) bounds.push(b);
    }
    if (bounds.length === 0) return null;
    const q = queryFor(vc, emission, `min.${emission.check}`, bounds.map((b) => `\n(assert ${b})`).join(''));
    const [r] = await opts.solver.run(prelude, [q], { timeoutMs: Math.min(opts.timeoutMs, 2000), ...(vc.nonlinear ? { tactic: 'smt' } : {}) });
    stats.count++;
    stats.time += r?.timeMs ?? 0;
    if (r && r.status === 'sat') return markIrrelevant(source, counterexample(vc, emission, r.values, depth), opts, stats);
  }
  return markIrrelevant(source, null, opts, stats);
}

/**
 * Marks the Int and Bool inputs that do not matter: with every other such
 * input fixed to its value, no value of this one lets the check pass.
 * They stay in the counterexample (replay needs a value) but are shown as
 * "any value".
 */
async function markIrrelevant(
  source: NonNullable<Pending['source']>,
  found: RawCounterexample | null,
  opts: VerifyOptions,
  stats: { time: number; count: number },
): Promise<RawCounterexample | null> {
  const { vc, sorts, emission } = source;
  const cx = found;
  if (!cx || vc.inputs.length < 2) return found;
  const simple = vc.inputs.map((x, i) => ({ x, raw: cx.inputs[i]!.raw })).filter(({ raw }) => raw.kind === 'int' || raw.kind === 'bool');
  if (simple.length < 2) return found;
  const literal = (raw: ModelValue): string => (raw.kind === 'int' ? printIntLiteralText(raw.value) : raw.kind === 'bool' ? String(raw.value) : '');
  const prelude = buildPrelude(vc, sorts);
  const queries: SolverQuery[] = simple.map(({ x }, k) => ({
    id: `irrelevant.${k}`,
    body: [
      `(assert act!${emission.level})`,
      // Some value of this input avoids the failure: the path is not taken, or the check holds.
      `(assert (or (not ${printTerm(emission.pc)}) ${printTerm(emission.cond)}))`,
      ...simple.filter((_, j) => j !== k).map(({ x: y, raw }) => `(assert (= ${printTerm(y.term)} ${literal(raw)}))`),
    ].join('\n'),
    getValues: [],
  }));
  const answers = await opts.solver.run(prelude, queries, { timeoutMs: Math.min(opts.timeoutMs, 1000), ...(vc.nonlinear ? { tactic: 'smt' } : {}) });
  stats.count += queries.length;
  const irrelevant = new Set(simple.filter((_, k) => answers[k]?.status === 'unsat').map(({ x }) => x.name));
  if (irrelevant.size === 0 || irrelevant.size === vc.inputs.length) return found;
  return { ...cx, inputs: cx.inputs.map((i) => (irrelevant.has(i.name) ? { ...i, irrelevant: true } : i)) };
}

function printIntLiteralText(v: bigint): string {
  return v < 0n ? `(- ${-v})` : v.toString();
}

function boundFor(t: Term, type: Type, tier: { k: bigint; m: bigint }, sorts: SortRegistry): string | null {
  return boundText(printTerm(t), type, tier, sorts, 0);
}

/** How deep bounds reach into records and tuples (recursive types stop here). */
const MAX_BOUND_DEPTH = 3;

/** A bound on the value `x` (SMT text) of type `type`, and on the Ints, strings and lists inside its records, tuples and first list elements. */
function boundText(x: string, type: Type, tier: { k: bigint; m: bigint }, sorts: SortRegistry, depth: number): string | null {
  switch (type.kind) {
    case 'Int':
      return `(and (<= (- ${tier.k}) ${x}) (<= ${x} ${tier.k}))`;
    case 'String':
      return `(<= (str.len ${x}) ${tier.m})`;
    case 'List': {
      const s = sorts.sortOf(type);
      if (!sorts.listElem(s) || s.kind !== 'Named') return null;
      const length = `(<= (${printSymbol(`${s.name}!len`)} ${x}) ${tier.m})`;
      if (depth >= MAX_BOUND_DEPTH) return length;
      // The length is at most m, so the elements that count are the first m.
      const elems: string[] = [];
      for (let i = 0n; i < tier.m; i++) {
        const b = boundText(`(select (${printSymbol(`${s.name}!arr`)} ${x}) ${i})`, type.elem, tier, sorts, depth + 1);
        if (b !== null) elems.push(b);
      }
      return elems.length === 0 ? length : `(and ${length} ${elems.join(' ')})`;
    }
    case 'Record':
    case 'Tuple': {
      if (depth >= MAX_BOUND_DEPTH) return null;
      const name = sorts.ensureDatatype(type);
      const parts =
        type.kind === 'Record'
          ? type.info.fields.map((f) => ({ accessor: dt.recordField(name, f.name), type: instantiate(f.type.type, type.info.typeParams, type.args) }))
          : type.elems.map((e, i) => ({ accessor: dt.tupleField(name, i), type: e }));
      const bounds = parts.map((p) => boundText(`(${printSymbol(p.accessor)} ${x})`, p.type, tier, sorts, depth + 1)).filter((b): b is string => b !== null);
      return bounds.length === 0 ? null : bounds.length === 1 ? bounds[0]! : `(and ${bounds.join(' ')})`;
    }
    default:
      return null;
  }
}

function buildPrelude(vc: CellVC, sorts: SortRegistry): string {
  const out: string[] = ['(set-option :produce-models true)'];
  const { datatypes, sorts: uninterpreted } = sorts.declarations();
  for (const s of uninterpreted) out.push(`(declare-sort ${s} 0)`);
  if (datatypes.length > 0) out.push(printCommand({ kind: 'DeclareDatatypes', datatypes }));
  out.push(PRELUDE_FUNCTIONS.trim());
  for (const c of vc.pureCommands) out.push(printCommand(c));
  for (const [name, fn] of vc.functions) out.push(`(declare-fun ${name} (${fn.params.map(printSort).join(' ')}) ${printSort(fn.sort)})`);
  for (const d of vc.declarations) out.push(printCommand(d));
  for (let l = 0; l < vc.levels; l++) {
    out.push(`(declare-const act!${l} Bool)`);
    if (l > 0) out.push(`(assert (=> act!${l} act!${l - 1}))`);
  }
  for (const d of vc.definitions) out.push(`(assert ${printTerm(d)})`);
  for (const [level, fact] of vc.assumptions) out.push(`(assert (=> act!${level} ${printTerm(fact)}))`);
  return out.join('\n');
}

export type { IrCell };
