// The VM suite (`npm run bench -- vm`): the five programs of
// bench/programs/wasm_*.lm (fib(30), a sieve to 1,000,000, a 120×120 Int
// matrix multiply, a merge sort of 100,000 Ints, a 200,000-character string
// built by `++`) on the bytecode VM, against the same algorithms hand-written
// in JavaScript, with two peer interpreters as columns:
//
//   * QuickJS compiled to WebAssembly (quickjs-emscripten), running the very
//     same JavaScript functions (their source, via Function.prototype.toString);
//   * fengari, a Lua 5.3 VM written in JavaScript, running bench/programs/*.lua.
//
// The VM runs what `lumen run` runs: each program is verified first (verdicts
// are cached in .lumen-cache) and the proved checks are left out of the
// bytecode. Every variant's printed output is compared with the JavaScript
// version's, so no column can win by computing something else. Times are the
// best of interleaved runs, measured as the process's CPU time; compilation,
// QuickJS's module load, context creation and Lua's parse are excluded. A
// variant is repeated only while it has used less than BUDGET_MS in all, so
// the slow peer (fengari) runs once or twice per program and the section
// takes about a minute. Target: the VM's geometric mean ≤ 8× plain JavaScript, and below
// QuickJS-in-WASM's.
//
// Run alone with `npm run bench -- vm`.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { lauxlib, lua, lualib, to_luastring, type LuaState } from 'fengari';
import { getQuickJS, type QuickJSWASMModule } from 'quickjs-emscripten';
import { compileProgram } from '../backend/index.js';
import type { BytecodeProgram } from '../backend/bytecode.js';
import { closeSolver, compile, verifyCompiled } from '../cli/pipeline.js';
import { runMain } from '../vm/index.js';
import { table } from './table.js';
import { WORKLOADS, again, best, cpuMs, formatMs, formatRatio, geometricMean, programsDir, type Workload } from './workloads.js';

/** CPU time after which a variant is not run again. */
const BUDGET_MS = 3000;
/** The VM's target: geometric mean of VM/JS over the five programs. */
const TARGET_RATIO = 8;

export interface VmBenchRow {
  readonly name: string;
  /** Checks proved (and so elided from the bytecode) out of all checks. */
  readonly proved: number;
  readonly checks: number;
  readonly js: number;
  readonly vm: number;
  readonly quickjs: number;
  readonly fengari: number;
}

/** The JavaScript version as a QuickJS script whose value is the printed lines. */
export function quickJsSource(w: Workload): string {
  return `(${w.js.toString()})().join('\\n')`;
}

/** Runs the JavaScript version inside a fresh QuickJS context: printed lines and CPU ms of the evaluation. */
export function runQuickJs(quickjs: QuickJSWASMModule, source: string, name: string): { out: string; ms: number } {
  const ctx = quickjs.newContext();
  try {
    const t = cpuMs();
    const result = ctx.evalCode(source, name);
    const ms = cpuMs() - t;
    const handle = ctx.unwrapResult(result);
    const out = ctx.getString(handle);
    handle.dispose();
    return { out, ms };
  } finally {
    ctx.dispose();
  }
}

/** Replaces Lua's `print` by one that collects the lines in `__bench_out`. */
const LUA_PRELUDE = `
local out = {}
__bench_out = out
print = function(...)
  local parts = {}
  for i = 1, select('#', ...) do parts[i] = tostring((select(i, ...))) end
  out[#out + 1] = table.concat(parts, '\\t')
end
`;

function luaLoad(L: LuaState, source: string, chunkname: string): void {
  const code = to_luastring(source);
  if (lauxlib.luaL_loadbuffer(L, code, code.length, to_luastring(chunkname)) !== lua.LUA_OK) {
    throw new Error(`fengari: ${lua.lua_tojsstring(L, -1)}`);
  }
}

function luaCall(L: LuaState, results: number): void {
  if (lua.lua_pcall(L, 0, results, 0) !== lua.LUA_OK) throw new Error(`fengari: ${lua.lua_tojsstring(L, -1)}`);
}

/** Runs a Lua program in a fresh fengari state: printed lines and CPU ms of the run (parse excluded). */
export function runFengari(source: string, name: string): { out: string; ms: number } {
  const L = lauxlib.luaL_newstate();
  try {
    lualib.luaL_openlibs(L);
    luaLoad(L, LUA_PRELUDE, '=prelude');
    luaCall(L, 0);
    luaLoad(L, source, `@${name}`);
    const t = cpuMs();
    luaCall(L, 0);
    const ms = cpuMs() - t;
    luaLoad(L, `return table.concat(__bench_out, '\\n')`, '=output');
    luaCall(L, 1);
    return { out: lua.lua_tojsstring(L, -1), ms };
  } finally {
    lua.lua_close(L);
  }
}

export async function benchVm(opts: { runs?: number; peerRuns?: number } = {}): Promise<VmBenchRow[]> {
  const runs = opts.runs ?? 7;
  const peerRuns = opts.peerRuns ?? 5;
  const dir = programsDir();

  // Verify and compile everything first, so that the solver is idle (closed)
  // while the clock runs.
  const prepared: { w: Workload; program: BytecodeProgram; proved: number; checks: number; lua: string }[] = [];
  for (const w of WORKLOADS) {
    const c = compile(path.join(dir, w.file));
    if (!c.ir) throw new Error(`${w.file}: ${c.diagnostics.map((d) => d.message).join('; ')}`);
    const report = await verifyCompiled(c.ir, { solver: 'wasm', timeoutMs: 4000 });
    const proved = new Set(report.results.filter((r) => r.verdict.kind === 'proved').map((r) => r.check.id));
    const program = compileProgram(c.ir, { proved });
    prepared.push({ w, program, proved: proved.size, checks: report.results.length, lua: fs.readFileSync(path.join(dir, w.lua), 'utf8') });
  }
  await closeSolver();
  const quickjs = await getQuickJS();

  const rows: VmBenchRow[] = [];
  for (const { w, program, proved, checks, lua: luaSource } of prepared) {
    const expected = w.js().join('\n');
    const mismatch = (who: string, out: string): Error =>
      new Error(`${w.name} on ${who} printed ${JSON.stringify(out)}, JS printed ${JSON.stringify(expected)}`);
    const runJs = (): number => {
      const t = cpuMs();
      const out = w.js();
      const ms = cpuMs() - t;
      if (out.join('\n') !== expected) throw mismatch('JS (second run)', out.join('\n'));
      return ms;
    };
    const runVm = (): number => {
      const out: string[] = [];
      const t = cpuMs();
      const r = runMain(program, { stdout: (l) => out.push(l) });
      const ms = cpuMs() - t;
      if (r.kind !== 'ok') throw new Error(`${w.file} on the VM: ${r.kind}`);
      if (out.join('\n') !== expected) throw mismatch('the VM', out.join('\n'));
      return ms;
    };
    const qjsSource = quickJsSource(w);
    const runQjs = (): number => {
      const { out, ms } = runQuickJs(quickjs, qjsSource, `${w.js.name}.js`);
      if (out !== expected) throw mismatch('QuickJS', out);
      return ms;
    };
    const runLua = (): number => {
      const { out, ms } = runFengari(luaSource, w.lua);
      if (out !== expected) throw mismatch('fengari', out);
      return ms;
    };
    // Interleaved, so that a noisy machine penalises every variant alike.
    const times = { js: [] as number[], vm: [] as number[], qjs: [] as number[], lua: [] as number[] };
    for (let i = 0; i < runs; i++) {
      if (again(times.js, runs, BUDGET_MS)) times.js.push(runJs());
      if (again(times.vm, runs, BUDGET_MS)) times.vm.push(runVm());
      if (again(times.qjs, peerRuns, BUDGET_MS)) times.qjs.push(runQjs());
      if (again(times.lua, peerRuns, BUDGET_MS)) times.lua.push(runLua());
    }
    rows.push({ name: w.name, proved, checks, js: best(times.js), vm: best(times.vm), quickjs: best(times.qjs), fengari: best(times.lua) });
  }

  const f = formatMs;
  const x = formatRatio;
  const geo = (ratio: (r: VmBenchRow) => number): number => geometricMean(rows.map(ratio));
  const vmGeo = geo((r) => r.vm / r.js);
  const qjsGeo = geo((r) => r.quickjs / r.js);
  const luaGeo = geo((r) => r.fengari / r.js);
  console.log('\n## VM suite (CPU ms, best of interleaved runs; ratios to hand-written JS)\n');
  console.log(
    table(
      ['program', 'elided', 'JS', 'VM', 'VM/JS', 'QuickJS', 'QuickJS/JS', 'fengari', 'fengari/JS'],
      [
        ...rows.map((r) => [r.name, `${r.proved}/${r.checks}`, f(r.js), f(r.vm), x(r.vm / r.js), f(r.quickjs), x(r.quickjs / r.js), f(r.fengari), x(r.fengari / r.js)]),
        ['geometric mean', '', '', '', x(vmGeo), '', x(qjsGeo), '', x(luaGeo)],
      ],
    ),
  );
  console.log(
    '\nQuickJS (quickjs-emscripten, WASM) runs the JS functions themselves; fengari (Lua 5.3 in JS) runs bench/programs/*.lua.' +
      '\nfengari\'s integers are 32-bit: every value in these programs stays below 2^31 and the sort\'s generator' +
      '\nmasks to 31 bits, so each output equals the JS one (checked on every run, as for the VM and QuickJS).' +
      '\nLua strings are immutable byte arrays: `s = s .. c` copies s each time, so fengari\'s string row is quadratic.',
  );
  const met = vmGeo <= TARGET_RATIO && vmGeo < qjsGeo;
  console.log(
    `\ntarget: VM geometric mean ≤ ${TARGET_RATIO}× JS (and below QuickJS) — ${x(vmGeo)} vs QuickJS ${x(qjsGeo)}: ${met ? 'met' : 'not met'}`,
  );
  return rows;
}

// `node dist/bench/vm.js` runs this section alone.
if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  benchVm().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
