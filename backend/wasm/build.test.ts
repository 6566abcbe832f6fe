// `lumen build` (cli/build.ts): the artifact and its ledger for both targets,
// refusal of a program with a refuted check, and a construct the WebAssembly
// backend does not support. The `.wasm` artifact runs on its own: the host
// reads the type table from the module's `lumen.meta` section.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { cmdBuild, runWasm, type Ledger } from '../../cli/build.js';
import { closeSolver } from '../../cli/pipeline.js';
import { loadWasm, runWasmModule } from './index.js';
import { lowerSource } from './testkit.js';

const EXAMPLES = new URL('../../../shared/examples/', import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'lumen-build-test-'));

afterAll(async () => {
  await closeSolver();
  rmSync(dir, { recursive: true, force: true });
});

async function build(file: string, target: 'vm' | 'wasm', output: string): Promise<{ exit: number; stderr: string }> {
  let stderr = '';
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    stderr += String(s);
    return true;
  });
  try {
    const exit = await cmdBuild(file, { target, output, timeout: '4000', solver: 'wasm', jobs: '1', cacheDir: '', cache: false });
    return { exit, stderr };
  } finally {
    spy.mockRestore();
  }
}

describe('lumen build', () => {
  it('--target wasm: a module that runs on its own, and a ledger of every check', async () => {
    const out = join(dir, 'gcd.wasm');
    const { exit } = await build(new URL('gcd.lm', EXAMPLES).pathname, 'wasm', out);
    expect(exit).toBe(0);
    const bytes = readFileSync(out);
    const printed: string[] = [];
    expect(runWasmModule(loadWasm(new Uint8Array(bytes)), { stdout: (l) => printed.push(l) })).toEqual({ kind: 'ok', value: null });
    expect(printed).toEqual(['21']);
    const ledger = JSON.parse(readFileSync(`${out}.ledger.json`, 'utf8')) as Ledger;
    expect(ledger.format).toBe('lumen-ledger/1');
    expect(ledger.target).toBe('wasm');
    expect(ledger.checks.length).toBeGreaterThan(0);
    expect(ledger.summary.checks).toBe(ledger.checks.length);
    for (const c of ledger.checks) {
      expect(c).toMatchObject({ id: expect.any(Number), kind: expect.any(String), line: expect.any(Number), column: expect.any(Number) });
      // Every check of the verified file was decided by a query: its hash is the query's.
      expect(c.queryHashSource).toBe('smt-query');
      expect(c.queryHash).toMatch(/^[0-9a-f]{64}$/);
      expect(c.elided).toBe(c.verdict === 'proved');
      expect(c.file).toMatch(/gcd\.lm$/);
    }
    expect(ledger.checks.map((c) => c.id)).toEqual(ledger.checks.map((_, i) => i));
    // Distinct checks are distinct queries.
    expect(new Set(ledger.checks.map((c) => c.queryHash)).size).toBe(ledger.checks.length);
  });

  it('--target vm: the bytecode as JSON, and its ledger', async () => {
    const out = join(dir, 'sum_to.json');
    const { exit } = await build(new URL('sum_to.lm', EXAMPLES).pathname, 'vm', out);
    expect(exit).toBe(0);
    const prog = JSON.parse(readFileSync(out, 'utf8')) as { format: string; chunks: { name: string; code: number[] }[]; proved: number[] };
    expect(prog.format).toBe('lumen-bytecode/1');
    expect(prog.chunks.map((c) => c.name)).toContain('sum_to');
    const ledger = JSON.parse(readFileSync(`${out}.ledger.json`, 'utf8')) as Ledger;
    expect(ledger.target).toBe('vm');
    expect(prog.proved).toEqual(ledger.checks.filter((c) => c.elided).map((c) => c.id));
  });

  it('refuses a program with a refuted check, naming it', async () => {
    const out = join(dir, 'abs.wasm');
    const { exit, stderr } = await build(new URL('abs.lm', EXAMPLES).pathname, 'wasm', out);
    expect(exit).toBe(1);
    expect(stderr).toMatch(/refusing to build: 1 check\(s\) refuted: overflow \(check #0\) at .*abs\.lm:6:5/);
    expect(() => readFileSync(out)).toThrow();
  });

  it('reports a construct the WebAssembly backend does not support, and builds it for the VM', async () => {
    const src = join(dir, 'union.lm');
    writeFileSync(src, 'cell pick(b: Bool) -> Int | String\n  if b\n    1\n  else\n    "one"\n  end\nend\n\ncell main() -> Null\n  print(pick(true))\nend\n');
    const w = await build(src, 'wasm', join(dir, 'union.wasm'));
    expect(w.exit).toBe(1);
    expect(w.stderr).toMatch(/union\.lm:\d+:\d+: error\[wasm-unsupported\]: the WebAssembly backend does not support the union type `Int \| String`/);
    expect((await build(src, 'vm', join(dir, 'union.json'))).exit).toBe(0);
  });

  it('runWasm (for `lumen run --target wasm`) reports failures like the VM', async () => {
    const ir = lowerSource('cell main() -> Null\n  let xs = [1]\n  print(xs[0])\n  print(xs[1])\nend\n');
    const printed: string[] = [];
    const r = await runWasm(ir, new Set(), { stdout: (l) => printed.push(l) });
    expect(printed).toEqual(['1']);
    expect(r).toMatchObject({ kind: 'check-failed', check: 1, checkKind: 'index' });
  });
});
