import binaryen from 'binaryen';
import { compile } from '../../cli/pipeline.js';
import { compileWasm } from './index.js';
const c = compile(process.argv[2]!);
const w = compileWasm(c.ir!, { proved: new Set(), optimize: false });
if (!w.ok) throw 0;
const passes = ['duplicate-function-elimination','remove-unused-module-elements','memory-packing','once-reduction','global-refining','ssa-nomerge','dce','remove-unused-names','remove-unused-brs','optimize-instructions','pick-load-signs','precompute-propagate','code-pushing','simplify-locals-nostructure','vacuum','reorder-locals','coalesce-locals','simplify-locals','code-folding','merge-blocks','rse','inlining-optimizing','merge-locals','local-cse','heap2local','flatten','rereloop','licm','directize','dae-optimizing','simplify-globals-optimizing','local-subtyping','optimize-added-constants-propagate'];
binaryen.setOptimizeLevel(3);
for (const p of passes) {
  const m = binaryen.readBinary(w.module.binary);
  m.setFeatures(binaryen.Features.MVP | binaryen.Features.MutableGlobals | binaryen.Features.NontrappingFPToInt | binaryen.Features.SignExt | binaryen.Features.BulkMemory | binaryen.Features.BulkMemoryOpt);
  const t = performance.now(); try { m.runPasses([p]); } catch (e) { console.log(p, 'ERR'); continue; } const d = performance.now() - t; if (d > 20) console.log(p, d.toFixed(1));
  m.dispose();
}
