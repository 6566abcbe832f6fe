// Frontend throughput: parse + resolve + type check of a generated program of
// about 50,000 lines, in memory (no file system in the timed part).

import { checkFile } from '../frontend/index.js';
import { memoryHost } from '../frontend/modules.js';
import { table } from './table.js';

/** A realistic mix: records, enums, contracts, loops, matches, calls. */
export function generateProgram(targetLines: number): string {
  const parts: string[] = [
    'record Point',
    '  x: Int where x >= -1_000_000 and x <= 1_000_000',
    '  y: Int where y >= -1_000_000 and y <= 1_000_000',
    'end',
    '',
    'enum Shape',
    '  Circle(radius: Int)',
    '  Rect(w: Int, h: Int)',
    '  Empty',
    'end',
    '',
  ];
  let lines = parts.length;
  for (let i = 0; lines < targetLines; i++) {
    const cell = [
      `cell work${i}(xs: list[Int], n: Int where n >= 0 and n <= 1000, p: Point) -> Int`,
      '  requires len(xs) > 0',
      '  ensures result >= 0',
      '  let mut total = 0',
      '  let mut i = 0',
      '  while i < n',
      '    invariant 0 <= i and i <= n',
      '    decreases n - i',
      '    if xs[i % len(xs)] > 0',
      '      total += 1',
      '    else',
      '      total = total',
      '    end',
      '    i += 1',
      '  end',
      `  let s = Rect(w: ${i % 7}, h: 2)`,
      '  let a = match s',
      '    Circle(r) -> r * r',
      '    Rect(w, h) -> w * h',
      '    Empty -> 0',
      '  end',
      `  let label = "cell {i} of {n}: {total}"`,
      '  abs(p.x - p.y) + a + total + len(label) * 0',
      'end',
      '',
    ];
    parts.push(...cell);
    lines += cell.length;
  }
  return parts.join('\n');
}

export async function benchFrontend(): Promise<void> {
  const source = generateProgram(50_000);
  const lines = source.split('\n').length;
  const host = memoryHost({ '/bench/big.lm': source });
  // Warm up the JIT, then take the best of several runs.
  checkFile('/bench/big.lm', host);
  const times: number[] = [];
  let diagnostics = 0;
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    const r = checkFile('/bench/big.lm', host);
    times.push(performance.now() - t0);
    diagnostics = r.diagnostics.length;
  }
  const best = Math.min(...times);
  const perSec = Math.round(lines / (best / 1000));
  console.log('\n## Frontend: parse + type check\n');
  console.log(
    table(
      ['program', 'lines', 'best ms', 'lines/s', 'target', 'ratio to target', 'diagnostics'],
      [['generated', lines, best.toFixed(1), perSec, 250_000, (perSec / 250_000).toFixed(2), diagnostics]],
    ),
  );
}
