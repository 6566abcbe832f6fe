// Elision: a check the verifier proved has no trap in the generated module
// (no `check_failed(id)` call site), the others keep theirs, and the elided
// and non-elided modules print the same as the VM. Verdicts come from the
// real verifier (Z3 in WebAssembly), as `lumen build` gets them.

import { readFileSync } from 'node:fs';
import binaryen from 'binaryen';
import { afterAll, describe, expect, it } from 'vitest';
import { closeSolver, verifyCompiled } from '../../cli/pipeline.js';
import type { IrProgram } from '../../frontend/ir.js';
import { compileWasm, type WasmModule } from './index.js';
import { lowerSource, runOnVm, runOnWasm } from './testkit.js';

const EXAMPLES = new URL('../../../shared/examples/', import.meta.url);
const BENCH = new URL('../../bench/programs/', import.meta.url);
const NONE: ReadonlySet<number> = new Set();

/** Check ids with a `check_failed(id)` call in the module, read back from the binary. */
export function trapSites(module: WasmModule): Map<number, number> {
  const m = binaryen.readBinary(module.binary);
  try {
    const text = m.emitText();
    const imp = /\(import "lumen" "check_failed" \(func \$(\S+)/.exec(text);
    const sites = new Map<number, number>();
    if (!imp) return sites;
    const call = new RegExp(`\\(call \\$${imp[1]!.replace(/\$/g, '\\$')}\\s+\\(i32\\.const (\\d+)\\)`, 'g');
    for (const match of text.matchAll(call)) {
      const id = Number(match[1]);
      sites.set(id, (sites.get(id) ?? 0) + 1);
    }
    return sites;
  } finally {
    m.dispose();
  }
}

function build(ir: IrProgram, proved: ReadonlySet<number>): WasmModule {
  const r = compileWasm(ir, { proved });
  if (!r.ok) throw new Error(r.error.message);
  return r.module;
}

afterAll(async () => {
  await closeSolver();
});

describe('proved checks are elided from the WebAssembly module', () => {
  const programs: { name: string; url: URL }[] = [
    { name: 'sum_to.lm', url: new URL('sum_to.lm', EXAMPLES) },
    { name: 'gcd.lm', url: new URL('gcd.lm', EXAMPLES) },
    { name: 'wasm_fib.lm', url: new URL('wasm_fib.lm', BENCH) },
  ];
  for (const p of programs) {
    it(`${p.name}: no trap for a proved check, the same output with and without elision`, async () => {
      const ir = lowerSource(readFileSync(p.url, 'utf8'), p.name);
      const report = await verifyCompiled(ir, { solver: 'wasm', timeoutMs: 4000, jobs: 1, cacheDir: null });
      const proved = new Set(report.results.filter((r) => r.verdict.kind === 'proved').map((r) => r.check.id));
      expect(proved.size).toBeGreaterThan(0);
      const full = build(ir, NONE);
      const elided = build(ir, proved);
      const before = trapSites(full);
      const after = trapSites(elided);
      // Not vacuous: the non-elided module traps for some of the proved checks.
      expect([...proved].some((id) => before.has(id))).toBe(true);
      for (const id of proved) expect(after.has(id), `check #${id} was proved but still traps`).toBe(false);
      for (const id of before.keys()) if (!proved.has(id)) expect(after.has(id), `check #${id} is not proved but lost its trap`).toBe(true);
      expect(elided.meta.proved).toEqual([...proved].sort((a, b) => a - b));
      const vm = runOnVm(ir, NONE);
      expect(runOnWasm(full, NONE)).toEqual(vm);
      expect(runOnWasm(elided, proved)).toEqual(vm);
    });
  }

  it('by hand: eliding every check of a correct program removes every trap and keeps the output', () => {
    const ir = lowerSource(`
cell tri(n: Int where n >= 0 and n <= 1000) -> Int
  let mut s = 0
  for i in 0..n + 1
    s += i
  end
  s
end

cell main() -> Null
  let xs = [tri(10), tri(100)]
  print(xs[0] + xs[-1])
end
`);
    const all = new Set(ir.checks.map((c) => c.id));
    const full = build(ir, NONE);
    const elided = build(ir, all);
    expect(trapSites(full).size).toBeGreaterThan(0);
    expect(trapSites(elided).size).toBe(0);
    expect(runOnWasm(elided, all)).toEqual(runOnVm(ir, NONE));
    expect(runOnWasm(elided, all).out).toEqual(['5105']);
    expect(elided.binary.length).toBeLessThan(full.binary.length);
  });
});
