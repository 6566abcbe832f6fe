// The query protocol shared by all back-ends. A back-end supplies a Channel
// (evaluate SMT-LIB text, get back what the solver printed, with a deadline
// after which the solver is killed) and a Dialect (how to say "timeout" and
// "check-sat" to this solver); the Session does the rest: loading the
// prelude, push / body / check-sat / get-value / pop per query, reading
// answers, retrying once after a solver error, and reloading the prelude
// after the solver was killed or restarted.

import { readValues } from '../smtlib/model.js';
import { findUnbalanced, headOf, parseSexprs, printSexpr, type SExpr } from '../smtlib/sexpr.js';
import type { BackendOptions, QueryResult, RunOptions, ScriptResult, SolverQuery } from './types.js';

export type EvalOutcome =
  | { readonly kind: 'ok'; readonly output: string }
  /** The deadline passed; the solver has been killed. */
  | { readonly kind: 'timeout' }
  /** The solver died or could not be started. */
  | { readonly kind: 'crashed'; readonly message: string };

export interface Channel {
  /**
   * Sends SMT-LIB text and resolves with everything the solver printed in
   * answer. Starts the solver if it is not running. If no answer has come by
   * `deadlineMs`, the solver is killed and the outcome is 'timeout'.
   */
  eval(text: string, deadlineMs: number): Promise<EvalOutcome>;
  /** Forgets all declarations, assertions and options (a fresh context or `(reset)`). */
  reset(deadlineMs: number): Promise<EvalOutcome>;
  /**
   * Throws the solver away (kills the process or worker); the next request
   * starts a fresh one. Used before retrying after a solver error: Z3 in WASM
   * has been seen to report parse errors about text it was never sent
   * ("unknown constant W"), i.e. its heap was damaged, and a fresh context in
   * the same instance fails the same way.
   */
  restart(): Promise<void>;
  /**
   * Changes whenever the solver loses its state (it was started, killed or
   * died), so a prelude loaded under another generation is gone.
   */
  readonly generation: number;
  version(): Promise<string>;
  close(): Promise<void>;
}

export interface Dialect {
  /** Sent first on a fresh solver, before the prelude. */
  readonly setup: string;
  /** The command setting the solver's own per-check time limit. */
  setTimeout(ms: number): string;
  checkSat(tactic: string | undefined): string;
}

const DEFAULT_PRELUDE_TIMEOUT_MS = 60_000;
/** Deadline for the short bookkeeping commands (get-value, get-info). */
const BOOKKEEPING_TIMEOUT_MS = 10_000;

export const defaultGraceMs = (timeoutMs: number): number => Math.min(2000, 200 + Math.round(timeoutMs / 10));

/** One attempt's outcome; 'error' is retried once, then reported as unknown. */
type Attempt = QueryResult | { readonly status: 'error'; readonly message: string };

export class Session {
  /** The prelude the solver currently holds, and the solver generation it was loaded into. */
  private loadedPrelude: string | null = null;
  private loadedGeneration = -1;
  /**
   * The last query's scope is still open. Its `(pop 1)` is sent in front of
   * the next query rather than on its own, saving one solver round trip per
   * query (about 1.5 ms with WASM, a third of a trivial query).
   */
  private popPending = false;
  /** Serialises `run` calls: interleaved push/pop from two runs would corrupt both. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly channel: Channel,
    private readonly dialect: Dialect,
    private readonly options: BackendOptions = {},
  ) {}

  run(prelude: string, queries: readonly SolverQuery[], opts: RunOptions): Promise<QueryResult[]> {
    return this.exclusive(() => this.runAll(prelude, queries, opts));
  }

  version(): Promise<string> {
    return this.exclusive(() => this.channel.version());
  }

  /**
   * Runs a complete script in a fresh context (no prelude, no push/pop) and
   * returns everything the solver printed, e.g. for a Horn query followed by
   * `(get-model)`. The loaded prelude is forgotten.
   */
  runScript(script: string, timeoutMs: number): Promise<ScriptResult> {
    return this.exclusive(async () => {
      const started = performance.now();
      this.loadedPrelude = null;
      this.popPending = false;
      const grace = this.options.graceMs ?? defaultGraceMs(timeoutMs);
      const reset = await this.channel.reset(timeoutMs + grace);
      if (reset.kind !== 'ok') return { status: 'unknown', reason: `could not start solver: ${describe(reset)}`, output: '', timeMs: elapsed(started) };
      const out = await this.channel.eval(script, timeoutMs + grace);
      // Whatever happened, the next `run` needs a fresh context.
      this.loadedPrelude = null;
      if (out.kind === 'timeout') return { status: 'unknown', reason: 'timeout', output: '', timeMs: elapsed(started) };
      if (out.kind === 'crashed') return { status: 'unknown', reason: `solver error: ${out.message}`, output: '', timeMs: elapsed(started) };
      const answer = readAnswer(out.output);
      if (answer.errors.length > 0) return { status: 'unknown', reason: `solver error: ${answer.errors[0]}`, output: out.output, timeMs: elapsed(started) };
      return { status: answer.status ?? 'unknown', reason: answer.status ? '' : 'no answer', output: out.output, timeMs: elapsed(started) };
    });
  }

  /** Runs `task` after every earlier run/version call has finished. */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const next = this.queue.then(task);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async runAll(prelude: string, queries: readonly SolverQuery[], opts: RunOptions): Promise<QueryResult[]> {
    const results: QueryResult[] = [];
    for (const q of queries) results.push(await this.runOne(prelude, q, opts));
    return results;
  }

  private async runOne(prelude: string, q: SolverQuery, opts: RunOptions): Promise<QueryResult> {
    const started = performance.now();
    const problem = findUnbalanced(q.body);
    if (problem !== undefined) {
      // Retrying cannot help a malformed body; it is a bug in the query generator.
      return { id: q.id, status: 'unknown', reason: `solver error: malformed query body: ${problem}`, timeMs: 0 };
    }
    let attempt = await this.attempt(prelude, q, opts);
    if (attempt.status === 'error') {
      // A fresh solver and prelude for the retry: the failure may have left
      // the solver in an unknown state (a half-parsed command, a missing pop,
      // a damaged WASM heap).
      this.loadedPrelude = null;
      this.popPending = false;
      await this.channel.restart();
      attempt = await this.attempt(prelude, q, opts);
    }
    if (attempt.status === 'error') {
      this.loadedPrelude = null;
      return { id: q.id, status: 'unknown', reason: `solver error: ${attempt.message}`, timeMs: elapsed(started) };
    }
    return attempt;
  }

  /** Makes sure the solver holds exactly `prelude`; returns an error message if it could not be loaded. */
  private async ensurePrelude(prelude: string): Promise<string | undefined> {
    if (this.loadedPrelude === prelude && this.loadedGeneration === this.channel.generation) return undefined;
    const deadline = this.options.preludeTimeoutMs ?? DEFAULT_PRELUDE_TIMEOUT_MS;
    this.loadedPrelude = null;
    this.popPending = false;
    const reset = await this.channel.reset(deadline);
    if (reset.kind !== 'ok') return `could not start solver: ${describe(reset)}`;
    const text = `${this.dialect.setup}\n${prelude}\n`;
    const out = await this.send(text, deadline);
    if (out.kind !== 'ok') return `prelude: ${describe(out)}`;
    const answer = readAnswer(out.output);
    if (answer.errors.length > 0) return `prelude: ${answer.errors[0]}`;
    this.loadedPrelude = prelude;
    this.loadedGeneration = this.channel.generation;
    return undefined;
  }

  private async attempt(prelude: string, q: SolverQuery, opts: RunOptions): Promise<Attempt> {
    const preludeError = await this.ensurePrelude(prelude);
    if (preludeError !== undefined) return { status: 'error', message: preludeError };

    const internal = this.options.internalTimeout ?? true;
    const grace = this.options.graceMs ?? defaultGraceMs(opts.timeoutMs);
    const pop = this.popPending ? '(pop 1)\n' : '';
    this.popPending = false;
    const limit = internal ? this.dialect.setTimeout(opts.timeoutMs) : '';
    const text = `${pop}${limit}(push 1)\n${q.body}\n${this.dialect.checkSat(opts.tactic)}\n`;
    const started = performance.now();
    const checked = await this.send(text, opts.timeoutMs + grace);
    if (checked.kind === 'timeout') {
      return { id: q.id, status: 'unknown', reason: 'timeout', timeMs: elapsed(started) };
    }
    if (checked.kind === 'crashed') return { status: 'error', message: checked.message };
    const answer = readAnswer(checked.output);
    const status = answer.status;
    if (answer.errors.length > 0 || status === undefined) {
      // The retry starts from a fresh context, so there is nothing to pop.
      return { status: 'error', message: answer.errors[0] ?? `no answer to check-sat (got ${JSON.stringify(checked.output.slice(0, 200))})` };
    }
    const solveMs = elapsed(started);

    let result: Attempt;
    if (status === 'unsat') {
      result = { id: q.id, status: 'unsat', timeMs: solveMs };
    } else if (status === 'sat') {
      result = await this.fetchValues(q, solveMs);
    } else {
      // Z3 sometimes gives a theory's reason ("incomplete (theory arithmetic)")
      // when it was in fact stopped by its time limit: once the budget is
      // spent, the honest reason is the timeout.
      const reason = solveMs >= opts.timeoutMs ? 'timeout' : await this.reasonUnknown();
      result = { id: q.id, status: 'unknown', reason, timeMs: solveMs };
    }
    this.popPending = true;
    return result;
  }

  private async fetchValues(q: SolverQuery, solveMs: number): Promise<Attempt> {
    if (q.getValues.length === 0) return { id: q.id, status: 'sat', values: [], timeMs: solveMs };
    const out = await this.send(`(get-value (${q.getValues.join(' ')}))\n`, BOOKKEEPING_TIMEOUT_MS);
    if (out.kind !== 'ok') return { status: 'error', message: `get-value: ${describe(out)}` };
    const errors = readAnswer(out.output).errors;
    if (errors.length > 0) return { status: 'error', message: `get-value: ${errors[0]}` };
    const values = readValues(out.output);
    if (values.length !== q.getValues.length) {
      return { status: 'error', message: `get-value: expected ${q.getValues.length} values, read ${values.length}` };
    }
    return { id: q.id, status: 'sat', values, timeMs: solveMs };
  }

  private async reasonUnknown(): Promise<string> {
    const out = await this.send('(get-info :reason-unknown)\n', BOOKKEEPING_TIMEOUT_MS);
    if (out.kind !== 'ok') return 'unknown';
    // `(:reason-unknown "timeout")` from Z3, `(:reason-unknown timeout)` from cvc5.
    for (const e of parseSexprs(out.output)) {
      if (e.kind !== 'list' || e.items.length < 2) continue;
      const [key, value] = e.items;
      if (key?.kind !== 'keyword' || key.name !== 'reason-unknown' || value === undefined) continue;
      const reason = value.kind === 'string' ? value.value : printSexpr(value);
      return /time ?out|cancel/i.test(reason) ? 'timeout' : reason;
    }
    return 'unknown';
  }

  private async send(text: string, deadlineMs: number): Promise<EvalOutcome> {
    const log = this.options.transcript;
    log?.('send', text);
    const out = await this.channel.eval(text, deadlineMs);
    log?.('recv', out.kind === 'ok' ? out.output : `<${describe(out)}>`);
    // A killed or crashed solver comes back empty: the prelude must be sent again.
    if (out.kind !== 'ok') this.loadedPrelude = null;
    return out;
  }
}

/** What a solver printed in answer to a batch of commands: its errors and its last check-sat verdict. */
export function readAnswer(output: string): { errors: string[]; status: 'sat' | 'unsat' | 'unknown' | undefined } {
  const errors: string[] = [];
  let status: 'sat' | 'unsat' | 'unknown' | undefined;
  if (output.trim() === '') return { errors, status };
  for (const e of parseSexprs(output)) {
    if (headOf(e) === 'error') errors.push(errorText(e));
    else if (e.kind === 'symbol' && (e.name === 'sat' || e.name === 'unsat' || e.name === 'unknown')) status = e.name;
  }
  return { errors, status };
}

function errorText(e: SExpr): string {
  const msg = e.kind === 'list' ? e.items[1] : undefined;
  return msg?.kind === 'string' ? msg.value.trim().split('\n')[0]! : printSexpr(e);
}

function describe(out: EvalOutcome): string {
  return out.kind === 'ok' ? 'ok' : out.kind === 'timeout' ? 'timed out' : out.message;
}

const elapsed = (since: number): number => Math.round((performance.now() - since) * 10) / 10;
