// The data a fuzz campaign produces (see index.ts), and its failures as
// verification results so the reporters of reports/ (text, JSON, SARIF) can
// render them like the refuted checks of `lumen verify`.

import type { CheckInfo } from '../frontend/ir.js';
import type { CheckResult, RawCounterexample } from '../verifier/verify.js';
import type { RunResult } from '../vm/index.js';
import type { RejectReason } from './harness.js';

export interface FuzzProgress {
  readonly cell: string;
  /** Generated runs of this cell so far, and its budget. */
  readonly cellRuns: number;
  readonly cellBudget: number;
  /** Generated runs of the campaign so far. */
  readonly runs: number;
  /** Distinct failing checks (and disagreements, in differential mode) so far. */
  readonly failures: number;
}

export interface FuzzFailure {
  readonly check: CheckInfo;
  /** The cell that was run (the check may sit in a callee). */
  readonly entry: string;
  /** The shrunk input, in the verifier's format. */
  readonly counterexample: RawCounterexample;
  /** The run of the shrunk input. */
  readonly run: RunResult;
  /** Successful shrink steps. */
  readonly shrinks: number;
  /** The check was proved by the verifier: a soundness bug. */
  readonly soundness: boolean;
}

/** A disagreement between the VM and another backend (differential mode). */
export interface FuzzMismatch {
  /** The cell that was run. */
  readonly entry: string;
  /** The other backend, e.g. `wasm`. */
  readonly against: string;
  /** The shrunk input, in the verifier's format. */
  readonly counterexample: RawCounterexample;
  /** What each backend did, e.g. `returns 3`, `fails check #2 (overflow)`. */
  readonly vm: string;
  readonly other: string;
  readonly shrinks: number;
}

export interface CellStats {
  readonly cell: string;
  /** Why the cell was not fuzzed, when it was not. */
  readonly skipped: string | null;
  /** Generated runs that passed the preconditions (shrinking runs not included). */
  readonly runs: number;
  /** Generated inputs rejected, by reason. */
  readonly rejected: Readonly<Record<RejectReason, number>>;
  /** Runs that ended without a verdict: out of fuel, too deep, unhandled effect, host error. */
  readonly inconclusive: number;
  /** The first inconclusive run's message, if any. */
  readonly inconclusiveExample: string | null;
  /** Inputs the solver provided as seeds (0 when random inputs were good enough). */
  readonly solverSeeds: number;
  /** fast-check gave up: too few inputs satisfied the preconditions. */
  readonly gaveUp: boolean;
}

export interface FuzzReport {
  readonly seed: number;
  /** Generated runs over all cells. */
  readonly runs: number;
  /** Distinct failing checks, in check-id (source) order. */
  readonly failures: readonly FuzzFailure[];
  /** The failures of checks the verifier proved (`proved` option). */
  readonly soundnessBugs: readonly FuzzFailure[];
  readonly cells: readonly CellStats[];
  /** Differential mode: the backend compared against, and why it could not run the program, if it could not. */
  readonly against: { readonly backend: string; readonly unavailable: string | null } | null;
  /** Differential mode: distinct disagreements between the VM and the other backend. */
  readonly mismatches: readonly FuzzMismatch[];
  readonly timeMs: number;
  /** The time limit cut the campaign short. */
  readonly interrupted: boolean;
}

/** The failures as verification results (refuted, confirmed by running), for the reporters of reports/. */
export function fuzzResults(report: FuzzReport): CheckResult[] {
  return report.failures.map((f) => ({
    check: f.check,
    verdict: {
      kind: 'refuted',
      counterexample: f.counterexample,
      confirmed: true,
      ...(f.entry !== f.check.cell ? { note: `found by fuzzing \`${f.entry}\`: the inputs are its parameters` } : {}),
    },
    timeMs: 0,
    queryHash: '',
  }));
}
