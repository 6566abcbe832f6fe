import { compile } from '../../cli/pipeline.js';
import { compileWasm, loadWasm, runWasmModule } from './index.js';
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (const f of process.argv.slice(2)) {
  const c = compile(f);
  const all = new Set(c.ir!.checks.map((x) => x.id));
  for (const [label, p] of [['none', new Set<number>()], ['all', all]] as const) {
    const w = compileWasm(c.ir!, { proved: p });
    if (!w.ok) throw new Error(w.error.message);
    const l = loadWasm(w.module);
    const ts: number[] = [];
    for (let i = 0; i < 15; i++) { const t = cpu(); runWasmModule(l, { stdout: () => {} }); ts.push(cpu() - t); }
    ts.sort((a, b) => a - b);
    console.log(f.split('/').pop(), label, ts.slice(0, 3).map((x) => x.toFixed(2)).join(' '));
  }
}
