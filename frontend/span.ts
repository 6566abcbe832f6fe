// Source positions. A span is a half-open byte range [start, end) in one source
// file. For literate `.lm.md` files the lexer runs on a copy of the Markdown
// text in which everything outside ```lumen fences is blanked out (newlines
// kept), so offsets, lines and columns of the code are those of the Markdown
// file itself and no separate mapping is needed.

export interface Span {
  readonly file: string;
  readonly start: number;
  readonly end: number;
}

export interface LineCol {
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, counted in UTF-16 code units. */
  readonly column: number;
}

export interface SourceFile {
  /** Path as given by the user (or relative to the module root for imports). */
  readonly path: string;
  /** The original text of the file (Markdown for `.lm.md`). */
  readonly text: string;
  /** The text the lexer reads: identical to `text` for `.lm`, blanked prose for `.lm.md`. */
  readonly code: string;
  /** Offsets at which each line starts. */
  readonly lineStarts: readonly number[];
}

export function makeSpan(file: string, start: number, end: number): Span {
  return { file, start, end };
}

export function joinSpans(a: Span, b: Span): Span {
  return { file: a.file, start: Math.min(a.start, b.start), end: Math.max(a.end, b.end) };
}

export function computeLineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

export function lineColOf(file: SourceFile, offset: number): LineCol {
  const starts = file.lineStarts;
  let lo = 0;
  let hi = starts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (starts[mid]! <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { line: lo + 1, column: offset - starts[lo]! + 1 };
}

/** The text of a 1-based line, without its newline. */
export function lineText(file: SourceFile, line: number): string {
  const start = file.lineStarts[line - 1] ?? file.text.length;
  const next = file.lineStarts[line];
  const end = next === undefined ? file.text.length : next - 1;
  return file.text.slice(start, end).replace(/\r$/, '');
}

/**
 * Builds a SourceFile. `.lm.md` files keep only the contents of ```lumen
 * fences; every other character except newlines becomes a space.
 */
export function makeSourceFile(path: string, text: string): SourceFile {
  const code = path.endsWith('.lm.md') ? extractLumenFromMarkdown(text) : text;
  return { path, text, code, lineStarts: computeLineStarts(text) };
}

export function extractLumenFromMarkdown(text: string): string {
  const out: string[] = [];
  const lines = text.split('\n');
  let inLumen = false;
  let fence = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const trimmed = line.trimStart();
    if (!inLumen) {
      const m = /^(`{3,}|~{3,})\s*([A-Za-z0-9_+-]*)/.exec(trimmed);
      if (m && m[2] === 'lumen') {
        inLumen = true;
        fence = m[1]!;
        out.push(blank(line));
      } else if (m) {
        // A fence of another language: skip to its closing fence.
        const other = m[1]!;
        out.push(blank(line));
        i++;
        while (i < lines.length && !lines[i]!.trimStart().startsWith(other)) {
          out.push(blank(lines[i]!));
          i++;
        }
        if (i < lines.length) out.push(blank(lines[i]!));
      } else {
        out.push(blank(line));
      }
    } else if (trimmed.startsWith(fence) && trimmed.slice(fence.length).trim() === '') {
      inLumen = false;
      out.push(blank(line));
    } else {
      out.push(line);
    }
  }
  return out.join('\n');
}

function blank(line: string): string {
  return line.replace(/[^\r]/g, ' ');
}
