import v8 from "node:v8"; if (process.env.NOLIFTOFF) v8.setFlagsFromString("--no-liftoff"); if (process.env.NOTIER) v8.setFlagsFromString("--no-wasm-dynamic-tiering");
import { compile } from '../../cli/pipeline.js';
import { compileWasm, loadWasm, runWasmModule } from './index.js';
const f = process.argv[2]!;
const c = compile(f);
const all = new Set(c.ir!.checks.map((x) => x.id));
const w = compileWasm(c.ir!, { proved: all });
if (!w.ok) throw 0;
const l = loadWasm(w.module);
function jsSort(): number {
  const xs: number[] = []; let x = 12345;
  for (let i = 0; i < 100_000; i++) { x = (Math.imul(x, 1_103_515_245) + 12_345) & 0x7fffffff; xs.push(x % 1_000_000); }
  const n = xs.length; let a = xs.slice(); let b = xs.slice();
  for (let width = 1; width < n; width *= 2) {
    for (let lo = 0; lo < n; ) {
      const mid = Math.min(lo + width, n); const hi = Math.min(lo + 2 * width, n);
      let i = lo; let j = mid;
      for (let k = lo; k < hi; k++) { if (i < mid && (j >= hi || a[i]! <= a[j]!)) b[k] = a[i++]!; else b[k] = a[j++]!; }
      lo = hi;
    }
    const t = a; a = b; b = t;
  }
  return a[0]!;
}
const ws: number[] = [], js: number[] = [];
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (let i = 0; i < 25; i++) {
  let t = cpu(); runWasmModule(l, { stdout: () => {} }); ws.push(cpu() - t);
  t = cpu(); jsSort(); js.push(cpu() - t);
}
ws.sort((a, b) => a - b); js.sort((a, b) => a - b);
console.log('wasm', ws.slice(0, 5).map((x) => x.toFixed(1)).join(' '), '| js', js.slice(0, 5).map((x) => x.toFixed(1)).join(' '));
