// Public entry of the bytecode backend: checked IR + proved check ids →
// bytecode for the VM, and its disassembly.

export { compileProgram, type CompileOptions } from './compile.js';
export { disassemble, disassembleChunk, formatInstruction, type DisasmOptions } from './disasm.js';
export { Op, OP_FORMATS, opName, instructionLength, spanAt } from './bytecode.js';
export type { BytecodeProgram, Chunk, CheckSite, HandleInfo } from './bytecode.js';
