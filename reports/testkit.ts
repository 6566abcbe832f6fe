// Hand-built report inputs for the reports/ tests: small in-memory source
// files (one `.lm`, one literate `.lm.md`), fake checks with every verdict,
// diagnostics, trusted items and inferred invariants — independent of the
// parser, the lowering and the solver.

import type { Diagnostic } from '../frontend/diagnostics.js';
import type { CheckInfo, CheckKind } from '../frontend/ir.js';
import type { SourceFile, Span } from '../frontend/span.js';
import { makeSourceFile } from '../frontend/span.js';
import type { Type } from '../frontend/types.js';
import type { CheckResult, RawCounterexample, Verdict } from '../verifier/verify.js';
import type { ReportInput } from './model.js';

export const ROOT = '/repo';

const INT: Type = { kind: 'Int' };
const STRING: Type = { kind: 'String' };

export const MATH_LM = `# Arithmetic helpers.

cell average(total: Int, count: Int) -> Int
  total / count
end

cell clamp(v: Int, lo: Int, hi: Int) -> Int
  requires lo <= hi
  ensures lo <= result and result <= hi
  if v < lo
    lo
  else
    v
  end
end

cell sum_to(n: Int where 0 <= n and n <= 1000) -> Int
  let mut i = 0
  let mut s = 0
  while i < n
    i += 1
    s += i
  end
  assume s >= 0
  s
end

extern cell now_ms() -> Int where result >= 0

cell fetch(url: String) -> String / {Net(max_calls: 1)}
  let a = perform Net.get(url)
  perform Net.get(a)
end
`;

export const ACCOUNT_MD = `# Accounts

Some prose about <accounts> & "balances" before the code.

\`\`\`lumen
record Account
  balance: Int where balance >= 0
end

cell withdraw(a: Account, amount: Int) -> Account
  Account(balance: a.balance - amount)
end
\`\`\`

More prose.
`;

/** The span of the `nth` occurrence of `needle` in `file`'s text. */
export function spanOf(file: SourceFile, needle: string, nth = 0): Span {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = file.text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`fixture: \`${needle}\` #${nth} not in ${file.path}`);
  }
  return { file: file.path, start: at, end: at + needle.length };
}

export function makeCheck(
  id: number,
  kind: CheckKind,
  cell: string,
  span: Span,
  expr: string,
  extra: Partial<Pick<CheckInfo, 'failure' | 'success' | 'related' | 'key'>> = {},
): CheckInfo {
  return {
    id,
    kind,
    cell,
    span,
    expr,
    failure: extra.failure ?? `${kind}: \`${expr}\` may not hold`,
    success: extra.success ?? `\`${expr}\` holds`,
    related: extra.related ?? [],
    key: extra.key ?? `${cell}:${kind}:${expr}#0`,
  };
}

export function result(check: CheckInfo, verdict: Verdict, timeMs = 12): CheckResult {
  return { check, verdict, timeMs, queryHash: `h${check.id}` };
}

export function cx(
  inputs: readonly [string, string][],
  path: RawCounterexample['path'] = [],
  performs: readonly [string, string][] = [],
): RawCounterexample {
  return {
    inputs: inputs.map(([name, value]) => ({ name, value, type: value.startsWith('"') ? STRING : INT, raw: { kind: 'int', value: 0n } })),
    performs: performs.map(([label, value]) => ({ label, value, type: STRING, raw: { kind: 'string', value } })),
    calls: [],
    path,
    unrolled: 0,
  };
}

export interface Fixture {
  readonly input: ReportInput;
  readonly math: SourceFile;
  readonly account: SourceFile;
}

/**
 * A report over two files with every kind of result. `prefix` is inserted at
 * the top of both files (shifting every span), to test fingerprint stability.
 */
export function fixture(opts: { prefix?: string; includeProved?: boolean } = {}): Fixture {
  const prefix = opts.prefix ?? '';
  const math = makeSourceFile('src/math.lm', prefix + MATH_LM);
  const account = makeSourceFile('docs/account.lm.md', ACCOUNT_MD.replace('# Accounts\n', `# Accounts\n${prefix}`));
  const files = new Map([
    [math.path, math],
    [account.path, account],
  ]);
  const div = makeCheck(0, 'div-by-zero', 'math.average', spanOf(math, 'total / count'), 'count != 0', {
    failure: 'division by zero: `count` may be 0',
    success: 'the divisor `count` is never 0',
  });
  const overflow = makeCheck(1, 'overflow', 'math.average', spanOf(math, 'total / count'), 'total / count', {
    failure: 'integer overflow: `total / count` may leave the 64-bit range',
  });
  const post = makeCheck(2, 'postcondition', 'math.clamp', spanOf(math, 'lo <= result and result <= hi'), 'lo <= result and result <= hi', {
    failure: 'postcondition `lo <= result and result <= hi` may not hold',
    related: [{ span: spanOf(math, 'v\n  end'), message: 'the return value [result]' }],
  });
  const inv = makeCheck(3, 'termination', 'math.sum_to', spanOf(math, 'while i < n'), 'n - i', {
    failure: 'the guessed measure `n - i` may not decrease',
  });
  const idx = makeCheck(4, 'overflow', 'math.sum_to', spanOf(math, 's += i'), 's + i');
  const budget = makeCheck(5, 'effect-budget', 'math.fetch', spanOf(math, 'perform Net.get(a)'), 'calls(Net) <= 1', {
    failure: 'effect budget exceeded: `Net` may be performed more than 1 time',
  });
  const rec = makeCheck(10, 'record-invariant', 'account.withdraw', spanOf(account, 'Account(balance: a.balance - amount)'), 'Account.balance: balance >= 0', {
    failure: 'record invariant `balance >= 0` of `Account` may not hold',
    related: [{ span: spanOf(account, 'balance: Int where balance >= 0'), message: 'the field refinement' }],
  });
  const recOverflow = makeCheck(11, 'overflow', 'account.withdraw', spanOf(account, 'a.balance - amount'), 'a.balance - amount');

  const results: CheckResult[] = [
    result(
      div,
      {
        kind: 'refuted',
        confirmed: false,
        counterexample: cx(
          [
            ['total', '1'],
            ['count', '0'],
          ],
          [{ span: spanOf(math, 'total / count'), what: 'division', values: [{ name: 'count', value: '0' }] }],
        ),
      },
      31.4,
    ),
    result(overflow, { kind: 'proved' }, 5),
    result(
      post,
      {
        kind: 'refuted',
        confirmed: false,
        counterexample: cx(
          [
            ['v', '5'],
            ['lo', '0'],
            ['hi', '3'],
          ],
          [
            { span: spanOf(math, 'v < lo'), what: 'condition is false', values: [] },
            { span: spanOf(math, 'v\n  end'), what: 'return', values: [{ name: 'result', value: '5' }] },
          ],
        ),
      },
      48,
    ),
    result(inv, { kind: 'unknown', reason: 'the solver timed out' }, 4000),
    result(idx, { kind: 'proved' }, 7),
    result(
      budget,
      {
        kind: 'refuted',
        confirmed: false,
        counterexample: cx(
          [['url', '"a"']],
          [
            { span: spanOf(math, 'perform Net.get(url)'), what: 'Net.get returns', values: [{ name: 'perform#1', value: '"b"' }] },
            { span: spanOf(math, 'perform Net.get(a)'), what: 'Net.get returns', values: [{ name: 'perform#2', value: '""' }] },
          ],
          [
            ['perform#1', '"b"'],
            ['perform#2', '""'],
          ],
        ),
      },
      9,
    ),
    result(
      rec,
      {
        kind: 'refuted',
        confirmed: false,
        counterexample: cx([
          ['a', 'Account(balance: 0)'],
          ['amount', '1'],
        ]),
      },
      22,
    ),
    result(recOverflow, { kind: 'proved' }, 3),
  ];
  const diagnostics: Diagnostic[] = [
    {
      code: 'W0100',
      severity: 'warning',
      message: 'unnecessary `!`: a value of type `Int` is never null',
      span: spanOf(math, 'total', 1),
      related: [],
      notes: [],
    },
    {
      code: 'E0103',
      severity: 'error',
      message: 'mismatched types: expected `Int`, found `String`',
      span: spanOf(account, 'amount', 1),
      related: [{ span: spanOf(account, 'amount: Int'), message: 'declared here' }],
      notes: ['convert with `to_int`'],
    },
  ];
  const input: ReportInput = {
    tool: { name: 'lumen-verify', version: '0.1.0', solver: 'z3-wasm', solverVersion: '4.13.0' },
    files,
    root: ROOT,
    diagnostics,
    results,
    inferred: [{ cell: 'math.sum_to', span: spanOf(math, 'while i < n'), text: '0 <= i and i <= n' }],
    trusted: [
      { kind: 'assume', cell: 'math.sum_to', span: spanOf(math, 'assume s >= 0'), text: 's >= 0' },
      { kind: 'extern', cell: 'math.now_ms', span: spanOf(math, 'extern cell now_ms() -> Int where result >= 0'), text: 'result >= 0' },
    ],
    confirmed: new Set([0]),
    includeProved: opts.includeProved ?? false,
    automationId: 'lumen-verify/src/',
  };
  return { input, math, account };
}
