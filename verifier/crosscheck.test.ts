// Where native `z3` is installed, it must give the same answer as the WASM
// build on every query the corpus emits (both are fed the same standalone
// `.smt2` scripts that `--emit-smt` writes). Answers other than sat/unsat
// (timeouts, unknown) are not compared: the two versions differ in strength,
// never — this test checks — in direction.

import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compile } from '../cli/pipeline.js';
import { lumenFiles } from '../proofs-tests/harness.js';
import { createSolver, nativeAvailable } from './solver/index.js';
import { verifyProgram } from './verify.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const corpus = [...lumenFiles(path.resolve(here, '../proofs-tests/corpus')), ...lumenFiles(path.resolve(here, '../../shared/examples'))];

describe.runIf(nativeAvailable('z3'))('native z3 agrees with the WASM build', () => {
  const wasm = createSolver('wasm');
  const native = createSolver('z3');
  afterAll(async () => {
    await wasm.close();
    await native.close();
  });

  it('on every query of the corpus', async () => {
    let compared = 0;
    const disagreements: string[] = [];
    for (const file of corpus) {
      const c = compile(file);
      if (!c.ir) continue;
      // The standalone scripts are `prelude (push 1) query (check-sat) (pop 1)`:
      // grouped by prelude, each solver loads a prelude once.
      const byPrelude = new Map<string, { name: string; body: string }[]>();
      await verifyProgram(c.ir, {
        solver: wasm,
        timeoutMs: 2000,
        emitSmt: (name, script) => {
          const cut = script.lastIndexOf('\n(push 1)\n');
          const prelude = script.slice(0, cut);
          const body = script.slice(cut + '\n(push 1)\n'.length).replace(/\n\(check-sat\)\n\(pop 1\)\n$/, '');
          byPrelude.set(prelude, [...(byPrelude.get(prelude) ?? []), { name, body }]);
        },
      });
      for (const [prelude, items] of byPrelude) {
        const queries = items.map((q) => ({ id: q.name, body: q.body, getValues: [] }));
        const a = await wasm.run(prelude, queries, { timeoutMs: 2000 });
        const b = await native.run(prelude, queries, { timeoutMs: 2000 });
        a.forEach((x, i) => {
          const y = b[i]!;
          if (x.status === 'unknown' || y.status === 'unknown') return;
          compared++;
          if (x.status !== y.status) disagreements.push(`${path.basename(file)} ${x.id}: wasm ${x.status}, native ${y.status}`);
        });
      }
    }
    expect(disagreements).toEqual([]);
    expect(compared).toBeGreaterThan(100);
  });
});
