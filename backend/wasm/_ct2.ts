import binaryen from 'binaryen';
import { compile } from '../../cli/pipeline.js';
import { compileWasm } from './index.js';
const c = compile(process.argv[2]!);
const w = compileWasm(c.ir!, { proved: new Set(), optimize: false });
if (!w.ok) throw 0;
for (const [lvl, shrink] of [[1,0],[2,0],[2,1],[3,0],[2,0],[3,0]]) {
  const m = binaryen.readBinary(w.module.binary);
  m.setFeatures(binaryen.Features.MVP | binaryen.Features.MutableGlobals | binaryen.Features.NontrappingFPToInt | binaryen.Features.SignExt | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt);
  binaryen.setOptimizeLevel(lvl!); binaryen.setShrinkLevel(shrink!);
  const t = performance.now(); m.optimize(); console.log(lvl, shrink, (performance.now() - t).toFixed(1), m.emitBinary().length);
  m.dispose();
}
let t = performance.now(); const m = binaryen.readBinary(w.module.binary); console.log('readBinary', (performance.now() - t).toFixed(1));
