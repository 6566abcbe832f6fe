// The parser: tokens → AST (LANGUAGE.md §4–§9). Recursive descent for
// declarations, statements and patterns; precedence climbing for binary
// operators. It never throws and always returns a Module: after a syntax
// error it reports one diagnostic, enters panic mode (further errors are
// suppressed) and resynchronises at the end of the line, at `end`, or at the
// next declaration keyword, so independent errors are all reported in one run.
//
// Where a node is missing after an error, the parser puts a placeholder: a
// `Name` expression (or `TName` type, or identifier) named `<error>`. Later
// stages should not run on a module that has syntax errors, but if they do,
// they can recognise these placeholders by `ERROR_NAME`.

import type * as A from './ast.js';
import type { Diagnostic } from './diagnostics.js';
import { diag, sortDiagnostics } from './diagnostics.js';
import type { TokenBuffer, TokenKind } from './lexer.js';
import { describeKind, INT_LIMIT, intValueAt, kindCode, lexReusing, releaseTokens, T, TOKEN_KINDS, tokenValue } from './lexer.js';
import type { SourceFile, Span } from './span.js';

/** A token, as its index in the token arrays. */
type Tok = number;

/** Token kind names by code, for messages. */
const K = TOKEN_KINDS;

/** Name of placeholder nodes the parser inserts after a syntax error. */
export const ERROR_NAME = '<error>';

/** Maximum nesting of expressions, blocks, patterns and types. */
export const MAX_NESTING = 200;

export interface ParseResult {
  readonly module: A.Module;
  readonly diagnostics: Diagnostic[];
}

export function parse(file: SourceFile): ParseResult {
  const lexed = lexReusing(file);
  const parser = new Parser(file, lexed.tokens);
  const module = parser.parseModule();
  // The tree holds no reference to the tokens: the next file can reuse their arrays.
  releaseTokens(lexed.tokens);
  const all = lexed.diagnostics.length === 0 ? parser.diagnostics : [...lexed.diagnostics, ...parser.diagnostics];
  const diagnostics = all.length <= 1 ? all : sortDiagnostics(all);
  return { module, diagnostics };
}

// Binding powers, loosest to tightest (LANGUAGE.md §5).
const PREC_IMPLIES = 1;
const PREC_OR = 2;
const PREC_AND = 3;
const PREC_NOT = 4;
const PREC_CMP = 5;
const PREC_CONCAT = 6;
const PREC_RANGE = 7;
const PREC_ADD = 8;
const PREC_MUL = 9;

/** Binding power of each binary operator token, indexed by token code; 0 for other tokens. */
const BINARY_PREC = new Int8Array(TOKEN_KINDS.length);
for (const [op, prec] of Object.entries({
  implies: PREC_IMPLIES,
  or: PREC_OR,
  and: PREC_AND,
  '==': PREC_CMP,
  '!=': PREC_CMP,
  '<': PREC_CMP,
  '<=': PREC_CMP,
  '>': PREC_CMP,
  '>=': PREC_CMP,
  in: PREC_CMP,
  '++': PREC_CONCAT,
  '..': PREC_RANGE,
  '..=': PREC_RANGE,
  '+': PREC_ADD,
  '-': PREC_ADD,
  '*': PREC_MUL,
  '/': PREC_MUL,
  '//': PREC_MUL,
  '%': PREC_MUL,
}) as [TokenKind, number][]) {
  BINARY_PREC[kindCode(op)] = prec;
}

/**
 * What a comma-separated `sequence` holds (a switch instead of a closure per
 * list, so parsing a list allocates nothing but the list).
 */
const enum Item {
  Expr,
  Type,
  Param,
  Arg,
  TypeParamName,
  HandlerParamName,
  EffectRef,
  VariantField,
  CtorPatternArg,
  CtorPatternArgTyped,
  Pattern,
  PatternTyped,
}

/** Does `code` hold `text` at `start`? */
function sameText(code: string, start: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (code.charCodeAt(start + i) !== text.charCodeAt(i)) return false;
  return true;
}

/** Tokens that start a declaration (and so cannot start a statement). */
function isDeclStart(k: T): boolean {
  switch (k) {
    case T.Cell:
    case T.Record:
    case T.Enum:
    case T.Type:
    case T.Effect:
    case T.Typestate:
    case T.Import:
    case T.Pub:
    case T.Pure:
    case T.Extern:
    case T.Linear:
      return true;
    default:
      return false;
  }
}

// Words that end a block (a bit set).
const STOP_END = 1;
const STOP_ELSE = 2;
const STOP_WITH = 4;

type Mods = { pub: Tok | null; pure: Tok | null; extern: Tok | null; linear: Tok | null };

class Parser {
  readonly diagnostics: Diagnostic[] = [];
  private readonly codes: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly last: Tok;
  private readonly code: string;
  private readonly path: string;
  private pos = 0;
  /** End offset of the last consumed token other than a newline. */
  private lastEnd = 0;
  /** Panic mode: an error was reported and the parser has not yet resynchronised. */
  private panic = false;
  /** A missing `end` was reported in the current declaration; enclosing blocks close silently. */
  private missingEndReported = false;
  /** The first block in the current declaration whose `end` sat left of its opener's line. */
  private suspect: { open: Tok; what: string } | null = null;
  private depth = 0;
  private depthReported = false;
  /** Index of an Int token directly under unary minus (where 2^63 is allowed). */
  private negatedInt = -1;
  /**
   * The items of the lists being built, on one stack: a list pushes its items
   * and takes them off as one exact-size array (`list`). Arrays grown by
   * `push` keep room for 16 more elements; most AST lists hold one or two,
   * and the tree of a large program is retained, so the slack would dominate
   * its size. Entries above `itemTop` are stale.
   */
  private readonly items: unknown[] = [];
  private itemTop = 0;
  /** The `decreases` clause found by the last `parseLoopSpecs`. */
  private loopDecreases: A.Expr | null = null;
  /** The `..spread` of the argument list being parsed. */
  private spread: A.Expr | null = null;
  /** The `..spread` of the argument list `parseArgs` just finished. */
  private lastSpread: A.Expr | null = null;
  /** Interned names (see `name`): an open-addressing table of hashes and strings; hash 0 marks a free slot. */
  private nameHashes = new Int32Array(1024);
  private nameStrings: string[] = new Array<string>(1024).fill('');
  private nameCount = 0;

  constructor(file: SourceFile, tokens: TokenBuffer) {
    this.codes = tokens.codes;
    this.starts = tokens.starts;
    this.ends = tokens.ends;
    this.last = tokens.count - 1;
    this.code = file.code;
    this.path = file.path;
  }

  // ------------------------------------------------------------ token helpers

  private kindOf(t: Tok): T {
    return this.codes[t]! as T;
  }

  /** The kind of the current token. */
  private kind(): T {
    return this.codes[this.pos]! as T;
  }

  /** The current token. */
  private peek(): Tok {
    return this.pos;
  }

  /** The kind of the token `k` places ahead (clamped at EOF). */
  private peekAt(k: number): T {
    const i = this.pos + k;
    return this.kindOf(i < this.last ? i : this.last);
  }

  private at(kind: T): boolean {
    return this.codes[this.pos] === kind;
  }

  private advance(): Tok {
    const t = this.pos;
    const k = this.kindOf(t);
    if (k !== T.EOF) {
      this.pos++;
      if (k !== T.NL) this.lastEnd = this.ends[t]!;
    }
    return t;
  }

  private eat(kind: T): boolean {
    if (this.kind() !== kind) return false;
    this.advance();
    return true;
  }

  private skipNewlines(): void {
    while (this.kind() === T.NL) this.pos++;
  }

  private atLineStart(): boolean {
    return this.pos === 0 || this.kindOf(this.pos - 1) === T.NL;
  }

  private span(start: number, end: number): Span {
    return { file: this.path, start, end: end < start ? start : end };
  }

  /** Span from `start` to the end of the last consumed token. */
  private from(start: number): Span {
    return this.span(start, this.lastEnd);
  }

  private tokSpan(t: Tok): Span {
    return { file: this.path, start: this.starts[t]!, end: this.ends[t]! };
  }

  /** 0-based column of a token. */
  private column(t: Tok): number {
    const code = this.code;
    const start = this.starts[t]!;
    let i = start;
    while (i > 0 && code.charCodeAt(i - 1) !== 10) i--;
    return start - i;
  }

  /**
   * The name of an identifier token. Names are interned, so each distinct
   * name is one string in the tree (and its hash is computed once for the
   * symbol tables of later stages). The table is looked up by the token's
   * characters, so a name seen before costs no new string.
   */
  private name(t: Tok): string {
    const code = this.code;
    const start = this.starts[t]!;
    const end = this.ends[t]!;
    const len = end - start;
    let h = len | 0;
    for (let i = start; i < end; i++) h = Math.imul(h ^ code.charCodeAt(i), 0x01000193);
    h = h === 0 ? 1 : h;
    const hashes = this.nameHashes;
    const mask = hashes.length - 1;
    let slot = h & mask;
    for (;;) {
      const hs = hashes[slot]!;
      if (hs === 0) break;
      if (hs === h) {
        const known = this.nameStrings[slot]!;
        if (known.length === len && sameText(code, start, known)) return known;
      }
      slot = (slot + 1) & mask;
    }
    const s = code.slice(start, end);
    hashes[slot] = h;
    this.nameStrings[slot] = s;
    if (++this.nameCount * 2 > mask) this.growNames();
    return s;
  }

  private growNames(): void {
    const oldHashes = this.nameHashes;
    const oldStrings = this.nameStrings;
    const size = oldHashes.length * 2;
    const hashes = new Int32Array(size);
    const strings = new Array<string>(size).fill('');
    const mask = size - 1;
    for (let i = 0; i < oldHashes.length; i++) {
      const h = oldHashes[i]!;
      if (h === 0) continue;
      let slot = h & mask;
      while (hashes[slot] !== 0) slot = (slot + 1) & mask;
      hashes[slot] = h;
      strings[slot] = oldStrings[i]!;
    }
    this.nameHashes = hashes;
    this.nameStrings = strings;
  }

  /** The value of an Int token (no string is made for short literals). */
  private intValue(t: Tok): bigint {
    return intValueAt(this.code, this.starts[t]!, this.ends[t]!);
  }

  // ------------------------------------------------------------ lists

  private pushItem(x: unknown): void {
    this.items[this.itemTop++] = x;
  }

  /**
   * The items pushed since `mark` (an earlier `itemTop`), as an exact-size
   * array; takes them off the stack. Short lists (most of them) are array
   * literals: V8 learns that what those sites allocate lives on, and
   * allocates it in the old generation directly instead of copying it there.
   */
  private list<X>(mark: number): X[] {
    const top = this.itemTop;
    this.itemTop = mark;
    const items = this.items as X[];
    switch (top - mark) {
      case 0:
        return [];
      case 1:
        return [items[mark]!];
      case 2:
        return [items[mark]!, items[mark + 1]!];
      case 3:
        return [items[mark]!, items[mark + 1]!, items[mark + 2]!];
      case 4:
        return [items[mark]!, items[mark + 1]!, items[mark + 2]!, items[mark + 3]!];
      default:
        return items.slice(mark, top);
    }
  }

  /** The value of a token (identifier name, literal value, string text); see `tokenValue`. */
  private value(t: Tok): string | bigint | number | null {
    return tokenValue(this.code, this.codes[t]!, this.starts[t]!, this.ends[t]!);
  }

  private describe(t: Tok): string {
    return describeKind(K[this.kindOf(t)]!, this.value(t), this.code.slice(this.starts[t]!, this.ends[t]!));
  }

  // ------------------------------------------------------------ diagnostics

  private error(code: string, span: Span, args: readonly (string | number)[] = []): void {
    if (this.panic) return;
    this.panic = true;
    this.diagnostics.push(diag(code, span, args));
  }

  /** Span used to report a problem at the current token; at a newline, just after the previous token. */
  private hereSpan(): Span {
    const t = this.peek();
    if (this.kindOf(t) === T.NL || this.kindOf(t) === T.EOF) {
      const at = Math.min(this.lastEnd, this.starts[t]!);
      return this.span(at, at);
    }
    return this.tokSpan(t);
  }

  private expected(what: string): void {
    this.error('E0010', this.hereSpan(), [what, this.describe(this.peek())]);
  }

  private expect(kind: T, what?: string): boolean {
    if (this.kind() === kind) {
      this.advance();
      return true;
    }
    this.expected(what ?? `\`${K[kind]}\``);
    return false;
  }

  /** Tokens that may stop error recovery without being consumed. */
  private isStructural(kind: T): boolean {
    switch (kind) {
      case T.NL:
      case T.EOF:
      case T.End:
      case T.RParen:
      case T.RBracket:
      case T.RBrace:
      case T.Comma:
      case T.StrMid:
      case T.StrEnd:
        return true;
      default:
        return false;
    }
  }

  /** Skips to the next newline (not consumed). */
  private skipLine(): void {
    for (;;) {
      const k = this.kind();
      if (k === T.NL || k === T.EOF) return;
      this.advance();
    }
  }

  /** End of a statement or block header: a newline (or a block-closing word). */
  private endLine(): void {
    const k = this.kind();
    if (k === T.NL) {
      this.skipNewlines();
      return;
    }
    if (k === T.EOF || k === T.End || k === T.Else || k === T.With) return;
    this.expected('end of line');
    this.skipLine();
    this.skipNewlines();
  }

  /**
   * Consumes the `end` of a block opened by `open`, or reports it missing.
   *
   * A missing `end` is only noticed where the enclosing block runs out (at
   * the next declaration or the end of the file), after an inner block has
   * taken the outer block's `end`. Indentation tells which block that was:
   * an `end` left of its opener's line is suspect, and the report names the
   * first suspect of the declaration. Valid code is never rejected this way;
   * indentation only chooses where an error that exists is reported.
   */
  private expectEnd(open: Tok, what: string): void {
    const end = this.peek();
    if (this.kindOf(end) === T.End) {
      this.advance();
      if (this.suspect === null && this.column(end) < this.lineIndent(open)) this.suspect = { open, what };
      return;
    }
    if (!this.missingEndReported) {
      this.missingEndReported = true;
      const culprit = this.suspect ?? { open, what };
      this.diagnostics.push(diag('E0013', this.tokSpan(culprit.open), [culprit.what]));
      this.panic = true;
    }
  }

  /** Indentation (0-based column of the first non-blank character) of a token's line. */
  private lineIndent(t: Tok): number {
    const code = this.code;
    let i = this.starts[t]!;
    while (i > 0 && code.charCodeAt(i - 1) !== 10) i--;
    const lineStart = i;
    while (code.charCodeAt(i) === 32 || code.charCodeAt(i) === 9) i++;
    return i - lineStart;
  }

  /** Guards recursion; returns false (after reporting once) when nesting is too deep. */
  private enter(): boolean {
    if (++this.depth <= MAX_NESTING) return true;
    if (!this.depthReported) {
      this.depthReported = true;
      this.diagnostics.push(diag('E0019', this.hereSpan(), [MAX_NESTING]));
    }
    this.panic = true;
    this.skipLine();
    return false;
  }

  private errorName(at: number): A.NameExpr {
    return { kind: 'Name', name: ERROR_NAME, span: this.span(at, at) };
  }

  private errorIdent(at: number): A.Ident {
    return { name: ERROR_NAME, span: this.span(at, at) };
  }

  private errorType(at: number): A.TypeExpr {
    return { kind: 'TName', name: this.errorIdent(at), args: [], span: this.span(at, at) };
  }

  private ident(what: string): A.Ident {
    const t = this.peek();
    if (this.kindOf(t) === T.Ident) {
      this.advance();
      return { name: this.name(t), span: this.tokSpan(t) };
    }
    this.expected(what);
    if (!this.isStructural(this.kindOf(t)) && !isDeclStart(this.kindOf(t))) this.advance();
    return this.errorIdent(this.starts[t]!);
  }

  /** `a.b.c` as one identifier (module-qualified names). */
  private dottedIdent(what: string): A.Ident {
    const first = this.ident(what);
    if (!this.at(T.Dot) || this.peekAt(1) !== T.Ident) return first;
    const parts = [first.name];
    while (this.at(T.Dot) && this.peekAt(1) === T.Ident) {
      this.advance();
      parts.push(this.name(this.advance()));
    }
    return { name: parts.join('.'), span: this.from(first.span.start) };
  }

  /**
   * A comma-separated sequence closed by `closer` (the opener is consumed).
   * Trailing commas are allowed. On a malformed element it skips to the next
   * comma or the closer at the same nesting, or gives up at the end of the line.
   */
  private sequence(closer: T, item: Item): void {
    for (;;) {
      const t = this.peek();
      if (this.kindOf(t) === closer) {
        this.advance();
        return;
      }
      if (this.kindOf(t) === T.NL || this.kindOf(t) === T.EOF) {
        this.expected(`\`${K[closer]}\``);
        return;
      }
      const x = this.sequenceItem(item);
      if (x !== null) this.pushItem(x);
      const u = this.peek();
      if (this.kindOf(u) === T.Comma) {
        this.advance();
        continue;
      }
      if (this.kindOf(u) === closer) {
        this.advance();
        return;
      }
      this.expected(`\`,\` or \`${K[closer]}\``);
      if (!this.recoverInSequence(closer)) return;
    }
  }

  /** One element of a `sequence` (null: nothing to add to the list). */
  private sequenceItem(item: Item): unknown {
    switch (item) {
      case Item.Expr:
        return this.parseExpr();
      case Item.Type:
        return this.parseType();
      case Item.Param:
        return this.parseParam();
      case Item.Arg:
        return this.parseArgOrSpread();
      case Item.TypeParamName:
        return this.ident('a type parameter name');
      case Item.HandlerParamName:
        return this.ident('a parameter name');
      case Item.EffectRef:
        return this.parseEffectRef();
      case Item.VariantField:
        return this.parseVariantField();
      case Item.CtorPatternArg:
        return this.parseCtorPatternArg(false);
      case Item.CtorPatternArgTyped:
        return this.parseCtorPatternArg(true);
      case Item.Pattern:
        return this.parsePattern(false);
      case Item.PatternTyped:
        return this.parsePattern(true);
    }
  }

  /** Skips to the next `,` (consumed; returns true) or `closer` (consumed; returns false) at this nesting. */
  private recoverInSequence(closer: T): boolean {
    let depth = 0;
    for (;;) {
      const k = this.kind();
      if (k === T.NL || k === T.EOF) return false;
      if (depth === 0 && k === T.Comma) {
        this.advance();
        return true;
      }
      if (depth === 0 && k === closer) {
        this.advance();
        return false;
      }
      if (k === T.LParen || k === T.LBracket || k === T.LBrace) depth++;
      else if ((k === T.RParen || k === T.RBracket || k === T.RBrace) && depth > 0) depth--;
      this.advance();
    }
  }

  /** Consumes `closer`, or reports it and skips to it on this line. */
  private close(closer: T): void {
    if (this.eat(closer)) return;
    this.expected(`\`${K[closer]}\``);
    let depth = 0;
    for (;;) {
      const k = this.kind();
      if (k === T.NL || k === T.EOF) return;
      if (depth === 0 && k === closer) {
        this.advance();
        return;
      }
      if (k === T.LParen || k === T.LBracket || k === T.LBrace) depth++;
      else if ((k === T.RParen || k === T.RBracket || k === T.RBrace) && depth > 0) depth--;
      this.advance();
    }
  }

  // ------------------------------------------------------------ module and declarations

  parseModule(): A.Module {
    const mark = this.itemTop;
    for (;;) {
      this.skipNewlines();
      if (this.at(T.EOF)) break;
      this.panic = false;
      this.missingEndReported = false;
      this.suspect = null;
      const before = this.pos;
      const d = this.parseDecl();
      if (d !== null) this.pushItem(d);
      if (this.pos === before) this.advance();
      // A declaration ends its line.
      if (!this.atLineStart() && !this.at(T.EOF)) {
        if (this.at(T.NL)) this.skipNewlines();
        else {
          this.expected('end of line');
          this.syncToDecl();
        }
      }
    }
    return { kind: 'Module', file: this.path, decls: this.list(mark), span: this.span(0, this.code.length) };
  }

  /** Skips to the next line that starts with a declaration keyword. */
  private syncToDecl(): void {
    for (;;) {
      const t = this.peek();
      if (this.kindOf(t) === T.EOF) return;
      if (this.atLineStart() && isDeclStart(this.kindOf(t))) return;
      this.advance();
    }
  }

  private parseDecl(): A.Decl | null {
    const start = this.starts[this.pos]!;
    const mods: Mods = { pub: null, pure: null, extern: null, linear: null };
    for (;;) {
      const t = this.peek();
      const k = this.kindOf(t);
      const mod = k === T.Pub ? 'pub' : k === T.Pure ? 'pure' : k === T.Extern ? 'extern' : k === T.Linear ? 'linear' : null;
      if (mod === null) break;
      if (mods[mod] !== null) this.error('E0021', this.tokSpan(t), [mod, 'per declaration']);
      mods[mod] = this.advance();
    }
    const t = this.peek();
    switch (this.kindOf(t)) {
      case T.Cell:
        this.disallow(mods.linear);
        return this.parseCell(start, mods, false);
      case T.Record:
        this.disallow(mods.pure, mods.extern);
        return this.parseRecord(start, mods);
      case T.Enum:
        this.disallow(mods.pure, mods.extern, mods.linear);
        return this.parseEnum(start, mods);
      case T.Type:
        this.disallow(mods.pure, mods.extern, mods.linear);
        return this.parseTypeAlias(start, mods);
      case T.Effect:
        this.disallow(mods.pure, mods.extern, mods.linear);
        return this.parseEffect(start, mods);
      case T.Typestate:
        this.disallow(mods.pub, mods.pure, mods.extern, mods.linear);
        return this.parseTypestate(start);
      case T.Import:
        this.disallow(mods.pub, mods.pure, mods.extern, mods.linear);
        return this.parseImport(start);
      default:
        this.error('E0012', this.hereSpan(), [this.describe(t)]);
        this.syncToDecl();
        return null;
    }
  }

  private disallow(...mods: (Tok | null)[]): void {
    for (const m of mods) if (m !== null) this.error('E0018', this.tokSpan(m), [K[this.kindOf(m)]!]);
  }

  private parseTypeParams(): A.Ident[] {
    if (!this.eat(T.LBracket)) return [];
    const mark = this.itemTop;
    this.sequence(T.RBracket, Item.TypeParamName);
    return this.list(mark);
  }

  private parseCell(start: number, mods: Mods, inEffect: boolean): A.CellDecl {
    const kw = this.advance(); // `cell`
    const name = this.ident('a cell name');
    const typeParams = this.at(T.LBracket) ? this.parseTypeParams() : [];
    let params: A.Param[];
    if (this.eat(T.LParen)) {
      const mark = this.itemTop;
      this.sequence(T.RParen, Item.Param);
      params = this.list(mark);
    } else {
      this.expected('`(`');
      params = [];
    }
    const ret = this.eat(T.Arrow) ? this.parseType() : null;
    const effects = this.at(T.Slash) ? this.parseEffectRow() : [];
    this.endLine();
    // Requires and ensures clauses may interleave: collect them apart.
    let requires: A.Expr[] | null = null;
    let ensures: A.Expr[] | null = null;
    let decreases: A.Expr | null = null;
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (this.kindOf(t) === T.Requires) {
        this.advance();
        this.panic = false;
        (requires ??= []).push(this.parseExpr());
      } else if (this.kindOf(t) === T.Ensures) {
        this.advance();
        this.panic = false;
        (ensures ??= []).push(this.parseExpr());
      } else if (this.kindOf(t) === T.Decreases) {
        this.advance();
        this.panic = false;
        const e = this.parseExpr();
        if (decreases === null) decreases = e;
        else this.error('E0021', this.tokSpan(t), ['decreases', 'per cell']);
      } else break;
      this.endLine();
    }
    let body: A.Block | null = null;
    if (mods.extern === null && !inEffect) {
      body = this.parseBlock(STOP_END, -1);
      this.expectEnd(kw, 'cell');
    }
    return {
      kind: 'Cell',
      name,
      pub: mods.pub !== null,
      pure: mods.pure !== null,
      extern: mods.extern !== null,
      typeParams,
      params,
      ret,
      effects,
      requires: requires === null ? [] : requires.slice(),
      ensures: ensures === null ? [] : ensures.slice(),
      decreases,
      body,
      span: this.from(start),
    };
  }

  private parseParam(): A.Param {
    const start = this.starts[this.pos]!;
    const name = this.ident('a parameter name');
    let mode: A.ParamMode = 'value';
    let type: A.TypeExpr;
    if (!this.expect(T.Colon)) {
      type = this.errorType(this.lastEnd);
    } else {
      mode = this.parseParamMode();
      type = this.parseType();
    }
    return { kind: 'Param', name, mode, type, span: this.from(start) };
  }

  private parseParamMode(): A.ParamMode {
    const k = this.kind();
    if (k === T.Owned) {
      this.advance();
      return 'owned';
    }
    if (k === T.Ref) {
      this.advance();
      return 'ref';
    }
    if (k === T.Mut) {
      this.advance();
      this.expect(T.Ref);
      return 'mutref';
    }
    return 'value';
  }

  private parseEffectRow(): A.EffectRef[] {
    this.advance(); // `/`
    if (this.eat(T.LBrace)) {
      const mark = this.itemTop;
      this.sequence(T.RBrace, Item.EffectRef);
      return this.list(mark);
    }
    if (this.at(T.Ident)) return [this.parseEffectRef()];
    this.expected('`{`');
    return [];
  }

  private parseEffectRef(): A.EffectRef {
    const start = this.starts[this.pos]!;
    const name = this.dottedIdent('an effect name');
    let maxCalls: A.Expr | null = null;
    if (this.eat(T.LParen)) {
      const t = this.peek();
      if (this.kindOf(t) === T.Ident && this.value(t) === 'max_calls') this.advance();
      else this.expected('`max_calls`');
      this.expect(T.Colon);
      maxCalls = this.parseExpr();
      this.close(T.RParen);
    }
    return { kind: 'EffectRef', name, maxCalls, span: this.from(start) };
  }

  private parseRecord(start: number, mods: Mods): A.RecordDecl {
    const kw = this.advance();
    const name = this.ident('a record name');
    const typeParams = this.at(T.LBracket) ? this.parseTypeParams() : [];
    this.endLine();
    const mark = this.itemTop;
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (this.kindOf(t) === T.End || this.kindOf(t) === T.EOF || isDeclStart(this.kindOf(t))) break;
      this.panic = false;
      const before = this.pos;
      const fname = this.ident('a field name');
      let type: A.TypeExpr;
      if (!this.expect(T.Colon)) type = this.errorType(this.lastEnd);
      else type = this.parseType();
      this.pushItem({ kind: 'Field', name: fname, type, span: this.from(this.starts[t]!) });
      this.endLine();
      if (this.pos === before) this.advance();
    }
    const fields = this.list<A.FieldDecl>(mark);
    this.expectEnd(kw, 'record');
    return {
      kind: 'Record',
      name,
      pub: mods.pub !== null,
      linear: mods.linear !== null,
      typeParams,
      fields,
      span: this.from(start),
    };
  }

  private parseEnum(start: number, mods: Mods): A.EnumDecl {
    const kw = this.advance();
    const name = this.ident('an enum name');
    const typeParams = this.at(T.LBracket) ? this.parseTypeParams() : [];
    this.endLine();
    const mark = this.itemTop;
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (this.kindOf(t) === T.End || this.kindOf(t) === T.EOF || isDeclStart(this.kindOf(t))) break;
      this.panic = false;
      const before = this.pos;
      const vname = this.ident('a variant name');
      let fields: A.VariantDecl['fields'] = [];
      if (this.eat(T.LParen)) {
        const fmark = this.itemTop;
        this.sequence(T.RParen, Item.VariantField);
        fields = this.list(fmark);
      }
      this.pushItem({ kind: 'Variant', name: vname, fields, span: this.from(this.starts[t]!) });
      this.endLine();
      if (this.pos === before) this.advance();
    }
    const variants = this.list<A.VariantDecl>(mark);
    this.expectEnd(kw, 'enum');
    return { kind: 'Enum', name, pub: mods.pub !== null, typeParams, variants, span: this.from(start) };
  }

  private parseVariantField(): A.VariantDecl['fields'][number] {
    const fstart = this.starts[this.pos]!;
    let fname: A.Ident | null = null;
    if (this.at(T.Ident) && this.peekAt(1) === T.Colon) {
      fname = this.ident('a field name');
      this.advance();
    }
    const type = this.parseType();
    return { name: fname, type, span: this.from(fstart) };
  }

  private parseTypeAlias(start: number, mods: Mods): A.TypeAliasDecl {
    this.advance();
    const name = this.ident('a type name');
    const typeParams = this.at(T.LBracket) ? this.parseTypeParams() : [];
    let type: A.TypeExpr;
    if (!this.expect(T.Eq)) type = this.errorType(this.lastEnd);
    else type = this.parseType();
    return { kind: 'TypeAlias', name, pub: mods.pub !== null, typeParams, type, span: this.from(start) };
  }

  private parseEffect(start: number, mods: Mods): A.EffectDecl {
    const kw = this.advance();
    const name = this.ident('an effect name');
    this.endLine();
    const mark = this.itemTop;
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (this.kindOf(t) === T.End || this.kindOf(t) === T.EOF) break;
      this.panic = false;
      if (this.kindOf(t) !== T.Cell) {
        if (isDeclStart(this.kindOf(t))) break;
        this.expected('an operation (`cell name(…) -> T`) or `end`');
        this.skipLine();
        continue;
      }
      this.pushItem(this.parseCell(this.starts[t]!, { pub: null, pure: null, extern: null, linear: null }, true));
    }
    const ops = this.list<A.CellDecl>(mark);
    this.expectEnd(kw, 'effect');
    return { kind: 'Effect', name, pub: mods.pub !== null, ops, span: this.from(start) };
  }

  private parseTypestate(start: number): A.TypestateDecl {
    const kw = this.advance();
    const name = this.ident('a record name');
    this.endLine();
    let states: A.Ident[] = [];
    let initial: A.Ident | null = null;
    let finals: A.Ident[] = [];
    const transitions: A.TypestateTransition[] = [];
    const identList = (): A.Ident[] => {
      const mark = this.itemTop;
      this.pushItem(this.ident('a state name'));
      while (this.eat(T.Comma) || this.eat(T.Pipe)) this.pushItem(this.ident('a state name'));
      return this.list(mark);
    };
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (this.kindOf(t) === T.End || this.kindOf(t) === T.EOF || isDeclStart(this.kindOf(t))) break;
      this.panic = false;
      const before = this.pos;
      const word = this.kindOf(t) === T.Ident && this.peekAt(1) === T.Ident ? (this.value(t) as string) : '';
      if (word === 'states') {
        this.advance();
        if (states.length > 0) this.error('E0021', this.tokSpan(t), ['states', 'per typestate']);
        states = identList();
      } else if (word === 'initial') {
        this.advance();
        if (initial !== null) this.error('E0021', this.tokSpan(t), ['initial', 'per typestate']);
        initial = this.ident('a state name');
      } else if (word === 'final') {
        this.advance();
        if (finals.length > 0) this.error('E0021', this.tokSpan(t), ['final', 'per typestate']);
        finals = identList();
      } else {
        const cell = this.ident('`states`, `initial`, `final` or a transition `cell(x): From -> To`');
        let param = this.errorIdent(this.lastEnd);
        if (this.expect(T.LParen)) {
          param = this.ident('a parameter name');
          this.close(T.RParen);
        }
        this.expect(T.Colon);
        const from = identList();
        this.expect(T.Arrow);
        const to = this.ident('a state name');
        let otherwise: A.Ident | null = null;
        if (this.eat(T.If)) {
          const r = this.peek();
          if (this.kindOf(r) === T.Ident && this.value(r) === 'result') this.advance();
          else this.expected('`result`');
          this.expect(T.Comma);
          otherwise = this.ident('a state name');
          const o = this.peek();
          if (this.kindOf(o) === T.Ident && this.value(o) === 'otherwise') this.advance();
          else this.expected('`otherwise`');
        }
        transitions.push({ kind: 'Transition', cell, param, from, to, otherwise, span: this.from(this.starts[t]!) });
      }
      this.endLine();
      if (this.pos === before) this.advance();
    }
    if (initial === null) {
      this.diagnostics.push(diag('E0020', name.span, [name.name]));
      initial = states.length > 0 ? states[0]! : this.errorIdent(name.span.end);
    }
    this.expectEnd(kw, 'typestate');
    return { kind: 'Typestate', name, states, initial, finals, transitions: transitions.slice(), span: this.from(start) };
  }

  private parseImport(start: number): A.ImportDecl {
    this.advance();
    const module = this.dottedIdent('a module name');
    let items: A.ImportItem[] | '*' = [];
    if (this.expect(T.Colon)) {
      if (this.eat(T.Star)) items = '*';
      else {
        const mark = this.itemTop;
        do {
          const name = this.ident('an imported name');
          const alias = this.eat(T.As) ? this.ident('an alias name') : null;
          this.pushItem({ name, alias });
        } while (this.eat(T.Comma));
        items = this.list(mark);
      }
    }
    return { kind: 'Import', module, items, span: this.from(start) };
  }

  // ------------------------------------------------------------ types

  parseType(): A.TypeExpr {
    const start = this.starts[this.pos]!;
    if (!this.enter()) {
      this.depth--;
      return this.errorType(start);
    }
    let t = this.parseUnionType();
    if (this.eat(T.Where)) {
      const predicate = this.parseExpr();
      t = { kind: 'TRefined', base: t, predicate, span: this.from(start) };
    }
    this.depth--;
    return t;
  }

  private parseUnionType(): A.TypeExpr {
    const start = this.starts[this.pos]!;
    const first = this.parsePostfixType();
    if (!this.at(T.Pipe)) return first;
    const mark = this.itemTop;
    this.pushItem(first);
    while (this.eat(T.Pipe)) this.pushItem(this.parsePostfixType());
    return { kind: 'TUnion', members: this.list(mark), span: this.from(start) };
  }

  private parsePostfixType(): A.TypeExpr {
    const start = this.starts[this.pos]!;
    let t = this.parsePrimaryType();
    while (this.at(T.Question)) {
      this.advance();
      t = { kind: 'TOptional', inner: t, span: this.from(start) };
    }
    return t;
  }

  private parsePrimaryType(): A.TypeExpr {
    const t = this.peek();
    if (this.kindOf(t) === T.Ident) {
      const name = this.dottedIdent('a type');
      let args: A.TypeExpr[] = [];
      if (this.eat(T.LBracket)) {
        const mark = this.itemTop;
        this.sequence(T.RBracket, Item.Type);
        args = this.list(mark);
      }
      // A plain name shares its identifier's span.
      if (args.length === 0) return { kind: 'TName', name, args, span: name.span };
      return { kind: 'TName', name, args, span: this.from(this.starts[t]!) };
    }
    if (this.kindOf(t) === T.Null) {
      this.advance();
      return { kind: 'TName', name: { name: 'Null', span: this.tokSpan(t) }, args: [], span: this.tokSpan(t) };
    }
    if (this.kindOf(t) === T.LParen) {
      this.advance();
      if (this.eat(T.RParen)) return { kind: 'TTuple', elems: [], span: this.from(this.starts[t]!) };
      const first = this.parseType();
      if (!this.at(T.Comma)) {
        this.close(T.RParen);
        return first;
      }
      const mark = this.itemTop;
      this.pushItem(first);
      this.advance();
      this.sequence(T.RParen, Item.Type);
      return { kind: 'TTuple', elems: this.list(mark), span: this.from(this.starts[t]!) };
    }
    this.error('E0015', this.hereSpan(), [this.describe(t)]);
    if (!this.isStructural(this.kindOf(t)) && !isDeclStart(this.kindOf(t))) this.advance();
    return this.errorType(this.starts[t]!);
  }

  // ------------------------------------------------------------ blocks and statements

  /**
   * Statements up to a terminator (not consumed). With `minColumn >= 0` (a
   * multi-line match arm or handler), a line starting at or left of that
   * column also ends the block.
   */
  private parseBlock(terms: number, minColumn: number): A.Block {
    this.skipNewlines();
    const start = this.starts[this.pos]!;
    if (!this.enter()) {
      this.depth--;
      return { kind: 'Block', stmts: [], span: this.span(start, start) };
    }
    const mark = this.itemTop;
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      const k = this.kindOf(t);
      if (k === T.EOF) break;
      if (k === T.End) {
        if (terms & STOP_END) break;
      } else if (k === T.Else) {
        if (terms & STOP_ELSE) break;
      } else if (k === T.With) {
        if (terms & STOP_WITH) break;
      }
      if (minColumn >= 0 && this.column(t) <= minColumn) break;
      // A declaration keyword cannot start a statement: this block is unclosed.
      if (isDeclStart(k)) break;
      this.panic = false;
      if (k === T.End || k === T.Else || k === T.With) {
        this.error('E0018', this.tokSpan(t), [K[k]!]);
        this.advance();
        this.skipLine();
        continue;
      }
      const before = this.pos;
      const s = this.parseStatement();
      if (s !== null) this.pushItem(s);
      this.endLine();
      if (this.pos === before) this.advance();
    }
    this.depth--;
    const stmts = this.list<A.Stmt>(mark);
    const span =
      stmts.length > 0 ? this.span(stmts[0]!.span.start, stmts[stmts.length - 1]!.span.end) : this.span(start, start);
    return { kind: 'Block', stmts, span };
  }

  private atStatementEnd(): boolean {
    const k = this.kind();
    return k === T.NL || k === T.EOF || k === T.End || k === T.Else || k === T.With;
  }

  private parseStatement(): A.Stmt | null {
    const t = this.peek();
    switch (this.kindOf(t)) {
      case T.Let:
        return this.parseLet();
      case T.While:
        return this.parseWhile();
      case T.For:
        return this.parseFor();
      case T.Return: {
        this.advance();
        const value = this.atStatementEnd() ? null : this.parseExpr();
        return { kind: 'Return', value, span: this.from(this.starts[t]!) };
      }
      case T.Break:
        this.advance();
        return { kind: 'Break', span: this.tokSpan(t) };
      case T.Continue:
        this.advance();
        return { kind: 'Continue', span: this.tokSpan(t) };
      case T.Assert: {
        this.advance();
        const cond = this.parseExpr();
        return { kind: 'Assert', cond, span: this.from(this.starts[t]!) };
      }
      case T.Assume: {
        this.advance();
        const cond = this.parseExpr();
        return { kind: 'Assume', cond, span: this.from(this.starts[t]!) };
      }
      case T.Invariant:
      case T.Decreases:
      case T.Requires:
      case T.Ensures: {
        const where =
          this.kindOf(t) === T.Invariant
            ? 'first in a loop body'
            : this.kindOf(t) === T.Decreases
              ? 'right after a cell signature or first in a loop body'
              : 'right after the cell signature';
        this.error('E0016', this.tokSpan(t), [K[this.kindOf(t)]!, where]);
        this.advance();
        this.parseExpr();
        return null;
      }
      default: {
        const expr = this.parseExpr();
        const k = this.kind();
        if (k === T.Eq || k === T.PlusEq || k === T.MinusEq || k === T.StarEq) {
          this.advance();
          const value = this.parseExpr();
          if (expr.kind !== 'Name' && expr.kind !== 'Index' && expr.kind !== 'Field') {
            this.error('E0017', expr.span);
          }
          return { kind: 'Assign', target: expr, op: K[k] as A.AssignOp, value, span: this.from(expr.span.start) };
        }
        return { kind: 'ExprStmt', expr, span: expr.span };
      }
    }
  }

  private parseLet(): A.LetStmt {
    const kw = this.advance();
    const mutable = this.eat(T.Mut);
    const pattern = this.parsePattern(false);
    const type = this.eat(T.Colon) ? this.parseType() : null;
    let init: A.Expr;
    if (!this.expect(T.Eq)) init = this.errorName(this.lastEnd);
    else init = this.parseExpr();
    return { kind: 'Let', pattern, mutable, type, init, span: this.from(this.starts[kw]!) };
  }

  /** The `invariant` clauses of a loop (as a list) and its `decreases` clause (in `loopDecreases`). */
  private parseLoopSpecs(): A.Expr[] {
    const mark = this.itemTop;
    let decreases: A.Expr | null = null;
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (this.kindOf(t) === T.Invariant) {
        this.advance();
        this.panic = false;
        this.pushItem(this.parseExpr());
      } else if (this.kindOf(t) === T.Decreases) {
        this.advance();
        this.panic = false;
        const e = this.parseExpr();
        if (decreases === null) decreases = e;
        else this.error('E0021', this.tokSpan(t), ['decreases', 'per loop']);
      } else break;
      this.endLine();
    }
    this.loopDecreases = decreases;
    return this.list(mark);
  }

  private parseWhile(): A.WhileStmt {
    const kw = this.advance();
    const cond = this.parseExpr();
    this.endLine();
    const invariants = this.parseLoopSpecs();
    const decreases = this.loopDecreases;
    const body = this.parseBlock(STOP_END, -1);
    this.expectEnd(kw, 'while');
    return { kind: 'While', cond, invariants, decreases, body, span: this.from(this.starts[kw]!) };
  }

  private parseFor(): A.ForStmt {
    const kw = this.advance();
    const pattern = this.parsePattern(false);
    let iterable: A.Expr;
    if (!this.expect(T.In)) iterable = this.errorName(this.lastEnd);
    else iterable = this.parseExpr();
    this.endLine();
    const invariants = this.parseLoopSpecs();
    const decreases = this.loopDecreases;
    const body = this.parseBlock(STOP_END, -1);
    this.expectEnd(kw, 'for');
    return { kind: 'For', pattern, iterable, invariants, decreases, body, span: this.from(this.starts[kw]!) };
  }

  // ------------------------------------------------------------ expressions

  parseExpr(): A.Expr {
    return this.parseBinary(PREC_IMPLIES);
  }

  private parseBinary(minPrec: number): A.Expr {
    let left = this.parsePrefix();
    for (;;) {
      const t = this.pos;
      const prec = BINARY_PREC[this.codes[t]!]!;
      if (prec === 0 || prec < minPrec) return left;
      // `/ {` starts an effect row after a return refinement, not a division.
      if (this.kindOf(t) === T.Slash && this.kindOf(this.pos + 1) === T.LBrace) return left;
      this.advance();
      // `implies` is right-associative; everything else here is left-associative.
      const right = this.parseBinary(prec === PREC_IMPLIES ? prec : prec + 1);
      left = {
        kind: 'Binary',
        op: K[this.kindOf(t)] as A.BinaryOp,
        left,
        right,
        span: this.span(left.span.start, this.lastEnd),
      };
    }
  }

  private parsePrefix(): A.Expr {
    const t = this.peek();
    if (!this.enter()) {
      this.depth--;
      return this.errorName(this.starts[t]!);
    }
    let e: A.Expr;
    if (this.kindOf(t) === T.Minus) {
      this.advance();
      if (this.at(T.Int)) this.negatedInt = this.pos;
      const operand = this.parsePrefix();
      e = { kind: 'Unary', op: '-', operand, span: this.from(this.starts[t]!) };
    } else if (this.kindOf(t) === T.Not) {
      this.advance();
      const operand = this.parseBinary(PREC_NOT);
      e = { kind: 'Unary', op: 'not', operand, span: this.from(this.starts[t]!) };
    } else {
      e = this.parsePostfix();
      if (this.at(T.StarStar)) {
        this.advance();
        const right = this.parsePrefix();
        e = { kind: 'Binary', op: '**', left: e, right, span: this.from(e.span.start) };
      }
    }
    this.depth--;
    return e;
  }

  private parsePostfix(): A.Expr {
    let e = this.parsePrimary();
    const start = e.span.start;
    for (;;) {
      const t = this.peek();
      switch (this.kindOf(t)) {
        case T.LParen: {
          this.advance();
          const args = this.parseArgs();
          e = { kind: 'Call', callee: e, args, spread: this.lastSpread, span: this.from(start) };
          continue;
        }
        case T.LBracket: {
          this.advance();
          const index = this.parseExpr();
          this.close(T.RBracket);
          e = { kind: 'Index', target: e, index, span: this.from(start) };
          continue;
        }
        case T.Dot: {
          this.advance();
          const n = this.peek();
          let name: A.Ident;
          if (this.kindOf(n) === T.Ident) {
            this.advance();
            name = { name: this.name(n), span: this.tokSpan(n) };
          } else if (this.kindOf(n) === T.Int) {
            this.advance();
            name = { name: this.code.slice(this.starts[n]!, this.ends[n]!), span: this.tokSpan(n) };
          } else {
            this.expected('a field name');
            name = this.errorIdent(this.lastEnd);
          }
          e = { kind: 'Field', target: e, name, span: this.from(start) };
          continue;
        }
        case T.Question:
          this.advance();
          e = { kind: 'Try', expr: e, span: this.from(start) };
          continue;
        case T.Bang:
          this.advance();
          e = { kind: 'NonNull', expr: e, span: this.from(start) };
          continue;
        default:
          return e;
      }
    }
  }

  /** Arguments after `(` up to and including `)`; the `..spread`, if any, is left in `this.spread`. */
  private parseArgs(): A.Arg[] {
    const outer = this.spread;
    this.spread = null;
    const mark = this.itemTop;
    this.sequence(T.RParen, Item.Arg);
    const args = this.list<A.Arg>(mark);
    // Arguments may contain calls of their own: restore the enclosing list's spread after reading ours.
    const spread = this.spread;
    this.spread = outer;
    this.lastSpread = spread;
    return args;
  }

  private parseArgOrSpread(): A.Arg | null {
    const t = this.peek();
    if (this.kindOf(t) === T.DotDot) {
      this.advance();
      const e = this.parseExpr();
      if (this.spread === null) this.spread = e;
      else this.error('E0021', this.tokSpan(t), ['..', 'per call']);
      return null;
    }
    return this.parseArg();
  }

  private parseArg(): A.Arg {
    const start = this.starts[this.pos]!;
    let name: A.Ident | null = null;
    if (this.at(T.Ident) && this.peekAt(1) === T.Colon) {
      const t = this.advance();
      name = { name: this.name(t), span: this.tokSpan(t) };
      this.advance();
    }
    let mode: A.ArgMode = 'plain';
    if (this.at(T.Ref)) {
      this.advance();
      mode = 'ref';
    } else if (this.at(T.Mut)) {
      this.advance();
      this.expect(T.Ref);
      mode = 'mutref';
    }
    const value = this.parseExpr();
    // A plain positional argument shares its expression's span.
    if (name === null && mode === 'plain' && value.span.start === start && value.span.end === this.lastEnd) {
      return { name, mode, value, span: value.span };
    }
    return { name, mode, value, span: this.from(start) };
  }

  private parsePrimary(): A.Expr {
    const t = this.peek();
    switch (this.kindOf(t)) {
      case T.Int: {
        this.advance();
        const value = this.intValue(t);
        if (value === INT_LIMIT && this.negatedInt !== this.pos - 1) {
          this.error('E0005', this.tokSpan(t), [this.code.slice(this.starts[t]!, this.ends[t]!)]);
        }
        return { kind: 'Int', value, span: this.tokSpan(t) };
      }
      case T.Float:
        this.advance();
        return { kind: 'Float', value: this.value(t) as number, text: this.code.slice(this.starts[t]!, this.ends[t]!), span: this.tokSpan(t) };
      case T.True:
      case T.False:
        this.advance();
        return { kind: 'Bool', value: this.kindOf(t) === T.True, span: this.tokSpan(t) };
      case T.Null:
        this.advance();
        return { kind: 'Null', span: this.tokSpan(t) };
      case T.Str:
      case T.RawStr:
        this.advance();
        return { kind: 'String', parts: [this.value(t) as string], raw: this.kindOf(t) === T.RawStr, span: this.tokSpan(t) };
      case T.StrStart:
        return this.parseInterpolated();
      case T.Ident:
        this.advance();
        return { kind: 'Name', name: this.name(t), span: this.tokSpan(t) };
      case T.Self:
        this.advance();
        return { kind: 'Name', name: 'self', span: this.tokSpan(t) };
      case T.LParen:
        return this.parseParenOrTuple();
      case T.LBracket: {
        this.advance();
        const mark = this.itemTop;
        this.sequence(T.RBracket, Item.Expr);
        return { kind: 'List', elems: this.list(mark), span: this.from(this.starts[t]!) };
      }
      case T.If:
        this.advance();
        return this.parseIfRest(t, t);
      case T.Match:
        return this.parseMatch();
      case T.Handle:
        return this.parseHandle();
      case T.Perform:
        return this.parsePerform();
      case T.Resume:
      case T.Halt: {
        this.advance();
        let value: A.Expr | null = null;
        if (this.eat(T.LParen)) {
          if (!this.at(T.RParen)) value = this.parseExpr();
          this.close(T.RParen);
        }
        return this.kindOf(t) === T.Resume
          ? { kind: 'Resume', value, span: this.from(this.starts[t]!) }
          : { kind: 'Halt', message: value, span: this.from(this.starts[t]!) };
      }
      case T.Old: {
        this.advance();
        let expr: A.Expr;
        if (this.expect(T.LParen)) {
          expr = this.parseExpr();
          this.close(T.RParen);
        } else expr = this.errorName(this.lastEnd);
        return { kind: 'Old', expr, span: this.from(this.starts[t]!) };
      }
      case T.Forall:
      case T.Exists:
        return this.parseQuant();
      case T.Not:
      case T.Minus:
        // Only reached in odd positions such as `a == not b`; parse leniently.
        return this.parsePrefix();
      default:
        this.error('E0011', this.hereSpan(), [this.describe(t)]);
        if (!this.isStructural(this.kindOf(t)) && !isDeclStart(this.kindOf(t))) this.advance();
        return this.errorName(this.starts[t]!);
    }
  }

  private parseInterpolated(): A.StringLit {
    const first = this.advance();
    const mark = this.itemTop;
    const head = this.value(first) as string;
    if (head !== '') this.pushItem(head);
    for (;;) {
      const t = this.peek();
      if (this.kindOf(t) === T.StrMid || this.kindOf(t) === T.StrEnd) {
        this.error('E0011', this.tokSpan(t), ['`}`']);
      } else {
        this.pushItem(this.parseExpr());
      }
      const u = this.peek();
      if (this.kindOf(u) === T.StrMid || this.kindOf(u) === T.StrEnd) {
        this.advance();
        const text = this.value(u) as string;
        if (text !== '') this.pushItem(text);
        if (this.kindOf(u) === T.StrEnd) break;
        continue;
      }
      // Malformed interpolation: skip to the end of this string.
      this.expected('`}`');
      if (!this.skipToStringPart()) break;
      const v = this.advance();
      const text = this.value(v) as string;
      if (text !== '') this.pushItem(text);
      if (this.kindOf(v) === T.StrEnd) break;
    }
    return { kind: 'String', parts: this.list(mark), raw: false, span: this.from(this.starts[first]!) };
  }

  /** Skips to the StrMid/StrEnd of the current string (not consumed); false if the line ends first. */
  private skipToStringPart(): boolean {
    let depth = 0;
    for (;;) {
      const k = this.kind();
      if (k === T.NL || k === T.EOF) return false;
      if (k === T.StrStart) depth++;
      else if (k === T.StrEnd) {
        if (depth === 0) return true;
        depth--;
      } else if (k === T.StrMid && depth === 0) return true;
      this.advance();
    }
  }

  private parseParenOrTuple(): A.Expr {
    const open = this.advance();
    if (this.eat(T.RParen)) return { kind: 'Tuple', elems: [], span: this.from(this.starts[open]!) };
    const first = this.parseExpr();
    if (!this.at(T.Comma)) {
      this.close(T.RParen);
      return first;
    }
    this.advance();
    const mark = this.itemTop;
    this.pushItem(first);
    this.sequence(T.RParen, Item.Expr);
    return { kind: 'Tuple', elems: this.list(mark), span: this.from(this.starts[open]!) };
  }

  /** After `if` (or `else if`): condition, then-block, else part; the chain's single `end`. */
  private parseIfRest(ifTok: Tok, outer: Tok): A.IfExpr {
    const cond = this.parseExpr();
    this.endLine();
    const then = this.parseBlock(STOP_END | STOP_ELSE, -1);
    let otherwise: A.Block | A.IfExpr | null = null;
    if (this.eat(T.Else)) {
      if (this.at(T.If)) {
        const elif = this.advance();
        otherwise = this.parseIfRest(elif, outer);
        return { kind: 'If', cond, then, else: otherwise, span: this.from(this.starts[ifTok]!) };
      }
      this.endLine();
      otherwise = this.parseBlock(STOP_END, -1);
    }
    this.expectEnd(outer, 'if');
    return { kind: 'If', cond, then, else: otherwise, span: this.from(this.starts[ifTok]!) };
  }

  private parseMatch(): A.MatchExpr {
    const kw = this.advance();
    const scrutinee = this.parseExpr();
    this.endLine();
    const mark = this.itemTop;
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      const k = this.kindOf(t);
      if (k === T.End || k === T.EOF || k === T.Else || k === T.With || isDeclStart(k)) break;
      this.panic = false;
      const before = this.pos;
      this.pushItem(this.parseArm(this.column(t)));
      if (this.pos === before) this.advance();
    }
    const arms = this.list<A.MatchArm>(mark);
    this.expectEnd(kw, 'match');
    return { kind: 'Match', scrutinee, arms, span: this.from(this.starts[kw]!) };
  }

  private parseArm(column: number): A.MatchArm {
    const start = this.starts[this.pos]!;
    const pattern = this.parsePattern(true);
    const guard = this.eat(T.If) ? this.parseExpr() : null;
    let body: A.Block;
    if (!this.expect(T.Arrow)) {
      this.skipLine();
      body = { kind: 'Block', stmts: [], span: this.span(this.lastEnd, this.lastEnd) };
    } else {
      body = this.parseArmBody(column);
    }
    return { pattern, guard, body, span: this.from(start) };
  }

  /** The body after `->` or `=>`: the rest of the line, or an indented block on the following lines. */
  private parseArmBody(column: number): A.Block {
    if (this.at(T.NL)) return this.parseBlock(STOP_END, column);
    const s = this.parseStatement();
    const stmts = s === null ? [] : [s];
    const span = s === null ? this.span(this.lastEnd, this.lastEnd) : s.span;
    this.endLine();
    return { kind: 'Block', stmts, span };
  }

  private parseHandle(): A.HandleExpr {
    const kw = this.advance();
    this.endLine();
    const body = this.parseBlock(STOP_WITH | STOP_END, -1);
    const mark = this.itemTop;
    if (this.eat(T.With)) {
      this.endLine();
      for (;;) {
        this.skipNewlines();
        const t = this.peek();
        const k = this.kindOf(t);
        if (k === T.End || k === T.EOF || k === T.Else || k === T.With || isDeclStart(k)) break;
        this.panic = false;
        const before = this.pos;
        this.pushItem(this.parseHandler(this.column(t)));
        if (this.pos === before) this.advance();
      }
    } else {
      this.expected('`with`');
    }
    const handlers = this.list<A.Handler>(mark);
    this.expectEnd(kw, 'handle');
    return { kind: 'Handle', body, handlers, span: this.from(this.starts[kw]!) };
  }

  private parseHandler(column: number): A.Handler {
    const start = this.starts[this.pos]!;
    const effect = this.ident('an effect name');
    let op = this.errorIdent(this.lastEnd);
    if (this.expect(T.Dot)) op = this.ident('an operation name');
    let params: A.Ident[] = [];
    if (this.expect(T.LParen)) {
      const mark = this.itemTop;
      this.sequence(T.RParen, Item.HandlerParamName);
      params = this.list(mark);
    }
    let body: A.Block;
    if (!this.expect(T.FatArrow)) {
      this.skipLine();
      body = { kind: 'Block', stmts: [], span: this.span(this.lastEnd, this.lastEnd) };
    } else {
      body = this.parseArmBody(column);
    }
    return { effect, op, params, body, span: this.from(start) };
  }

  private parsePerform(): A.PerformExpr {
    const kw = this.advance();
    const effect = this.ident('an effect name');
    let op = this.errorIdent(this.lastEnd);
    if (this.expect(T.Dot)) op = this.ident('an operation name');
    let args: A.Arg[] = [];
    if (this.expect(T.LParen)) {
      args = this.parseArgs();
      if (this.lastSpread !== null) this.error('E0018', this.lastSpread.span, ['..']);
    }
    return { kind: 'Perform', effect, op, args, span: this.from(this.starts[kw]!) };
  }

  private parseQuant(): A.QuantExpr {
    const kw = this.advance();
    const variable = this.ident('a variable name');
    let type: A.TypeExpr | null = null;
    let domain: A.Expr | null = null;
    if (this.eat(T.Colon)) type = this.parseType();
    if (this.eat(T.In)) domain = this.parseExpr();
    if (type === null && domain === null) this.expected('`in` or `:`');
    let body: A.Expr;
    if (!this.expect(T.FatArrow)) body = this.errorName(this.lastEnd);
    else body = this.parseExpr();
    return {
      kind: 'Quant',
      quantifier: this.kindOf(kw) === T.Forall ? 'forall' : 'exists',
      variable,
      type,
      domain,
      body,
      span: this.from(this.starts[kw]!),
    };
  }

  // ------------------------------------------------------------ patterns

  /** `allowType` permits `n: Int` (match arms), which `let` reserves for its type annotation. */
  parsePattern(allowType: boolean): A.Pattern {
    const t = this.peek();
    if (!this.enter()) {
      this.depth--;
      return { kind: 'PWild', span: this.span(this.starts[t]!, this.starts[t]!) };
    }
    const p = this.parsePatternInner(allowType);
    this.depth--;
    return p;
  }

  private parsePatternInner(allowType: boolean): A.Pattern {
    const t = this.peek();
    switch (this.kindOf(t)) {
      case T.Ident: {
        const firstName = this.name(t);
        this.advance();
        if (firstName === '_') return { kind: 'PWild', span: this.tokSpan(t) };
        const head: A.Ident = { name: firstName, span: this.tokSpan(t) };
        let path: A.Ident[] | null = null;
        if (this.at(T.Dot) && this.peekAt(1) === T.Ident) {
          const mark = this.itemTop;
          this.pushItem(head);
          while (this.at(T.Dot) && this.peekAt(1) === T.Ident) {
            this.advance();
            const n = this.advance();
            this.pushItem({ name: this.name(n), span: this.tokSpan(n) });
          }
          path = this.list(mark);
        }
        if (this.eat(T.LParen)) {
          const mark = this.itemTop;
          this.sequence(T.RParen, allowType ? Item.CtorPatternArgTyped : Item.CtorPatternArg);
          return { kind: 'PCtor', path: path ?? [head], args: this.list(mark), span: this.from(this.starts[t]!) };
        }
        if (path !== null) return { kind: 'PCtor', path, args: null, span: this.from(this.starts[t]!) };
        if (allowType && this.eat(T.Colon)) {
          const type = this.parseType();
          return { kind: 'PType', name: head, type, span: this.from(this.starts[t]!) };
        }
        return { kind: 'PBind', name: head, span: head.span };
      }
      case T.Int:
      case T.Minus:
        return this.parseNumericPattern();
      case T.Str:
      case T.RawStr:
        this.advance();
        return { kind: 'PLit', value: this.value(t) as string, span: this.tokSpan(t) };
      case T.True:
      case T.False:
        this.advance();
        return { kind: 'PLit', value: this.kindOf(t) === T.True, span: this.tokSpan(t) };
      case T.Null:
        this.advance();
        return { kind: 'PLit', value: null, span: this.tokSpan(t) };
      case T.LParen: {
        this.advance();
        if (this.eat(T.RParen)) return { kind: 'PTuple', elems: [], span: this.from(this.starts[t]!) };
        const first = this.parsePattern(allowType);
        if (!this.at(T.Comma)) {
          this.close(T.RParen);
          return first;
        }
        this.advance();
        const mark = this.itemTop;
        this.pushItem(first);
        this.sequence(T.RParen, allowType ? Item.PatternTyped : Item.Pattern);
        return { kind: 'PTuple', elems: this.list(mark), span: this.from(this.starts[t]!) };
      }
      default:
        this.error('E0014', this.hereSpan(), [this.describe(t)]);
        if (!this.isStructural(this.kindOf(t)) && !isDeclStart(this.kindOf(t)) && this.kindOf(t) !== T.Arrow && this.kindOf(t) !== T.Eq) this.advance();
        return { kind: 'PWild', span: this.span(this.starts[t]!, this.starts[t]!) };
    }
  }

  private parseCtorPatternArg(allowType: boolean): A.CtorPatternArg {
    if (this.at(T.Ident) && this.peekAt(1) === T.Colon) {
      const n = this.advance();
      const name: A.Ident = { name: this.name(n), span: this.tokSpan(n) };
      this.advance();
      const k = this.kind();
      // `Token(id:)` binds the field to a variable of the same name.
      if (k === T.Comma || k === T.RParen) return { name, pattern: { kind: 'PBind', name, span: name.span } };
      return { name, pattern: this.parsePattern(allowType) };
    }
    return { name: null, pattern: this.parsePattern(allowType) };
  }

  /** An Int literal pattern, possibly negative, or a range `lo..hi` / `lo..=hi`. */
  private parseNumericPattern(): A.Pattern {
    const start = this.starts[this.pos]!;
    const lo = this.signedIntLiteral();
    if (lo === null) return { kind: 'PWild', span: this.from(start) };
    const k = this.kind();
    if (k === T.DotDot || k === T.DotDotEq) {
      this.advance();
      const hi = this.signedIntLiteral();
      return { kind: 'PRange', lo, hi: hi ?? lo, inclusive: k === T.DotDotEq, span: this.from(start) };
    }
    return { kind: 'PLit', value: lo, span: this.from(start) };
  }

  private signedIntLiteral(): bigint | null {
    const neg = this.eat(T.Minus);
    const t = this.peek();
    if (this.kindOf(t) !== T.Int) {
      this.error('E0014', this.hereSpan(), [this.describe(t)]);
      if (!this.isStructural(this.kindOf(t)) && this.kindOf(t) !== T.Arrow) this.advance();
      return null;
    }
    this.advance();
    const v = this.intValue(t);
    if (v === INT_LIMIT && !neg) this.error('E0005', this.tokSpan(t), [this.code.slice(this.starts[t]!, this.ends[t]!)]);
    return neg ? -v : v;
  }
}
