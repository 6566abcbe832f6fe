// Diagnostic rendering. Diagnostics are data (diagnostics.ts); this module
// turns one into text: rustc-style with a source excerpt and an underline, or
// one plain line for pipes, editors and golden files. Lines and columns are
// those of the file as written (Markdown lines for `.lm.md`).

import type { Diagnostic, Severity } from './diagnostics.js';
import { CATALOGUE } from './diagnostics.js';
import type { SourceFile, Span } from './span.js';
import { lineColOf, lineText } from './span.js';

export interface RenderOptions {
  /** Use ANSI colours. */
  readonly color: boolean;
}

const RESET = '\x1b[0m';
const BOLD = '\x1b[1m';
const BLUE = '\x1b[1;34m';
const SEVERITY_COLOR: Record<Severity, string> = { error: '\x1b[1;31m', warning: '\x1b[1;33m', note: '\x1b[1;32m' };

const HELP_BY_CODE = new Map<string, string>();
for (const e of CATALOGUE) if (e.help !== undefined) HELP_BY_CODE.set(e.code, e.help);

/** `file:line:col` of a span's start; just `file` when the file is unknown. */
export function formatLocation(span: Span, files: ReadonlyMap<string, SourceFile>): string {
  const file = files.get(span.file);
  if (file === undefined) return span.file;
  const { line, column } = lineColOf(file, clamp(span.start, file.text.length));
  return `${span.file}:${line}:${column}`;
}

/** One line: `file:line:col: error[E0010]: message`. */
export function renderPlain(d: Diagnostic, files: ReadonlyMap<string, SourceFile>): string {
  return `${formatLocation(d.span, files)}: ${header(d)}: ${d.message}`;
}

/** rustc-style rendering with the source line, an underline, notes and related locations. */
export function renderDiagnostic(d: Diagnostic, files: ReadonlyMap<string, SourceFile>, opts: RenderOptions): string {
  const c = opts.color ? colorizer : plainText;
  const spans = [d.span, ...d.related.map((r) => r.span)];
  const gutter = Math.max(1, ...spans.map((s) => String(lineOf(s, files)).length));
  const out: string[] = [];
  out.push(`${c(SEVERITY_COLOR[d.severity], header(d))}${c(BOLD, `: ${d.message}`)}`);
  excerpt(out, d.span, files, gutter, '^', SEVERITY_COLOR[d.severity], c);
  const help = HELP_BY_CODE.get(d.code);
  if (d.notes.length > 0) {
    out.push(`${' '.repeat(gutter + 1)}${c(BLUE, '|')}`);
    for (const note of d.notes) {
      const kind = note === help ? 'help' : 'note';
      out.push(`${' '.repeat(gutter + 1)}${c(BLUE, '=')} ${c(BOLD, `${kind}:`)} ${indentContinuation(note, gutter + 3)}`);
    }
  }
  for (const r of d.related) {
    out.push(`${c(SEVERITY_COLOR.note, 'note')}${c(BOLD, `: ${r.message}`)}`);
    excerpt(out, r.span, files, gutter, '-', BLUE, c);
  }
  return out.join('\n');
}

function header(d: Diagnostic): string {
  return d.code === '' ? d.severity : `${d.severity}[${d.code}]`;
}

type Colorize = (color: string, text: string) => string;
const colorizer: Colorize = (color, text) => `${color}${text}${RESET}`;
const plainText: Colorize = (_color, text) => text;

function clamp(offset: number, max: number): number {
  return offset < 0 ? 0 : offset > max ? max : offset;
}

function lineOf(span: Span, files: ReadonlyMap<string, SourceFile>): number {
  const file = files.get(span.file);
  return file === undefined ? 0 : lineColOf(file, clamp(span.start, file.text.length)).line;
}

/** Appends `--> file:line:col`, the source line and an underline of the span (its first line only). */
function excerpt(
  out: string[],
  span: Span,
  files: ReadonlyMap<string, SourceFile>,
  gutter: number,
  mark: string,
  markColor: string,
  c: Colorize,
): void {
  const blank = ' '.repeat(gutter + 1);
  out.push(`${' '.repeat(gutter)}${c(BLUE, '-->')} ${formatLocation(span, files)}`);
  const file = files.get(span.file);
  if (file === undefined) return;
  const start = clamp(span.start, file.text.length);
  const end = clamp(span.end, file.text.length);
  const { line, column } = lineColOf(file, start);
  const text = lineText(file, line);
  const startCol = Math.min(column - 1, text.length);
  // The underline stops at the end of the first line of a multi-line span.
  const endCol = Math.min(text.length, startCol + Math.max(0, end - start));
  const width = Math.max(1, endCol - startCol);
  // Keep tabs in the padding so the underline lines up with the source.
  const lead = text.slice(0, startCol).replace(/[^\t]/g, ' ');
  out.push(`${blank}${c(BLUE, '|')}`);
  out.push(`${c(BLUE, `${String(line).padStart(gutter)} |`)} ${text}`);
  out.push(`${blank}${c(BLUE, '|')} ${lead}${c(markColor, mark.repeat(width))}`);
}

function indentContinuation(text: string, width: number): string {
  return text.indexOf('\n') < 0 ? text : text.split('\n').join('\n' + ' '.repeat(width + 6));
}
