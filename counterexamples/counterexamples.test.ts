// Counterexamples: the values the shared examples name, replay on the VM, and
// a property test over random programs with planted bugs — every refutation
// the verifier produces must replay to a failure of the same check.

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../cli/pipeline.js';
import { compileProgram } from '../backend/index.js';
import { memoryHost } from '../frontend/modules.js';
import { createSolver } from '../verifier/solver/index.js';
import { verifyProgram, type CheckResult } from '../verifier/verify.js';
import { confirmReport } from './confirm.js';
import { replay } from './replay.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const examples = path.resolve(here, '../../shared/examples');
const solver = createSolver('wasm');
afterAll(async () => {
  await solver.close();
});

async function refutedOf(file: string): Promise<CheckResult[]> {
  const c = compile(file);
  expect(c.ir).not.toBeNull();
  const report = confirmReport(c.ir!, await verifyProgram(c.ir!, { solver, timeoutMs: 4000 }));
  return report.results.filter((r) => r.verdict.kind === 'refuted');
}

function inputsOf(r: CheckResult): Record<string, string> {
  if (r.verdict.kind !== 'refuted') return {};
  return Object.fromEntries(r.verdict.counterexample.inputs.map((i) => [i.name, i.value]));
}

describe('the values the examples name', () => {
  it('abs: x = -9223372036854775808', async () => {
    const [r] = await refutedOf(path.join(examples, 'abs.lm'));
    expect(r!.check.kind).toBe('overflow');
    expect(inputsOf(r!)).toEqual({ x: '-9223372036854775808' });
  });

  it('average: the empty list divides by zero', async () => {
    const refuted = await refutedOf(path.join(examples, 'average.lm'));
    const div = refuted.find((r) => r.check.kind === 'div-by-zero');
    expect(inputsOf(div!)).toEqual({ xs: '[]' });
  });

  it('bounds: xs = [] reads past the end', async () => {
    const [r] = await refutedOf(path.join(examples, 'bounds.lm'));
    expect(inputsOf(r!)).toEqual({ xs: '[]' });
  });

  it('match_gap: score = 60', async () => {
    const [r] = await refutedOf(path.join(examples, 'match_gap.lm'));
    expect(inputsOf(r!)).toEqual({ score: '60' });
  });

  it('effects_budget_bug: three empty pages, then the report exceeds the budget', async () => {
    const [r] = await refutedOf(path.join(examples, 'effects_budget_bug.lm'));
    expect(r!.verdict.kind).toBe('refuted');
    if (r!.verdict.kind !== 'refuted') return;
    const performs = r!.verdict.counterexample.performs.map((p) => p.value);
    expect(performs.slice(0, 2)).toEqual(['""', '""']);
    expect(r!.verdict.confirmed).toBe(true);
  });

  it('every refutation carries the path to the failure', async () => {
    const [r] = await refutedOf(path.join(examples, 'sum_to_bug.lm'));
    expect(r!.verdict.kind).toBe('refuted');
    if (r!.verdict.kind !== 'refuted') return;
    expect(r!.verdict.counterexample.path.some((s) => s.what.startsWith('loop iteration'))).toBe(true);
  });
});

describe('inputs that do not matter', () => {
  it('are marked, so the text shows only what causes the failure', async () => {
    const source = ['cell f(a: Int, b: Int, c: Bool) -> Int', '  if c', '    a / 0', '  else', '    1', '  end', 'end', ''].join('\n');
    const c = compile('/t/irr.lm', memoryHost({ '/t/irr.lm': source }));
    const report = await verifyProgram(c.ir!, { solver, timeoutMs: 4000 });
    const r = report.results.find((x) => x.verdict.kind === 'refuted')!;
    expect(r.verdict.kind).toBe('refuted');
    if (r.verdict.kind !== 'refuted') return;
    const marks = Object.fromEntries(r.verdict.counterexample.inputs.map((i) => [i.name, Boolean(i.irrelevant)]));
    expect(marks).toEqual({ a: true, b: true, c: false });
  });
});

describe('minimised values', () => {
  it('bound the Ints, strings and lists inside records and tuples too', async () => {
    // Unbounded, Z3 answered this one with a list of about 2,000 elements for `b.items`.
    const source = [
      'type Nat = Int where self >= 0',
      '',
      'record Bag',
      '  items: list[Nat]',
      '  label: String',
      'end',
      '',
      'cell f(b: Bag, t: (Int, list[Int])) -> Bag',
      '  Bag(..b, items: [-1])',
      'end',
      '',
    ].join('\n');
    const c = compile('/t/nested.lm', memoryHost({ '/t/nested.lm': source }));
    const report = confirmReport(c.ir!, await verifyProgram(c.ir!, { solver, timeoutMs: 4000 }));
    const r = report.results.find((x) => x.verdict.kind === 'refuted')!;
    expect(r.verdict.kind).toBe('refuted');
    if (r.verdict.kind !== 'refuted') return;
    const { b, t } = inputsOf(r);
    // The first tier: lists of at most 2 elements, Ints within ±10, strings of at most 2 characters.
    expect(b).toMatch(/^Bag\(items: \[(-?\d+(, -?\d+)?)?\], label: "[^"]{0,2}"\)$/);
    expect(t).toMatch(/^\(-?\d+, \[(-?\d+(, -?\d+)?)?\]\)$/);
    const ints = (text: string): number[] => [...text.replace(/"[^"]*"/g, '').matchAll(/-?\d+/g)].map((m) => Number(m[0]));
    for (const v of [b!, t!]) for (const n of ints(v)) expect(Math.abs(n), v).toBeLessThanOrEqual(10);
  });
});

describe('replay', () => {
  it('reports an input the VM cannot build as not executable, never as confirmed', async () => {
    const c = compile(path.join(examples, 'abs.lm'));
    const prog = compileProgram(c.ir!, { proved: new Set() });
    const outcome = replay(prog, 'my_abs', 0, {
      inputs: [{ name: 'x', value: '?', type: { kind: 'Int' }, raw: { kind: 'string', value: 'not an int' } }],
      performs: [],
      calls: [],
      path: [],
      unrolled: 0,
    });
    expect(outcome.kind).toBe('not-executable');
  });
});

// Random programs: an arithmetic expression over two bounded inputs, and an
// assertion about it that is sometimes false. Every refutation must replay.
const atom = fc.oneof(fc.constantFrom('a', 'b'), fc.integer({ min: -20, max: 20 }).map(String));
const expr: fc.Arbitrary<string> = fc.letrec((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    atom,
    fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '/', '%'), tie('e')).map(([l, op, r]) => `(${l} ${op} ${r})`),
  ),
})).e as fc.Arbitrary<string>;

describe('planted bugs', () => {
  it('every counterexample replays to a failure of the reported check', async () => {
    await fc.assert(
      fc.asyncProperty(expr, fc.integer({ min: -50, max: 50 }), async (e, k) => {
        const source = [
          'cell f(a: Int where a >= -1000 and a <= 1000, b: Int where b >= -1000 and b <= 1000) -> Int',
          `  let r = ${e}`,
          `  assert r != ${k}`,
          '  r',
          'end',
          '',
        ].join('\n');
        const host = memoryHost({ '/t/p.lm': source });
        const c = compile('/t/p.lm', host);
        if (!c.ir) return; // e.g. a literal out of range: nothing to verify
        const raw = await verifyProgram(c.ir, { solver, timeoutMs: 3000 });
        const prog = compileProgram(c.ir, { proved: new Set() });
        for (const r of raw.results) {
          if (r.verdict.kind !== 'refuted') continue;
          const outcome = replay(prog, r.check.cell, r.check.id, r.verdict.counterexample);
          expect(outcome.kind, `${source}\n${r.check.kind}: ${JSON.stringify(r.verdict.counterexample.inputs.map((i) => i.value))}`).toBe('confirmed');
        }
      }),
      { numRuns: 25, seed: 7 },
    );
  });
});
