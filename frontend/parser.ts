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
import { describeKind, INT_LIMIT, lexToBuffer, TOKEN_KINDS } from './lexer.js';

/** A token, as its index in the token arrays. */
type Tok = number;

/** Token kinds by code. */
const K = TOKEN_KINDS;
import type { SourceFile, Span } from './span.js';

/** Name of placeholder nodes the parser inserts after a syntax error. */
export const ERROR_NAME = '<error>';

/** Maximum nesting of expressions, blocks, patterns and types. */
export const MAX_NESTING = 200;

export interface ParseResult {
  readonly module: A.Module;
  readonly diagnostics: Diagnostic[];
}

export function parse(file: SourceFile): ParseResult {
  const lexed = lexToBuffer(file);
  const parser = new Parser(file, lexed.tokens);
  const module = parser.parseModule();
  const diagnostics =
    lexed.diagnostics.length === 0
      ? parser.diagnostics
      : parser.diagnostics.length === 0
        ? lexed.diagnostics
        : sortDiagnostics([...lexed.diagnostics, ...parser.diagnostics]);
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

const BINARY_PREC: { readonly [k: string]: number | undefined } = Object.assign(Object.create(null), {
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
});

const DECL_START = new Set<TokenKind>(['cell', 'record', 'enum', 'type', 'effect', 'typestate', 'import', 'pub', 'pure', 'extern', 'linear']);

// Tokens that end a block.
const T_END = 1;
const T_ELSE = 2;
const T_WITH = 4;

type Mods = { pub: Tok | null; pure: Tok | null; extern: Tok | null; linear: Tok | null };

class Parser {
  readonly diagnostics: Diagnostic[] = [];
  private readonly codes: Uint8Array;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly values: (string | bigint | number | undefined)[];
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

  constructor(file: SourceFile, tokens: TokenBuffer) {
    this.codes = tokens.codes;
    this.starts = tokens.starts;
    this.ends = tokens.ends;
    this.values = tokens.values;
    this.last = tokens.count - 1;
    this.code = file.code;
    this.path = file.path;
  }

  // ------------------------------------------------------------ token helpers

  /** The current token. */
  private peek(): Tok {
    return this.pos;
  }

  /** The kind of the token `k` places ahead (clamped at EOF). */
  private peekAt(k: number): TokenKind {
    const i = this.pos + k;
    return K[this.codes[i < this.last ? i : this.last]!]!;
  }

  private at(kind: TokenKind): boolean {
    return K[this.codes[this.pos]!]! === kind;
  }

  private advance(): Tok {
    const t = this.pos;
    const k = K[this.codes[t]!]!;
    if (k !== 'EOF') {
      this.pos++;
      if (k !== 'NL') this.lastEnd = this.ends[t]!;
    }
    return t;
  }

  private eat(kind: TokenKind): boolean {
    if (K[this.codes[this.pos]!]! !== kind) return false;
    this.advance();
    return true;
  }

  private skipNewlines(): void {
    while (K[this.codes[this.pos]!]! === 'NL') this.pos++;
  }

  private atLineStart(): boolean {
    return this.pos === 0 || K[this.codes[this.pos - 1]!]! === 'NL';
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

  private describe(t: Tok): string {
    return describeKind(K[this.codes[t]!]!, this.values[t] ?? null, this.code.slice(this.starts[t]!, this.ends[t]!));
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
    if (K[this.codes[t]!]! === 'NL' || K[this.codes[t]!]! === 'EOF') {
      const at = Math.min(this.lastEnd, this.starts[t]!);
      return this.span(at, at);
    }
    return this.tokSpan(t);
  }

  private expected(what: string): void {
    this.error('E0010', this.hereSpan(), [what, this.describe(this.peek())]);
  }

  private expect(kind: TokenKind, what?: string): boolean {
    if (K[this.codes[this.pos]!]! === kind) {
      this.advance();
      return true;
    }
    this.expected(what ?? `\`${kind}\``);
    return false;
  }

  /** Tokens that may stop error recovery without being consumed. */
  private isStructural(kind: TokenKind): boolean {
    return kind === 'NL' || kind === 'EOF' || kind === 'end' || kind === ')' || kind === ']' || kind === '}' || kind === ',' || kind === 'StrMid' || kind === 'StrEnd';
  }

  /** Skips to the next newline (not consumed). */
  private skipLine(): void {
    for (;;) {
      const k = K[this.codes[this.pos]!]!;
      if (k === 'NL' || k === 'EOF') return;
      this.advance();
    }
  }

  /** End of a statement or block header: a newline (or a block-closing word). */
  private endLine(): void {
    const k = K[this.codes[this.pos]!]!;
    if (k === 'NL') {
      this.skipNewlines();
      return;
    }
    if (k === 'EOF' || k === 'end' || k === 'else' || k === 'with') return;
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
    if (K[this.codes[end]!]! === 'end') {
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
    if (K[this.codes[t]!]! === 'Ident') {
      this.advance();
      return { name: this.values[t] as string, span: this.tokSpan(t) };
    }
    this.expected(what);
    if (!this.isStructural(K[this.codes[t]!]!) && !DECL_START.has(K[this.codes[t]!]!)) this.advance();
    return this.errorIdent(this.starts[t]!);
  }

  /** `a.b.c` as one identifier (module-qualified names). */
  private dottedIdent(what: string): A.Ident {
    const first = this.ident(what);
    if (!this.at('.') || this.peekAt(1) !== 'Ident') return first;
    const parts = [first.name];
    while (this.at('.') && this.peekAt(1) === 'Ident') {
      this.advance();
      parts.push(this.values[this.advance()] as string);
    }
    return { name: parts.join('.'), span: this.from(first.span.start) };
  }

  /**
   * A comma-separated sequence closed by `closer` (the opener is consumed).
   * Trailing commas are allowed. On a malformed element it skips to the next
   * comma or the closer at the same nesting, or gives up at the end of the line.
   */
  private sequence<T>(closer: TokenKind, item: () => T | null, out: T[]): void {
    for (;;) {
      const t = this.peek();
      if (K[this.codes[t]!]! === closer) {
        this.advance();
        return;
      }
      if (K[this.codes[t]!]! === 'NL' || K[this.codes[t]!]! === 'EOF') {
        this.expected(`\`${closer}\``);
        return;
      }
      const x = item();
      if (x !== null) out.push(x);
      const u = this.peek();
      if (K[this.codes[u]!]! === ',') {
        this.advance();
        continue;
      }
      if (K[this.codes[u]!]! === closer) {
        this.advance();
        return;
      }
      this.expected(`\`,\` or \`${closer}\``);
      if (!this.recoverInSequence(closer)) return;
    }
  }

  /** Skips to the next `,` (consumed; returns true) or `closer` (consumed; returns false) at this nesting. */
  private recoverInSequence(closer: TokenKind): boolean {
    let depth = 0;
    for (;;) {
      const k = K[this.codes[this.pos]!]!;
      if (k === 'NL' || k === 'EOF') return false;
      if (depth === 0 && k === ',') {
        this.advance();
        return true;
      }
      if (depth === 0 && k === closer) {
        this.advance();
        return false;
      }
      if (k === '(' || k === '[' || k === '{') depth++;
      else if ((k === ')' || k === ']' || k === '}') && depth > 0) depth--;
      this.advance();
    }
  }

  /** Consumes `closer`, or reports it and skips to it on this line. */
  private close(closer: TokenKind): void {
    if (this.eat(closer)) return;
    this.expected(`\`${closer}\``);
    let depth = 0;
    for (;;) {
      const k = K[this.codes[this.pos]!]!;
      if (k === 'NL' || k === 'EOF') return;
      if (depth === 0 && k === closer) {
        this.advance();
        return;
      }
      if (k === '(' || k === '[' || k === '{') depth++;
      else if ((k === ')' || k === ']' || k === '}') && depth > 0) depth--;
      this.advance();
    }
  }

  // ------------------------------------------------------------ module and declarations

  parseModule(): A.Module {
    const decls: A.Decl[] = [];
    for (;;) {
      this.skipNewlines();
      if (this.at('EOF')) break;
      this.panic = false;
      this.missingEndReported = false;
      this.suspect = null;
      const before = this.pos;
      const d = this.parseDecl();
      if (d !== null) decls.push(d);
      if (this.pos === before) this.advance();
      // A declaration ends its line.
      if (!this.atLineStart() && !this.at('EOF')) {
        if (this.at('NL')) this.skipNewlines();
        else {
          this.expected('end of line');
          this.syncToDecl();
        }
      }
    }
    return { kind: 'Module', file: this.path, decls, span: this.span(0, this.code.length) };
  }

  /** Skips to the next line that starts with a declaration keyword. */
  private syncToDecl(): void {
    for (;;) {
      const t = this.peek();
      if (K[this.codes[t]!]! === 'EOF') return;
      if (this.atLineStart() && DECL_START.has(K[this.codes[t]!]!)) return;
      this.advance();
    }
  }

  private parseDecl(): A.Decl | null {
    const start = this.starts[this.pos]!;
    const mods: Mods = { pub: null, pure: null, extern: null, linear: null };
    for (;;) {
      const t = this.peek();
      const k = K[this.codes[t]!]!;
      if (k === 'pub' || k === 'pure' || k === 'extern' || k === 'linear') {
        if (mods[k] !== null) this.error('E0021', this.tokSpan(t), [k, 'per declaration']);
        mods[k] = this.advance();
      } else break;
    }
    const t = this.peek();
    switch (K[this.codes[t]!]!) {
      case 'cell':
        this.disallow(mods.linear);
        return this.parseCell(start, mods, false);
      case 'record':
        this.disallow(mods.pure, mods.extern);
        return this.parseRecord(start, mods);
      case 'enum':
        this.disallow(mods.pure, mods.extern, mods.linear);
        return this.parseEnum(start, mods);
      case 'type':
        this.disallow(mods.pure, mods.extern, mods.linear);
        return this.parseTypeAlias(start, mods);
      case 'effect':
        this.disallow(mods.pure, mods.extern, mods.linear);
        return this.parseEffect(start, mods);
      case 'typestate':
        this.disallow(mods.pub, mods.pure, mods.extern, mods.linear);
        return this.parseTypestate(start);
      case 'import':
        this.disallow(mods.pub, mods.pure, mods.extern, mods.linear);
        return this.parseImport(start);
      default:
        this.error('E0012', this.hereSpan(), [this.describe(t)]);
        this.syncToDecl();
        return null;
    }
  }

  private disallow(...mods: (Tok | null)[]): void {
    for (const m of mods) if (m !== null) this.error('E0018', this.tokSpan(m), [K[this.codes[m]!]!]);
  }

  private parseTypeParams(): A.Ident[] {
    const out: A.Ident[] = [];
    if (!this.eat('[')) return out;
    this.sequence(']', () => this.ident('a type parameter name'), out);
    return out;
  }

  private parseCell(start: number, mods: Mods, inEffect: boolean): A.CellDecl {
    const kw = this.advance(); // `cell`
    const name = this.ident('a cell name');
    const typeParams = this.at('[') ? this.parseTypeParams() : [];
    const params: A.Param[] = [];
    if (this.eat('(')) this.sequence(')', () => this.parseParam(), params);
    else this.expected('`(`');
    const ret = this.eat('->') ? this.parseType() : null;
    const effects = this.at('/') ? this.parseEffectRow() : [];
    this.endLine();
    const requires: A.Expr[] = [];
    const ensures: A.Expr[] = [];
    let decreases: A.Expr | null = null;
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (K[this.codes[t]!]! === 'requires') {
        this.advance();
        this.panic = false;
        requires.push(this.parseExpr());
      } else if (K[this.codes[t]!]! === 'ensures') {
        this.advance();
        this.panic = false;
        ensures.push(this.parseExpr());
      } else if (K[this.codes[t]!]! === 'decreases') {
        this.advance();
        this.panic = false;
        const e = this.parseExpr();
        if (decreases === null) decreases = e;
        else this.error('E0021', this.tokSpan(t), ['decreases', 'per cell']);
      } else break;
      this.endLine();
    }
    let body: A.Block | null = null;
    if (!mods.extern && !inEffect) {
      body = this.parseBlock(T_END, -1);
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
      requires,
      ensures,
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
    if (!this.expect(':')) {
      type = this.errorType(this.lastEnd);
    } else {
      mode = this.parseParamMode();
      type = this.parseType();
    }
    return { kind: 'Param', name, mode, type, span: this.from(start) };
  }

  private parseParamMode(): A.ParamMode {
    const k = K[this.codes[this.pos]!]!;
    if (k === 'owned') {
      this.advance();
      return 'owned';
    }
    if (k === 'ref') {
      this.advance();
      return 'ref';
    }
    if (k === 'mut') {
      this.advance();
      this.expect('ref');
      return 'mutref';
    }
    return 'value';
  }

  private parseEffectRow(): A.EffectRef[] {
    this.advance(); // `/`
    const out: A.EffectRef[] = [];
    if (this.eat('{')) {
      this.sequence('}', () => this.parseEffectRef(), out);
    } else if (this.at('Ident')) {
      out.push(this.parseEffectRef());
    } else {
      this.expected('`{`');
    }
    return out;
  }

  private parseEffectRef(): A.EffectRef {
    const start = this.starts[this.pos]!;
    const name = this.dottedIdent('an effect name');
    let maxCalls: A.Expr | null = null;
    if (this.eat('(')) {
      const t = this.peek();
      if (K[this.codes[t]!]! === 'Ident' && this.values[t] === 'max_calls') this.advance();
      else this.expected('`max_calls`');
      this.expect(':');
      maxCalls = this.parseExpr();
      this.close(')');
    }
    return { kind: 'EffectRef', name, maxCalls, span: this.from(start) };
  }

  private parseRecord(start: number, mods: Mods): A.RecordDecl {
    const kw = this.advance();
    const name = this.ident('a record name');
    const typeParams = this.at('[') ? this.parseTypeParams() : [];
    this.endLine();
    const fields: A.FieldDecl[] = [];
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (K[this.codes[t]!]! === 'end' || K[this.codes[t]!]! === 'EOF' || DECL_START.has(K[this.codes[t]!]!)) break;
      this.panic = false;
      const before = this.pos;
      const fname = this.ident('a field name');
      let type: A.TypeExpr;
      if (!this.expect(':')) type = this.errorType(this.lastEnd);
      else type = this.parseType();
      fields.push({ kind: 'Field', name: fname, type, span: this.from(this.starts[t]!) });
      this.endLine();
      if (this.pos === before) this.advance();
    }
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
    const typeParams = this.at('[') ? this.parseTypeParams() : [];
    this.endLine();
    const variants: A.VariantDecl[] = [];
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (K[this.codes[t]!]! === 'end' || K[this.codes[t]!]! === 'EOF' || DECL_START.has(K[this.codes[t]!]!)) break;
      this.panic = false;
      const before = this.pos;
      const vname = this.ident('a variant name');
      const fields: { name: A.Ident | null; type: A.TypeExpr; span: Span }[] = [];
      if (this.eat('(')) {
        this.sequence(
          ')',
          () => {
            const fstart = this.starts[this.pos]!;
            let fname: A.Ident | null = null;
            if (this.at('Ident') && this.peekAt(1) === ':') {
              fname = this.ident('a field name');
              this.advance();
            }
            const type = this.parseType();
            return { name: fname, type, span: this.from(fstart) };
          },
          fields,
        );
      }
      variants.push({ kind: 'Variant', name: vname, fields, span: this.from(this.starts[t]!) });
      this.endLine();
      if (this.pos === before) this.advance();
    }
    this.expectEnd(kw, 'enum');
    return { kind: 'Enum', name, pub: mods.pub !== null, typeParams, variants, span: this.from(start) };
  }

  private parseTypeAlias(start: number, mods: Mods): A.TypeAliasDecl {
    this.advance();
    const name = this.ident('a type name');
    const typeParams = this.at('[') ? this.parseTypeParams() : [];
    let type: A.TypeExpr;
    if (!this.expect('=')) type = this.errorType(this.lastEnd);
    else type = this.parseType();
    return { kind: 'TypeAlias', name, pub: mods.pub !== null, typeParams, type, span: this.from(start) };
  }

  private parseEffect(start: number, mods: Mods): A.EffectDecl {
    const kw = this.advance();
    const name = this.ident('an effect name');
    this.endLine();
    const ops: A.CellDecl[] = [];
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (K[this.codes[t]!]! === 'end' || K[this.codes[t]!]! === 'EOF') break;
      this.panic = false;
      if (K[this.codes[t]!]! !== 'cell') {
        if (DECL_START.has(K[this.codes[t]!]!)) break;
        this.expected('an operation (`cell name(…) -> T`) or `end`');
        this.skipLine();
        continue;
      }
      ops.push(this.parseCell(this.starts[t]!, { pub: null, pure: null, extern: null, linear: null }, true));
    }
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
      const out = [this.ident('a state name')];
      while (this.eat(',') || this.eat('|')) out.push(this.ident('a state name'));
      return out;
    };
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (K[this.codes[t]!]! === 'end' || K[this.codes[t]!]! === 'EOF' || DECL_START.has(K[this.codes[t]!]!)) break;
      this.panic = false;
      const before = this.pos;
      const word = K[this.codes[t]!]! === 'Ident' && this.peekAt(1) === 'Ident' ? (this.values[t] as string) : '';
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
        if (this.expect('(')) {
          param = this.ident('a parameter name');
          this.close(')');
        }
        this.expect(':');
        const from = identList();
        this.expect('->');
        const to = this.ident('a state name');
        let otherwise: A.Ident | null = null;
        if (this.eat('if')) {
          const r = this.peek();
          if (K[this.codes[r]!]! === 'Ident' && this.values[r] === 'result') this.advance();
          else this.expected('`result`');
          this.expect(',');
          otherwise = this.ident('a state name');
          const o = this.peek();
          if (K[this.codes[o]!]! === 'Ident' && this.values[o] === 'otherwise') this.advance();
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
    return { kind: 'Typestate', name, states, initial, finals, transitions, span: this.from(start) };
  }

  private parseImport(start: number): A.ImportDecl {
    this.advance();
    const module = this.dottedIdent('a module name');
    let items: A.ImportItem[] | '*' = [];
    if (this.expect(':')) {
      if (this.eat('*')) items = '*';
      else {
        const list: A.ImportItem[] = [];
        do {
          const name = this.ident('an imported name');
          const alias = this.eat('as') ? this.ident('an alias name') : null;
          list.push({ name, alias });
        } while (this.eat(','));
        items = list;
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
    if (this.eat('where')) {
      const predicate = this.parseExpr();
      t = { kind: 'TRefined', base: t, predicate, span: this.from(start) };
    }
    this.depth--;
    return t;
  }

  private parseUnionType(): A.TypeExpr {
    const start = this.starts[this.pos]!;
    const first = this.parsePostfixType();
    if (!this.at('|')) return first;
    const members = [first];
    while (this.eat('|')) members.push(this.parsePostfixType());
    return { kind: 'TUnion', members, span: this.from(start) };
  }

  private parsePostfixType(): A.TypeExpr {
    const start = this.starts[this.pos]!;
    let t = this.parsePrimaryType();
    while (this.at('?')) {
      this.advance();
      t = { kind: 'TOptional', inner: t, span: this.from(start) };
    }
    return t;
  }

  private parsePrimaryType(): A.TypeExpr {
    const t = this.peek();
    if (K[this.codes[t]!]! === 'Ident') {
      const name = this.dottedIdent('a type');
      const args: A.TypeExpr[] = [];
      if (this.eat('[')) this.sequence(']', () => this.parseType(), args);
      return { kind: 'TName', name, args, span: this.from(this.starts[t]!) };
    }
    if (K[this.codes[t]!]! === 'null') {
      this.advance();
      return { kind: 'TName', name: { name: 'Null', span: this.tokSpan(t) }, args: [], span: this.tokSpan(t) };
    }
    if (K[this.codes[t]!]! === '(') {
      this.advance();
      if (this.eat(')')) return { kind: 'TTuple', elems: [], span: this.from(this.starts[t]!) };
      const first = this.parseType();
      if (!this.at(',')) {
        this.close(')');
        return first;
      }
      const elems = [first];
      this.advance();
      this.sequence(')', () => this.parseType(), elems);
      return { kind: 'TTuple', elems, span: this.from(this.starts[t]!) };
    }
    this.error('E0015', this.hereSpan(), [this.describe(t)]);
    if (!this.isStructural(K[this.codes[t]!]!) && !DECL_START.has(K[this.codes[t]!]!)) this.advance();
    return this.errorType(this.starts[t]!);
  }

  // ------------------------------------------------------------ blocks and statements

  /**
   * Statements up to a terminator (not consumed). With `minColumn >= 0` (a
   * multi-line match arm or handler), a line starting at or left of that
   * column also ends the block.
   */
  private parseBlock(terms: number, minColumn: number): A.Block {
    const stmts: A.Stmt[] = [];
    this.skipNewlines();
    const start = this.starts[this.pos]!;
    if (!this.enter()) {
      this.depth--;
      return { kind: 'Block', stmts, span: this.span(start, start) };
    }
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      const k = K[this.codes[t]!]!;
      if (k === 'EOF') break;
      if (k === 'end') {
        if (terms & T_END) break;
      } else if (k === 'else') {
        if (terms & T_ELSE) break;
      } else if (k === 'with') {
        if (terms & T_WITH) break;
      }
      if (minColumn >= 0 && this.column(t) <= minColumn) break;
      // A declaration keyword cannot start a statement: this block is unclosed.
      if (DECL_START.has(k)) break;
      this.panic = false;
      if (k === 'end' || k === 'else' || k === 'with') {
        this.error('E0018', this.tokSpan(t), [k]);
        this.advance();
        this.skipLine();
        continue;
      }
      const before = this.pos;
      const s = this.parseStatement();
      if (s !== null) stmts.push(s);
      this.endLine();
      if (this.pos === before) this.advance();
    }
    this.depth--;
    const span =
      stmts.length > 0 ? this.span(stmts[0]!.span.start, stmts[stmts.length - 1]!.span.end) : this.span(start, start);
    return { kind: 'Block', stmts, span };
  }

  private atStatementEnd(): boolean {
    const k = K[this.codes[this.pos]!]!;
    return k === 'NL' || k === 'EOF' || k === 'end' || k === 'else' || k === 'with';
  }

  private parseStatement(): A.Stmt | null {
    const t = this.peek();
    switch (K[this.codes[t]!]!) {
      case 'let':
        return this.parseLet();
      case 'while':
        return this.parseWhile();
      case 'for':
        return this.parseFor();
      case 'return': {
        this.advance();
        const value = this.atStatementEnd() ? null : this.parseExpr();
        return { kind: 'Return', value, span: this.from(this.starts[t]!) };
      }
      case 'break':
        this.advance();
        return { kind: 'Break', span: this.tokSpan(t) };
      case 'continue':
        this.advance();
        return { kind: 'Continue', span: this.tokSpan(t) };
      case 'assert': {
        this.advance();
        const cond = this.parseExpr();
        return { kind: 'Assert', cond, span: this.from(this.starts[t]!) };
      }
      case 'assume': {
        this.advance();
        const cond = this.parseExpr();
        return { kind: 'Assume', cond, span: this.from(this.starts[t]!) };
      }
      case 'invariant':
      case 'decreases':
      case 'requires':
      case 'ensures': {
        const where =
          K[this.codes[t]!]! === 'invariant'
            ? 'first in a loop body'
            : K[this.codes[t]!]! === 'decreases'
              ? 'right after a cell signature or first in a loop body'
              : 'right after the cell signature';
        this.error('E0016', this.tokSpan(t), [K[this.codes[t]!]!, where]);
        this.advance();
        this.parseExpr();
        return null;
      }
      default: {
        const expr = this.parseExpr();
        const k = K[this.codes[this.pos]!]!;
        if (k === '=' || k === '+=' || k === '-=' || k === '*=') {
          this.advance();
          const value = this.parseExpr();
          if (expr.kind !== 'Name' && expr.kind !== 'Index' && expr.kind !== 'Field') {
            this.error('E0017', expr.span);
          }
          return { kind: 'Assign', target: expr, op: k, value, span: this.from(expr.span.start) };
        }
        return { kind: 'ExprStmt', expr, span: expr.span };
      }
    }
  }

  private parseLet(): A.LetStmt {
    const kw = this.advance();
    const mutable = this.eat('mut');
    const pattern = this.parsePattern(false);
    const type = this.eat(':') ? this.parseType() : null;
    let init: A.Expr;
    if (!this.expect('=')) init = this.errorName(this.lastEnd);
    else init = this.parseExpr();
    return { kind: 'Let', pattern, mutable, type, init, span: this.from(this.starts[kw]!) };
  }

  private parseLoopSpecs(): { invariants: A.Expr[]; decreases: A.Expr | null } {
    const invariants: A.Expr[] = [];
    let decreases: A.Expr | null = null;
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      if (K[this.codes[t]!]! === 'invariant') {
        this.advance();
        this.panic = false;
        invariants.push(this.parseExpr());
      } else if (K[this.codes[t]!]! === 'decreases') {
        this.advance();
        this.panic = false;
        const e = this.parseExpr();
        if (decreases === null) decreases = e;
        else this.error('E0021', this.tokSpan(t), ['decreases', 'per loop']);
      } else break;
      this.endLine();
    }
    return { invariants, decreases };
  }

  private parseWhile(): A.WhileStmt {
    const kw = this.advance();
    const cond = this.parseExpr();
    this.endLine();
    const { invariants, decreases } = this.parseLoopSpecs();
    const body = this.parseBlock(T_END, -1);
    this.expectEnd(kw, 'while');
    return { kind: 'While', cond, invariants, decreases, body, span: this.from(this.starts[kw]!) };
  }

  private parseFor(): A.ForStmt {
    const kw = this.advance();
    const pattern = this.parsePattern(false);
    let iterable: A.Expr;
    if (!this.expect('in')) iterable = this.errorName(this.lastEnd);
    else iterable = this.parseExpr();
    this.endLine();
    const { invariants, decreases } = this.parseLoopSpecs();
    const body = this.parseBlock(T_END, -1);
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
      const prec = BINARY_PREC[K[this.codes[t]!]!];
      if (prec === undefined || prec < minPrec) return left;
      // `/ {` starts an effect row after a return refinement, not a division.
      if (K[this.codes[t]!]! === '/' && K[this.codes[this.pos + 1]!] === '{') return left;
      this.advance();
      // `implies` is right-associative; everything else here is left-associative.
      const right = this.parseBinary(prec === PREC_IMPLIES ? prec : prec + 1);
      left = {
        kind: 'Binary',
        op: K[this.codes[t]!]! as A.BinaryOp,
        left,
        right,
        span: this.span(left.span.start, right.span.end > left.span.end ? right.span.end : this.lastEnd),
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
    if (K[this.codes[t]!]! === '-') {
      this.advance();
      if (this.at('Int')) this.negatedInt = this.pos;
      const operand = this.parsePrefix();
      e = { kind: 'Unary', op: '-', operand, span: this.from(this.starts[t]!) };
    } else if (K[this.codes[t]!]! === 'not') {
      this.advance();
      const operand = this.parseBinary(PREC_NOT);
      e = { kind: 'Unary', op: 'not', operand, span: this.from(this.starts[t]!) };
    } else {
      e = this.parsePostfix();
      if (this.at('**')) {
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
      switch (K[this.codes[t]!]!) {
        case '(': {
          this.advance();
          const { args, spread } = this.parseArgs();
          e = { kind: 'Call', callee: e, args, spread, span: this.from(start) };
          continue;
        }
        case '[': {
          this.advance();
          const index = this.parseExpr();
          this.close(']');
          e = { kind: 'Index', target: e, index, span: this.from(start) };
          continue;
        }
        case '.': {
          this.advance();
          const n = this.peek();
          let name: A.Ident;
          if (K[this.codes[n]!]! === 'Ident') {
            this.advance();
            name = { name: this.values[n] as string, span: this.tokSpan(n) };
          } else if (K[this.codes[n]!]! === 'Int') {
            this.advance();
            name = { name: this.code.slice(this.starts[n]!, this.ends[n]!), span: this.tokSpan(n) };
          } else {
            this.expected('a field name');
            name = this.errorIdent(this.lastEnd);
          }
          e = { kind: 'Field', target: e, name, span: this.from(start) };
          continue;
        }
        case '?':
          this.advance();
          e = { kind: 'Try', expr: e, span: this.from(start) };
          continue;
        case '!':
          this.advance();
          e = { kind: 'NonNull', expr: e, span: this.from(start) };
          continue;
        default:
          return e;
      }
    }
  }

  /** Arguments after `(` up to and including `)`. */
  private parseArgs(): { args: A.Arg[]; spread: A.Expr | null } {
    const args: A.Arg[] = [];
    let spread: A.Expr | null = null;
    this.sequence(
      ')',
      () => {
        const t = this.peek();
        if (K[this.codes[t]!]! === '..') {
          this.advance();
          const e = this.parseExpr();
          if (spread === null) spread = e;
          else this.error('E0021', this.tokSpan(t), ['..', 'per call']);
          return null;
        }
        return this.parseArg();
      },
      args,
    );
    return { args, spread };
  }

  private parseArg(): A.Arg {
    const start = this.starts[this.pos]!;
    let name: A.Ident | null = null;
    if (this.at('Ident') && this.peekAt(1) === ':') {
      const t = this.advance();
      name = { name: this.values[t] as string, span: this.tokSpan(t) };
      this.advance();
    }
    let mode: A.ArgMode = 'plain';
    if (this.at('ref')) {
      this.advance();
      mode = 'ref';
    } else if (this.at('mut')) {
      this.advance();
      this.expect('ref');
      mode = 'mutref';
    }
    const value = this.parseExpr();
    return { name, mode, value, span: this.from(start) };
  }

  private parsePrimary(): A.Expr {
    const t = this.peek();
    switch (K[this.codes[t]!]!) {
      case 'Int': {
        this.advance();
        const value = this.values[t] as bigint;
        if (value === INT_LIMIT && this.negatedInt !== this.pos - 1) {
          this.error('E0005', this.tokSpan(t), [this.code.slice(this.starts[t]!, this.ends[t]!)]);
        }
        return { kind: 'Int', value, span: this.tokSpan(t) };
      }
      case 'Float':
        this.advance();
        return { kind: 'Float', value: this.values[t] as number, text: this.code.slice(this.starts[t]!, this.ends[t]!), span: this.tokSpan(t) };
      case 'true':
      case 'false':
        this.advance();
        return { kind: 'Bool', value: K[this.codes[t]!]! === 'true', span: this.tokSpan(t) };
      case 'null':
        this.advance();
        return { kind: 'Null', span: this.tokSpan(t) };
      case 'Str':
      case 'RawStr':
        this.advance();
        return { kind: 'String', parts: [this.values[t] as string], raw: K[this.codes[t]!]! === 'RawStr', span: this.tokSpan(t) };
      case 'StrStart':
        return this.parseInterpolated();
      case 'Ident':
        this.advance();
        return { kind: 'Name', name: this.values[t] as string, span: this.tokSpan(t) };
      case 'self':
        this.advance();
        return { kind: 'Name', name: 'self', span: this.tokSpan(t) };
      case '(':
        return this.parseParenOrTuple();
      case '[': {
        this.advance();
        const elems: A.Expr[] = [];
        this.sequence(']', () => this.parseExpr(), elems);
        return { kind: 'List', elems, span: this.from(this.starts[t]!) };
      }
      case 'if':
        this.advance();
        return this.parseIfRest(t, t);
      case 'match':
        return this.parseMatch();
      case 'handle':
        return this.parseHandle();
      case 'perform':
        return this.parsePerform();
      case 'resume':
      case 'halt': {
        this.advance();
        let value: A.Expr | null = null;
        if (this.eat('(')) {
          if (!this.at(')')) value = this.parseExpr();
          this.close(')');
        }
        return K[this.codes[t]!]! === 'resume'
          ? { kind: 'Resume', value, span: this.from(this.starts[t]!) }
          : { kind: 'Halt', message: value, span: this.from(this.starts[t]!) };
      }
      case 'old': {
        this.advance();
        let expr: A.Expr;
        if (this.expect('(')) {
          expr = this.parseExpr();
          this.close(')');
        } else expr = this.errorName(this.lastEnd);
        return { kind: 'Old', expr, span: this.from(this.starts[t]!) };
      }
      case 'forall':
      case 'exists':
        return this.parseQuant();
      case 'not':
      case '-':
        // Only reached in odd positions such as `a == not b`; parse leniently.
        return this.parsePrefix();
      default:
        this.error('E0011', this.hereSpan(), [this.describe(t)]);
        if (!this.isStructural(K[this.codes[t]!]!) && !DECL_START.has(K[this.codes[t]!]!)) this.advance();
        return this.errorName(this.starts[t]!);
    }
  }

  private parseInterpolated(): A.StringLit {
    const first = this.advance();
    const parts: (string | A.Expr)[] = [];
    if (this.values[first] !== '') parts.push(this.values[first] as string);
    for (;;) {
      const t = this.peek();
      if (K[this.codes[t]!]! === 'StrMid' || K[this.codes[t]!]! === 'StrEnd') {
        this.error('E0011', this.tokSpan(t), ['`}`']);
      } else {
        parts.push(this.parseExpr());
      }
      const u = this.peek();
      if (K[this.codes[u]!]! === 'StrMid' || K[this.codes[u]!]! === 'StrEnd') {
        this.advance();
        if (this.values[u] !== '') parts.push(this.values[u] as string);
        if (K[this.codes[u]!]! === 'StrEnd') break;
        continue;
      }
      // Malformed interpolation: skip to the end of this string.
      this.expected('`}`');
      if (!this.skipToStringPart()) break;
      const v = this.advance();
      if (this.values[v] !== '') parts.push(this.values[v] as string);
      if (K[this.codes[v]!]! === 'StrEnd') break;
    }
    return { kind: 'String', parts, raw: false, span: this.from(this.starts[first]!) };
  }

  /** Skips to the StrMid/StrEnd of the current string (not consumed); false if the line ends first. */
  private skipToStringPart(): boolean {
    let depth = 0;
    for (;;) {
      const k = K[this.codes[this.pos]!]!;
      if (k === 'NL' || k === 'EOF') return false;
      if (k === 'StrStart') depth++;
      else if (k === 'StrEnd') {
        if (depth === 0) return true;
        depth--;
      } else if (k === 'StrMid' && depth === 0) return true;
      this.advance();
    }
  }

  private parseParenOrTuple(): A.Expr {
    const open = this.advance();
    if (this.eat(')')) return { kind: 'Tuple', elems: [], span: this.from(this.starts[open]!) };
    const first = this.parseExpr();
    if (!this.at(',')) {
      this.close(')');
      return first;
    }
    this.advance();
    const elems = [first];
    this.sequence(')', () => this.parseExpr(), elems);
    return { kind: 'Tuple', elems, span: this.from(this.starts[open]!) };
  }

  /** After `if` (or `else if`): condition, then-block, else part; the chain's single `end`. */
  private parseIfRest(ifTok: Tok, outer: Tok): A.IfExpr {
    const cond = this.parseExpr();
    this.endLine();
    const then = this.parseBlock(T_END | T_ELSE, -1);
    let otherwise: A.Block | A.IfExpr | null = null;
    if (this.eat('else')) {
      if (this.at('if')) {
        const elif = this.advance();
        otherwise = this.parseIfRest(elif, outer);
        return { kind: 'If', cond, then, else: otherwise, span: this.from(this.starts[ifTok]!) };
      }
      this.endLine();
      otherwise = this.parseBlock(T_END, -1);
    }
    this.expectEnd(outer, 'if');
    return { kind: 'If', cond, then, else: otherwise, span: this.from(this.starts[ifTok]!) };
  }

  private parseMatch(): A.MatchExpr {
    const kw = this.advance();
    const scrutinee = this.parseExpr();
    this.endLine();
    const arms: A.MatchArm[] = [];
    for (;;) {
      this.skipNewlines();
      const t = this.peek();
      const k = K[this.codes[t]!]!;
      if (k === 'end' || k === 'EOF' || k === 'else' || k === 'with' || DECL_START.has(k)) break;
      this.panic = false;
      const before = this.pos;
      arms.push(this.parseArm(this.column(t)));
      if (this.pos === before) this.advance();
    }
    this.expectEnd(kw, 'match');
    return { kind: 'Match', scrutinee, arms, span: this.from(this.starts[kw]!) };
  }

  private parseArm(column: number): A.MatchArm {
    const start = this.starts[this.pos]!;
    const pattern = this.parsePattern(true);
    const guard = this.eat('if') ? this.parseExpr() : null;
    let body: A.Block;
    if (!this.expect('->')) {
      this.skipLine();
      body = { kind: 'Block', stmts: [], span: this.span(this.lastEnd, this.lastEnd) };
    } else {
      body = this.parseArmBody(column);
    }
    return { pattern, guard, body, span: this.from(start) };
  }

  /** The body after `->` or `=>`: the rest of the line, or an indented block on the following lines. */
  private parseArmBody(column: number): A.Block {
    if (this.at('NL')) return this.parseBlock(T_END, column);
    const s = this.parseStatement();
    const stmts = s === null ? [] : [s];
    const span = s === null ? this.span(this.lastEnd, this.lastEnd) : s.span;
    this.endLine();
    return { kind: 'Block', stmts, span };
  }

  private parseHandle(): A.HandleExpr {
    const kw = this.advance();
    this.endLine();
    const body = this.parseBlock(T_WITH | T_END, -1);
    const handlers: A.Handler[] = [];
    if (this.eat('with')) {
      this.endLine();
      for (;;) {
        this.skipNewlines();
        const t = this.peek();
        const k = K[this.codes[t]!]!;
        if (k === 'end' || k === 'EOF' || k === 'else' || k === 'with' || DECL_START.has(k)) break;
        this.panic = false;
        const before = this.pos;
        handlers.push(this.parseHandler(this.column(t)));
        if (this.pos === before) this.advance();
      }
    } else {
      this.expected('`with`');
    }
    this.expectEnd(kw, 'handle');
    return { kind: 'Handle', body, handlers, span: this.from(this.starts[kw]!) };
  }

  private parseHandler(column: number): A.Handler {
    const start = this.starts[this.pos]!;
    const effect = this.ident('an effect name');
    let op = this.errorIdent(this.lastEnd);
    if (this.expect('.')) op = this.ident('an operation name');
    const params: A.Ident[] = [];
    if (this.expect('(')) this.sequence(')', () => this.ident('a parameter name'), params);
    let body: A.Block;
    if (!this.expect('=>')) {
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
    if (this.expect('.')) op = this.ident('an operation name');
    let args: A.Arg[] = [];
    if (this.expect('(')) {
      const parsed = this.parseArgs();
      args = parsed.args;
      if (parsed.spread !== null) this.error('E0018', parsed.spread.span, ['..']);
    }
    return { kind: 'Perform', effect, op, args, span: this.from(this.starts[kw]!) };
  }

  private parseQuant(): A.QuantExpr {
    const kw = this.advance();
    const variable = this.ident('a variable name');
    let type: A.TypeExpr | null = null;
    let domain: A.Expr | null = null;
    if (this.eat(':')) type = this.parseType();
    if (this.eat('in')) domain = this.parseExpr();
    if (type === null && domain === null) this.expected('`in` or `:`');
    let body: A.Expr;
    if (!this.expect('=>')) body = this.errorName(this.lastEnd);
    else body = this.parseExpr();
    return {
      kind: 'Quant',
      quantifier: K[this.codes[kw]!]! === 'forall' ? 'forall' : 'exists',
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
    switch (K[this.codes[t]!]!) {
      case 'Ident': {
        if (this.values[t] === '_') {
          this.advance();
          return { kind: 'PWild', span: this.tokSpan(t) };
        }
        const first = this.advance();
        const path: A.Ident[] = [{ name: this.values[first] as string, span: this.tokSpan(first) }];
        while (this.at('.') && this.peekAt(1) === 'Ident') {
          this.advance();
          const n = this.advance();
          path.push({ name: this.values[n] as string, span: this.tokSpan(n) });
        }
        if (this.eat('(')) {
          const args: A.CtorPatternArg[] = [];
          this.sequence(')', () => this.parseCtorPatternArg(allowType), args);
          return { kind: 'PCtor', path, args, span: this.from(this.starts[t]!) };
        }
        if (path.length > 1) return { kind: 'PCtor', path, args: null, span: this.from(this.starts[t]!) };
        if (allowType && this.eat(':')) {
          const type = this.parseType();
          return { kind: 'PType', name: path[0]!, type, span: this.from(this.starts[t]!) };
        }
        return { kind: 'PBind', name: path[0]!, span: this.tokSpan(t) };
      }
      case 'Int':
      case '-':
        return this.parseNumericPattern();
      case 'Str':
      case 'RawStr':
        this.advance();
        return { kind: 'PLit', value: this.values[t] as string, span: this.tokSpan(t) };
      case 'true':
      case 'false':
        this.advance();
        return { kind: 'PLit', value: K[this.codes[t]!]! === 'true', span: this.tokSpan(t) };
      case 'null':
        this.advance();
        return { kind: 'PLit', value: null, span: this.tokSpan(t) };
      case '(': {
        this.advance();
        if (this.eat(')')) return { kind: 'PTuple', elems: [], span: this.from(this.starts[t]!) };
        const first = this.parsePattern(allowType);
        if (!this.at(',')) {
          this.close(')');
          return first;
        }
        this.advance();
        const elems = [first];
        this.sequence(')', () => this.parsePattern(allowType), elems);
        return { kind: 'PTuple', elems, span: this.from(this.starts[t]!) };
      }
      default:
        this.error('E0014', this.hereSpan(), [this.describe(t)]);
        if (!this.isStructural(K[this.codes[t]!]!) && !DECL_START.has(K[this.codes[t]!]!) && K[this.codes[t]!]! !== '->' && K[this.codes[t]!]! !== '=') this.advance();
        return { kind: 'PWild', span: this.span(this.starts[t]!, this.starts[t]!) };
    }
  }

  private parseCtorPatternArg(allowType: boolean): A.CtorPatternArg {
    if (this.at('Ident') && this.peekAt(1) === ':') {
      const n = this.advance();
      const name: A.Ident = { name: this.values[n] as string, span: this.tokSpan(n) };
      this.advance();
      const k = K[this.codes[this.pos]!]!;
      // `Token(id:)` binds the field to a variable of the same name.
      if (k === ',' || k === ')') return { name, pattern: { kind: 'PBind', name, span: name.span } };
      return { name, pattern: this.parsePattern(allowType) };
    }
    return { name: null, pattern: this.parsePattern(allowType) };
  }

  /** An Int literal pattern, possibly negative, or a range `lo..hi` / `lo..=hi`. */
  private parseNumericPattern(): A.Pattern {
    const start = this.starts[this.pos]!;
    const lo = this.signedIntLiteral();
    if (lo === null) return { kind: 'PWild', span: this.from(start) };
    const k = K[this.codes[this.pos]!]!;
    if (k === '..' || k === '..=') {
      this.advance();
      const hi = this.signedIntLiteral();
      return { kind: 'PRange', lo, hi: hi ?? lo, inclusive: k === '..=', span: this.from(start) };
    }
    return { kind: 'PLit', value: lo, span: this.from(start) };
  }

  private signedIntLiteral(): bigint | null {
    const neg = this.eat('-');
    const t = this.peek();
    if (K[this.codes[t]!]! !== 'Int') {
      this.error('E0014', this.hereSpan(), [this.describe(t)]);
      if (!this.isStructural(K[this.codes[t]!]!) && K[this.codes[t]!]! !== '->') this.advance();
      return null;
    }
    this.advance();
    const v = this.values[t] as bigint;
    if (v === INT_LIMIT && !neg) this.error('E0005', this.tokSpan(t), [this.code.slice(this.starts[t]!, this.ends[t]!)]);
    return neg ? -v : v;
  }
}
