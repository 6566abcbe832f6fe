// Public entry of the fuzzer (`lumen fuzz`, issue #10): a property-based
// campaign over the cells of a checked program. For each cell, inputs are
// generated with fast-check from the parameter types, kept only when they
// satisfy the cell's refinements and `requires` (evaluated on the VM, see
// harness.ts), and run with every runtime check on; each distinct failing
// check is reported once, with an input shrunk by fast-check, in the
// verifier's counterexample format. See README.md for the design.
//
// `fuzzProgram` does no IO except through the optional solver (Z3 seeds when
// preconditions are hard to hit by chance) and reads the clock only for the
// time limit and the reported duration.

import fc from 'fast-check';
import type { IrCell, IrProgram } from '../frontend/ir.js';
import type { Type } from '../frontend/types.js';
import type { SolverBackend } from '../verifier/solver/types.js';
import type { RunResult, Value } from '../vm/index.js';
import { arbitraryFor, instantiate, intBounds, UnsupportedType, type GenContext, type IntBounds } from './arbitraries.js';
import { fuzzCounterexample } from './counterexample.js';
import { comparable, describeResult, disagreement, wasmBackend, type OtherBackend, type OtherResult } from './differential.js';
import {
  admissible,
  buildHarness,
  makeHost,
  runInput,
  type AnswerStream,
  type Harness,
  type Outcome,
  type RejectReason,
  type RunRecord,
  type RunSettings,
} from './harness.js';
import { literalsOf, reachableCells } from './irwalk.js';
import { solverSeeds } from './seeds.js';
import type { CellStats, FuzzFailure, FuzzMismatch, FuzzProgress, FuzzReport } from './report.js';

export interface FuzzOptions {
  /** Campaign seed; the same seed and options replay the same campaign. Default 0. */
  readonly seed?: number;
  /** Generated runs per cell (inputs that pass the preconditions). Default 100. */
  readonly runs?: number;
  /** Cells to fuzz (default: the root module's cells with a body), fuzzed callees first. */
  readonly cells?: readonly string[];
  /** Wall-clock budget of the whole campaign, in milliseconds; a cut campaign is not reproducible. */
  readonly timeLimitMs?: number;
  /**
   * Check ids the verifier proved (`--soundness`): a failure of one of them
   * is a verifier bug and is listed in `soundnessBugs` too.
   */
  readonly proved?: ReadonlySet<number>;
  /** Used for solver seeds when random inputs rarely satisfy the preconditions. */
  readonly solver?: SolverBackend;
  /** Per-query budget of seed queries. Default 2000 ms. */
  readonly solverTimeoutMs?: number;
  /** VM instructions per run. Default 1_000_000. */
  readonly fuel?: number;
  /** Call depth per run. Default 10_000. */
  readonly maxDepth?: number;
  /** Called after every generated run. */
  readonly onProgress?: (p: FuzzProgress) => void;
  /** The clock (default `Date.now`). */
  readonly now?: () => number;
  /**
   * Differential mode: also run every admissible input on another backend
   * and report disagreements. `'wasm'` is the WebAssembly backend; tests may
   * pass their own factory.
   */
  readonly against?: 'wasm' | BackendFactory;
}

/** Makes the backend to compare against, for a program and the cells to fuzz; or says why it cannot. */
export type BackendFactory = (ir: IrProgram, cells: readonly string[]) => OtherBackend | { readonly unavailable: string };

const DEFAULT_RUNS = 100;
const DEFAULT_FUEL = 1_000_000;
const DEFAULT_DEPTH = 10_000;
/** Rejection sampling is measured on this many inputs before the campaign of a cell. */
const PROBE_SIZE = 200;
/** Solver seeds are asked for when fewer than this share of probed inputs are admissible. */
const MIN_ACCEPT_RATE = 0.1;
const SEED_COUNT = 8;
/** fast-check gives up after this many rejected inputs per run. */
const MAX_SKIPS_PER_RUN = 100;

/** One generated input: the arguments, and the answers of each effect operation / extern (cycled). */
type Input = readonly [args: readonly Value[], answers: readonly (readonly Value[])[]];

interface CellPlan {
  readonly cell: IrCell;
  readonly types: readonly Type[];
  readonly streams: readonly AnswerStream[];
  /** Bounds of each stream's Int answers, from the operation's return refinement. */
  readonly streamBounds: readonly (IntBounds | undefined)[];
  /** The cell's return type, generic parameters instantiated. */
  readonly ret: Type;
  readonly ctx: GenContext;
}

export async function fuzzProgram(ir: IrProgram, opts: FuzzOptions = {}): Promise<FuzzReport> {
  const now = opts.now ?? Date.now;
  const started = now();
  const deadline = opts.timeLimitMs !== undefined ? started + opts.timeLimitMs : null;
  const seed = (opts.seed ?? 0) >>> 0;
  const budget = opts.runs ?? DEFAULT_RUNS;
  const settings: RunSettings = { fuel: opts.fuel ?? DEFAULT_FUEL, maxDepth: opts.maxDepth ?? DEFAULT_DEPTH };
  const proved = opts.proved ?? new Set<number>();
  const h = buildHarness(ir);
  const requested = opts.cells ?? ir.rootCells;
  const order = calleesFirst(ir, requested.filter((n) => ir.cells.get(n)?.body));

  const found = new Map<number, FuzzFailure>();
  const mismatches = new Map<string, FuzzMismatch>();
  const stats: CellStats[] = [];
  let totalRuns = 0;
  let interrupted = false;
  let other: OtherBackend | null = null;
  let otherUnavailable: string | null = null;
  if (opts.against !== undefined) {
    const factory = opts.against === 'wasm' ? wasmBackend : opts.against;
    const made = factory(ir, order);
    if ('unavailable' in made) otherUnavailable = made.unavailable;
    else other = made;
  }

  for (const name of order) {
    if (deadline !== null && now() >= deadline) {
      interrupted = true;
      break;
    }
    const cell = ir.cells.get(name)!;
    const plan = planCell(ir, h, cell);
    if (typeof plan === 'string') {
      stats.push(emptyStats(name, plan));
      continue;
    }
    const st = new StatsBuilder(name);
    const r = await fuzzCell(h, plan, {
      seed,
      budget,
      settings,
      found,
      mismatches,
      other,
      proved,
      stats: st,
      deadline,
      now,
      solver: opts.solver,
      solverTimeoutMs: opts.solverTimeoutMs ?? 2000,
      progress: (cellRuns) => opts.onProgress?.({ cell: name, cellRuns, cellBudget: budget, runs: totalRuns + cellRuns, failures: found.size + mismatches.size }),
    });
    totalRuns += st.runs;
    stats.push(st.build());
    if (r.interrupted) {
      interrupted = true;
      break;
    }
  }
  const failures = [...found.values()].sort((a, b) => a.check.id - b.check.id);
  const byName = new Map(stats.map((s) => [s.cell, s]));
  return {
    seed,
    runs: totalRuns,
    failures,
    soundnessBugs: failures.filter((f) => f.soundness),
    cells: requested.map((n) => byName.get(n)).filter((s): s is CellStats => s !== undefined),
    against: opts.against === undefined ? null : { backend: other?.name ?? (opts.against === 'wasm' ? 'wasm' : 'other'), unavailable: otherUnavailable },
    mismatches: [...mismatches.values()],
    timeMs: now() - started,
    interrupted,
  };
}

// ---------------------------------------------------------------- planning

/** Callees before callers, so a check is first hunted from its own cell's inputs; otherwise source order. */
function calleesFirst(ir: IrProgram, cells: readonly string[]): string[] {
  const wanted = new Set(cells);
  const out: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (n: string): void => {
    if (state.has(n)) return;
    state.set(n, 'visiting');
    for (const callee of reachableCells(ir, n).slice(1)) if (wanted.has(callee)) visit(callee);
    state.set(n, 'done');
    out.push(n);
  };
  for (const n of cells) visit(n);
  return out;
}

function planCell(ir: IrProgram, h: Harness, cell: IrCell): CellPlan | string {
  const reach = reachableCells(ir, cell.name);
  const lits = literalsOf(ir, reach);
  const ctx: GenContext = { prog: h.prog, ir, ints: lits.ints.slice(0, 64), strings: lits.strings };
  const types = cell.params.map((p) => instantiate(p.v.type));
  const streams: AnswerStream[] = [];
  const streamBounds: (IntBounds | undefined)[] = [];
  const addStream = (key: string, kind: AnswerStream['kind'], ret: Type): void => {
    const type = instantiate(ret);
    streams.push({ key, kind, type, guard: h.contractGuard.get(key) ?? null });
    const contract = ir.cells.get(key);
    streamBounds.push(type.kind === 'Int' && contract ? intBounds(contract.ensures.map((e) => e.cond), contract.resultVar) : undefined);
  };
  for (const row of cell.effects) {
    const eff = ir.effects.get(row.effect);
    if (!eff) continue;
    for (const op of eff.ops) addStream(`${eff.name}.${op.name}`, 'perform', op.ret);
  }
  for (const name of reach) {
    const c = ir.cells.get(name);
    if (c && c.extern && c.body === null) addStream(name, 'extern', c.ret);
  }
  try {
    for (const t of [...types, ...streams.map((s) => s.type)]) if (t.kind !== 'Null') arbitraryFor(t, ctx);
  } catch (e) {
    if (e instanceof UnsupportedType) return `cannot generate values of type \`${describeType(e.type)}\``;
    throw e;
  }
  return { cell, types, streams, streamBounds, ret: instantiate(cell.ret), ctx };
}

function describeType(t: Type): string {
  return t.kind === 'Map' ? 'map[…]' : t.kind;
}

function inputArbitrary(plan: CellPlan, seeds: readonly Value[][]): fc.Arbitrary<Input> {
  const clauses = plan.cell.requires.map((r) => r.cond);
  const params = plan.cell.params.map((p, i) => {
    const t = plan.types[i]!;
    return arbitraryFor(t, plan.ctx, 0, t.kind === 'Int' ? intBounds(clauses, p.v) : undefined);
  });
  let args: fc.Arbitrary<readonly Value[]> = fc.tuple(...params);
  if (seeds.length > 0) {
    const seeded = fc.constantFrom(...seeds);
    const jittered = fc.tuple(fc.constantFrom(...seeds), fc.nat(Math.max(0, plan.types.length - 1)), fc.integer({ min: -3, max: 3 })).map(([s, i, d]) => jitter(s, plan.types, i, d));
    args = fc.oneof({ arbitrary: args, weight: 1 }, { arbitrary: seeded, weight: 2 }, { arbitrary: jittered, weight: 1 });
  }
  const answers = fc.tuple(...plan.streams.map((s, i) => fc.array(arbitraryFor(s.type, plan.ctx, 0, plan.streamBounds[i]), { minLength: 1, maxLength: 6 })));
  return fc.tuple(args, answers);
}

/** A seed with its i-th argument moved by d, when that argument is an Int. */
function jitter(seed: readonly Value[], types: readonly Type[], i: number, d: number): readonly Value[] {
  const v = seed[i];
  if (types[i]?.kind !== 'Int' || (typeof v !== 'number' && typeof v !== 'bigint')) return seed;
  const out = [...seed];
  const moved = BigInt(v) + BigInt(d);
  out[i] = Number.isSafeInteger(Number(moved)) ? Number(moved) : moved;
  return out;
}

// ---------------------------------------------------------------- one cell

class StatsBuilder {
  runs = 0;
  rejected: Record<RejectReason, number> = { requires: 0, 'record-invariant': 0, assume: 0, 'effect-contract': 0 };
  inconclusive = 0;
  inconclusiveExample: string | null = null;
  solverSeeds = 0;
  gaveUp = false;

  constructor(readonly cell: string) {}

  build(): CellStats {
    return {
      cell: this.cell,
      skipped: null,
      runs: this.runs,
      rejected: { ...this.rejected },
      inconclusive: this.inconclusive,
      inconclusiveExample: this.inconclusiveExample,
      solverSeeds: this.solverSeeds,
      gaveUp: this.gaveUp,
    };
  }
}

function emptyStats(cell: string, skipped: string): CellStats {
  return { ...new StatsBuilder(cell).build(), skipped };
}

interface CellCampaign {
  readonly seed: number;
  readonly budget: number;
  readonly settings: RunSettings;
  readonly found: Map<number, FuzzFailure>;
  readonly mismatches: Map<string, FuzzMismatch>;
  readonly other: OtherBackend | null;
  readonly proved: ReadonlySet<number>;
  readonly stats: StatsBuilder;
  readonly deadline: number | null;
  readonly now: () => number;
  readonly solver: SolverBackend | undefined;
  readonly solverTimeoutMs: number;
  readonly progress: (cellRuns: number) => void;
}

/** One evaluated input: the VM outcome, and the findings it makes (new or not). */
interface Evaluation {
  readonly outcome: Outcome;
  /** `check#7` for a failing check, `<backend>:<vm class>/<other class>` for a disagreement. */
  readonly findings: readonly string[];
  readonly run: RunResult | null;
  readonly otherRun: OtherResult | null;
}

/** Evaluates one input: admissibility, the VM run, and in differential mode the other backend's run. */
function evaluate(h: Harness, plan: CellPlan, input: Input, c: CellCampaign, record?: RunRecord): Evaluation {
  const [args, answers] = input;
  const reason = admissible(h, plan.cell, plan.types, args);
  if (reason !== null) return { outcome: { kind: 'reject', reason }, findings: [], run: null, otherRun: null };
  const { outcome, run } = runInput(h, plan.cell.name, args, plan.streams, answers, c.settings, record);
  const findings: string[] = [];
  if (outcome.kind === 'failure') findings.push(checkKey(outcome.check));
  let otherRun: OtherResult | null = null;
  if (c.other && outcome.kind !== 'reject' && comparable(run)) {
    otherRun = c.other.run(plan.cell.name, args, makeHost(h, plan.streams, answers));
    const d = disagreement(run, otherRun, plan.ret);
    if (d !== null) findings.push(`${c.other.name}:${plan.cell.name}:${d}`);
  }
  return { outcome, findings, run, otherRun };
}

const checkKey = (id: number): string => `check#${id}`;

async function fuzzCell(h: Harness, plan: CellPlan, c: CellCampaign): Promise<{ interrupted: boolean }> {
  const name = plan.cell.name;
  // A cell without inputs has one behaviour: run it once.
  const trivial = plan.types.length === 0 && plan.streams.length === 0;
  let seeds: Value[][] = [];
  const needsFilter = h.requiresGuard.has(name) || plan.types.some(containsRecord);
  if (!trivial && needsFilter) {
    const probe = fc.sample(inputArbitrary(plan, []), { seed: roundSeed(c.seed, name, -1), numRuns: PROBE_SIZE });
    const accepted = probe.filter((input) => admissible(h, plan.cell, plan.types, input[0]) === null).length;
    if (accepted < PROBE_SIZE * MIN_ACCEPT_RATE && c.solver) {
      const random = mulberry32(roundSeed(c.seed, name, -2));
      seeds = await solverSeeds(h.ir, plan.cell, h.prog, plan.types, { solver: c.solver, timeoutMs: c.solverTimeoutMs, count: SEED_COUNT, random });
      seeds = seeds.filter((s) => admissible(h, plan.cell, plan.types, s) === null);
      c.stats.solverSeeds = seeds.length;
    }
  }
  const known = (key: string): boolean => (key.startsWith('check#') ? c.found.has(Number(key.slice('check#'.length))) : c.mismatches.has(key));
  const arb = inputArbitrary(plan, seeds);
  let remaining = trivial ? 1 : c.budget;
  for (let round = 0; remaining > 0; round++) {
    let target: string | null = null;
    let shrinks = 0;
    const property = fc.property(arb, (input) => {
      const shrinking = target !== null;
      const e = evaluate(h, plan, input, c);
      if (!shrinking) tally(c, e.outcome);
      if (e.outcome.kind === 'reject') fc.pre(false);
      if (!shrinking) {
        target = e.findings.find((k) => !known(k)) ?? null;
        return target === null;
      }
      if (!e.findings.includes(target!)) return true;
      shrinks++;
      return false;
    });
    const timeLeft = c.deadline === null ? undefined : Math.max(1, c.deadline - c.now());
    const details = fc.check(property, {
      seed: roundSeed(c.seed, name, round),
      numRuns: remaining,
      maxSkipsPerRun: MAX_SKIPS_PER_RUN,
      ...(timeLeft !== undefined ? { interruptAfterTimeLimit: timeLeft } : {}),
    });
    remaining -= details.numRuns;
    const cx = details.counterexample;
    if (details.failed && cx && target !== null) {
      record(h, plan, c, cx[0], target, shrinks);
      if (details.interrupted) return { interrupted: true };
      continue;
    }
    if (details.failed && cx && target === null) throw details.errorInstance;
    if (details.failed && !details.interrupted) c.stats.gaveUp = true;
    if (details.interrupted) return { interrupted: true };
    break;
  }
  return { interrupted: false };
}

/** Runs the shrunk input once more, recording effect answers, and files the finding. */
function record(h: Harness, plan: CellPlan, c: CellCampaign, input: Input, target: string, shrinks: number): void {
  const rec: RunRecord = { performs: [], calls: [] };
  const e = evaluate(h, plan, input, c, rec);
  // Runs are deterministic: the shrunk input makes the same finding again.
  if (!e.findings.includes(target) || e.run === null) return;
  const counterexample = fuzzCounterexample(plan.cell, plan.types, input[0], rec);
  if (target.startsWith('check#')) {
    const id = Number(target.slice('check#'.length));
    c.found.set(id, { check: h.ir.checks[id]!, entry: plan.cell.name, counterexample, run: e.run, shrinks, soundness: c.proved.has(id) });
    return;
  }
  const kindOf = (id: number): string => h.ir.checks[id]?.kind ?? 'check';
  c.mismatches.set(target, {
    entry: plan.cell.name,
    against: c.other!.name,
    counterexample,
    vm: describeResult(e.run, plan.ret, kindOf),
    other: describeResult(e.otherRun!, plan.ret, kindOf),
    shrinks,
  });
}

function containsRecord(t: Type): boolean {
  switch (t.kind) {
    case 'Record':
      return true;
    case 'List':
      return containsRecord(t.elem);
    case 'Tuple':
      return t.elems.some(containsRecord);
    case 'Enum':
      return t.info.variants.some((v) => v.fields.some((f) => containsRecord(f.type.type)));
    case 'Result':
      return containsRecord(t.ok) || containsRecord(t.err);
    case 'Union':
      return t.members.some(containsRecord);
    default:
      return false;
  }
}

function tally(c: CellCampaign, outcome: Outcome): void {
  const st = c.stats;
  if (outcome.kind === 'reject') {
    st.rejected[outcome.reason]++;
    return;
  }
  st.runs++;
  if (outcome.kind === 'inconclusive') {
    st.inconclusive++;
    st.inconclusiveExample ??= outcome.message;
  }
  c.progress(st.runs);
}

/** A small deterministic generator of numbers in [0, 1). */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The fast-check seed of one round of one cell: a hash of the campaign seed, the cell and the round. */
function roundSeed(seed: number, cell: string, round: number): number {
  let x = 0x811c9dc5 ^ seed;
  for (const ch of `${cell}#${round}`) {
    x ^= ch.codePointAt(0)!;
    x = Math.imul(x, 0x01000193);
  }
  x ^= seed >>> 16;
  x = Math.imul(x ^ (x >>> 15), 0x2c1b3c6d);
  return (x ^ (x >>> 13)) & 0x7fffffff;
}

export type { CellStats, FuzzFailure, FuzzMismatch, FuzzProgress, FuzzReport } from './report.js';
export type { OtherBackend, OtherResult } from './differential.js';
export { fuzzResults } from './report.js';
export { renderFuzzText, renderFuzzSummary, renderMismatch, renderSoundnessBug, type FuzzTextOptions } from './render.js';
export { buildHarness } from './harness.js';
export { IntArbitrary, shrinkInt, arbitraryFor } from './arbitraries.js';
