// Tests of the shared query protocol against an in-memory solver: what is
// sent, in which order, and how answers, errors, crashes and timeouts map to results.

import { describe, expect, it } from 'vitest';
import { Z3_DIALECT } from './dialects.js';
import { Session, type Channel, type EvalOutcome } from './session.js';
import type { SolverQuery } from './types.js';

/** A scripted solver: `answer` sees each text sent and returns what the solver "prints". */
class FakeChannel implements Channel {
  generation = 1;
  readonly sent: string[] = [];
  constructor(private readonly answer: (text: string, nth: number) => EvalOutcome | string) {}
  async eval(text: string): Promise<EvalOutcome> {
    this.sent.push(text);
    const a = this.answer(text, this.sent.length);
    const out = typeof a === 'string' ? { kind: 'ok' as const, output: a } : a;
    if (out.kind !== 'ok') this.generation++;
    return out;
  }
  async reset(): Promise<EvalOutcome> {
    this.sent.push('<reset>');
    return { kind: 'ok', output: '' };
  }
  async restart(): Promise<void> {
    this.sent.push('<restart>');
    this.generation++;
  }
  async version(): Promise<string> {
    return 'fake 1.0';
  }
  async close(): Promise<void> {}
}

/** Answers like Z3 would for bodies tagged with `; sat`, `; unsat`, `; unknown`. */
function z3Like(text: string): string {
  if (text.includes('(get-value')) return '((x 4)\n (y (- 1)))\n';
  if (text.includes('(get-info :reason-unknown)')) return '(:reason-unknown "(incomplete quantifiers)")\n';
  if (text.includes('; unsat')) return 'unsat\n';
  if (text.includes('; unknown')) return 'unknown\n';
  if (text.includes('; sat')) return 'sat\n';
  return '';
}

const q = (id: string, body: string, getValues: string[] = []): SolverQuery => ({ id, body, getValues });
const opts = { timeoutMs: 1000 };
const strip = <T extends { timeMs: number }>(r: T): Omit<T, 'timeMs'> => {
  const { timeMs: _t, ...rest } = r;
  return rest;
};

describe('Session', () => {
  it('loads the prelude once, then runs push / body / check-sat / get-value per query, popping before the next', async () => {
    const ch = new FakeChannel(z3Like);
    const s = new Session(ch, Z3_DIALECT);
    const results = await s.run('(declare-const x Int)', [q('c1', '; sat', ['x', '(- x 5)']), q('c2', '; unsat')], opts);
    expect(results.map(strip)).toEqual([
      { id: 'c1', status: 'sat', values: [{ kind: 'int', value: 4n }, { kind: 'int', value: -1n }] },
      { id: 'c2', status: 'unsat' },
    ]);
    expect(ch.sent).toEqual([
      '<reset>',
      '(set-option :produce-models true)\n(declare-const x Int)\n',
      '(set-option :timeout 1000)\n(push 1)\n; sat\n(check-sat)\n',
      '(get-value (x (- x 5)))\n',
      '(pop 1)\n(set-option :timeout 1000)\n(push 1)\n; unsat\n(check-sat)\n',
    ]);
  });

  it('keeps the prelude across runs when it is the same, and reloads it when it changes', async () => {
    const ch = new FakeChannel(z3Like);
    const s = new Session(ch, Z3_DIALECT);
    await s.run('P1', [q('a', '; unsat')], opts);
    await s.run('P1', [q('b', '; unsat')], opts);
    await s.run('P2', [q('c', '; unsat')], opts);
    expect(ch.sent.filter((t) => t === '<reset>' || t.includes('\nP'))).toEqual([
      '<reset>',
      '(set-option :produce-models true)\nP1\n',
      '<reset>',
      '(set-option :produce-models true)\nP2\n',
    ]);
  });

  it('uses check-sat-using when a tactic is given', async () => {
    const ch = new FakeChannel(z3Like);
    await new Session(ch, Z3_DIALECT).run('', [q('a', '; unsat')], { timeoutMs: 50, tactic: 'smt' });
    expect(ch.sent).toContain('(set-option :timeout 50)\n(push 1)\n; unsat\n(check-sat-using smt)\n');
  });

  it('reports the reason of an unknown, mapping cancellation to timeout', async () => {
    const reasons = ['(:reason-unknown "(incomplete quantifiers)")', '(:reason-unknown "canceled")', '(:reason-unknown timeout)'];
    let n = 0;
    const ch = new FakeChannel((text) => (text.includes('reason-unknown') ? reasons[n++]! : z3Like(text)));
    const results = await new Session(ch, Z3_DIALECT).run('', [q('a', '; unknown'), q('b', '; unknown'), q('c', '; unknown')], opts);
    expect(results.map((r) => (r.status === 'unknown' ? r.reason : r.status))).toEqual(['(incomplete quantifiers)', 'timeout', 'timeout']);
  });

  it('retries a solver error once, on a restarted solver with the prelude reloaded', async () => {
    let failures = 1;
    const ch = new FakeChannel((text) => {
      if (text.includes('; sat') && failures-- > 0) return '(error "line 1 column 5: spurious parse error")\n';
      return z3Like(text);
    });
    const results = await new Session(ch, Z3_DIALECT).run('PRE', [q('a', '; sat')], opts);
    expect(results.map(strip)).toEqual([{ id: 'a', status: 'sat', values: [] }]);
    // The failed attempt, then a restart, a fresh context, the prelude and the retry.
    expect(ch.sent.map((t) => (t.includes('; sat') ? 'query' : t.includes('PRE') ? 'prelude' : t))).toEqual([
      '<reset>',
      'prelude',
      'query',
      '<restart>',
      '<reset>',
      'prelude',
      'query',
    ]);
    expect(ch.sent.filter((t) => t.includes('PRE')).length).toBe(2);
  });

  it('reports unknown with the solver error after the retry also fails', async () => {
    const ch = new FakeChannel((text) => (text.includes('; sat') ? 'sat\n(error "line 2 column 9: unknown constant y")\n' : z3Like(text)));
    const [r] = await new Session(ch, Z3_DIALECT).run('', [q('a', '; sat')], opts);
    expect(strip(r!)).toEqual({ id: 'a', status: 'unknown', reason: 'solver error: line 2 column 9: unknown constant y' });
  });

  it('treats a crash like an error and a prelude error as a solver error', async () => {
    const crash = new FakeChannel((text) => (text.includes('; sat') ? { kind: 'crashed', message: 'cvc5 exited (code 1)' } : z3Like(text)));
    const [r1] = await new Session(crash, Z3_DIALECT).run('', [q('a', '; sat')], opts);
    expect(r1).toMatchObject({ status: 'unknown', reason: 'solver error: cvc5 exited (code 1)' });

    const bad = new FakeChannel((text) => (text.includes('BAD') ? '(error "line 1 column 1: invalid command")' : z3Like(text)));
    const [r2] = await new Session(bad, Z3_DIALECT).run('BAD', [q('a', '; sat')], opts);
    expect(r2).toMatchObject({ status: 'unknown', reason: 'solver error: prelude: line 1 column 1: invalid command' });
  });

  it('reports a timeout without retrying, and reloads the prelude for the next query', async () => {
    const ch = new FakeChannel((text) => (text.includes('; hard') ? { kind: 'timeout' } : z3Like(text)));
    const results = await new Session(ch, Z3_DIALECT).run('PRE', [q('a', '; hard'), q('b', '; unsat')], opts);
    expect(results.map(strip)).toEqual([
      { id: 'a', status: 'unknown', reason: 'timeout' },
      { id: 'b', status: 'unsat' },
    ]);
    expect(ch.sent.filter((t) => t.includes('; hard')).length).toBe(1);
    expect(ch.sent.filter((t) => t.includes('PRE')).length).toBe(2);
  });

  it('rejects a malformed body without sending it', async () => {
    const ch = new FakeChannel(z3Like);
    const [r] = await new Session(ch, Z3_DIALECT).run('', [q('a', '(assert (> x 0)')], opts);
    expect(strip(r!)).toEqual({ id: 'a', status: 'unknown', reason: "solver error: malformed query body: 1 unclosed '(' at end of text" });
    expect(ch.sent).toEqual([]);
  });

  it('omits the internal timeout when asked to', async () => {
    const ch = new FakeChannel(z3Like);
    await new Session(ch, Z3_DIALECT, { internalTimeout: false }).run('', [q('a', '; unsat')], opts);
    expect(ch.sent).toContain('(push 1)\n; unsat\n(check-sat)\n');
  });

  it('serialises overlapping runs', async () => {
    const ch = new FakeChannel(z3Like);
    const s = new Session(ch, Z3_DIALECT);
    const [r1, r2] = await Promise.all([s.run('A', [q('a', '; unsat')], opts), s.run('B', [q('b', '; sat')], opts)]);
    expect([r1![0]!.status, r2![0]!.status]).toEqual(['unsat', 'sat']);
    const order = ch.sent.map((t) => (t.includes('; unsat') ? 'a' : t.includes('; sat') ? 'b' : t.includes('\nB\n') ? 'prelude B' : '')).filter((t) => t !== '');
    expect(order).toEqual(['a', 'prelude B', 'b']);
  });
});
