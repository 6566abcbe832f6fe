import v8 from "node:v8"; if (process.env.NOLIFTOFF) v8.setFlagsFromString("--no-liftoff");
import { compile, verifyCompiled, closeSolver } from '../../cli/pipeline.js';
import { compileWasm, loadWasm, runWasmModule } from './index.js';
for (const f of process.argv.slice(2)) {
  const c = compile(f);
  const rep = await verifyCompiled(c.ir!, { solver: 'wasm', timeoutMs: 4000 });
  const proved = new Set(rep.results.filter((r) => r.verdict.kind === 'proved').map((r) => r.check.id));
  const all = new Set(c.ir!.checks.map((x) => x.id));
  for (const [label, p] of [['none', new Set<number>()], ['proved', proved], ['all', all]] as const) {
    const w = compileWasm(c.ir!, { proved: p });
    if (!w.ok) throw 0;
    const l = loadWasm(w.module);
    const ts: number[] = [];
    for (let i = 0; i < 9; i++) { const t = performance.now(); runWasmModule(l, { stdout: () => {} }); ts.push(performance.now() - t); }
    console.log(f, label, Math.min(...ts).toFixed(1));
  }
}
await closeSolver();
