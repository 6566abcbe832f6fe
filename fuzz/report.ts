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
  /** Distinct failing checks so far. */
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
