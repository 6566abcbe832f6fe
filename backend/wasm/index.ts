// Public entry of the WebAssembly backend: checked IR + proved check ids →
// a `.wasm` module (`compileWasm`), and the host runtime that runs it
// (`loadWasm`, `runWasmModule`). Constructs the backend does not compile yet
// come back as a `WasmUnsupported` value, never as an exception.

export { compileWasm, META_SECTION, type WasmCompileOptions, type WasmCompileResult, type WasmMeta, type WasmModule } from './compile.js';
export { loadWasm, runWasmModule, instantiateWasm, formatL, type LoadedWasm, type WasmInstance, type WasmRunOptions, type WasmRunResult } from './host.js';
export type { LType, WasmUnsupported } from './layout.js';
