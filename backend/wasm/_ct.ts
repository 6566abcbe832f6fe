import binaryen from 'binaryen';
import { RUNTIME_WAT } from './runtime-wat.js';
import { compile } from '../../cli/pipeline.js';
import { compileWasm } from './index.js';
for (let i = 0; i < 3; i++) {
  let t = performance.now();
  const m = binaryen.parseText(RUNTIME_WAT);
  const p = performance.now() - t;
  m.setFeatures(binaryen.Features.All);
  t = performance.now(); m.validate(); const v = performance.now() - t;
  t = performance.now(); m.optimize(); const o = performance.now() - t;
  console.log('parse', p.toFixed(1), 'validate', v.toFixed(1), 'opt', o.toFixed(1));
  m.dispose();
}
const c = compile(process.argv[2]!);
for (const opt of [false, true]) for (let i = 0; i < 3; i++) { const t = performance.now(); compileWasm(c.ir!, { proved: new Set(), optimize: opt }); console.log('compileWasm opt', opt, (performance.now() - t).toFixed(1)); }
