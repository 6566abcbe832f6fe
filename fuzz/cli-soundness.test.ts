// `lumen fuzz --soundness` when the verifier is wrong: verification is
// replaced by one that "proves" every check, so the planted bug becomes a
// failing proved check, which must be reported as a verifier bug (exit 3)
// with the program, the input and the check.

import { Command } from 'commander';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { IrProgram } from '../frontend/ir.js';
import type { VerifyReport } from '../verifier/verify.js';
import { registerFuzz } from '../cli/fuzz.js';
import { closeSolver } from '../cli/pipeline.js';
import { testdata } from './testkit.js';

vi.mock('../cli/pipeline.js', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../cli/pipeline.js')>();
  const everythingProved = async (ir: IrProgram): Promise<VerifyReport> => ({
    results: ir.checks.map((check) => ({ check, verdict: { kind: 'proved' }, timeMs: 0, queryHash: '' })),
    inferred: [],
    solverTimeMs: 0,
    queries: 0,
  });
  return { ...actual, verifyCompiled: everythingProved };
});

afterAll(async () => {
  await closeSolver();
});

describe('lumen fuzz --soundness', () => {
  it('reports a failing proved check as a verifier bug, with exit code 3', async () => {
    const err: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (err.push(String(s)), true));
    const program = new Command().name('lumen').exitOverride();
    let exit: Promise<number> = Promise.resolve(0);
    registerFuzz(program, (p) => {
      exit = p;
    });
    await program.parseAsync(['fuzz', testdata('overflow_add.lm'), '--soundness', '--seed', '1', '--runs', '50'], { from: 'user' });
    const code = await exit;
    vi.restoreAllMocks();
    expect(code).toBe(3);
    const text = err.join('');
    expect(text).toContain('error: verifier soundness bug: check #0 (overflow) was proved, but it fails at run time');
    expect(text).toMatch(/input: {3}a = -?\d+, b = -?\d+/);
    expect(text).toContain('   3 |   a + b');
  });
});
