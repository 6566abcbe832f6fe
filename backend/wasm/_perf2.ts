import { compile } from '../../cli/pipeline.js';
import { compileWasm, loadWasm, runWasmModule } from './index.js';
const [f, provedArg] = process.argv.slice(2);
const c = compile(f!);
const proved = new Set((provedArg ?? '').split(',').filter(Boolean).map(Number));
const w = compileWasm(c.ir!, { proved });
if (!w.ok) throw new Error(w.error.message);
const loaded = loadWasm(w.module);
for (let i = 0; i < 8; i++) { const t = performance.now(); const out: string[] = []; runWasmModule(loaded, { stdout: (l) => out.push(l) }); console.log((performance.now() - t).toFixed(1), out.join(' ')); }
function fib(n: number): number { return n < 2 ? n : fib(n - 1) + fib(n - 2); }
const ws: number[] = [], js: number[] = [];
for (let i = 0; i < 15; i++) {
  let t = performance.now(); runWasmModule(loaded, { stdout: () => {} }); ws.push(performance.now() - t);
  t = performance.now(); fib(30); js.push(performance.now() - t);
}
console.log('wasm min', Math.min(...ws).toFixed(1), 'js min', Math.min(...js).toFixed(1));
