// Verification of the whole proofs-tests corpus plus the shared examples:
// wall time, the share spent in the solver, checks per second.

import * as path from 'node:path';
import { compile } from '../cli/pipeline.js';
import { lumenFiles } from '../proofs-tests/harness.js';
import { createSolver } from '../verifier/solver/index.js';
import { verifyProgram } from '../verifier/verify.js';
import { table } from './table.js';

export async function benchVerify(repoRoot: string): Promise<void> {
  const files = [...lumenFiles(path.join(repoRoot, 'proofs-tests/corpus')), ...lumenFiles(path.resolve(repoRoot, '../shared/examples'))];
  const solver = createSolver('wasm');
  await solver.version(); // start-up is measured separately
  let checks = 0;
  let solverMs = 0;
  let queries = 0;
  let frontMs = 0;
  const t0 = performance.now();
  for (const f of files) {
    const f0 = performance.now();
    const c = compile(f);
    frontMs += performance.now() - f0;
    if (!c.ir) continue;
    const r = await verifyProgram(c.ir, { solver, timeoutMs: 4000 });
    checks += r.results.length;
    solverMs += r.solverTimeMs;
    queries += r.queries;
  }
  const wall = performance.now() - t0;
  await solver.close();
  const outside = wall - solverMs;
  console.log('\n## Verification of the corpus\n');
  console.log(
    table(
      ['programs', 'checks', 'queries', 'wall s', 'solver s', 'outside solver', 'frontend s', 'checks/s', 'target outside'],
      [
        [
          files.length,
          checks,
          queries,
          (wall / 1000).toFixed(2),
          (solverMs / 1000).toFixed(2),
          `${((outside / wall) * 100).toFixed(1)}%`,
          (frontMs / 1000).toFixed(2),
          (checks / (wall / 1000)).toFixed(1),
          '≤ 10%',
        ],
      ],
    ),
  );
}
