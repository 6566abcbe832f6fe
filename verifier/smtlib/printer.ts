// The SMT-LIB 2.6 printer: turns the typed terms and commands of `term.ts`
// into solver input text. It is a pure module (no IO) and sits on the hot path
// of every query, so it appends string pieces to one array and joins once, and
// walks terms with an explicit stack: a 100,000-deep `ite` or `store` chain
// prints without overflowing the JavaScript call stack.
//
// Printing rules that are easy to get wrong (each has a unit test):
// * Negative integers are `(- 5)`; SMT-LIB has no negative numerals.
// * String literals use SMT-LIB 2.6 escaping: `"` doubles to `""`; every
//   character outside printable ASCII, and the backslash itself (so a literal
//   `\u{41}` in the program is not read as an escape), becomes `\u{X}` with the
//   Unicode code point in hex.
// * Float64 literals are exact bit patterns `(fp #b<sign> #b<exponent> #x<significand>)`;
//   zeros, infinities and NaN use the named forms `(_ +zero 11 53)` etc.
// * Symbols that are not simple symbols, or are SMT-LIB reserved words, are
//   quoted `|like this|`. A name containing `|` or `\` cannot be quoted at all;
//   the naming rules in `term.ts` never produce one, so meeting it is a bug and throws.
// * An `App` whose `fn` starts with `(` is an indexed or qualified identifier
//   (`(_ to_fp 11 53)`, `(_ is Cons)`, `(as nil L)`) and is printed verbatim.

import type { Command, DatatypeDecl, Sort, Term } from './term.js';

// ---------------------------------------------------------------- symbols

const SIMPLE_SYMBOL = /^[A-Za-z~!@$%^&*_\-+=<>.?/][A-Za-z0-9~!@$%^&*_\-+=<>.?/]*$/;

/** Reserved words of SMT-LIB 2.6 (§3.1), including the command names. */
const RESERVED = new Set([
  '!', '_', 'as', 'BINARY', 'DECIMAL', 'exists', 'forall', 'HEXADECIMAL', 'let', 'match', 'NUMERAL', 'par', 'STRING',
  'assert', 'check-sat', 'check-sat-assuming', 'declare-const', 'declare-datatype', 'declare-datatypes',
  'declare-fun', 'declare-sort', 'define-fun', 'define-fun-rec', 'define-funs-rec', 'define-sort', 'echo', 'exit',
  'get-assertions', 'get-assignment', 'get-info', 'get-model', 'get-option', 'get-proof', 'get-unsat-assumptions',
  'get-unsat-core', 'get-value', 'pop', 'push', 'reset', 'reset-assertions', 'set-info', 'set-logic', 'set-option',
]);

// Symbols repeat constantly in a query (every occurrence of a variable), so
// their printed form is memoised. The cache is cleared when it grows large so
// a long-running process does not keep every name it ever printed.
const symbolCache = new Map<string, string>();
const SYMBOL_CACHE_LIMIT = 50_000;

/** True when `name` can be printed bare: a simple symbol that is not a reserved word. */
export function isSimpleSymbol(name: string): boolean {
  return SIMPLE_SYMBOL.test(name) && !RESERVED.has(name);
}

/** The SMT-LIB form of a symbol: bare when it is simple, `|quoted|` otherwise. */
export function printSymbol(name: string): string {
  const cached = symbolCache.get(name);
  if (cached !== undefined) return cached;
  let printed: string;
  if (isSimpleSymbol(name)) printed = name;
  else if (name.includes('|') || name.includes('\\')) {
    throw new Error(`SMT-LIB symbol cannot be quoted (contains | or \\): ${JSON.stringify(name)}`);
  } else printed = `|${name}|`;
  if (symbolCache.size >= SYMBOL_CACHE_LIMIT) symbolCache.clear();
  symbolCache.set(name, printed);
  return printed;
}

// ---------------------------------------------------------------- literals

const PLAIN_STRING = /^[\x20\x21\x23-\x5b\x5d-\x7e]*$/;

/** An SMT-LIB 2.6 string literal for a JavaScript string (code points; lone surrogates kept as such). */
export function printStringLiteral(value: string): string {
  if (PLAIN_STRING.test(value)) return `"${value}"`;
  const parts: string[] = ['"'];
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x22) parts.push('""');
    else if (cp >= 0x20 && cp <= 0x7e && cp !== 0x5c) parts.push(ch);
    else parts.push(`\\u{${cp.toString(16)}}`);
  }
  parts.push('"');
  return parts.join('');
}

/** `(- 5)` for negatives, as SMT-LIB numerals are non-negative. */
export function printIntLiteral(value: bigint): string {
  return value < 0n ? `(- ${-value})` : value.toString();
}

const floatScratch = new DataView(new ArrayBuffer(8));

/** The exact binary64 literal: named forms for zeros, infinities and NaN, `(fp …)` bits otherwise. */
export function printFloatLiteral(value: number): string {
  if (Number.isNaN(value)) return '(_ NaN 11 53)';
  if (value === Infinity) return '(_ +oo 11 53)';
  if (value === -Infinity) return '(_ -oo 11 53)';
  if (value === 0) return Object.is(value, -0) ? '(_ -zero 11 53)' : '(_ +zero 11 53)';
  floatScratch.setFloat64(0, value);
  const bits = floatScratch.getBigUint64(0);
  const sign = bits >> 63n;
  const exponent = (bits >> 52n) & 0x7ffn;
  const significand = bits & 0xfffffffffffffn;
  return `(fp #b${sign} #b${exponent.toString(2).padStart(11, '0')} #x${significand.toString(16).padStart(13, '0')})`;
}

// ---------------------------------------------------------------- sorts

const FLOAT64 = '(_ FloatingPoint 11 53)';

export function printSort(s: Sort): string {
  switch (s.kind) {
    case 'Int':
      return 'Int';
    case 'Bool':
      return 'Bool';
    case 'Real':
      return 'Real';
    case 'String':
      return 'String';
    case 'Float64':
      return FLOAT64;
    case 'RoundingMode':
      return 'RoundingMode';
    case 'Array':
      return `(Array ${printSort(s.index)} ${printSort(s.elem)})`;
    case 'Seq':
      return `(Seq ${printSort(s.elem)})`;
    case 'Named':
      return printSymbol(s.name);
    default:
      return assertNever(s);
  }
}

// ---------------------------------------------------------------- terms

/**
 * Appends the printed form of `root` to `out`. The work stack holds terms
 * still to print and literal text (closing parentheses, pattern keywords)
 * to emit once the terms before it are done.
 */
function emitTerm(root: Term, out: string[]): void {
  const stack: (Term | string)[] = [root];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      out.push(item);
      continue;
    }
    switch (item.kind) {
      case 'Sym':
        out.push(printSymbol(item.name));
        break;
      case 'IntLit':
        out.push(printIntLiteral(item.value));
        break;
      case 'BoolLit':
        out.push(item.value ? 'true' : 'false');
        break;
      case 'StrLit':
        out.push(printStringLiteral(item.value));
        break;
      case 'FloatLit':
        out.push(printFloatLiteral(item.value));
        break;
      case 'App': {
        const head = item.fn.charCodeAt(0) === 40 /* ( */ ? item.fn : printSymbol(item.fn);
        if (item.args.length === 0) {
          out.push(head);
          break;
        }
        out.push('(', head);
        stack.push(')');
        for (let i = item.args.length - 1; i >= 0; i--) {
          stack.push(item.args[i]!, ' ');
        }
        break;
      }
      case 'ConstArray':
        out.push('((as const ', printSort(item.sort), ') ');
        stack.push(')', item.value);
        break;
      case 'Quant': {
        if (item.vars.length === 0) {
          // SMT-LIB forbids an empty binder list; a quantifier over nothing is its body.
          stack.push(item.body);
          break;
        }
        out.push('(', item.quantifier, ' (');
        for (let i = 0; i < item.vars.length; i++) {
          const v = item.vars[i]!;
          if (i > 0) out.push(' ');
          out.push('(', printSymbol(v.name), ' ', printSort(v.sort), ')');
        }
        out.push(') ');
        const patterns = item.patterns.filter((p) => p.length > 0);
        if (patterns.length === 0) {
          stack.push(')', item.body);
          break;
        }
        // Pushed in reverse: `(! body :pattern (a b) :pattern (c)))`.
        stack.push('))');
        for (let p = patterns.length - 1; p >= 0; p--) {
          const pattern = patterns[p]!;
          stack.push(')');
          for (let i = pattern.length - 1; i >= 0; i--) {
            stack.push(pattern[i]!);
            if (i > 0) stack.push(' ');
          }
          stack.push(' :pattern (');
        }
        stack.push(item.body, '(! ');
        break;
      }
      default:
        assertNever(item);
    }
  }
}

export function printTerm(t: Term): string {
  const out: string[] = [];
  emitTerm(t, out);
  return out.join('');
}

// ---------------------------------------------------------------- commands

function emitDatatypes(decls: readonly DatatypeDecl[], out: string[]): void {
  out.push('(declare-datatypes (');
  decls.forEach((d, i) => {
    if (i > 0) out.push(' ');
    out.push('(', printSymbol(d.name), ' 0)');
  });
  out.push(') (');
  decls.forEach((d, i) => {
    if (i > 0) out.push(' ');
    out.push('(');
    d.constructors.forEach((c, j) => {
      if (j > 0) out.push(' ');
      out.push('(', printSymbol(c.name));
      for (const f of c.fields) out.push(' (', printSymbol(f.name), ' ', printSort(f.sort), ')');
      out.push(')');
    });
    out.push(')');
  });
  out.push('))');
}

function emitCommand(c: Command, out: string[]): void {
  switch (c.kind) {
    case 'SetOption':
      out.push('(set-option ', c.name.startsWith(':') ? c.name : `:${c.name}`, ' ', c.value, ')');
      return;
    case 'SetLogic':
      out.push('(set-logic ', c.logic, ')');
      return;
    case 'DeclareConst':
      out.push('(declare-const ', printSymbol(c.name), ' ', printSort(c.sort), ')');
      return;
    case 'DeclareFun':
      out.push('(declare-fun ', printSymbol(c.name), ' (', c.params.map(printSort).join(' '), ') ', printSort(c.sort), ')');
      return;
    case 'DefineFun':
    case 'DefineFunRec':
      out.push(c.kind === 'DefineFun' ? '(define-fun ' : '(define-fun-rec ', printSymbol(c.name), ' (');
      c.params.forEach((p, i) => {
        if (i > 0) out.push(' ');
        out.push('(', printSymbol(p.name), ' ', printSort(p.sort), ')');
      });
      out.push(') ', printSort(c.sort), ' ');
      emitTerm(c.body, out);
      out.push(')');
      return;
    case 'DeclareDatatypes':
      emitDatatypes(c.datatypes, out);
      return;
    case 'Assert':
      if (c.name === undefined) {
        out.push('(assert ');
        emitTerm(c.term, out);
        out.push(')');
      } else {
        out.push('(assert (! ');
        emitTerm(c.term, out);
        out.push(' :named ', printSymbol(c.name), '))');
      }
      return;
    case 'Push':
      out.push('(push 1)');
      return;
    case 'Pop':
      out.push('(pop 1)');
      return;
    case 'CheckSat':
      out.push('(check-sat)');
      return;
    case 'CheckSatUsing':
      out.push('(check-sat-using ', c.tactic, ')');
      return;
    case 'GetModel':
      out.push('(get-model)');
      return;
    case 'GetValue':
      out.push('(get-value (');
      c.terms.forEach((t, i) => {
        if (i > 0) out.push(' ');
        emitTerm(t, out);
      });
      out.push('))');
      return;
    case 'Comment':
      out.push('; ', c.text.replace(/\r?\n/g, '\n; '));
      return;
    default:
      assertNever(c);
  }
}

export function printCommand(c: Command): string {
  const out: string[] = [];
  emitCommand(c, out);
  return out.join('');
}

/** One command per line, with a final newline. */
export function printScript(cmds: readonly Command[]): string {
  const out: string[] = [];
  for (const c of cmds) {
    emitCommand(c, out);
    out.push('\n');
  }
  return out.join('');
}

function assertNever(x: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(x)}`);
}
