// The lexer: turns the code of one source file into tokens (LANGUAGE.md §2).
// It never throws; malformed input becomes diagnostics and the best token it
// can make.
//
// For speed the parser reads tokens as parallel typed arrays (`TokenBuffer`:
// kind code, start, end), with no object per token; a token's value (name,
// number, decoded string text) is derived from the source on demand by
// `tokenValue`. `lex` gives the same tokens as objects, for tests and tools.
//
// Newlines are significant: a NEWLINE token ends a statement. Newlines are
// suppressed after a trailing `\` and inside open `(`, `[` and `{`, except
// inside a block-valued expression (`if`, `match`, `handle`, `while`, `for`)
// that itself sits inside brackets, so `f(match x … end)` works. As error
// recovery, a line inside brackets that starts with a statement or
// declaration keyword closes the brackets, so one missing `)` does not
// swallow the rest of the file.
//
// String interpolation is lexed into a token sequence
//   StrStart("a ") <tokens of expr> StrMid(" b ") <tokens> StrEnd("")
// for `"a {x} b {y}"`; a string without interpolation is one `Str` token.
// The parser builds `StringLit.parts` from it, so interpolated expressions
// have real spans into the source.

import type { SourceFile } from './span.js';
import { makeSpan } from './span.js';
import type { Diagnostic } from './diagnostics.js';
import { diag } from './diagnostics.js';

export type Keyword =
  | 'and' | 'as' | 'assert' | 'assume' | 'break' | 'cell' | 'continue' | 'decreases'
  | 'effect' | 'else' | 'end' | 'ensures' | 'enum' | 'exists' | 'extern' | 'false'
  | 'for' | 'forall' | 'handle' | 'halt' | 'if' | 'implies' | 'import' | 'in'
  | 'invariant' | 'let' | 'linear' | 'match' | 'mut' | 'not' | 'null' | 'old' | 'or'
  | 'owned' | 'perform' | 'pub' | 'pure' | 'record' | 'ref' | 'requires' | 'resume'
  | 'return' | 'self' | 'true' | 'type' | 'typestate' | 'where' | 'while' | 'with';

export type Punct =
  | '(' | ')' | '[' | ']' | '{' | '}' | ',' | ':' | '.' | '..' | '..=' | '->' | '=>'
  | '=' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '+' | '-' | '*' | '/' | '//' | '%'
  | '**' | '++' | '+=' | '-=' | '*=' | '?' | '!' | '|';

export type TokenKind =
  /** Identifier, including the contextual words (`result`, `states`, …). `value` is the name. */
  | 'Ident'
  /** Integer literal; `value` is a non-negative bigint. */
  | 'Int'
  /** Float literal; `value` is the number. The text is `code.slice(start, end)`. */
  | 'Float'
  /** A complete string without interpolation; `value` is the decoded text. */
  | 'Str'
  /** A raw string `r"…"`; `value` is the text between the quotes. */
  | 'RawStr'
  /** `"text{` — the start of an interpolated string; `value` is the decoded text. */
  | 'StrStart'
  /** `}text{` between two interpolations. */
  | 'StrMid'
  /** `}text"` — the end of an interpolated string. */
  | 'StrEnd'
  | 'NL'
  | 'EOF'
  | Keyword
  | Punct;

export interface Token {
  readonly kind: TokenKind;
  readonly start: number;
  readonly end: number;
  readonly value: string | bigint | number | null;
}

export interface LexResult {
  readonly tokens: Token[];
  readonly diagnostics: Diagnostic[];
}

/**
 * The tokens of a file as parallel arrays (struct of arrays): the parser's
 * input. Large files produce hundreds of thousands of tokens, and keeping
 * them out of individual objects keeps the garbage collector out of the way.
 * The last token is always `EOF`.
 */
export interface TokenBuffer {
  /** Number of tokens; the typed arrays may be longer. */
  readonly count: number;
  /** Kind of each token as an index into `TOKEN_KINDS`. */
  readonly codes: Uint8Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
}

export interface LexBufferResult {
  readonly tokens: TokenBuffer;
  readonly diagnostics: Diagnostic[];
}

const KEYWORD_LIST: readonly Keyword[] = (
  'and as assert assume break cell continue decreases effect else end ensures enum exists extern false ' +
  'for forall handle halt if implies import in invariant let linear match mut not null old or owned ' +
  'perform pub pure record ref requires resume return self true type typestate where while with'
).split(' ') as Keyword[];

const PUNCT_LIST: readonly Punct[] = [
  '(', ')', '[', ']', '{', '}', ',', ':', '.', '..', '..=', '->', '=>', '=', '==', '!=', '<', '<=', '>', '>=',
  '+', '-', '*', '/', '//', '%', '**', '++', '+=', '-=', '*=', '?', '!', '|',
];

/**
 * Token codes, in the order of `TOKEN_KINDS` (a test checks that they
 * agree). A `const enum`, so the compiled parser compares small integers.
 */
export const enum T {
  EOF = 0,
  NL = 1,
  Ident = 2,
  Int = 3,
  Float = 4,
  Str = 5,
  RawStr = 6,
  StrStart = 7,
  StrMid = 8,
  StrEnd = 9,
  And = 10, // and
  As = 11, // as
  Assert = 12, // assert
  Assume = 13, // assume
  Break = 14, // break
  Cell = 15, // cell
  Continue = 16, // continue
  Decreases = 17, // decreases
  Effect = 18, // effect
  Else = 19, // else
  End = 20, // end
  Ensures = 21, // ensures
  Enum = 22, // enum
  Exists = 23, // exists
  Extern = 24, // extern
  False = 25, // false
  For = 26, // for
  Forall = 27, // forall
  Handle = 28, // handle
  Halt = 29, // halt
  If = 30, // if
  Implies = 31, // implies
  Import = 32, // import
  In = 33, // in
  Invariant = 34, // invariant
  Let = 35, // let
  Linear = 36, // linear
  Match = 37, // match
  Mut = 38, // mut
  Not = 39, // not
  Null = 40, // null
  Old = 41, // old
  Or = 42, // or
  Owned = 43, // owned
  Perform = 44, // perform
  Pub = 45, // pub
  Pure = 46, // pure
  Record = 47, // record
  Ref = 48, // ref
  Requires = 49, // requires
  Resume = 50, // resume
  Return = 51, // return
  Self = 52, // self
  True = 53, // true
  Type = 54, // type
  Typestate = 55, // typestate
  Where = 56, // where
  While = 57, // while
  With = 58, // with
  LParen = 59, // (
  RParen = 60, // )
  LBracket = 61, // [
  RBracket = 62, // ]
  LBrace = 63, // {
  RBrace = 64, // }
  Comma = 65, // ,
  Colon = 66, // :
  Dot = 67, // .
  DotDot = 68, // ..
  DotDotEq = 69, // ..=
  Arrow = 70, // ->
  FatArrow = 71, // =>
  Eq = 72, // =
  EqEq = 73, // ==
  NotEq = 74, // !=
  Lt = 75, // <
  Le = 76, // <=
  Gt = 77, // >
  Ge = 78, // >=
  Plus = 79, // +
  Minus = 80, // -
  Star = 81, // *
  Slash = 82, // /
  SlashSlash = 83, // //
  Percent = 84, // %
  StarStar = 85, // **
  PlusPlus = 86, // ++
  PlusEq = 87, // +=
  MinusEq = 88, // -=
  StarEq = 89, // *=
  Question = 90, // ?
  Bang = 91, // !
  Pipe = 92, // |
}

/** Every token kind; a token's code in `TokenBuffer.codes` is its index here. */
export const TOKEN_KINDS: readonly TokenKind[] = [
  'EOF', 'NL', 'Ident', 'Int', 'Float', 'Str', 'RawStr', 'StrStart', 'StrMid', 'StrEnd',
  ...KEYWORD_LIST,
  ...PUNCT_LIST,
];

export const KEYWORDS: ReadonlySet<string> = new Set(KEYWORD_LIST);

const CODE_OF = new Map<TokenKind, number>(TOKEN_KINDS.map((k, i) => [k, i]));

/** The code of a token kind (an index into `TOKEN_KINDS`). */
export function kindCode(kind: TokenKind): number {
  return CODE_OF.get(kind)!;
}

/** 2^63: the magnitude of the smallest Int, allowed only under unary minus. */
export const INT_LIMIT = 1n << 63n;

/** Words that can only begin a statement or declaration: used to recover from unclosed brackets. */
const LINE_START_WORDS = new Set([
  'let', 'while', 'for', 'return', 'break', 'continue', 'assert', 'assume', 'invariant', 'decreases',
  'requires', 'ensures', 'end', 'else', 'with', 'cell', 'record', 'enum', 'type', 'effect', 'typestate',
  'import', 'pub', 'pure', 'extern', 'linear',
]);

// Entries of the bracket stack.
const PAREN = 1;
const BRACKET = 2;
const BRACE = 3;
/** A block-valued expression inside brackets: newlines count again until its `end`. */
const BLOCK = 4;

// Character classes for ASCII, indexed by char code.
const IDENT_START = new Uint8Array(128);
const IDENT_PART = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const isLetter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  IDENT_START[c] = isLetter ? 1 : 0;
  IDENT_PART[c] = isLetter || (c >= 48 && c <= 57) ? 1 : 0;
}
const UNICODE_IDENT_START = /[\p{L}\p{Nl}]/u;
const UNICODE_IDENT_PART = /[\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]/u;

function isIdentStart(c: number, code: string, pos: number): boolean {
  if (c < 128) return IDENT_START[c] === 1;
  return UNICODE_IDENT_START.test(String.fromCodePoint(code.codePointAt(pos)!));
}

function isIdentPart(c: number, code: string, pos: number): boolean {
  if (c < 128) return IDENT_PART[c] === 1;
  return UNICODE_IDENT_PART.test(String.fromCodePoint(code.codePointAt(pos)!));
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Tokens after which an `if` cannot start an expression, so it is a match guard. */
const OPERAND_END = new Set<TokenKind>(['Ident', 'Int', 'Float', 'Str', 'RawStr', 'StrEnd', ')', ']', '}', '?', '!', 'true', 'false', 'null', 'self']);

interface InterpFrame {
  /** Height of the bracket stack when the interpolation opened. */
  readonly height: number;
  /** Offset of the string's opening quote, for the unterminated-string diagnostic. */
  readonly quote: number;
}

/** Lexes a file into token objects (convenient for tests and tools). */
export function lex(file: SourceFile): LexResult {
  const { tokens: b, diagnostics } = lexToBuffer(file);
  const tokens: Token[] = new Array<Token>(b.count);
  for (let i = 0; i < b.count; i++) {
    const start = b.starts[i]!;
    const end = b.ends[i]!;
    tokens[i] = { kind: TOKEN_KINDS[b.codes[i]!]!, start, end, value: tokenValue(file.code, b.codes[i]!, start, end) };
  }
  return { tokens, diagnostics };
}

/** Lexes a file into parallel token arrays (what the parser reads). */
export function lexToBuffer(file: SourceFile): LexBufferResult {
  return lexInto(file, null);
}

/**
 * Token arrays that `parse` has finished with, for the next file (a large
 * file has hundreds of thousands of tokens: the arrays are megabytes).
 */
let spareTokens: TokenBuffer | null = null;

/** `lexToBuffer` into the spare token arrays, if there are any; hand them back with `releaseTokens`. */
export function lexReusing(file: SourceFile): LexBufferResult {
  const spare = spareTokens;
  spareTokens = null;
  return lexInto(file, spare);
}

/** Gives token arrays back for reuse; the caller must not read them afterwards. */
export function releaseTokens(tokens: TokenBuffer): void {
  // Keep at most a few tens of megabytes alive between parses.
  if (tokens.codes.length <= 1 << 22 && (spareTokens === null || spareTokens.codes.length < tokens.codes.length)) spareTokens = tokens;
}

function lexInto(file: SourceFile, reuse: TokenBuffer | null): LexBufferResult {
  const lexer = new Lexer(file, reuse);
  lexer.run();
  return {
    tokens: { count: lexer.count, codes: lexer.codes, starts: lexer.starts, ends: lexer.ends },
    diagnostics: lexer.diagnostics,
  };
}

class Lexer {
  // Tokens as parallel typed arrays, grown by doubling: no per-token garbage.
  count = 0;
  codes: Uint8Array;
  starts: Int32Array;
  ends: Int32Array;
  readonly diagnostics: Diagnostic[] = [];
  private readonly code: string;
  private readonly path: string;
  private pos = 0;
  private readonly stack: number[] = [];
  private readonly interps: InterpFrame[] = [];
  /** A `\` ended the line: the next newline does not end the statement. */
  private continuation = false;

  /** `reuse`: arrays to write the tokens into when they are large enough (only the first `count` entries are meaningful). */
  constructor(file: SourceFile, reuse: TokenBuffer | null) {
    this.code = file.code;
    this.path = file.path;
    // Code has about one token per three characters: room for one per two, so the arrays seldom grow.
    const capacity = 64 + (file.code.length >> 1);
    if (reuse !== null && reuse.codes.length >= capacity) {
      this.codes = reuse.codes;
      this.starts = reuse.starts;
      this.ends = reuse.ends;
    } else {
      this.codes = new Uint8Array(capacity);
      this.starts = new Int32Array(capacity);
      this.ends = new Int32Array(capacity);
    }
  }

  run(): void {
    const code = this.code;
    const n = code.length;
    this.directive();
    // The position lives in a local; `this.pos` is synchronised around the
    // methods that read or move it (strings, numbers, comments, newlines…).
    let pos = this.pos;
    while (pos < n) {
      const start = pos;
      const c = code.charCodeAt(start);
      // Words first: most tokens are identifiers and keywords (`r"` starts a raw string).
      if (c < 128 && IDENT_START[c] === 1 && (c !== 114 || code.charCodeAt(start + 1) !== 34)) {
        // The hash is the keyword lookup's (`keywordOfHash`), computed on the way.
        let h = c;
        let i = start + 1;
        let d = 0;
        while (i < n) {
          d = code.charCodeAt(i);
          if (d < 128 && IDENT_PART[d] === 1) {
            h = (Math.imul(h, 31) + d) | 0;
            i++;
          } else break;
        }
        if (i < n && d >= 128) {
          // A non-ASCII character: the general path decides whether it continues the word.
          this.pos = start;
          this.identifier(start);
          pos = this.pos;
          continue;
        }
        const len = i - start;
        const kw = len < 2 || len > 9 ? -1 : keywordOfHash(code, start, i, h);
        if (kw < 0) this.push(T.Ident, start, i);
        else {
          if (this.stack.length > 0) this.trackBlock(TOKEN_KINDS[kw] as Keyword);
          this.push(kw, start, i);
        }
        pos = i;
        continue;
      }
      switch (c) {
        case 32: // space
        case 9: // tab
        case 13: // carriage return
        case 12: // form feed; a run of blanks (indentation) in one go
          pos++;
          while (pos < n) {
            const d = code.charCodeAt(pos);
            if (d === 32 || d === 9 || d === 13 || d === 12) pos++;
            else break;
          }
          continue;
        case 10: // newline
          pos++;
          this.pos = pos;
          this.newline(start);
          pos = this.pos;
          continue;
        case 35: // #
          this.pos = pos;
          this.skipComment();
          pos = this.pos;
          continue;
        case 92: // backslash: line continuation
          this.pos = pos;
          this.lineContinuation();
          pos = this.pos;
          continue;
        case 34: // "
          this.pos = pos + 1;
          this.stringBody(start, start, true);
          pos = this.pos;
          continue;
        case 40: // (
          this.stack.push(PAREN);
          this.push(T.LParen, start, ++pos);
          continue;
        case 91: // [
          this.stack.push(BRACKET);
          this.push(T.LBracket, start, ++pos);
          continue;
        case 123: // {
          this.stack.push(BRACE);
          this.push(T.LBrace, start, ++pos);
          continue;
        case 41: // )
          this.close(PAREN);
          this.push(T.RParen, start, ++pos);
          continue;
        case 93: // ]
          this.close(BRACKET);
          this.push(T.RBracket, start, ++pos);
          continue;
        case 125: // }
          this.pos = pos;
          this.closeBrace(start);
          pos = this.pos;
          continue;
        case 44:
          this.push(T.Comma, start, ++pos);
          continue;
        case 58:
          this.push(T.Colon, start, ++pos);
          continue;
        case 63:
          this.push(T.Question, start, ++pos);
          continue;
        case 124:
          this.push(T.Pipe, start, ++pos);
          continue;
        case 37:
          this.push(T.Percent, start, ++pos);
          continue;
        case 46: // .
          if (code.charCodeAt(start + 1) === 46) {
            if (code.charCodeAt(start + 2) === 61) this.push(T.DotDotEq, start, (pos += 3));
            else this.push(T.DotDot, start, (pos += 2));
          } else this.push(T.Dot, start, ++pos);
          continue;
        case 45: {
          // -
          const d = code.charCodeAt(start + 1);
          if (d === 62) this.push(T.Arrow, start, (pos += 2));
          else if (d === 61) this.push(T.MinusEq, start, (pos += 2));
          else this.push(T.Minus, start, ++pos);
          continue;
        }
        case 61: {
          // =
          const d = code.charCodeAt(start + 1);
          if (d === 61) this.push(T.EqEq, start, (pos += 2));
          else if (d === 62) this.push(T.FatArrow, start, (pos += 2));
          else this.push(T.Eq, start, ++pos);
          continue;
        }
        case 33: // !
          if (code.charCodeAt(start + 1) === 61) this.push(T.NotEq, start, (pos += 2));
          else this.push(T.Bang, start, ++pos);
          continue;
        case 60: // <
          if (code.charCodeAt(start + 1) === 61) this.push(T.Le, start, (pos += 2));
          else this.push(T.Lt, start, ++pos);
          continue;
        case 62: // >
          if (code.charCodeAt(start + 1) === 61) this.push(T.Ge, start, (pos += 2));
          else this.push(T.Gt, start, ++pos);
          continue;
        case 43: {
          // +
          const d = code.charCodeAt(start + 1);
          if (d === 43) this.push(T.PlusPlus, start, (pos += 2));
          else if (d === 61) this.push(T.PlusEq, start, (pos += 2));
          else this.push(T.Plus, start, ++pos);
          continue;
        }
        case 42: {
          // *
          const d = code.charCodeAt(start + 1);
          if (d === 42) this.push(T.StarStar, start, (pos += 2));
          else if (d === 61) this.push(T.StarEq, start, (pos += 2));
          else this.push(T.Star, start, ++pos);
          continue;
        }
        case 47: // /
          if (code.charCodeAt(start + 1) === 47) this.push(T.SlashSlash, start, (pos += 2));
          else this.push(T.Slash, start, ++pos);
          continue;
        default:
          break;
      }
      this.pos = pos;
      if (isDigit(c)) {
        this.number(start);
      } else if (c === 114 && code.charCodeAt(start + 1) === 34) {
        this.rawString(start);
      } else if (isIdentStart(c, code, start)) {
        this.identifier(start);
      } else {
        const cp = code.codePointAt(start)!;
        const ch = String.fromCodePoint(cp);
        this.pos += ch.length;
        this.error('E0001', start, this.pos, [ch]);
      }
      pos = this.pos;
    }
    this.pos = pos;
    this.closeInterpolations(n);
    if (this.count > 0 && this.lastCode() !== T.NL) this.push(T.NL, n, n);
    this.push(T.EOF, n, n);
  }

  private push(code: number, start: number, end: number): void {
    const n = this.count;
    if (n === this.codes.length) this.grow();
    this.codes[n] = code;
    this.starts[n] = start;
    this.ends[n] = end;
    this.count = n + 1;
  }

  private grow(): void {
    const n = this.codes.length * 2;
    const codes = new Uint8Array(n);
    codes.set(this.codes);
    this.codes = codes;
    const starts = new Int32Array(n);
    starts.set(this.starts);
    this.starts = starts;
    const ends = new Int32Array(n);
    ends.set(this.ends);
    this.ends = ends;
  }

  private lastCode(): number {
    return this.count > 0 ? this.codes[this.count - 1]! : T.NL;
  }

  private error(code: string, start: number, end: number, args: readonly (string | number)[] = []): void {
    this.diagnostics.push(diag(code, makeSpan(this.path, start, end), args));
  }

  private punct(code: number, length: number): void {
    const start = this.pos;
    this.pos += length;
    this.push(code, start, start + length);
  }

  private skipComment(): void {
    const i = this.code.indexOf('\n', this.pos);
    this.pos = i < 0 ? this.code.length : i;
  }

  /** The optional `@lumen 1` directive, before any token. */
  private directive(): void {
    const code = this.code;
    let i = 0;
    for (;;) {
      const c = code.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 12) i++;
      else if (c === 35) {
        const j = code.indexOf('\n', i);
        i = j < 0 ? code.length : j;
      } else break;
    }
    if (code.charCodeAt(i) !== 64 || !code.startsWith('@lumen', i) || isIdentPartAt(code, i + 6)) return;
    const at = i;
    i += 6;
    while (code.charCodeAt(i) === 32 || code.charCodeAt(i) === 9) i++;
    const vStart = i;
    while (i < code.length) {
      const c = code.charCodeAt(i);
      if (c === 32 || c === 9 || c === 10 || c === 13 || c === 35) break;
      i++;
    }
    const version = code.slice(vStart, i);
    if (version !== '1') this.error('E0006', at, i, [version]);
    this.pos = i;
  }

  private lineContinuation(): void {
    const code = this.code;
    const start = this.pos;
    let i = start + 1;
    while (i < code.length) {
      const c = code.charCodeAt(i);
      if (c === 32 || c === 9 || c === 13) i++;
      else break;
    }
    const c = code.charCodeAt(i);
    if (i >= code.length || c === 10 || c === 35) {
      this.continuation = true;
      this.pos = i;
    } else {
      this.pos = start + 1;
      this.error('E0001', start, start + 1, ['\\']);
    }
  }

  private newline(at: number): void {
    if (this.interps.length > 0) this.closeInterpolations(at);
    if (this.continuation) {
      this.continuation = false;
      return;
    }
    const stack = this.stack;
    if (stack.length > 0 && stack[stack.length - 1] !== BLOCK) {
      // Inside brackets the statement continues, unless the next line
      // clearly starts a new statement: then the brackets were left open.
      if (!this.nextLineStartsStatement()) return;
      while (stack.length > 0 && stack[stack.length - 1] !== BLOCK) stack.pop();
    }
    if (this.count > 0 && this.lastCode() !== T.NL) this.push(T.NL, at, at + 1);
  }

  private nextLineStartsStatement(): boolean {
    const code = this.code;
    let i = this.pos;
    while (code.charCodeAt(i) === 32 || code.charCodeAt(i) === 9) i++;
    const start = i;
    while (i < code.length && code.charCodeAt(i) < 128 && IDENT_PART[code.charCodeAt(i)] === 1) i++;
    if (i === start || i - start > 9) return false;
    return LINE_START_WORDS.has(code.slice(start, i));
  }

  /** Pops the bracket stack down to (and including) the matching opener, if there is one. */
  private close(opener: number): void {
    const stack = this.stack;
    const floor = this.interps.length > 0 ? this.interps[this.interps.length - 1]!.height : 0;
    for (let i = stack.length - 1; i >= floor; i--) {
      if (stack[i] === opener) {
        stack.length = i;
        return;
      }
      if (stack[i] === BLOCK) return;
    }
  }

  private closeBrace(start: number): void {
    const stack = this.stack;
    const interps = this.interps;
    if (interps.length > 0) {
      const frame = interps[interps.length - 1]!;
      if (stack.length <= frame.height || stack[stack.length - 1] !== BRACE) {
        // The end of an interpolation: resume the string.
        stack.length = Math.min(stack.length, frame.height);
        interps.pop();
        this.pos = start + 1;
        this.stringBody(start, frame.quote, false);
        return;
      }
    }
    this.close(BRACE);
    this.punct(T.RBrace, 1);
  }

  /** Ends every open interpolation at `at` (a newline or the end of the file). */
  private closeInterpolations(at: number): void {
    const interps = this.interps;
    if (interps.length === 0) return;
    this.error('E0002', interps[0]!.quote, at);
    this.stack.length = Math.min(this.stack.length, interps[0]!.height);
    for (let k = interps.length; k > 0; k--) this.push(T.StrEnd, at, at);
    interps.length = 0;
  }

  /**
   * Scans string text from `this.pos` up to the closing quote, an
   * interpolation `{`, or the end of the line, checking escapes. `tokStart`
   * is where the token starts (the quote or the `}`), `quote` where the whole
   * string started. The decoded text is computed on demand by `tokenValue`.
   */
  private stringBody(tokStart: number, quote: number, first: boolean): void {
    const code = this.code;
    const n = code.length;
    let pos = this.pos;
    for (;;) {
      if (pos >= n) break;
      const c = code.charCodeAt(pos);
      if (c === 34) {
        pos++;
        this.pos = pos;
        this.push(first ? T.Str : T.StrEnd, tokStart, pos);
        return;
      }
      if (c === 123) {
        pos++;
        this.pos = pos;
        this.push(first ? T.StrStart : T.StrMid, tokStart, pos);
        this.interps.push({ height: this.stack.length, quote });
        return;
      }
      if (c === 10) break;
      if (c === 92) {
        pos = decodeEscape(code, pos, null, this.escapeError);
        continue;
      }
      pos++;
    }
    // Unterminated: the line (or file) ended inside the string. When the
    // string sits inside an interpolation, closing that interpolation at the
    // newline reports the error once for the outermost string.
    this.pos = pos;
    if (this.interps.length === 0) this.error('E0002', quote, pos);
    this.push(first ? T.Str : T.StrEnd, tokStart, pos);
  }

  private readonly escapeError = (start: number, end: number, text: string): void => {
    this.error('E0004', start, end, [text]);
  };

  private rawString(start: number): void {
    const code = this.code;
    let i = start + 2;
    while (i < code.length) {
      const c = code.charCodeAt(i);
      if (c === 34 || c === 10) break;
      i++;
    }
    if (code.charCodeAt(i) === 34) {
      this.pos = i + 1;
    } else {
      this.pos = i;
      this.error('E0002', start, i);
    }
    this.push(T.RawStr, start, this.pos);
  }

  private identifier(start: number): void {
    const code = this.code;
    const c0 = code.charCodeAt(start);
    let i = start + (c0 >= 0xd800 && c0 <= 0xdbff ? 2 : 1);
    const n = code.length;
    while (i < n) {
      const c = code.charCodeAt(i);
      if (c < 128) {
        if (IDENT_PART[c] !== 1) break;
        i++;
      } else if (isIdentPart(c, code, i)) {
        i += c >= 0xd800 && c <= 0xdbff ? 2 : 1;
      } else break;
    }
    this.pos = i;
    const kw = keywordAt(code, start, i);
    if (kw < 0) {
      this.push(T.Ident, start, i);
      return;
    }
    if (this.stack.length > 0) this.trackBlock(TOKEN_KINDS[kw] as Keyword);
    this.push(kw, start, i);
  }

  /** Inside brackets, block-valued expressions make newlines significant until their `end`. */
  private trackBlock(kw: Keyword): void {
    const stack = this.stack;
    switch (kw) {
      case 'if': {
        const prev = TOKEN_KINDS[this.lastCode()]!;
        if (prev === 'else' || OPERAND_END.has(prev)) return;
        stack.push(BLOCK);
        return;
      }
      case 'match':
      case 'handle':
      case 'while':
      case 'for':
        stack.push(BLOCK);
        return;
      case 'end':
        if (stack[stack.length - 1] === BLOCK) stack.pop();
        return;
      default:
        return;
    }
  }

  private number(start: number): void {
    const code = this.code;
    const n = code.length;
    const c1 = code.charCodeAt(start + 1);
    let i: number;
    let ok = true;
    if (code.charCodeAt(start) === 48 && (c1 === 120 || c1 === 88 || c1 === 98 || c1 === 66 || c1 === 111 || c1 === 79)) {
      // 0x, 0b, 0o
      const radix = c1 === 120 || c1 === 88 ? 16 : c1 === 98 || c1 === 66 ? 2 : 8;
      i = start + 2;
      let digits = 0;
      // `0x_FF` is allowed (as in Rust); `0x__FF` and `0xFF_` are not.
      let prevUnderscore = false;
      while (i < n) {
        const c = code.charCodeAt(i);
        if (c === 95) {
          if (prevUnderscore) ok = false;
          prevUnderscore = true;
        } else if (digitValue(c) < radix) {
          digits++;
          prevUnderscore = false;
        } else break;
        i++;
      }
      if (digits === 0 || prevUnderscore) ok = false;
      i = this.trailingIdent(i);
      this.pos = i;
      if (!ok || i !== start + 2 + countRadixChars(code, start + 2, i, radix)) {
        this.error('E0003', start, i, [code.slice(start, i)]);
        this.push(T.Int, start, i);
        return;
      }
      this.pushInt(start, i);
      return;
    }
    // Decimal.
    i = this.digits(start);
    if (code.charCodeAt(i - 1) === 95) ok = false;
    let isFloat = false;
    const afterDot = this.lastCode() === T.Dot;
    if (!afterDot) {
      if (code.charCodeAt(i) === 46 && isDigit(code.charCodeAt(i + 1))) {
        isFloat = true;
        i = this.digits(i + 1);
        if (code.charCodeAt(i - 1) === 95) ok = false;
      }
      const e = code.charCodeAt(i);
      if (e === 101 || e === 69) {
        let j = i + 1;
        const s = code.charCodeAt(j);
        if (s === 43 || s === 45) j++;
        if (isDigit(code.charCodeAt(j))) {
          isFloat = true;
          i = this.digits(j);
          if (code.charCodeAt(i - 1) === 95) ok = false;
        }
      }
    }
    const end = this.trailingIdent(i);
    if (end !== i) ok = false;
    i = end;
    this.pos = i;
    if (!ok) {
      this.error('E0003', start, i, [code.slice(start, i)]);
      this.push(isFloat ? T.Float : T.Int, start, i);
      return;
    }
    if (isFloat) this.push(T.Float, start, i);
    else this.pushInt(start, i);
  }

  /** Digits and underscores from `i` (no doubled underscores); returns the end. */
  private digits(i: number): number {
    const code = this.code;
    let prevUnderscore = false;
    while (i < code.length) {
      const c = code.charCodeAt(i);
      if (isDigit(c)) prevUnderscore = false;
      else if (c === 95 && !prevUnderscore) prevUnderscore = true;
      else break;
      i++;
    }
    return i;
  }

  /** Identifier characters glued to a number make it invalid: consume them too. */
  private trailingIdent(i: number): number {
    const code = this.code;
    while (i < code.length) {
      const c = code.charCodeAt(i);
      if (c < 128 ? IDENT_PART[c] === 1 : isIdentPart(c, code, i)) i++;
      else break;
    }
    return i;
  }

  private pushInt(start: number, end: number): void {
    // Literals shorter than 18 characters (`0x` and 16 hex digits) are below 2^63.
    if (end - start >= 18) {
      const text = this.code.slice(start, end);
      if (intLiteralValue(text) > INT_LIMIT) this.error('E0005', start, end, [text]);
    }
    this.push(T.Int, start, end);
  }

}

/**
 * Keywords by the hash of their characters (`keywordOfHash`; the lexer
 * computes it while scanning a word): each slot of `KEYWORD_SLOTS` holds the
 * code of the one keyword whose hash lands there (the multiplier is chosen
 * so that none collide), or 0, and `KEYWORD_HASHES` its full hash, so almost
 * every identifier is ruled out without looking at its characters again.
 */
const KEYWORD_SLOTS = new Uint8Array(128);
const KEYWORD_HASHES = new Int32Array(TOKEN_KINDS.length);

function keywordSlot(hash: number): number {
  return Math.imul(hash, 0x576d411d) >>> 25;
}

for (const kw of KEYWORD_LIST) {
  let h = 0;
  for (let i = 0; i < kw.length; i++) h = (Math.imul(h, 31) + kw.charCodeAt(i)) | 0;
  const slot = keywordSlot(h);
  if (KEYWORD_SLOTS[slot] !== 0) throw new Error(`keyword hash collision: ${kw}`);
  KEYWORD_SLOTS[slot] = kindCode(kw);
  KEYWORD_HASHES[kindCode(kw)] = h;
}

/** The code of the keyword spelled by `code[start, end)`, or -1. */
function keywordAt(code: string, start: number, end: number): number {
  const len = end - start;
  if (len < 2 || len > 9) return -1;
  let h = 0;
  for (let i = start; i < end; i++) h = (Math.imul(h, 31) + code.charCodeAt(i)) | 0;
  return keywordOfHash(code, start, end, h);
}

/** `keywordAt`, given the word's hash: `h = h * 31 + c` over its characters (32-bit). */
function keywordOfHash(code: string, start: number, end: number, hash: number): number {
  const k = KEYWORD_SLOTS[keywordSlot(hash)]!;
  if (k === 0 || KEYWORD_HASHES[k] !== hash) return -1;
  const kw = TOKEN_KINDS[k]!;
  const len = end - start;
  if (kw.length !== len) return -1;
  for (let i = 0; i < len; i++) if (kw.charCodeAt(i) !== code.charCodeAt(start + i)) return -1;
  return k;
}

/**
 * The value of a token, from its source text: the name of an identifier, the
 * bigint of an Int, the number of a Float, the decoded text of a string or
 * string part; null for other tokens. Invalid literals (already reported by
 * the lexer) give 0.
 */
export function tokenValue(code: string, kindCode: number, start: number, end: number): string | bigint | number | null {
  switch (kindCode) {
    case T.Ident:
      return code.slice(start, end);
    case T.Int:
      return intValueAt(code, start, end);
    case T.Float: {
      const text = code.slice(start, end);
      const v = Number(text.indexOf('_') >= 0 ? text.replace(/_/g, '') : text);
      return Number.isFinite(v) ? v : 0;
    }
    case T.Str:
    case T.StrStart:
      return decodeStringText(code, start + 1);
    case T.StrMid:
    case T.StrEnd:
      return start === end ? '' : decodeStringText(code, start + 1);
    case T.RawStr: {
      const close = end - 1 >= start + 2 && code.charCodeAt(end - 1) === 34 ? end - 1 : end;
      return code.slice(start + 2, close);
    }
    default:
      return null;
  }
}

/** Small literals share one bigint each (bigints are immutable values). */
const SMALL_BIGINTS: readonly bigint[] = Array.from({ length: 1024 }, (_, i) => BigInt(i));

/** `intLiteralValue(code.slice(start, end))`, without making the string for short decimal literals. */
export function intValueAt(code: string, start: number, end: number): bigint {
  if (end - start <= 15) {
    let v = 0;
    let ok = end > start;
    for (let i = start; i < end; i++) {
      const c = code.charCodeAt(i);
      if (c >= 48 && c <= 57) v = v * 10 + (c - 48);
      else if (c !== 95) {
        ok = false;
        break;
      }
    }
    if (ok) return v < SMALL_BIGINTS.length ? SMALL_BIGINTS[v]! : BigInt(v);
  }
  return intLiteralValue(code.slice(start, end));
}

/** The value of an Int literal's text (`1_000`, `0xFF`, …); 0 when it is malformed. */
export function intLiteralValue(text: string): bigint {
  const n = text.length;
  if (n <= 15) {
    // Short decimal literals are exact as doubles: avoid BigInt's string parser.
    let v = 0;
    let ok = n > 0;
    for (let i = 0; i < n; i++) {
      const c = text.charCodeAt(i);
      if (c >= 48 && c <= 57) v = v * 10 + (c - 48);
      else if (c !== 95) {
        ok = false;
        break;
      }
    }
    if (ok) return v < SMALL_BIGINTS.length ? SMALL_BIGINTS[v]! : BigInt(v);
  }
  try {
    return BigInt(text.indexOf('_') >= 0 ? text.replace(/_/g, '') : text);
  } catch {
    return 0n;
  }
}

/** Decoded string text from `from` up to the closing quote, an interpolation `{`, or the end of the line. */
export function decodeStringText(code: string, from: number): string {
  const n = code.length;
  let pos = from;
  let chunkStart = pos;
  let parts: string[] | null = null;
  while (pos < n) {
    const c = code.charCodeAt(pos);
    if (c === 34 || c === 123 || c === 10) break;
    if (c === 92) {
      if (parts === null) parts = [];
      parts.push(code.slice(chunkStart, pos));
      pos = decodeEscape(code, pos, parts, null);
      chunkStart = pos;
      continue;
    }
    pos++;
  }
  if (parts === null) return code.slice(chunkStart, pos);
  parts.push(code.slice(chunkStart, pos));
  return parts.join('');
}

type EscapeErrorFn = (start: number, end: number, text: string) => void;

/**
 * Handles the escape at `pos` (a backslash): appends its text to `parts`
 * (when given), reports a malformed escape through `report` (when given),
 * and returns the offset after it.
 */
function decodeEscape(code: string, pos: number, parts: string[] | null, report: EscapeErrorFn | null): number {
  const c = code.charCodeAt(pos + 1);
  let text: string;
  switch (c) {
    case 110: // n
      text = '\n';
      break;
    case 116: // t
      text = '\t';
      break;
    case 114: // r
      text = '\r';
      break;
    case 48: // 0
      text = '\0';
      break;
    case 92:
      text = '\\';
      break;
    case 34:
      text = '"';
      break;
    case 123:
      text = '{';
      break;
    case 125:
      text = '}';
      break;
    case 117: {
      // \u{XXXX}
      if (code.charCodeAt(pos + 2) === 123) {
        let i = pos + 3;
        while (i < code.length && i < pos + 12 && isHexDigit(code.charCodeAt(i))) i++;
        if (code.charCodeAt(i) === 125 && i > pos + 3) {
          const cp = parseInt(code.slice(pos + 3, i), 16);
          if (cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
            if (parts !== null) parts.push(String.fromCodePoint(cp));
          } else if (report !== null) report(pos, i + 1, code.slice(pos, i + 1));
          return i + 1;
        }
      }
      if (report !== null) report(pos, pos + 2, '\\u');
      return pos + 2;
    }
    default: {
      if (pos + 1 >= code.length || c === 10) {
        if (report !== null) report(pos, pos + 1, '\\');
        return pos + 1;
      }
      // An unknown escape: reported, and kept as the character itself.
      const ch = String.fromCodePoint(code.codePointAt(pos + 1)!);
      if (report !== null) report(pos, pos + 1 + ch.length, '\\' + ch);
      if (parts !== null) parts.push(ch);
      return pos + 1 + ch.length;
    }
  }
  if (parts !== null) parts.push(text);
  return pos + 2;
}

function isIdentPartAt(code: string, i: number): boolean {
  if (i >= code.length) return false;
  return isIdentPart(code.charCodeAt(i), code, i);
}

function isHexDigit(c: number): boolean {
  return isDigit(c) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

function digitValue(c: number): number {
  if (isDigit(c)) return c - 48;
  if (c >= 97 && c <= 122) return c - 87;
  if (c >= 65 && c <= 90) return c - 55;
  return 99;
}

/** How many characters from `from` to `to` are digits of the radix or underscores. */
function countRadixChars(code: string, from: number, to: number, radix: number): number {
  let k = 0;
  for (let i = from; i < to; i++) {
    const c = code.charCodeAt(i);
    if (c === 95 || digitValue(c) < radix) k++;
    else break;
  }
  return k;
}

/** A readable description of a token for diagnostics: "`)`", "end of line", "identifier `x`". */
export function describeToken(tok: Token, code: string): string {
  return describeKind(tok.kind, tok.value, code.slice(tok.start, tok.end));
}

/** `describeToken` from a token's kind, value and source text. */
export function describeKind(kind: TokenKind, value: string | bigint | number | null, text: string): string {
  switch (kind) {
    case 'NL':
      return 'end of line';
    case 'EOF':
      return 'end of file';
    case 'Ident':
      return `identifier \`${String(value)}\``;
    case 'Int':
    case 'Float':
      return `\`${text}\``;
    case 'Str':
    case 'RawStr':
    case 'StrStart':
      return 'a string literal';
    case 'StrMid':
    case 'StrEnd':
      return '`}`';
    default:
      return `\`${kind}\``;
  }
}
