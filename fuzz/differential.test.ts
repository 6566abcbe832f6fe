// Differential mode: the VM against another backend. Against the WebAssembly
// backend the planted-bug programs agree; against a deliberately wrong
// backend the disagreement is found and shrunk to its boundary.

import { describe, expect, it } from 'vitest';
import { compileProgram } from '../backend/index.js';
import type { IrProgram } from '../frontend/ir.js';
import { runCell } from '../vm/index.js';
import type { BackendFactory } from './index.js';
import { renderMismatch } from './render.js';
import { fuzzFile, summarise, testdata } from './testkit.js';

/** The VM itself, except that it answers 0 whenever the first argument is at least 1000. */
const offByThousand: BackendFactory = (ir: IrProgram) => {
  const prog = compileProgram(ir, { proved: new Set() });
  return {
    name: 'faulty',
    run(cell, args, host) {
      const first = args[0];
      if ((typeof first === 'number' || typeof first === 'bigint') && first >= 1000) return { kind: 'ok', value: 0 };
      const r = runCell(prog, cell, args, { stdout: () => undefined, effects: host.effects, externs: host.externs });
      switch (r.kind) {
        case 'ok':
          return { kind: 'ok', value: r.value };
        case 'check-failed':
          return { kind: 'check-failed', check: r.check };
        case 'halt':
          return { kind: 'halt', check: r.check, message: r.message };
        case 'effect-unhandled':
          return { kind: 'effect-unhandled', effect: r.effect, op: r.op };
        default:
          return { kind: 'error', message: r.kind };
      }
    },
  };
};

describe('differential mode', () => {
  it('finds a disagreement and shrinks it to the boundary', async () => {
    const report = await fuzzFile(testdata('div_one_value.lm'), { seed: 1, runs: 100, against: offByThousand });
    expect(report.against).toEqual({ backend: 'faulty', unavailable: null });
    expect(report.mismatches).toHaveLength(1);
    const [m] = report.mismatches;
    expect(m!.counterexample.inputs.map((i) => [i.name, i.value])).toEqual([['x', '1000']]);
    expect(m!.vm).toBe('returns 1');
    expect(m!.other).toBe('returns 0');
    expect(renderMismatch(m!)).toContain('error[differential]: the VM and the faulty backend disagree on `ratio`');
    // The planted division by zero is still reported, once.
    expect(report.failures.map((f) => summarise(f))).toEqual([{ kind: 'div-by-zero', cell: 'ratio', inputs: { x: '37' } }]);
  });

  it('says when the other backend cannot run the program', async () => {
    const report = await fuzzFile(testdata('last_element.lm'), { seed: 1, runs: 20, against: () => ({ unavailable: 'not today' }) });
    expect(report.against).toEqual({ backend: 'other', unavailable: 'not today' });
    expect(report.mismatches).toEqual([]);
    expect(report.failures).toHaveLength(1);
  });

  for (const file of ['overflow_add.lm', 'last_element.lm', 'effect_bug.lm', 'div_one_value.lm', 'accounts.lm']) {
    it(`the VM and the WebAssembly backend agree on ${file}`, async () => {
      const report = await fuzzFile(testdata(file), { seed: 3, runs: 60, against: 'wasm' });
      expect(report.against).toEqual({ backend: 'wasm', unavailable: null });
      expect(report.mismatches.map(renderMismatch)).toEqual([]);
      expect(report.failures.length).toBeGreaterThan(0);
    });
  }
});
