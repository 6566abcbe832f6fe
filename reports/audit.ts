// The audit report (`--report F.html|F.md`), for a reviewer deciding how far
// to trust a verified program: the verdicts by check kind, every check per
// cell with its verdict and solver time, the trusted base (each `assume`,
// each `extern` contract, each unknown check left to a runtime check),
// inferred loop invariants, and the solver used. The HTML is one
// self-contained page (inline CSS and SVG, no scripts, no network); all user
// text is escaped. Like every report it is deterministic: no timestamps.

import type { Diagnostic } from '../frontend/diagnostics.js';
import { CHECK_KINDS } from '../frontend/ir.js';
import type { Span } from '../frontend/span.js';
import type { CheckResult } from '../verifier/verify.js';
import type { CellGroup, Position, ReportInput, Summary, VerdictKind } from './model.js';
import {
  cmp,
  comparePositions,
  describeInputs,
  describeValues,
  groupByCell,
  isConfirmed,
  Locator,
  roundMs,
  solverLabel,
  summarize,
  VERDICTS,
} from './model.js';

/** At most this many cells are drawn in the chart; the tables list all of them. */
export const CHART_MAX_CELLS = 40;

interface AuditData {
  readonly input: ReportInput;
  readonly locator: Locator;
  readonly summary: Summary;
  readonly cells: readonly CellGroup[];
  readonly assumes: readonly Trusted[];
  readonly externs: readonly Trusted[];
  readonly unknowns: readonly { readonly result: CheckResult; readonly position: Position }[];
  readonly inferred: readonly { readonly cell: string; readonly position: Position; readonly text: string }[];
  readonly diagnostics: readonly { readonly d: Diagnostic; readonly position: Position }[];
}

interface Trusted {
  readonly cell: string;
  readonly position: Position;
  readonly text: string;
}

function collect(input: ReportInput): AuditData {
  const locator = new Locator(input);
  const cells = groupByCell(input, locator);
  const place = <T extends { span: Span }>(items: readonly T[], tie: (x: T) => string) =>
    items
      .map((x) => ({ x, position: locator.position(x.span) }))
      .sort((a, b) => comparePositions(a.position, b.position) || cmp(tie(a.x), tie(b.x)));
  const trusted = place(input.trusted, (t) => t.text);
  const asTrusted = ({ x, position }: { x: ReportInput['trusted'][number]; position: Position }): Trusted => ({ cell: x.cell, position, text: x.text });
  return {
    input,
    locator,
    summary: summarize(input),
    cells,
    assumes: trusted.filter((t) => t.x.kind === 'assume').map(asTrusted),
    externs: trusted.filter((t) => t.x.kind === 'extern').map(asTrusted),
    unknowns: cells.flatMap((c) => c.results.filter((r) => r.result.verdict.kind === 'unknown')),
    inferred: place(input.inferred, (x) => x.text).map(({ x, position }) => ({ cell: x.cell, position, text: x.text })),
    diagnostics: place(input.diagnostics, (d) => `${d.code}\u0000${d.message}`).map(({ x, position }) => ({ d: x, position })),
  };
}

// ---------------------------------------------------------------- shared text

export function formatMs(ms: number): string {
  const r = roundMs(ms);
  return r < 1000 ? `${r} ms` : `${(r / 1000).toFixed(2)} s`;
}

/** `1 check`, `2 checks`. */
function count(n: number, word: string): string {
  return `${n} ${n === 1 ? word : `${word}s`}`;
}

function where(p: Position): string {
  return `${p.path}:${p.line}:${p.column}`;
}

/** The Markdown details cell of a check: its message, and the counterexample or the reason. */
function mdDetail(input: ReportInput, r: CheckResult): string {
  const v = r.verdict;
  switch (v.kind) {
    case 'proved':
      return mdRich(r.check.success);
    case 'refuted':
      return `${mdRich(r.check.failure)} — counterexample: ${mdCode(describeInputs(v.counterexample))} (${isConfirmed(input, r) ? 'confirmed by replay' : 'not replayed'})`;
    case 'unknown':
      return `${mdRich(r.check.failure)} — ${mdRich(v.reason)}`;
  }
}

function summaryLine(s: Summary): string {
  return `${count(s.checks, 'check')}: ${s.proved} proved, ${s.refuted} refuted (${s.confirmed} confirmed by replay), ${s.unknown} unknown`;
}

// ---------------------------------------------------------------- Markdown

/** Escapes Markdown punctuation in prose (and `|`, for table cells). */
function md(s: string): string {
  return s.replace(/\r?\n/g, ' ').replace(/[\\`*_[\]<>|#~]/g, (ch) => `\\${ch}`);
}

/**
 * Compiler texts (failure, success, reasons) quote Lumen in backticks: keep
 * those spans as code and escape the prose between them.
 */
function mdRich(s: string): string {
  return splitCode(s)
    .map((part) => (part.code ? mdCode(part.text) : md(part.text)))
    .join('');
}

/** Splits text into prose and backtick-quoted code (a lone backtick stays prose). */
function splitCode(s: string): { code: boolean; text: string }[] {
  const out: { code: boolean; text: string }[] = [];
  const re = /`([^`]+)`/g;
  let last = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    if (m.index > last) out.push({ code: false, text: s.slice(last, m.index) });
    out.push({ code: true, text: m[1]! });
    last = m.index + m[0].length;
  }
  if (last < s.length) out.push({ code: false, text: s.slice(last) });
  return out;
}

/** An inline code span that survives backticks and table pipes in the text. */
function mdCode(s: string): string {
  const text = s.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return text === '' ? '' : `${fence}${pad}${text}${pad}${fence}`;
}

function mdTable(head: readonly string[], rows: readonly (readonly string[])[]): string[] {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** What the backends do with a check: a proved check is elided; others stay (ownership checks are static only). */
function elision(r: CheckResult): string {
  if (r.verdict.kind === 'proved') return 'elided (proved)';
  if (r.check.kind === 'use-after-move' || r.check.kind === 'borrow-conflict' || r.check.kind === 'linear-unconsumed') return 'static only (no run-time check)';
  return r.verdict.kind === 'refuted' ? 'build refused' : 'kept as a run-time check';
}

function ledgerLine(input: ReportInput): string {
  const elided = input.results.filter((r) => r.verdict.kind === 'proved').length;
  const kept = input.results.filter((r) => r.verdict.kind === 'unknown').length;
  const refuted = input.results.filter((r) => r.verdict.kind === 'refuted').length;
  return `${elided} of ${input.results.length} checks are elided from the generated code; ${kept} stay as run-time checks${refuted > 0 ? `; ${refuted} refuted: \`lumen build\` refuses the program` : ''}. \`lumen build\` writes the same decisions, with query hashes, to OUT.ledger.json.`;
}

export function toAuditMarkdown(input: ReportInput): string {
  const a = collect(input);
  const s = a.summary;
  const out: string[] = [];
  out.push('# Lumen Verify audit report', '');
  out.push(`- Tool: ${md(input.tool.name)} ${md(input.tool.version)}`);
  out.push(`- Solver: ${md(solverLabel(input.tool))}`);
  out.push(`- ${summaryLine(s)}`);
  out.push(`- Solver time (sum over checks): ${formatMs(s.timeMs)}`);
  out.push(`- Trusted base: ${count(a.assumes.length, 'assumption')}, ${count(a.externs.length, 'extern contract')}, ${count(a.unknowns.length, 'unknown check')} kept as runtime checks`);
  if (a.diagnostics.length > 0) out.push(`- Diagnostics: ${count(s.diagnostics.error, 'error')}, ${count(s.diagnostics.warning, 'warning')}, ${count(s.diagnostics.note, 'note')}`);
  out.push('');

  out.push('## Verdicts by check kind', '');
  const kinds = CHECK_KINDS.filter((k) => s.byKind[k]);
  if (kinds.length === 0) out.push('No checks.');
  else
    out.push(
      ...mdTable(
        ['check', 'proved', 'refuted', 'unknown', 'total'],
        [
          ...kinds.map((k) => {
            const c = s.byKind[k]!;
            return [mdCode(k), String(c.proved), String(c.refuted), String(c.unknown), String(c.proved + c.refuted + c.unknown)];
          }),
          ['**all**', String(s.proved), String(s.refuted), String(s.unknown), String(s.checks)],
        ],
      ),
    );
  out.push('');

  out.push('## Trusted base', '');
  out.push('What the verdicts rely on without proof.', '');
  out.push('### Assumptions (`assume`)', '');
  if (a.assumes.length === 0) out.push('None.');
  else out.push(...mdTable(['cell', 'location', 'assumed'], a.assumes.map((t) => [mdCode(t.cell), md(where(t.position)), mdCode(t.text)])));
  out.push('', '### Extern contracts', '');
  if (a.externs.length === 0) out.push('None.');
  else out.push(...mdTable(['cell', 'location', 'contract'], a.externs.map((t) => [mdCode(t.cell), md(where(t.position)), mdCode(t.text)])));
  out.push('', '### Unknown checks (kept as runtime checks)', '');
  if (a.unknowns.length === 0) out.push('None.');
  else
    out.push(
      ...mdTable(
        ['cell', 'location', 'check', 'property', 'reason'],
        a.unknowns.map(({ result: r, position }) => [
          mdCode(r.check.cell),
          md(where(position)),
          mdCode(r.check.kind),
          mdCode(r.check.expr),
          mdRich(r.verdict.kind === 'unknown' ? r.verdict.reason : ''),
        ]),
      ),
    );
  out.push('');

  out.push('## Inferred loop invariants', '');
  if (a.inferred.length === 0) out.push('None.');
  else out.push(...mdTable(['cell', 'loop', 'invariant'], a.inferred.map((x) => [mdCode(x.cell), md(where(x.position)), mdCode(x.text)])));
  out.push('');

  out.push('## Elision ledger', '', ledgerLine(input), '');
  out.push(...mdTable(['check', 'kind', 'cell', 'verdict', 'in the generated code'], input.results.map((r) => [String(r.check.id), md(r.check.kind), mdCode(r.check.cell), md(r.verdict.kind), md(elision(r))])));
  out.push('');

  out.push('## Checks by cell', '');
  if (a.cells.length === 0) out.push('No checks.', '');
  for (const c of a.cells) {
    out.push(`### ${mdCode(c.cell)}${c.first ? ` (${md(c.first.path)})` : ''}`, '');
    out.push(`${count(c.results.length, 'check')}: ${c.counts.proved} proved, ${c.counts.refuted} refuted, ${c.counts.unknown} unknown; solver time ${formatMs(c.timeMs)}.`, '');
    out.push(
      ...mdTable(
        ['id', 'location', 'check', 'verdict', 'time', 'property', 'details'],
        c.results.map(({ result: r, position }) => [
          String(r.check.id),
          md(`${position.line}:${position.column}`),
          mdCode(r.check.kind),
          r.verdict.kind === 'proved' ? 'proved' : `**${r.verdict.kind}**`,
          formatMs(r.timeMs),
          mdCode(r.check.expr),
          mdDetail(input, r),
        ]),
      ),
    );
    out.push('');
  }

  if (a.diagnostics.length > 0) {
    out.push('## Diagnostics', '');
    out.push(...mdTable(['location', 'code', 'severity', 'message'], a.diagnostics.map(({ d, position }) => [md(where(position)), mdCode(d.code), d.severity, mdRich(d.message)])));
    out.push('');
  }
  out.push(`Generated by ${md(input.tool.name)} ${md(input.tool.version)} with ${md(solverLabel(input.tool))}.`);
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------- HTML

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!);
}

const h = escapeHtml;

/** Escaped HTML of a compiler text, its backtick-quoted Lumen shown as code. */
function rich(s: string): string {
  return splitCode(s)
    .map((part) => (part.code ? `<code>${h(part.text)}</code>` : h(part.text)))
    .join('');
}

const COLORS: Record<VerdictKind, string> = { proved: '#2e7d32', refuted: '#c62828', unknown: '#b26a00' };

const CSS = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #1f2328; background: #fff; margin: 0; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 32px 48px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 8px; padding-bottom: 4px; border-bottom: 1px solid #d0d7de; }
h3 { font-size: 16px; margin: 24px 0 6px; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: 13px; }
code { background: #f6f8fa; padding: 1px 4px; border-radius: 4px; word-break: break-word; }
.meta { color: #59636e; margin: 0 0 16px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0; }
.card { border: 1px solid #d0d7de; border-radius: 8px; padding: 10px 16px; min-width: 120px; }
.card .n { font-size: 26px; font-weight: 600; display: block; }
.card .l { color: #59636e; font-size: 13px; }
.card.proved .n { color: ${COLORS.proved}; } .card.refuted .n { color: ${COLORS.refuted}; } .card.unknown .n { color: ${COLORS.unknown}; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; font-size: 14px; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid #d8dee4; vertical-align: top; }
th { background: #f6f8fa; font-weight: 600; }
table.narrow { width: auto; min-width: 480px; }
table.checks { table-layout: fixed; }
table.checks th:nth-child(1) { width: 4%; } table.checks th:nth-child(2) { width: 6%; }
table.checks th:nth-child(3) { width: 14%; } table.checks th:nth-child(4) { width: 8%; }
table.checks th:nth-child(5) { width: 7%; } table.checks th:nth-child(6) { width: 23%; }
h3 code { font-size: 15px; }
table.narrow td.num, table.narrow th.num { min-width: 72px; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.badge { display: inline-block; padding: 0 8px; border-radius: 10px; font-size: 12px; font-weight: 600; color: #fff; }
.badge.proved { background: ${COLORS.proved}; } .badge.refuted { background: ${COLORS.refuted}; } .badge.unknown { background: ${COLORS.unknown}; }
.none { color: #59636e; font-style: italic; }
.cx { color: #59636e; font-size: 13px; }
details summary { cursor: pointer; color: #0969da; }
ol.path { margin: 4px 0; padding-left: 20px; }
svg { max-width: 100%; height: auto; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; font-size: 12px; fill: #1f2328; }
footer { margin-top: 40px; color: #59636e; font-size: 13px; }
@media print { main { max-width: none; } details { display: block; } }
`;

function badge(v: VerdictKind): string {
  return `<span class="badge ${v}">${v}</span>`;
}

function table(head: readonly string[], rows: readonly (readonly string[])[], numeric: ReadonlySet<number> = new Set(), cls = ''): string {
  const th = head.map((x, i) => `<th${numeric.has(i) ? ' class="num"' : ''}>${h(x)}</th>`).join('');
  const trs = rows.map((r) => `<tr>${r.map((c, i) => `<td${numeric.has(i) ? ' class="num"' : ''}>${c}</td>`).join('')}</tr>`).join('\n');
  return `<table${cls ? ` class="${cls}"` : ''}>\n<thead><tr>${th}</tr></thead>\n<tbody>\n${trs}\n</tbody>\n</table>`;
}

function none(text = 'None.'): string {
  return `<p class="none">${h(text)}</p>`;
}

/** A horizontal bar chart: per cell, verdict counts (stacked) and solver time. */
function chart(cells: readonly CellGroup[]): string {
  const shown = cells.slice(0, CHART_MAX_CELLS);
  if (shown.length === 0) return '';
  const labelW = 220;
  const countW = 360;
  const gap = 40;
  const timeW = 260;
  const rowH = 24;
  const top = 34;
  const width = labelW + countW + gap + timeW + 70;
  const height = top + shown.length * rowH + 28;
  const maxCount = Math.max(1, ...shown.map((c) => c.results.length));
  const maxTime = Math.max(1, ...shown.map((c) => c.timeMs));
  const parts: string[] = [];
  parts.push(`<text x="${labelW}" y="16" font-weight="600">Checks per cell by verdict</text>`);
  parts.push(`<text x="${labelW + countW + gap}" y="16" font-weight="600">Solver time per cell</text>`);
  shown.forEach((c, i) => {
    const y = top + i * rowH;
    const label = c.cell.length > 30 ? `…${c.cell.slice(-29)}` : c.cell;
    parts.push(`<text x="${labelW - 8}" y="${y + 15}" text-anchor="end"><title>${h(c.cell)}</title>${h(label)}</text>`);
    let x = labelW;
    for (const v of VERDICTS) {
      const n = c.counts[v];
      if (n === 0) continue;
      const w = (n / maxCount) * countW;
      parts.push(`<rect x="${fx(x)}" y="${y + 3}" width="${fx(w)}" height="${rowH - 8}" fill="${COLORS[v]}"><title>${h(`${c.cell}: ${n} ${v}`)}</title></rect>`);
      x += w;
    }
    parts.push(`<text x="${fx(x + 6)}" y="${y + 15}">${c.results.length}</text>`);
    const tx = labelW + countW + gap;
    const tw = Math.max(c.timeMs > 0 ? 1 : 0, (c.timeMs / maxTime) * timeW);
    parts.push(`<rect x="${tx}" y="${y + 3}" width="${fx(tw)}" height="${rowH - 8}" fill="#0969da"><title>${h(`${c.cell}: ${formatMs(c.timeMs)}`)}</title></rect>`);
    parts.push(`<text x="${fx(tx + tw + 6)}" y="${y + 15}">${h(formatMs(c.timeMs))}</text>`);
  });
  // Legend.
  const ly = top + shown.length * rowH + 14;
  let lx = labelW;
  for (const v of VERDICTS) {
    parts.push(`<rect x="${lx}" y="${ly - 9}" width="10" height="10" fill="${COLORS[v]}"/><text x="${lx + 14}" y="${ly}">${v}</text>`);
    lx += 90;
  }
  const more = cells.length > shown.length ? `<p class="none">${cells.length - shown.length} more cells are listed below but not drawn.</p>` : '';
  return `<svg role="img" aria-label="Verdicts and solver time per cell" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">\n${parts.join('\n')}\n</svg>${more}`;
}

function fx(n: number): string {
  return String(Math.round(n * 10) / 10);
}

function checkDetails(input: ReportInput, locator: Locator, r: CheckResult): string {
  const v = r.verdict;
  switch (v.kind) {
    case 'proved':
      return rich(r.check.success);
    case 'unknown':
      return `${rich(r.check.failure)}<div class="cx">${rich(v.reason)}; a runtime check is kept.</div>`;
    case 'refuted': {
      const cx = v.counterexample;
      const steps = cx.path
        .map((s) => {
          const p = locator.position(s.span);
          const vals = describeValues(s.values);
          return `<li><span class="mono">${h(`${p.line}:${p.column}`)}</span> ${h(s.what)}${vals ? `: <code>${h(vals)}</code>` : ''}</li>`;
        })
        .join('');
      const confirmed = isConfirmed(input, r) ? 'confirmed by replay' : 'not replayed';
      const path = steps ? `<details><summary>path (${count(cx.path.length, 'step')})</summary><ol class="path">${steps}</ol></details>` : '';
      return `${rich(r.check.failure)}<div class="cx">counterexample (${confirmed}): <code>${h(describeInputs(cx))}</code></div>${path}`;
    }
  }
}

export function toAuditHtml(input: ReportInput): string {
  const a = collect(input);
  const s = a.summary;
  const body: string[] = [];
  body.push('<h1>Lumen Verify audit report</h1>');
  body.push(`<p class="meta">${h(input.tool.name)} ${h(input.tool.version)} · solver ${h(solverLabel(input.tool))} · ${h(summaryLine(s))}</p>`);
  const card = (cls: string, n: number | string, label: string) => `<div class="card ${cls}"><span class="n">${h(String(n))}</span><span class="l">${h(label)}</span></div>`;
  body.push(
    `<div class="cards">${[
      card('', s.checks, 'checks'),
      card('proved', s.proved, 'proved'),
      card('refuted', s.refuted, `refuted (${s.confirmed} confirmed)`),
      card('unknown', s.unknown, 'unknown'),
      card('', formatMs(s.timeMs), 'solver time'),
      card('', a.assumes.length + a.externs.length + a.unknowns.length, 'trusted items'),
      ...(a.diagnostics.length > 0 ? [card('refuted', s.diagnostics.error, 'compile errors'), card('unknown', s.diagnostics.warning, 'warnings')] : []),
    ].join('')}</div>`,
  );

  body.push('<h2 id="kinds">Verdicts by check kind</h2>');
  const kinds = CHECK_KINDS.filter((k) => s.byKind[k]);
  if (kinds.length === 0) body.push(none('No checks.'));
  else
    body.push(
      table(
        ['check', 'proved', 'refuted', 'unknown', 'total'],
        [
          ...kinds.map((k) => {
            const c = s.byKind[k]!;
            return [`<code>${h(k)}</code>`, String(c.proved), String(c.refuted), String(c.unknown), String(c.proved + c.refuted + c.unknown)];
          }),
          ['<strong>all</strong>', `<strong>${s.proved}</strong>`, `<strong>${s.refuted}</strong>`, `<strong>${s.unknown}</strong>`, `<strong>${s.checks}</strong>`],
        ],
        new Set([1, 2, 3, 4]),
        'narrow',
      ),
    );

  body.push('<h2 id="cells-chart">Cells</h2>');
  body.push(a.cells.length > 0 ? chart(a.cells) : none('No checks.'));

  body.push('<h2 id="trusted">Trusted base</h2>');
  body.push('<p>What the verdicts rely on without proof: assumptions, the contracts of extern cells, and the checks the solver could not decide (they stay as runtime checks).</p>');
  body.push(`<h3>Assumptions (<code>assume</code>): ${a.assumes.length}</h3>`);
  body.push(
    a.assumes.length === 0
      ? none()
      : table(['cell', 'location', 'assumed'], a.assumes.map((t) => [`<code>${h(t.cell)}</code>`, h(where(t.position)), `<code>${h(t.text)}</code>`])),
  );
  body.push(`<h3>Extern contracts: ${a.externs.length}</h3>`);
  body.push(
    a.externs.length === 0
      ? none()
      : table(['cell', 'location', 'contract'], a.externs.map((t) => [`<code>${h(t.cell)}</code>`, h(where(t.position)), `<code>${h(t.text)}</code>`])),
  );
  body.push(`<h3>Unknown checks kept as runtime checks: ${a.unknowns.length}</h3>`);
  body.push(
    a.unknowns.length === 0
      ? none()
      : table(
          ['cell', 'location', 'check', 'property', 'reason'],
          a.unknowns.map(({ result: r, position }) => [
            `<code>${h(r.check.cell)}</code>`,
            h(where(position)),
            `<code>${h(r.check.kind)}</code>`,
            `<code>${h(r.check.expr)}</code>`,
            rich(r.verdict.kind === 'unknown' ? r.verdict.reason : ''),
          ]),
        ),
  );

  body.push('<h2 id="inferred">Inferred loop invariants</h2>');
  body.push(
    a.inferred.length === 0
      ? none()
      : table(['cell', 'loop', 'invariant'], a.inferred.map((x) => [`<code>${h(x.cell)}</code>`, h(where(x.position)), `<code>${h(x.text)}</code>`])),
  );

  body.push('<h2 id="ledger">Elision ledger</h2>');
  body.push(`<p>${h(ledgerLine(input))}</p>`);
  body.push(
    table(
      ['check', 'kind', 'cell', 'verdict', 'in the generated code'],
      input.results.map((r) => [String(r.check.id), h(r.check.kind), `<code>${h(r.check.cell)}</code>`, h(r.verdict.kind), h(elision(r))]),
      new Set([0]),
    ),
  );

  body.push('<h2 id="checks">Checks by cell</h2>');
  if (a.cells.length === 0) body.push(none('No checks.'));
  for (const c of a.cells) {
    const file = c.first ? ` <span class="meta mono">${h(c.first.path)}</span>` : '';
    body.push(`<h3><code>${h(c.cell)}</code>${file}</h3>`);
    body.push(
      `<p class="meta">${count(c.results.length, 'check')}: ${c.counts.proved} proved, ${c.counts.refuted} refuted, ${c.counts.unknown} unknown · solver time ${h(formatMs(c.timeMs))}</p>`,
    );
    body.push(
      table(
        ['id', 'line', 'check', 'verdict', 'time', 'property', 'details'],
        c.results.map(({ result: r, position }) => [
          String(r.check.id),
          h(`${position.line}:${position.column}`),
          `<code>${h(r.check.kind)}</code>`,
          badge(r.verdict.kind),
          h(formatMs(r.timeMs)),
          `<code>${h(r.check.expr)}</code>`,
          checkDetails(input, a.locator, r),
        ]),
        new Set([0, 4]),
        'checks',
      ),
    );
  }

  if (a.diagnostics.length > 0) {
    body.push('<h2 id="diagnostics">Diagnostics</h2>');
    body.push(
      table(
        ['location', 'code', 'severity', 'message'],
        a.diagnostics.map(({ d, position }) => [h(where(position)), `<code>${h(d.code)}</code>`, h(d.severity), rich(d.message)]),
      ),
    );
  }

  body.push(`<footer>Generated by ${h(input.tool.name)} ${h(input.tool.version)} with ${h(solverLabel(input.tool))}.</footer>`);
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing may load: no scripts, no network; only the inline style.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${h(`Lumen Verify audit: ${summaryLine(s)}`)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    body.join('\n'),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

