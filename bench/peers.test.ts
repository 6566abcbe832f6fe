// The peer interpreters of `npm run bench -- vm` compute what the JavaScript
// reference computes. Only cheap programs run here (the bench itself checks
// every program's output on every run); no timing is asserted.

import { describe, expect, it } from 'vitest';
import { getQuickJS } from 'quickjs-emscripten';
import { quickJsSource, runFengari, runQuickJs } from './vm.js';
import { WORKLOADS } from './workloads.js';

describe('VM bench peers', () => {
  it('QuickJS runs the hand-written JS function itself and prints what it prints', async () => {
    const quickjs = await getQuickJS();
    const fib = WORKLOADS.find((w) => w.name.startsWith('fib'))!;
    expect(runQuickJs(quickjs, quickJsSource(fib), 'fib.js').out).toBe(fib.js().join('\n'));
  });

  it("fengari collects printed lines, tab-separated like Lua's print", () => {
    expect(runFengari('print(1, true)\nprint("x")', 'p.lua').out).toBe('1\ttrue\nx');
  });

  it("the sort's generator gives the same numbers in fengari's 32-bit integers as with Math.imul", () => {
    const lua = 'local x = 12345\nfor i = 1, 1000 do\n  x = (x * 1103515245 + 12345) & 0x7fffffff\n  print(x % 1000000)\nend';
    const js: number[] = [];
    let x = 12345;
    for (let i = 0; i < 1000; i++) {
      x = (Math.imul(x, 1_103_515_245) + 12_345) & 0x7fffffff;
      js.push(x % 1_000_000);
    }
    // And the same as exact (BigInt) arithmetic mod 2^31, as in Lumen's 64-bit Ints.
    let big = 12345n;
    const exact: number[] = [];
    for (let i = 0; i < 1000; i++) {
      big = (big * 1_103_515_245n + 12_345n) % 2_147_483_648n;
      exact.push(Number(big % 1_000_000n));
    }
    expect(js).toEqual(exact);
    expect(runFengari(lua, 'lcg.lua').out).toBe(js.join('\n'));
  });
});
