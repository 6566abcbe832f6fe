// Human-readable bytecode: one line per instruction with its offset, opcode,
// operands and source position. The same formatter is used by the VM's
// execution tracer (`--trace`) and by `--disasm`.

import { computeLineStarts, type SourceFile } from '../frontend/span.js';
import type { Span } from '../frontend/span.js';
import { typeToString } from '../frontend/typeprint.js';
import { formatDynamic } from '../vm/value.js';
import { OP_FORMATS, instructionLength, opName, spanAt, type BytecodeProgram, type Chunk } from './bytecode.js';

export interface DisasmOptions {
  /** Source texts by file name, to print line numbers; without them spans print as `file@offset`. */
  readonly sources?: ReadonlyMap<string, SourceFile | string>;
}

export function disassemble(prog: BytecodeProgram, opts: DisasmOptions = {}): string {
  const out: string[] = [];
  const lines = lineResolver(opts.sources);
  for (const chunk of prog.chunks) out.push(disassembleChunk(prog, chunk, lines));
  return out.join('\n');
}

export function disassembleChunk(prog: BytecodeProgram, chunk: Chunk, lineOf: (span: Span) => string = defaultPosition): string {
  const out: string[] = [];
  const header = `== ${chunk.name}${chunk.extern ? ' (extern)' : ''}: ${chunk.paramCount} params, ${chunk.registerCount} registers ==`;
  out.push(header);
  let pc = 0;
  let lastPos = '';
  while (pc < chunk.code.length) {
    if (pc === chunk.callEntry && pc > 0) out.push('      -- call entry (the code above runs only when the host calls this cell) --');
    const pos = lineOf(spanAt(chunk, pc));
    const shown = pos === lastPos ? '|'.padStart(Math.min(pos.length, 6)) : pos;
    lastPos = pos;
    out.push(`${String(pc).padStart(4, '0')}  ${shown.padEnd(6)}  ${formatInstruction(prog, chunk, pc)}`);
    pc += instructionLength(chunk.code[pc]!);
  }
  return out.join('\n') + '\n';
}

/** `ADD_CHECKED r3, r1, r2, site0(check 5: overflow)`. */
export function formatInstruction(prog: BytecodeProgram, chunk: Chunk, pc: number): string {
  const op = chunk.code[pc]!;
  const format = OP_FORMATS[op]?.[1] ?? '';
  const parts: string[] = [];
  for (let i = 0; i < format.length; i++) {
    const x = chunk.code[pc + 1 + i]!;
    parts.push(formatOperand(prog, chunk, format[i]!, x));
  }
  return parts.length === 0 ? opName(op) : `${opName(op).padEnd(16)} ${parts.join(', ')}`;
}

function formatOperand(prog: BytecodeProgram, chunk: Chunk, kind: string, x: number): string {
  switch (kind) {
    case 'r':
      return x < 0 ? '-' : `r${x}`;
    case 'k':
      return `k${x}(${formatDynamic(chunk.constants[x] ?? null)})`;
    case 'i':
    case 'n':
      return String(x);
    case 'j':
      return `->${String(x).padStart(4, '0')}`;
    case 's': {
      if (x < 0) return 'unchecked';
      const site = chunk.sites[x];
      if (!site) return `site${x}?`;
      const info = prog.checks[site.check];
      return `check ${site.check}${info ? `(${info.kind})` : ''}`;
    }
    case 'c':
      return prog.chunks[x]?.name ?? `cell${x}`;
    case 't': {
      const t = prog.types[x];
      return t ? typeToString(t) : `type${x}`;
    }
    case 'd': {
      const d = prog.descs[x];
      return d && (d.kind === 'record' || d.kind === 'enum') ? d.name : `desc${x}`;
    }
    case 'o': {
      const o = prog.effectOps[x];
      return o ? `${o.effectName}.${o.op}` : `op${x}`;
    }
    case 'e':
      return prog.effects[x] ?? `effect${x}`;
    case 'h':
      return `handle${x}`;
    default:
      return String(x);
  }
}

function defaultPosition(span: Span): string {
  return `@${span.start}`;
}

function lineResolver(sources: DisasmOptions['sources']): (span: Span) => string {
  if (!sources) return defaultPosition;
  const starts = new Map<string, readonly number[]>();
  return (span) => {
    let ls = starts.get(span.file);
    if (!ls) {
      const src = sources.get(span.file);
      if (src === undefined) return defaultPosition(span);
      ls = typeof src === 'string' ? computeLineStarts(src) : src.lineStarts;
      starts.set(span.file, ls);
    }
    let lo = 0;
    let hi = ls.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (ls[mid]! <= span.start) lo = mid;
      else hi = mid - 1;
    }
    return `L${lo + 1}`;
  };
}
