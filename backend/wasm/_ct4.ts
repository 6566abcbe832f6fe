import binaryen from 'binaryen';
import { compile } from '../../cli/pipeline.js';
import { compileWasm } from './index.js';
const c = compile(process.argv[2]!);
const w = compileWasm(c.ir!, { proved: new Set(), optimize: false });
if (!w.ok) throw 0;
for (let round = 0; round < 3; round++) for (const lvl of [2, 3]) {
  const m = binaryen.readBinary(w.module.binary);
  m.setFeatures(binaryen.Features.MVP | binaryen.Features.MutableGlobals | binaryen.Features.NontrappingFPToInt | binaryen.Features.SignExt | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt);
  binaryen.setOptimizeLevel(lvl); binaryen.setShrinkLevel(0);
  const t = performance.now(); m.optimize(); console.log(round, lvl, (performance.now() - t).toFixed(1));
  m.dispose();
}
