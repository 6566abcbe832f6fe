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
      const scripts: [string, string][] = [];
      await verifyProgram(c.ir, { solver: wasm, timeoutMs: 2000, emitSmt: (name, script) => scripts.push([name, script]) });
      for (const [name, script] of scripts) {
        const [a, b] = [await wasm.runScript(script, 2000), await native.runScript(script, 2000)];
        if (a.status === 'unknown' || b.status === 'unknown') continue;
        compared++;
        if (a.status !== b.status) disagreements.push(`${path.basename(file)} ${name}: wasm ${a.status}, native ${b.status}`);
      }
    }
    expect(disagreements).toEqual([]);
    expect(compared).toBeGreaterThan(100);
  });
});
