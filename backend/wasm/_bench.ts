import { benchWasm } from '../../bench/wasm.js';
await benchWasm({ runs: 7, vmRuns: 2 });
