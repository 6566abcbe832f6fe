// The soundness campaign: every program of the corpus (proofs-tests/corpus/**
// and ../shared/examples/*.lm) is verified, then fuzzed with every runtime
// check on; a failing check that the verifier proved would be a verifier bug.
// The budget is small and fixed (30 runs per cell, one seed) so the whole
// campaign stays well under 90 seconds.

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

const solver = createSolver('wasm');
afterAll(async () => {
  await solver.close();
});

const programs = [...lumenFiles(corpusDir, true), ...lumenFiles(examplesDir, false)];

describe('soundness campaign over the corpus', () => {
  it('has programs to fuzz', () => {
    expect(programs.length).toBeGreaterThan(50);
  });

  for (const file of programs) {
    const name = path.relative(path.dirname(corpusDir.replace(/\/$/, '')), file);
    it(name, async () => {
      const c = compile(file);
      // Programs rejected before verification (expected errors) have nothing to run.
      if (!c.ir) return;
      const report = await verifyProgram(c.ir, { solver, timeoutMs: 4000 });
      const proved = new Set(report.results.filter((r) => r.verdict.kind === 'proved').map((r) => r.check.id));
      const fuzz = await fuzzProgram(c.ir, { seed: SEED, runs: RUNS_PER_CELL, proved, solver, solverTimeoutMs: 2000 });
      expect(fuzz.soundnessBugs.map((b) => renderSoundnessBug(b, c.files, file))).toEqual([]);
      // Every failure the fuzzer finds is one the verifier did not prove.
      for (const f of fuzz.failures) expect(proved.has(f.check.id)).toBe(false);
    });
  }
});
