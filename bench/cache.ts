// Verification at CI speed: the corpus verified cold (empty cache) and warm
// (every query cached), with 1 and N parallel solvers. Targets: warm ≤ 0.1×
// cold; time outside the solver ≤ 10% of cold.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { closeSolver, compile, verifyCompiled } from '../cli/pipeline.js';
import { lumenFiles } from '../proofs-tests/harness.js';
import { table } from './table.js';

async function verifyAll(files: readonly string[], jobs: number, cacheDir: string | null): Promise<{ wall: number; solver: number }> {
  const t0 = performance.now();
  let solver = 0;
  for (const f of files) {
    const c = compile(f);
    if (!c.ir) continue;
    const r = await verifyCompiled(c.ir, { solver: 'wasm', jobs, cacheDir, timeoutMs: 4000 });
    solver += r.solverTimeMs;
  }
  const wall = performance.now() - t0;
  await closeSolver();
  return { wall, solver };
}

export async function benchCache(repoRoot: string): Promise<void> {
  const files = [...lumenFiles(path.join(repoRoot, 'proofs-tests/corpus')), ...lumenFiles(path.resolve(repoRoot, '../shared/examples'))];
  const jobsN = Math.max(2, os.availableParallelism());
  const rows: (string | number)[][] = [];
  let cold1 = 0;
  for (const jobs of [1, jobsN]) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-bench-cache-'));
    const cold = await verifyAll(files, jobs, dir);
    const warm = await verifyAll(files, jobs, dir);
    if (jobs === 1) cold1 = cold.wall;
    rows.push([
      `${jobs} job${jobs > 1 ? 's' : ''}`,
      (cold.wall / 1000).toFixed(2),
      (warm.wall / 1000).toFixed(2),
      (warm.wall / cold.wall).toFixed(3),
      `${(((cold.wall - cold.solver) / cold.wall) * 100).toFixed(1)}%`,
      (cold1 / cold.wall).toFixed(2),
    ]);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log('\n## Verification cache and parallel solving (corpus + examples)\n');
  console.log(table(['run', 'cold s', 'warm s', 'warm/cold (≤ 0.10)', 'outside solver, cold', 'speed-up vs 1 job'], rows));
}
