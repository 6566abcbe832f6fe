import { compile, verifyCompiled, closeSolver } from '../../cli/pipeline.js';
import { compileProgram } from '../compile.js';
import { runMain } from '../../vm/vm.js';
import { compileWasm, loadWasm, runWasmModule } from './index.js';
const files = process.argv.slice(2);
for (const f of files) {
  const c = compile(f);
  if (!c.ir) { console.log(f, c.diagnostics.map((d) => d.message)); continue; }
  let t = performance.now();
  const rep = await verifyCompiled(c.ir, { solver: 'wasm', timeoutMs: 4000 });
  const proved = new Set(rep.results.filter((r) => r.verdict.kind === 'proved').map((r) => r.check.id));
  console.log(f, 'verify ms', (performance.now() - t).toFixed(0), 'checks', rep.results.length, 'proved', proved.size, rep.results.filter(r=>r.verdict.kind!=='proved').map(r => `${r.check.kind}#${r.check.id}:${r.verdict.kind}`).join(' '));
  for (const p of [new Set<number>(), proved]) {
    const out: string[] = [];
    t = performance.now();
    const w = compileWasm(c.ir, { proved: p });
    if (!w.ok) { console.log(w.error.message); continue; }
    const loaded = loadWasm(w.module);
    const ct = performance.now() - t;
    const times: number[] = [];
    for (let i = 0; i < 5; i++) { t = performance.now(); const r = runWasmModule(loaded, { stdout: (l) => out.push(l) }); times.push(performance.now() - t); if (r.kind !== 'ok') console.log(r); }
    const prog = compileProgram(c.ir, { proved: p });
    const vt: number[] = [];
    for (let i = 0; i < 2; i++) { t = performance.now(); runMain(prog, { stdout: (l) => out.push(l) }); vt.push(performance.now() - t); }
    console.log(`  proved=${p.size} compile ${ct.toFixed(0)}ms wasm ${Math.min(...times).toFixed(1)}ms vm ${Math.min(...vt).toFixed(1)}ms out=${out.slice(0,2)}`);
  }
}
await closeSolver();
