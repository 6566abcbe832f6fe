// Public entry of the VM: running bytecode, the value representation, and the
// reference semantics of Lumen's Int (int64.ts).

export { runMain, runCell, values, DEFAULT_MAX_DEPTH, type RunOptions, type RunResult, type StackEntry } from './vm.js';
export {
  Struct,
  formatValue,
  formatLiteral,
  formatDynamic,
  formatFloat,
  quoteString,
  valueEquals,
  valueHasType,
  cpLength,
  cpIndex,
  type Value,
  type Desc,
} from './value.js';
export * as int64 from './int64.js';
