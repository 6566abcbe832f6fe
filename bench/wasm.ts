// The WebAssembly backend against the VM and hand-written JavaScript, on five
// workloads (bench/programs/wasm_*.lm): fib(30), a sieve to 1,000,000, a
// 120×120 Int matrix multiply, a merge sort of 100,000 Ints and a
// 200,000-character string built by `++`.
//
// Each program is verified first (verdicts are cached in .lumen-cache, so
// only the first run pays for the solver); "elided" builds leave out the
// proved checks, "full" builds keep every check. Times are the best of
// several interleaved runs of `main`, instantiation included, compilation
// excluded (a variant is repeated only while it has used less than 3 s),
// measured as the process's CPU time (user + system): on a shared
// machine wall-clock times of 10-50 ms vary by 2× between runs, CPU times by
// a few per cent. Targets: WASM (elided) ≤ 1.2× hand-written JS on the numeric
// programs; elision ≥ 1.3× faster on check-heavy code: fib (a precondition,
// a termination measure and three overflow checks per call) and matmul (loop
// invariants with quantifiers over the matrices, O(n^2) per iteration when
// evaluated at run time).
//
// Run alone with `npm run bench -- wasm`.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileProgram } from '../backend/index.js';
import { compileWasm, loadWasm, runWasmModule, type LoadedWasm } from '../backend/wasm/index.js';
import { closeSolver, compile, verifyCompiled } from '../cli/pipeline.js';
import { runMain } from '../vm/index.js';
import type { BytecodeProgram } from '../backend/bytecode.js';

const here = path.dirname(fileURLToPath(import.meta.url));
/** CPU time after which a variant is not run again. */
const BUDGET_MS = 3000;

interface Workload {
  readonly name: string;
  readonly file: string;
  /** Numeric programs are held to the ≤ 1.2× JS target. */
  readonly numeric: boolean;
  /** The same algorithm in plain JavaScript; returns the printed lines. */
  readonly js: () => string[];
}

function jsFib(): string[] {
  const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
  return [String(fib(30))];
}

function jsSieve(): string[] {
  const n = 1_000_000;
  const flags: boolean[] = [];
  for (let i = 0; i < n + 1; i++) flags.push(true);
  for (let i = 2; i * i <= n; i++) {
    if (flags[i]) for (let j = i * i; j <= n; j += i) flags[j] = false;
  }
  let count = 0;
  for (let k = 2; k < n + 1; k++) if (flags[k]) count++;
  return [String(count)];
}

function jsMatmul(): string[] {
  const n = 120;
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < n * n; i++) {
    a.push((i % 7) + 1);
    b.push((i % 5) + 2);
  }
  const c: number[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += a[i * n + k]! * b[k * n + j]!;
      c.push(s);
    }
  }
  let sum = 0;
  for (let i = 0; i < n * n; i++) sum += c[i]! * ((i % 3) + 1);
  return [String(sum)];
}

function jsSort(): string[] {
  const xs: number[] = [];
  let x = 12345;
  for (let i = 0; i < 100_000; i++) {
    // (x * 1103515245 + 12345) mod 2^31, exactly, with 32-bit multiplication.
    x = (Math.imul(x, 1_103_515_245) + 12_345) & 0x7fffffff;
    xs.push(x % 1_000_000);
  }
  const n = xs.length;
  let a = xs.slice();
  let b = xs.slice();
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; ) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      for (let k = lo; k < hi; k++) {
        if (i < mid && (j >= hi || a[i]! <= a[j]!)) b[k] = a[i++]!;
        else b[k] = a[j++]!;
      }
      lo = hi;
    }
    const t = a;
    a = b;
    b = t;
  }
  let ok = true;
  for (let i = 1; i < n; i++) if (a[i - 1]! > a[i]!) ok = false;
  return [String(ok), String(a[0]! + a[n >> 1]! + a[n - 1]!)];
}

function jsString(): string[] {
  let s = '';
  for (let i = 0; i < 200_000; i++) s += String(i % 10);
  return [String(s.length), s[199_999]!];
}

const WORKLOADS: readonly Workload[] = [
  { name: 'fib(30)', file: 'wasm_fib.lm', numeric: true, js: jsFib },
  { name: 'sieve 10^6', file: 'wasm_sieve.lm', numeric: true, js: jsSieve },
  { name: 'matmul 120', file: 'wasm_matmul.lm', numeric: true, js: jsMatmul },
  { name: 'sort 10^5', file: 'wasm_sort.lm', numeric: true, js: jsSort },
  { name: 'string 2·10^5', file: 'wasm_string.lm', numeric: false, js: jsString },
];

function programsDir(): string {
  // Compiled to dist/bench/wasm.js: the programs stay in the source tree.
  for (const dir of [path.join(here, 'programs'), path.resolve(here, '../../bench/programs')]) {
    if (fs.existsSync(path.join(dir, 'wasm_fib.lm'))) return dir;
  }
  throw new Error('bench/programs/wasm_*.lm not found');
}

/** Milliseconds of CPU time used by this process so far. */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function best(times: number[]): number {
  return Math.min(...times);
}

function table(headers: string[], rows: (string | number)[][]): string {
  const cells = [headers, ...rows.map((r) => r.map(String))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n');
}

export interface WasmBenchRow {
  readonly name: string;
  readonly checks: number;
  readonly proved: number;
  readonly js: number;
  readonly wasmElided: number;
  readonly wasmFull: number;
  readonly vmElided: number;
  readonly vmFull: number;
  readonly compileMs: number;
}

export async function benchWasm(opts: { runs?: number; vmRuns?: number } = {}): Promise<WasmBenchRow[]> {
  const runs = opts.runs ?? 7;
  const vmRuns = opts.vmRuns ?? 3;
  const dir = programsDir();
  const rows: WasmBenchRow[] = [];
  for (const w of WORKLOADS) {
    const file = path.join(dir, w.file);
    const c = compile(file);
    if (!c.ir) throw new Error(`${w.file}: ${c.diagnostics.map((d) => d.message).join('; ')}`);
    const report = await verifyCompiled(c.ir, { solver: 'wasm', timeoutMs: 4000 });
    const proved = new Set(report.results.filter((r) => r.verdict.kind === 'proved').map((r) => r.check.id));
    const none = new Set<number>();
    const t0 = performance.now();
    const wasm = (p: ReadonlySet<number>): LoadedWasm => {
      const r = compileWasm(c.ir!, { proved: p });
      if (!r.ok) throw new Error(`${w.file}: ${r.error.message}`);
      return loadWasm(r.module);
    };
    const wasmElided = wasm(proved);
    const compileMs = performance.now() - t0;
    const wasmFull = wasm(none);
    const vmElided = compileProgram(c.ir, { proved });
    const vmFull = compileProgram(c.ir, { proved: none });

    const expected = w.js();
    const runWasm = (m: LoadedWasm): number => {
      const out: string[] = [];
      const t = cpuMs();
      const r = runWasmModule(m, { stdout: (l) => out.push(l) });
      const ms = cpuMs() - t;
      if (r.kind !== 'ok' || out.join('\n') !== expected.join('\n')) throw new Error(`${w.file} on WASM: ${JSON.stringify(r)} printed ${JSON.stringify(out)}, JS printed ${JSON.stringify(expected)}`);
      return ms;
    };
    const runVm = (p: BytecodeProgram): number => {
      const out: string[] = [];
      const t = cpuMs();
      const r = runMain(p, { stdout: (l) => out.push(l) });
      const ms = cpuMs() - t;
      if (r.kind !== 'ok' || out.join('\n') !== expected.join('\n')) throw new Error(`${w.file} on the VM: ${r.kind} printed ${JSON.stringify(out)}`);
      return ms;
    };
    const runJs = (): number => {
      const t = cpuMs();
      const out = w.js();
      const ms = cpuMs() - t;
      if (out.join('\n') !== expected.join('\n')) throw new Error(`${w.file}: JS is not deterministic`);
      return ms;
    };
    // Interleaved, so that a noisy machine penalises every variant alike. A
    // variant that has already used its time budget is not repeated (the
    // run-time evaluation of quantified invariants takes seconds on the VM).
    const times = { js: [] as number[], we: [] as number[], wf: [] as number[], ve: [] as number[], vf: [] as number[] };
    const again = (xs: number[], limit: number): boolean => xs.length < limit && (xs.length === 0 || xs.reduce((s, v) => s + v, 0) < BUDGET_MS);
    for (let i = 0; i < runs; i++) {
      if (again(times.js, runs)) times.js.push(runJs());
      if (again(times.we, runs)) times.we.push(runWasm(wasmElided));
      if (again(times.wf, runs)) times.wf.push(runWasm(wasmFull));
      if (again(times.ve, vmRuns)) times.ve.push(runVm(vmElided));
      if (again(times.vf, vmRuns)) times.vf.push(runVm(vmFull));
    }
    rows.push({
      name: w.name,
      checks: report.results.length,
      proved: proved.size,
      js: best(times.js),
      wasmElided: best(times.we),
      wasmFull: best(times.wf),
      vmElided: best(times.ve),
      vmFull: best(times.vf),
      compileMs,
    });
  }
  await closeSolver();

  const f = (ms: number): string => (ms < 10 ? ms.toFixed(2) : ms.toFixed(1));
  const x = (r: number): string => `${r.toFixed(2)}×`;
  console.log('\n## WebAssembly backend (CPU ms, best of interleaved runs; ratios to hand-written JS)\n');
  console.log(
    table(
      ['program', 'proved', 'JS', 'WASM elided', '/JS', 'WASM full', '/JS', 'elision speed-up', 'VM elided', 'VM full', 'VM/WASM', 'wasm compile'],
      rows.map((r) => [
        r.name,
        `${r.proved}/${r.checks}`,
        f(r.js),
        f(r.wasmElided),
        x(r.wasmElided / r.js),
        f(r.wasmFull),
        x(r.wasmFull / r.js),
        x(r.wasmFull / r.wasmElided),
        f(r.vmElided),
        f(r.vmFull),
        x(r.vmElided / r.wasmElided),
        `${r.compileMs.toFixed(0)} ms`,
      ]),
    ),
  );
  const numeric = rows.filter((r) => WORKLOADS.find((w) => w.name === r.name)?.numeric);
  const geo = (xs: number[]): number => Math.exp(xs.reduce((s, v) => s + Math.log(v), 0) / xs.length);
  const worst = Math.max(...numeric.map((r) => r.wasmElided / r.js));
  const fib = rows.find((r) => r.name.startsWith('fib'))!;
  const matmul = rows.find((r) => r.name.startsWith('matmul'))!;
  console.log(
    `\ntargets: WASM elided ≤ 1.20× JS on the numeric programs — worst ${x(worst)}, geometric mean ${x(geo(numeric.map((r) => r.wasmElided / r.js)))}` +
      `; elision ≥ 1.30× on check-heavy code — fib ${x(fib.wasmFull / fib.wasmElided)}, matmul ${x(matmul.wasmFull / matmul.wasmElided)}`,
  );
  return rows;
}

// `node dist/bench/wasm.js` runs this section alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  benchWasm().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
