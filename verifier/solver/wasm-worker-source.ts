// The code of the worker thread that hosts Z3-in-WASM, as a string for
// `new Worker(code, { eval: true })`. A string (rather than a separate .js
// file) works unchanged whether the verifier runs compiled from dist/ or as
// TypeScript under vitest: no file has to be found next to this module at run
// time. It is CommonJS, as eval workers are; `workerData.z3Path` is the
// absolute path of the z3-solver entry point, resolved by the main thread so
// the worker does not depend on the current directory.
//
// Protocol (one request at a time; the main thread waits for each answer):
//   { id, op: 'eval', text }  ->  { id, ok: true, output } — everything Z3 printed
//   { id, op: 'reset' }       ->  { id, ok: true, output: '' } — a fresh context
//   { id, op: 'version' }     ->  { id, ok: true, output: 'Z3 5.1.0.0' }
//   any failure               ->  { id, ok: false, message }
// Z3 is loaded on the first request, not when the worker starts.
//
// The text is copied to the WASM heap here rather than passed as a string
// to z3-solver's `eval_smtlib2_string`: that wrapper puts the string on the
// main thread's WASM stack (ccall) and frees it as soon as the call returns,
// while Z3 is still parsing it on its own thread; anything that then runs
// WASM code on the main thread (e.g. a call proxied from Z3's thread) may
// overwrite it, and Z3 reports errors about text it was never sent
// ("unknown constant W"). A heap copy lives until Z3 has answered.

export const WASM_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');

let api = null;
let ctx = null;
const encoder = new TextEncoder();

async function evalText(em, text) {
  const bytes = encoder.encode(text);
  const ptr = em._malloc(bytes.length + 1);
  if (ptr === 0) throw new Error('out of WASM memory for a query of ' + bytes.length + ' bytes');
  try {
    em.HEAPU8.set(bytes, ptr);
    em.HEAPU8[ptr + bytes.length] = 0;
    return await em.async_call(em._async_Z3_eval_smtlib2_string, ctx, ptr);
  } finally {
    em._free(ptr);
  }
}

async function ensureContext() {
  if (api === null) api = await require(workerData.z3Path).init();
  if (ctx === null) {
    const cfg = api.Z3.mk_config();
    ctx = api.Z3.mk_context_rc(cfg);
    api.Z3.del_config(cfg);
  }
  return api.Z3;
}

parentPort.on('message', async (msg) => {
  try {
    const Z3 = await ensureContext();
    let output = '';
    if (msg.op === 'eval') {
      output = await evalText(api.em, msg.text);
    } else if (msg.op === 'reset') {
      Z3.del_context(ctx);
      ctx = null;
      await ensureContext();
    } else if (msg.op === 'version') {
      output = Z3.get_full_version();
    } else {
      throw new Error('unknown request ' + msg.op);
    }
    parentPort.postMessage({ id: msg.id, ok: true, output });
  } catch (err) {
    parentPort.postMessage({ id: msg.id, ok: false, message: String(err && err.stack || err) });
  }
});
`;
