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

/** Runs before the measured ones: V8 compiles the hot functions with its optimising tier only after a few runs. */
const WARMUP_RUNS = 3;
const MEASURED_RUNS = 10;
const TARGET_LINES_PER_SECOND = 250_000;

export async function benchFrontend(): Promise<void> {
  const source = generateProgram(50_000);
  const lines = source.split('\n').length;
  const host = memoryHost({ '/bench/big.lm': source });
  const times: number[] = [];
  let diagnostics = 0;
  for (let k = 0; k < WARMUP_RUNS + MEASURED_RUNS; k++) {
    const t0 = performance.now();
    const r = checkFile('/bench/big.lm', host);
    times.push(performance.now() - t0);
    diagnostics = r.diagnostics.length;
  }
  const first = times[0]!;
  const measured = times.slice(WARMUP_RUNS).sort((a, b) => a - b);
  const best = measured[0]!;
  const median = measured[Math.floor(measured.length / 2)]!;
  const rate = (ms: number): number => Math.round(lines / (ms / 1000));
  console.log('\n## Frontend: parse + type check\n');
  console.log(
    table(
      ['program', 'lines', 'first run ms', 'best ms', 'median ms', 'lines/s (best)', 'lines/s (median)', 'target', 'best / target', 'diagnostics'],
      [
        [
          'generated',
          lines,
          first.toFixed(1),
          best.toFixed(1),
          median.toFixed(1),
          rate(best),
          rate(median),
          TARGET_LINES_PER_SECOND,
          (rate(best) / TARGET_LINES_PER_SECOND).toFixed(2),
          diagnostics,
        ],
      ],
    ),
  );
  console.log(
    `\nbest and median of ${MEASURED_RUNS} runs after ${WARMUP_RUNS} warm-up runs (the first run includes compiling the frontend's code); ` +
      'the spread comes mostly from major garbage collections of the previous runs\' trees.',
  );
}
