import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { escapeHtml, toAuditHtml, toAuditMarkdown } from './audit.js';
import type { ReportInput } from './model.js';
import { fixture, makeCheck, result, spanOf } from './testkit.js';

/** The fixture plus a check whose texts try to break out of HTML and Markdown. */
function hostile(): ReportInput {
  const f = fixture();
  const evil = makeCheck(20, 'assertion', 'math.<b>evil</b>', spanOf(f.math, 's >= 0'), 'x < 1 | y > "</code><script>alert(1)</script>"', {
    failure: 'assertion `a & b` <img src=x onerror=alert(2)> may not hold',
  });
  return { ...f.input, results: [...f.input.results, result(evil, { kind: 'unknown', reason: 'the solver said <unknown> & gave up' })] };
}

describe('audit report (Markdown)', () => {
  it('summarizes verdicts, the trusted base, inferred invariants and the solver', () => {
    const md = toAuditMarkdown(fixture().input);
    expect(md).toContain('- Solver: z3-wasm 4.13.0');
    expect(md).toContain('- 8 checks: 3 proved, 4 refuted (1 confirmed by replay), 1 unknown');
    expect(md).toContain('- Trusted base: 1 assumption, 1 extern contract, 1 unknown check kept as runtime checks');
    expect(md).toContain('| `overflow` | 3 | 0 | 0 | 3 |');
    expect(md).toContain('| **all** | 3 | 4 | 1 | 8 |');
    expect(md).toContain('| `math.sum_to` | src/math.lm:24:3 | `s >= 0` |');
    expect(md).toContain('| `math.now_ms` | src/math.lm:28:1 | `result >= 0` |');
    expect(md).toContain('| `math.sum_to` | src/math.lm:20:3 | `termination` | `n - i` | the solver timed out |');
    expect(md).toContain('| `math.sum_to` | src/math.lm:20:3 | `0 <= i and i <= n` |');
    expect(md).toContain('### `math.average` (src/math.lm)');
    expect(md).toContain('2 checks: 1 proved, 1 refuted, 0 unknown; solver time 36 ms.');
    expect(md).toContain('| 0 | 4:3 | `div-by-zero` | **refuted** | 31 ms | `count != 0` |');
    expect(md).toContain('| E0103 |'.replace('E0103', '`E0103`'));
    // Cells in source order: the literate file sorts first.
    expect(md.indexOf('### `account.withdraw` (docs/account.lm.md)')).toBeLessThan(md.indexOf('### `math.average`'));
    expect(md.indexOf('### `math.average`')).toBeLessThan(md.indexOf('### `math.clamp`'));
    expect(md).toContain('division by zero: `count` may be 0 — counterexample: `total = 1, count = 0` (confirmed by replay)');
  });

  it('escapes user text', () => {
    const md = toAuditMarkdown(hostile());
    expect(md).toContain('### `math.<b>evil</b>` (src/math.lm)');
    expect(md).toContain('`x < 1 \\| y > "</code><script>alert(1)</script>"`');
    expect(md).toContain('the solver said \\<unknown\\> & gave up');
    // Outside code spans (which Markdown shows literally) no tag survives.
    const prose = md.replace(/(`+)[^`]*?\1/g, '');
    expect(prose).not.toMatch(/(^|[^\\])<[a-z/]/i);
    // Compiler texts keep their backtick-quoted Lumen as code.
    expect(md).toContain('assertion `a & b` \\<img src=x onerror=alert(2)\\> may not hold');
  });
});

describe('audit report (HTML)', () => {
  it('shows the expected numbers, sections and a chart', () => {
    const html = toAuditHtml(fixture().input);
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).toContain('<span class="n">8</span><span class="l">checks</span>');
    expect(html).toContain('<span class="n">3</span><span class="l">proved</span>');
    expect(html).toContain('<span class="n">4</span><span class="l">refuted (1 confirmed)</span>');
    expect(html).toContain('<span class="n">1</span><span class="l">unknown</span>');
    expect(html).toContain('<span class="n">4.13 s</span><span class="l">solver time</span>');
    expect(html).toContain('<span class="n">3</span><span class="l">trusted items</span>');
    expect(html).toContain('solver z3-wasm 4.13.0');
    expect(html).toContain('<h3>Assumptions (<code>assume</code>): 1</h3>');
    expect(html).toContain('<h3>Extern contracts: 1</h3>');
    expect(html).toContain('<h3>Unknown checks kept as runtime checks: 1</h3>');
    expect(html).toContain('<code>0 &lt;= i and i &lt;= n</code>');
    expect(html).toContain('<td><code>overflow</code></td><td class="num">3</td><td class="num">0</td><td class="num">0</td><td class="num">3</td>');
    // One chart row per cell (5 cells), with its time label.
    const svg = html.slice(html.indexOf('<svg'), html.indexOf('</svg>'));
    expect(svg.match(/<text x="212" y="\d+" text-anchor="end">/g)).toHaveLength(5);
    expect(svg).toContain('>4.01 s</text>');
    expect(svg).toContain('<title>math.average: 1 refuted</title>');
    // Self-contained: no scripts, no external resources.
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(/i);
    expect(html).toContain("Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\"");
  });

  it('escapes user text', () => {
    const html = toAuditHtml(hostile());
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>evil');
    expect(html).toContain(escapeHtml('x < 1 | y > "</code><script>alert(1)</script>"'));
    expect(html).toContain('the solver said &lt;unknown&gt; &amp; gave up');
    expect(html).toContain('assertion <code>a &amp; b</code> &lt;img src=x onerror=alert(2)&gt; may not hold');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('is deterministic', () => {
    expect(toAuditHtml(fixture().input)).toBe(toAuditHtml(fixture().input));
    expect(toAuditMarkdown(fixture().input)).toBe(toAuditMarkdown(fixture().input));
  });

  const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => fs.existsSync(p));

  // In CI the global test setup (test-setup.ts) installs Debian's `chromium`; elsewhere this rendering check runs only when it is installed.
  it.runIf(chromium !== undefined)(
    'renders in headless Chromium',
    () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-audit-'));
      try {
        const page = path.join(dir, 'audit.html');
        const png = path.join(dir, 'audit.png');
        fs.writeFileSync(page, toAuditHtml(hostile()));
        execFileSync(
          chromium!,
          [
            '--headless',
            '--no-sandbox',
            '--disable-gpu',
            '--disable-dev-shm-usage',
            '--hide-scrollbars',
            '--no-first-run',
            `--user-data-dir=${path.join(dir, 'profile')}`,
            '--window-size=1200,3200',
            `--screenshot=${png}`,
            pathToFileURL(page).href,
          ],
          { stdio: 'pipe', timeout: 60_000 },
        );
        const bytes = fs.readFileSync(png);
        expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
        // A blank 1200×3200 page compresses to a few kilobytes; a rendered report does not.
        expect(bytes.length).toBeGreaterThan(40_000);
        if (process.env['LUMEN_KEEP_SCREENSHOT']) fs.copyFileSync(png, process.env['LUMEN_KEEP_SCREENSHOT']);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
    90_000,
  );
});
