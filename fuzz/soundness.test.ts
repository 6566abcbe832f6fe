// The soundness campaign: every program of the corpus (proofs-tests/corpus/**
// and ../shared/examples/*.lm) is verified, then fuzzed with every runtime
// check on; a failing check that the verifier proved would be a verifier bug.
// The budget is small and fixed (30 runs per cell, one seed) so the whole
// campaign stays under 90 seconds.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../cli/pipeline.js';
import { createSolver } from '../verifier/solver/index.js';
import { verifyProgram } from '../verifier/verify.js';
import { fuzzProgram } from './index.js';
import { renderSoundnessBug } from './render.js';

const corpusDir = fileURLToPath(new URL('../proofs-tests/corpus/', import.meta.url));
const examplesDir = fileURLToPath(new URL('../../shared/examples/', import.meta.url));
const RUNS_PER_CELL = 30;
const SEED = 2024;
/** Per-query verification budget: a timeout only makes a check unknown, which the campaign does not use. */
const VERIFY_TIMEOUT_MS = 2000;
/** VM instructions per run: enough for the corpus loops, short enough for a runaway one. */
const FUEL = 200_000;

function lumenFiles(dir: string, recursive: boolean): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((e) => {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) return recursive ? lumenFiles(p, true) : [];
      return e.name.endsWith('.lm') ? [p] : [];
    });
}

/**
 * Programs whose runs disagree with their proofs today, with the reason. The
 * test asserts they still do, so the list is kept honest when they are fixed.
 */
const KNOWN_DISAGREEMENTS: Record<string, string> = {};

/**
 * Two solvers, so that one program is verified (in a solver worker) while
 * another is fuzzed (on the main thread): the campaign takes about half as long.
 */
const solvers = [createSolver('wasm'), createSolver('wasm')];
const idle = [...solvers];
const waiting: ((s: (typeof solvers)[number]) => void)[] = [];
async function withSolver<T>(f: (s: (typeof solvers)[number]) => Promise<T>): Promise<T> {
  const s = idle.pop() ?? (await new Promise<(typeof solvers)[number]>((resolve) => waiting.push(resolve)));
  try {
    return await f(s);
  } finally {
    const next = waiting.shift();
    if (next) next(s);
    else idle.push(s);
  }
}

afterAll(async () => {
  await Promise.all(solvers.map((s) => s.close()));
});

const programs = [...lumenFiles(corpusDir, true), ...lumenFiles(examplesDir, false)];
/** `corpus/…` or `examples/…`. */
const nameOf = (file: string): string =>
  file.startsWith(corpusDir) ? `corpus/${path.relative(corpusDir, file)}` : `examples/${path.relative(examplesDir, file)}`;

describe.concurrent('soundness campaign over the corpus', () => {
  it('has programs to fuzz', () => {
    expect(programs.length).toBeGreaterThan(50);
    for (const name of Object.keys(KNOWN_DISAGREEMENTS)) expect(programs.map(nameOf)).toContain(name);
  });

  for (const file of programs) {
    const name = nameOf(file);
    const known = KNOWN_DISAGREEMENTS[name];
    it(known ? `${name} (known disagreement: ${known})` : name, async ({ expect }) => {
      const c = compile(file);
      // Programs rejected before verification (expected errors) have nothing to run.
      if (!c.ir) return;
      const ir = c.ir;
      const bugs = await withSolver(async (solver) => {
        const report = await verifyProgram(ir, { solver, timeoutMs: VERIFY_TIMEOUT_MS });
        const proved = new Set(report.results.filter((r) => r.verdict.kind === 'proved').map((r) => r.check.id));
        const fuzz = await fuzzProgram(ir, { seed: SEED, runs: RUNS_PER_CELL, fuel: FUEL, proved, solver, solverTimeoutMs: 2000 });
        // Every failure the fuzzer finds is one the verifier did not prove, or a reported bug.
        for (const f of fuzz.failures) expect(proved.has(f.check.id)).toBe(f.soundness);
        return fuzz.soundnessBugs.map((b) => renderSoundnessBug(b, c.files, file));
      });
      if (known) expect(bugs.length, 'the disagreement is gone: remove it from KNOWN_DISAGREEMENTS').toBeGreaterThan(0);
      else expect(bugs).toEqual([]);
    });
  }
});
