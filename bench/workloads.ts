// The five programs shared by the `vm` and `wasm` benchmark sections
// (bench/programs/wasm_*.lm), their hand-written JavaScript versions, and the
// timing helpers both sections use.
//
// The JavaScript versions are self-contained function declarations: they use
// only their own locals and ECMAScript built-ins (`Math`, `String`), never a
// binding of this module. That lets bench/vm.ts run the very same functions
// inside QuickJS by sending their source (`Function.prototype.toString`), so
// there is one copy of each algorithm.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface Workload {
  readonly name: string;
  /** The Lumen program, in bench/programs/. */
  readonly file: string;
  /** The same program in Lua (for fengari), in bench/programs/. */
  readonly lua: string;
  /** Numeric programs are held to the WASM ≤ 1.2× JS target. */
  readonly numeric: boolean;
  /** The same algorithm in plain JavaScript; returns the printed lines. Self-contained (see the header). */
  readonly js: () => string[];
}

export function jsFib(): string[] {
  const fib = (n: number): number => (n < 2 ? n : fib(n - 1) + fib(n - 2));
  return [String(fib(30))];
}

export function jsSieve(): string[] {
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

export function jsMatmul(): string[] {
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

export function jsSort(): string[] {
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

export function jsString(): string[] {
  let s = '';
  for (let i = 0; i < 200_000; i++) s += String(i % 10);
  return [String(s.length), s[199_999]!];
}

export const WORKLOADS: readonly Workload[] = [
  { name: 'fib(30)', file: 'wasm_fib.lm', lua: 'fib.lua', numeric: true, js: jsFib },
  { name: 'sieve 10^6', file: 'wasm_sieve.lm', lua: 'sieve.lua', numeric: true, js: jsSieve },
  { name: 'matmul 120', file: 'wasm_matmul.lm', lua: 'matmul.lua', numeric: true, js: jsMatmul },
  { name: 'sort 10^5', file: 'wasm_sort.lm', lua: 'sort.lua', numeric: true, js: jsSort },
  { name: 'string 2·10^5', file: 'wasm_string.lm', lua: 'string.lua', numeric: false, js: jsString },
];

/** bench/programs/ in the source tree (the benchmarks run compiled, from dist/bench/). */
export function programsDir(): string {
  for (const dir of [path.join(here, 'programs'), path.resolve(here, '../../bench/programs')]) {
    if (fs.existsSync(path.join(dir, 'wasm_fib.lm'))) return dir;
  }
  throw new Error('bench/programs/wasm_*.lm not found');
}

/**
 * Milliseconds of CPU time used by this process so far (user + system): on a
 * shared machine wall-clock times of 10-50 ms vary by 2× between runs, CPU
 * times by a few per cent.
 */
export function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

export function best(times: readonly number[]): number {
  return Math.min(...times);
}

export function geometricMean(xs: readonly number[]): number {
  return Math.exp(xs.reduce((s, v) => s + Math.log(v), 0) / xs.length);
}

/**
 * Whether a variant should run once more: fewer than `limit` runs so far and,
 * after the first, less than `budgetMs` of CPU used in all. A slow variant
 * thus runs once, whatever the budget.
 */
export function again(times: readonly number[], limit: number, budgetMs: number): boolean {
  return times.length < limit && (times.length === 0 || times.reduce((s, v) => s + v, 0) < budgetMs);
}

/** A time in ms with two decimals below 10 ms, one above. */
export function formatMs(ms: number): string {
  return ms < 10 ? ms.toFixed(2) : ms.toFixed(1);
}

export function formatRatio(r: number): string {
  return `${r.toFixed(2)}×`;
}
