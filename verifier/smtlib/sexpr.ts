// S-expressions as solvers print them (check-sat answers, models, get-value,
// get-info, errors). The reader never fails: it returns what it could read and
// a list of problems, closing unclosed lists at the end of the text and
// skipping stray `)`. It uses an explicit stack, so deep solver output
// (long `store` chains) cannot overflow the call stack.
//
// Lexical rules follow SMT-LIB 2.6 §3.1: `;` comments to end of line; string
// literals where `""` is an escaped quote (the `\u{…}` escapes of the string
// theory are left as written and decoded by the model reader); `|quoted|`
// symbols; numerals, decimals, `#x…` and `#b…` literals; `:keywords`.

export type SExpr =
  | { readonly kind: 'list'; readonly items: readonly SExpr[] }
  /** `quoted` records whether it was written `|like this|`; `name` is without the bars. */
  | { readonly kind: 'symbol'; readonly name: string; readonly quoted: boolean }
  /** `:name`, stored without the colon. */
  | { readonly kind: 'keyword'; readonly name: string }
  | { readonly kind: 'numeral'; readonly value: bigint }
  /** A decimal such as `2.5`, kept as written so no precision is lost. */
  | { readonly kind: 'decimal'; readonly text: string }
  /** `#x…` or `#b…`: the digits as written, their bit width and their value. */
  | { readonly kind: 'bitvec'; readonly text: string; readonly width: number; readonly value: bigint }
  /** A string literal with `""` already turned into `"`. */
  | { readonly kind: 'string'; readonly value: string };

export interface SExprParse {
  readonly sexprs: SExpr[];
  readonly errors: string[];
}

export function parseSexprs(text: string): SExpr[] {
  return parseSexprsWithErrors(text).sexprs;
}

const DELIMITERS = new Set([' ', '\t', '\n', '\r', '(', ')', '"', ';', '|']);

export function parseSexprsWithErrors(text: string): SExprParse {
  const errors: string[] = [];
  // stack[0] collects the top-level expressions; deeper entries are open lists.
  const stack: SExpr[][] = [[]];
  const n = text.length;
  let i = 0;
  const emit = (e: SExpr) => stack[stack.length - 1]!.push(e);

  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === ';') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '(') {
      stack.push([]);
      i++;
    } else if (c === ')') {
      if (stack.length === 1) errors.push(`unmatched ')' at offset ${i}`);
      else {
        const items = stack.pop()!;
        emit({ kind: 'list', items });
      }
      i++;
    } else if (c === '"') {
      const parts: string[] = [];
      let j = i + 1;
      let closed = false;
      while (j < n) {
        const q = text.indexOf('"', j);
        if (q < 0) break;
        parts.push(text.slice(j, q));
        if (text[q + 1] === '"') {
          parts.push('"');
          j = q + 2;
        } else {
          j = q + 1;
          closed = true;
          break;
        }
      }
      if (!closed) {
        errors.push(`unterminated string literal at offset ${i}`);
        parts.push(text.slice(j));
        j = n;
      }
      emit({ kind: 'string', value: parts.join('') });
      i = j;
    } else if (c === '|') {
      const end = text.indexOf('|', i + 1);
      if (end < 0) {
        errors.push(`unterminated quoted symbol at offset ${i}`);
        emit({ kind: 'symbol', name: text.slice(i + 1), quoted: true });
        i = n;
      } else {
        emit({ kind: 'symbol', name: text.slice(i + 1, end), quoted: true });
        i = end + 1;
      }
    } else {
      let j = i + 1;
      while (j < n && !DELIMITERS.has(text[j]!)) j++;
      emit(classifyAtom(text.slice(i, j), errors));
      i = j;
    }
  }
  while (stack.length > 1) {
    errors.push('unclosed list at end of input');
    const items = stack.pop()!;
    emit({ kind: 'list', items });
  }
  return { sexprs: stack[0]!, errors };
}

const NUMERAL = /^(0|[1-9][0-9]*)$/;
const DECIMAL = /^(0|[1-9][0-9]*)\.[0-9]+$/;
const HEX = /^#x[0-9a-fA-F]+$/;
const BIN = /^#b[01]+$/;

function classifyAtom(atom: string, errors: string[]): SExpr {
  const c = atom.charCodeAt(0);
  if (c >= 48 && c <= 57) {
    if (NUMERAL.test(atom)) return { kind: 'numeral', value: BigInt(atom) };
    if (DECIMAL.test(atom)) return { kind: 'decimal', text: atom };
    // Some solvers print numerals with leading zeros; accept them rather than fail.
    if (/^[0-9]+$/.test(atom)) return { kind: 'numeral', value: BigInt(atom) };
    if (/^[0-9]+\.[0-9]+$/.test(atom)) return { kind: 'decimal', text: atom };
  }
  if (c === 35 /* # */) {
    if (HEX.test(atom)) return { kind: 'bitvec', text: atom, width: (atom.length - 2) * 4, value: BigInt('0x' + atom.slice(2)) };
    if (BIN.test(atom)) return { kind: 'bitvec', text: atom, width: atom.length - 2, value: BigInt('0b' + atom.slice(2)) };
    errors.push(`malformed literal ${atom}`);
  }
  if (c === 58 /* : */) return { kind: 'keyword', name: atom.slice(1) };
  return { kind: 'symbol', name: atom, quoted: false };
}

// ---------------------------------------------------------------- helpers

/** Prints an S-expression back in SMT-LIB syntax (used for `unknown` values and messages). */
export function printSexpr(e: SExpr): string {
  const out: string[] = [];
  const stack: (SExpr | string)[] = [e];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    switch (item.kind) {
      case 'list':
        out.push('(');
        stack.push(')');
        for (let k = item.items.length - 1; k >= 0; k--) {
          stack.push(item.items[k]!);
          if (k > 0) stack.push(' ');
        }
        break;
      case 'symbol':
        out.push(item.quoted ? `|${item.name}|` : item.name);
        break;
      case 'keyword':
        out.push(':', item.name);
        break;
      case 'numeral':
        out.push(item.value.toString());
        break;
      case 'decimal':
      case 'bitvec':
        out.push(item.text);
        break;
      case 'string':
        out.push('"', item.value.replace(/"/g, '""'), '"');
        break;
    }
  }
  return out.join('');
}

export const isSymbol = (e: SExpr | undefined): e is Extract<SExpr, { kind: 'symbol' }> => e !== undefined && e.kind === 'symbol';

/** True for the symbol `name` (deliberately not a type guard: a false answer says nothing about the kind). */
export const symbolIs = (e: SExpr | undefined, name: string): boolean => e !== undefined && e.kind === 'symbol' && e.name === name;

export const isList = (e: SExpr | undefined): e is Extract<SExpr, { kind: 'list' }> => e !== undefined && e.kind === 'list';

/** The head symbol of a list, or undefined. */
export function headOf(e: SExpr | undefined): string | undefined {
  if (e === undefined || e.kind !== 'list') return undefined;
  const h = e.items[0];
  return h !== undefined && h.kind === 'symbol' ? h.name : undefined;
}

/**
 * Checks that `text` is a sequence of complete S-expressions, without building
 * them: returns a description of the first problem, or undefined. The solver
 * layer runs this on every query body, because an unclosed `(` would swallow
 * the `(check-sat)` sent after it and leave the solver waiting.
 */
export function findUnbalanced(text: string): string | undefined {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 40 /* ( */) depth++;
    else if (c === 41 /* ) */) {
      if (--depth < 0) return `unmatched ')' at offset ${i}`;
    } else if (c === 34 /* " */) {
      // `""` inside a string is an escaped quote: scanning on from the second
      // quote re-enters string mode, which is exactly right.
      const end = text.indexOf('"', i + 1);
      if (end < 0) return `unterminated string literal at offset ${i}`;
      i = end;
    } else if (c === 124 /* | */) {
      const end = text.indexOf('|', i + 1);
      if (end < 0) return `unterminated quoted symbol at offset ${i}`;
      i = end;
    } else if (c === 59 /* ; */) {
      const end = text.indexOf('\n', i + 1);
      i = end < 0 ? n : end;
    }
  }
  return depth === 0 ? undefined : `${depth} unclosed '(' at end of text`;
}
