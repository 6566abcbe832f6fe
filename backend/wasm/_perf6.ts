import binaryen from 'binaryen';
import { compile } from '../../cli/pipeline.js';
import { compileWasm, loadWasm, runWasmModule } from './index.js';
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const f = process.argv[2]!;
const c = compile(f);
const all = new Set(c.ir!.checks.map((x) => x.id));
const w = compileWasm(c.ir!, { proved: all });
if (!w.ok) throw 0;
const variants: [string, (m: binaryen.Module) => void][] = [
  ['base', () => {}],
  ['O3 again', (m) => m.optimize()],
  ['licm+O3', (m) => { m.runPasses(['licm']); m.optimize(); }],
  ['O4', (m) => { binaryen.setOptimizeLevel(4); m.optimize(); binaryen.setOptimizeLevel(3); }],
];
const loadedAll = variants.map(([name, fn]) => {
  const m = binaryen.readBinary(w.module.binary);
  m.setFeatures(binaryen.Features.MVP | binaryen.Features.MutableGlobals | binaryen.Features.NontrappingFPToInt | binaryen.Features.SignExt | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt);
  fn(m);
  const bin = m.emitBinary();
  m.dispose();
  return [name, loadWasm({ binary: bin, meta: w.module.meta })] as const;
});
const ts = new Map<string, number[]>();
for (let i = 0; i < 12; i++) for (const [name, l] of loadedAll) { const t = cpu(); runWasmModule(l, { stdout: () => {} }); const arr = ts.get(name) ?? []; arr.push(cpu() - t); ts.set(name, arr); }
for (const [name, arr] of ts) { arr.sort((a, b) => a - b); console.log(name, arr.slice(0, 3).map((x) => x.toFixed(2)).join(' ')); }
