import { readFileSync, readdirSync } from 'node:fs';
import { checkFile, lowerProgram, memoryHost, type IrProgram } from '../../frontend/index.js';
import { compileProgram } from '../compile.js';
import { runMain } from '../../vm/vm.js';
import { compileWasm, loadWasm, runWasmModule } from './index.js';
const dir = '/work/shared/examples/';
function lower(name: string, text: string): IrProgram | null {
  const c = checkFile(name, memoryHost(new Map([[name, text]])));
  if (!c.program || c.diagnostics.some((d) => d.severity === 'error')) return null;
  return lowerProgram(c.program) as IrProgram;
}
const files = process.argv.slice(2).length ? process.argv.slice(2) : readdirSync(dir).filter((f) => f.endsWith('.lm'));
for (const f of files) {
  const path = f.startsWith('/') ? f : dir + f;
  const text = readFileSync(path, 'utf8');
  const ir = lower(path, text);
  if (!ir) { console.log(f, 'frontend error'); continue; }
  if (!ir.cells.has('main')) { console.log(f, 'no main'); continue; }
  const vmOut: string[] = [];
  const vr = runMain(compileProgram(ir, { proved: new Set() }), { stdout: (l) => vmOut.push(l), fuel: 1e8 });
  const w = compileWasm(ir, { proved: new Set() });
  if (!w.ok) { console.log(f, 'UNSUPPORTED', w.error.message); continue; }
  const out: string[] = [];
  const r = runWasmModule(loadWasm(w.module), { stdout: (l) => out.push(l) });
  const same = JSON.stringify(out) === JSON.stringify(vmOut);
  console.log(f, same ? 'SAME' : 'DIFF', vr.kind, r.kind, (r as any).check ?? (r as any).message ?? '', same ? '' : JSON.stringify({ vmOut, out }));
}
