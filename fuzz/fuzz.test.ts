// The fuzzer on small programs with planted bugs (fuzz/testdata/): each bug
// is found within a fixed run budget for several seeds, correct programs give
// no report, shrinking yields minimal inputs, a seed replays a campaign, and
// every counterexample replays on the VM like one of `lumen verify`.

import { afterAll, describe, expect, it } from 'vitest';
import { compileProgram } from '../backend/index.js';
import { replay } from '../counterexamples/replay.js';
import { createSolver } from '../verifier/solver/index.js';
import { fuzzProgram } from './index.js';
import { renderFuzzText, renderSoundnessBug } from './render.js';
import { fuzzFile, irOf, MAX, MIN, summarise, testdata } from './testkit.js';
import { compile } from '../cli/pipeline.js';

const solver = createSolver('wasm');
afterAll(async () => {
  await solver.close();
});

const SEEDS = [1, 2, 3];
const RUNS = 100;

describe('planted bugs are found within 100 runs per cell', () => {
  const planted: { file: string; kind: string; cell: string }[] = [
    { file: 'overflow_add.lm', kind: 'overflow', cell: 'add' },
    { file: 'overflow_nonneg.lm', kind: 'overflow', cell: 'add' },
    { file: 'last_element.lm', kind: 'index', cell: 'last' },
    { file: 'off_by_one_loop.lm', kind: 'index', cell: 'count_positive' },
    { file: 'div_one_value.lm', kind: 'div-by-zero', cell: 'ratio' },
    { file: 'effect_bug.lm', kind: 'div-by-zero', cell: 'scaled' },
    { file: 'extern_bug.lm', kind: 'div-by-zero', cell: 'percent_left' },
    { file: 'accounts.lm', kind: 'overflow', cell: 'total' },
    { file: 'shapes.lm', kind: 'overflow', cell: 'area' },
    { file: 'hard_requires.lm', kind: 'assertion', cell: 'f' },
  ];
  for (const p of planted) {
    for (const seed of SEEDS) {
      it(`${p.file}, seed ${seed}`, async () => {
        const report = await fuzzFile(testdata(p.file), { seed, runs: RUNS, solver });
        expect(report.failures.map((f) => [f.check.kind, f.check.cell])).toEqual([[p.kind, p.cell]]);
        expect(report.soundnessBugs).toEqual([]);
      });
    }
  }

  it('asks the solver for seeds when random inputs rarely satisfy `requires`', async () => {
    const report = await fuzzFile(testdata('hard_requires.lm'), { seed: 1, runs: RUNS, solver });
    expect(report.cells[0]!.solverSeeds).toBeGreaterThan(0);
    expect(report.cells[0]!.gaveUp).toBe(false);
    // Without a solver the same campaign finds nothing and says why.
    const alone = await fuzzFile(testdata('hard_requires.lm'), { seed: 1, runs: RUNS });
    expect(alone.failures).toEqual([]);
    expect(alone.cells[0]!.gaveUp).toBe(true);
  });
});

describe('correct programs produce no report', () => {
  for (const seed of SEEDS) {
    it(`correct.lm, seed ${seed}`, async () => {
      const report = await fuzzFile(testdata('correct.lm'), { seed, runs: 200, solver });
      expect(report.failures.map(summarise)).toEqual([]);
      expect(report.cells.map((c) => c.cell)).toEqual(['clamp', 'safe_div', 'get', 'total', 'ordered', 'kind', 'first_or']);
      for (const c of report.cells) expect(c.runs, c.cell).toBe(200);
    });
  }

  it('respects the trusted base: assumptions and extern contracts', async () => {
    const report = await fuzzFile(testdata('trusted.lm'), { seed: 4, runs: RUNS });
    expect(report.failures).toEqual([]);
    const f = report.cells.find((c) => c.cell === 'f')!;
    expect(f.rejected.assume).toBeGreaterThan(0);
    expect(f.runs).toBe(RUNS);
  });

  it('generates only records that satisfy their invariants', async () => {
    const report = await fuzzFile(testdata('accounts.lm'), { seed: 9, runs: 300, cells: ['all_non_negative'] });
    expect(report.failures).toEqual([]);
    expect(report.cells[0]!.runs).toBe(300);
  });
});

describe('shrinking', () => {
  for (const seed of SEEDS) {
    it(`an overflow of \`a + b\` shrinks to a bound and 1 (seed ${seed})`, async () => {
      const [f] = (await fuzzFile(testdata('overflow_add.lm'), { seed, runs: RUNS })).failures;
      const { a, b } = summarise(f!).inputs;
      expect([[MAX, '1'], ['1', MAX], [MIN, '-1'], ['-1', MIN]]).toContainEqual([a, b]);
    });

    it(`upwards only, it shrinks to MAX and 1 (seed ${seed})`, async () => {
      const [f] = (await fuzzFile(testdata('overflow_nonneg.lm'), { seed, runs: RUNS })).failures;
      const { a, b } = summarise(f!).inputs;
      expect([[MAX, '1'], ['1', MAX]]).toContainEqual([a, b]);
    });

    it(`\`xs[len(xs)]\` shrinks to [] (seed ${seed})`, async () => {
      const [f] = (await fuzzFile(testdata('last_element.lm'), { seed, runs: RUNS })).failures;
      expect(summarise(f!).inputs).toEqual({ xs: '[]' });
    });

    it(`an effect-dependent bug shrinks to the smallest input and the failing answer (seed ${seed})`, async () => {
      const [f] = (await fuzzFile(testdata('effect_bug.lm'), { seed, runs: RUNS })).failures;
      expect(summarise(f!).inputs).toEqual({ k: '1', 'perform#1': '0' });
    });

    it(`a division by zero at one value is found at that value (seed ${seed})`, async () => {
      const [f] = (await fuzzFile(testdata('div_one_value.lm'), { seed, runs: RUNS })).failures;
      expect(summarise(f!).inputs).toEqual({ x: '37' });
    });

    it(`nested data shrinks element-wise (seed ${seed})`, async () => {
      const [f] = (await fuzzFile(testdata('accounts.lm'), { seed, runs: RUNS, cells: ['total'] })).failures;
      const { accounts } = summarise(f!).inputs;
      expect([
        `[Account(owner: "", balance: ${MAX}), Account(owner: "", balance: 1)]`,
        `[Account(owner: "", balance: 1), Account(owner: "", balance: ${MAX})]`,
      ]).toContain(accounts);
    });
  }

  it('an extern result is part of the counterexample', async () => {
    const [f] = (await fuzzFile(testdata('extern_bug.lm'), { seed: 1, runs: RUNS })).failures;
    expect(f!.counterexample.calls.map((c) => [c.cell, c.value])).toEqual([['reading', '100']]);
  });
});

describe('reproducibility', () => {
  for (const file of ['shapes.lm', 'accounts.lm', 'effect_bug.lm', 'hard_requires.lm']) {
    it(`the same seed replays the same campaign: ${file}`, async () => {
      const run = async () => {
        const r = await fuzzFile(testdata(file), { seed: 12345, runs: RUNS, solver });
        return { failures: r.failures.map((f) => ({ ...summarise(f), shrinks: f.shrinks })), cells: r.cells, runs: r.runs };
      };
      const first = await run();
      expect(first.failures.length).toBeGreaterThan(0);
      expect(await run()).toEqual(first);
    });
  }

  it('progress is reported after every generated run', async () => {
    const seen: number[] = [];
    const report = await fuzzFile(testdata('correct.lm'), { seed: 1, runs: 20, onProgress: (p) => seen.push(p.runs) });
    expect(seen.length).toBe(report.runs);
    expect(seen).toEqual([...seen].sort((x, y) => x - y));
    expect(seen[seen.length - 1]).toBe(report.runs);
  });
});

describe('counterexamples', () => {
  // extern_bug.lm is left out: counterexamples/replay.ts answers no extern calls (see README.md).
  it('replay on the VM like those of `lumen verify`', async () => {
    for (const file of ['overflow_add.lm', 'effect_bug.lm', 'accounts.lm', 'shapes.lm', 'last_element.lm', 'div_one_value.lm']) {
      const ir = irOf(testdata(file));
      const report = await fuzzProgram(ir, { seed: 7, runs: RUNS });
      const prog = compileProgram(ir, { proved: new Set() });
      for (const f of report.failures) {
        const outcome = replay(prog, f.check.cell, f.check.id, f.counterexample);
        expect(outcome.kind, `${file}: ${f.check.kind}`).toBe('confirmed');
      }
    }
  });

  it('are rendered like refuted checks, with a campaign summary', async () => {
    const c = compile(testdata('effect_bug.lm'));
    const report = await fuzzProgram(c.ir!, { seed: 3, runs: RUNS });
    const text = renderFuzzText(report, c.files, { color: false, plain: true });
    expect(text).toContain('error[div-by-zero]: refuted: division by zero');
    expect(text).toContain('counterexample (confirmed by running it): k = 1, perform#1 = 0');
    expect(text).toContain('fuzz: 1 cell, 100 runs, 1 distinct failure in');
    expect(text).toContain('replay this campaign with --seed 3');
  });
});

describe('soundness mode', () => {
  it('a failure of a check said to be proved is a soundness bug, printed with the program', async () => {
    const file = testdata('overflow_add.lm');
    const c = compile(file);
    const proved = new Set(c.ir!.checks.map((k) => k.id));
    const report = await fuzzProgram(c.ir!, { seed: 1, runs: RUNS, proved });
    expect(report.soundnessBugs.map((b) => b.check.kind)).toEqual(['overflow']);
    const text = renderSoundnessBug(report.soundnessBugs[0]!, c.files, file);
    expect(text).toContain('verifier soundness bug: check #0 (overflow) was proved, but it fails at run time');
    expect(text).toContain('input:   a = ');
    expect(text).toContain('   3 |   a + b');
  });

  it('failures of unproved checks are not soundness bugs', async () => {
    const report = await fuzzFile(testdata('overflow_add.lm'), { seed: 1, runs: RUNS, proved: new Set() });
    expect(report.failures.length).toBe(1);
    expect(report.soundnessBugs).toEqual([]);
  });
});

describe('budgets', () => {
  it('a time limit stops the campaign and says so', async () => {
    const none = await fuzzFile(testdata('correct.lm'), { seed: 1, runs: 100, timeLimitMs: 0 });
    expect(none.interrupted).toBe(true);
    expect(none.runs).toBe(0);
    const started = Date.now();
    const cut = await fuzzFile(testdata('correct.lm'), { seed: 1, runs: 10_000_000, timeLimitMs: 300 });
    expect(cut.interrupted).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a cell whose inputs cannot be generated is skipped, with the reason', async () => {
    const c = compile(testdata('map_param.lm'));
    const report = await fuzzProgram(c.ir!, { seed: 1, runs: 10 });
    expect(report.cells).toMatchObject([{ cell: 'size', runs: 0, skipped: 'cannot generate values of type `map[…]`' }]);
    expect(renderFuzzText(report, c.files, { color: false, plain: true })).toContain('size  not fuzzed: cannot generate values of type `map[…]`');
  });

  it('a cell without inputs runs once', async () => {
    const report = await fuzzFile(testdata('no_inputs.lm'), { seed: 1, runs: 50 });
    expect(report.cells[0]!.runs).toBe(1);
    expect(report.failures.map((f) => f.check.kind)).toEqual(['index']);
    expect(summarise(report.failures[0]!).inputs).toEqual({});
  });
});
