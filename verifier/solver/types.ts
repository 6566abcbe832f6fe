// The solver interface shared by every back-end (Z3 in WASM, native z3,
// native cvc5). All back-ends are fed the same SMT-LIB text and answer with
// the same plain-data results, so the verifier never knows which one ran.

import type { ModelValue } from '../smtlib/model.js';

export type SolverName = 'wasm' | 'z3' | 'cvc5';

export interface SolverQuery {
  /** The check id; it comes back unchanged in the result. */
  readonly id: string;
  /** SMT-LIB commands asserted inside a push/pop after the prelude. */
  readonly body: string;
  /** Terms (SMT-LIB text) whose values to fetch on sat. */
  readonly getValues: readonly string[];
}

export type QueryResult =
  | { readonly id: string; readonly status: 'unsat'; readonly timeMs: number }
  | { readonly id: string; readonly status: 'sat'; readonly values: ModelValue[]; readonly timeMs: number }
  /**
   * The solver said unknown (reason: its `:reason-unknown`), ran past the
   * deadline (reason `'timeout'`), or failed twice in a row (reason
   * `'solver error: …'`).
   */
  | { readonly id: string; readonly status: 'unknown'; readonly reason: string; readonly timeMs: number };

export interface ScriptResult {
  readonly status: 'sat' | 'unsat' | 'unknown';
  /** Why the status is unknown (timeout, solver error); empty otherwise. */
  readonly reason: string;
  /** Everything the solver printed. */
  readonly output: string;
  readonly timeMs: number;
}

export interface RunOptions {
  /** Per-query budget. The solver's own limit is set to this; the process is killed shortly after. */
  readonly timeoutMs: number;
  /** When given, `(check-sat-using <tactic>)` instead of `(check-sat)` (Z3 only; cvc5 ignores it). */
  readonly tactic?: string;
}

export interface SolverBackend {
  readonly name: SolverName;
  version(): Promise<string>;
  /**
   * Runs queries in order: the prelude once, then for each query
   * push; body; check-sat (or check-sat-using); get-value on sat; pop.
   * Never rejects for solver trouble: that becomes an `unknown` result.
   */
  run(prelude: string, queries: readonly SolverQuery[], opts: RunOptions): Promise<QueryResult[]>;
  /**
   * Runs one complete script in a fresh context and returns the solver's
   * whole output (used for Horn-clause queries and their `(get-model)`).
   */
  runScript(script: string, timeoutMs: number): Promise<ScriptResult>;
  /** Stops the solver process or worker; the back-end may not be used afterwards. */
  close(): Promise<void>;
}

/** Tuning knobs, mostly for tests; the defaults suit the CLI. */
export interface BackendOptions {
  /**
   * How long after `timeoutMs` the solver is killed if it has not answered
   * (Z3's own timeout is not reliable on hard nonlinear goals).
   * Default: 200 ms + 10% of the timeout, at most 2 s.
   */
  readonly graceMs?: number;
  /** Whether to set the solver's own per-query timeout as well (default true). */
  readonly internalTimeout?: boolean;
  /** Deadline for starting the solver and loading a prelude (default 60 s). */
  readonly preludeTimeoutMs?: number;
  /**
   * Called with every piece of SMT-LIB sent and every answer received, for
   * `--smt-transcript`-style debugging.
   */
  readonly transcript?: (direction: 'send' | 'recv', text: string) => void;
}
