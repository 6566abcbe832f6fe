// SARIF rules (reportingDescriptors): one per check kind of LANGUAGE.md §6.5
// (rule id = the check name, e.g. `overflow`) and one per entry of the
// diagnostic catalogue (rule id = the code, e.g. `E0103`). Each check rule
// says what the check means and how to fix a refuted one, with a small Lumen
// example; diagnostic rules are derived from their catalogue entry. The texts
// respect GitHub's limits (name ≤ 255, descriptions ≤ 1024 characters, ≤ 20
// tags, no empty strings), which a test asserts.

import type * as sarif from 'sarif';
import type { CatalogueEntry, Severity } from '../frontend/diagnostics.js';
import { CATALOGUE } from '../frontend/diagnostics.js';
import type { CheckKind } from '../frontend/ir.js';
import { CHECK_KINDS } from '../frontend/ir.js';

interface CheckDoc {
  /** Kebab-case rule name. */
  readonly name: string;
  /** One line, shown as the alert title. */
  readonly short: string;
  /** What is checked and where it is reported. */
  readonly what: string;
  /** How to fix a refuted check. */
  readonly fix: string;
  /** A program on which the check is refuted, then the same program fixed. */
  readonly bad: string;
  readonly good: string;
  readonly tags: readonly string[];
}

const CHECK_DOCS: Record<CheckKind, CheckDoc> = {
  overflow: {
    name: 'integer-overflow',
    short: 'Int arithmetic may leave the 64-bit signed range',
    what:
      'Int arithmetic is checked: `+`, `-`, `*`, `**`, unary `-`, `abs`, `to_int`, and `/` or `//` of the smallest Int by -1 trap instead of wrapping. The check proves that the result stays within -9223372036854775808..9223372036854775807 for every input the contracts allow. It is reported at the operation.',
    fix: 'Bound the operands with a refinement or a `requires` clause, or compute in a way that cannot overflow (e.g. `lo + (hi - lo) // 2` instead of `(lo + hi) // 2`).',
    bad: 'cell add(a: Int, b: Int) -> Int\n  a + b          # refuted: a = 9223372036854775807, b = 1\nend',
    good: 'cell add(a: Int where abs(a) <= 1_000_000, b: Int where abs(b) <= 1_000_000) -> Int\n  a + b\nend',
    tags: ['arithmetic', 'overflow'],
  },
  'div-by-zero': {
    name: 'division-by-zero',
    short: 'A divisor may be zero',
    what: '`/`, `//` and `%` on Ints trap when the divisor is 0. The check proves that the divisor is never 0 where the division is evaluated. It is reported at the division.',
    fix: 'Require a non-zero divisor (`b: Int where b != 0`), or test it before dividing.',
    bad: 'cell average(total: Int where total >= 0, count: Int) -> Int\n  total // count  # refuted: count = 0\nend',
    good: 'cell average(total: Int where total >= 0, count: Int where count > 0) -> Int\n  total // count\nend',
    tags: ['arithmetic'],
  },
  index: {
    name: 'index-out-of-bounds',
    short: 'A list or string index may be out of bounds',
    what: '`xs[i]`, `xs[i] = v` and `s[i]` are valid for `-len(xs) <= i < len(xs)` (a negative index counts from the end). The check proves the index is in bounds. It is reported at the indexing expression.',
    fix: 'Require the bound (`i: Int where 0 <= i and i < len(xs)`), test it before indexing, or give the loop an invariant that keeps the index in range.',
    bad: 'cell first(xs: list[Int]) -> Int\n  xs[0]          # refuted: xs = []\nend',
    good: 'cell first(xs: list[Int] where len(xs) > 0) -> Int\n  xs[0]\nend',
    tags: ['bounds'],
  },
  null: {
    name: 'null-assertion',
    short: 'A null assertion `!` may fail',
    what: 'The postfix `e!` asserts that `e` is not null and traps otherwise. The check proves that `e` is never null there. It is reported at the `!` expression.',
    fix: 'Test for null first (`if e != null … end` narrows the type), or make the value non-nullable.',
    bad: 'cell name_len(name: String?) -> Int\n  len(name!)     # refuted: name = null\nend',
    good: 'cell name_len(name: String?) -> Int\n  if name != null\n    len(name)\n  else\n    0\n  end\nend',
    tags: ['null'],
  },
  refinement: {
    name: 'refinement-violated',
    short: 'A value may not satisfy its refined type',
    what: 'A value flowing into a refined type `T where P` (an argument against a parameter refinement, `let x: T where P`, a return value, a field of a refined alias type) must satisfy `P`. It is reported at the value.',
    fix: 'Strengthen what is known about the value (a `requires`, a test, a stronger refinement upstream), or weaken the refinement if it is stronger than needed.',
    bad: 'type Nat = Int where self >= 0\n\ncell pred(n: Int where n >= 0) -> Nat\n  n - 1          # refuted: n = 0 gives -1\nend',
    good: 'type Nat = Int where self >= 0\n\ncell pred(n: Int where n >= 1) -> Nat\n  n - 1\nend',
    tags: ['refinement', 'contract'],
  },
  'record-invariant': {
    name: 'record-invariant-violated',
    short: 'A constructed or updated record may violate its field refinements',
    what: 'The `where` clauses on a record\'s fields are its invariant: every construction and functional update must satisfy them (they are then assumed whenever the record is read). It is reported at the construction.',
    fix: 'Compute field values that satisfy the invariant, or require what the construction needs from the caller.',
    bad: 'record Range\n  lo: Int\n  hi: Int where lo <= hi\nend\n\ncell make(a: Int, b: Int) -> Range\n  Range(lo: a, hi: b)    # refuted: a = 1, b = 0\nend',
    good: 'record Range\n  lo: Int\n  hi: Int where lo <= hi\nend\n\ncell make(a: Int, b: Int) -> Range\n  Range(lo: min(a, b), hi: max(a, b))\nend',
    tags: ['refinement', 'invariant'],
  },
  precondition: {
    name: 'precondition-violated',
    short: "A call may not satisfy the callee's `requires` clause",
    what: "Calls are checked modularly: at each call the callee's `requires` clauses (and parameter refinements) are obligations of the caller. It is reported at the call, with the violated clause as a related location.",
    fix: "Establish the clause before the call (a test, or a `requires` of the caller's own), or pass arguments that satisfy it.",
    bad: 'cell div(a: Int, b: Int) -> Int\n  requires b > 0\n  a // b\nend\n\ncell share(total: Int, people: Int) -> Int\n  div(total, people)     # refuted: people = 0\nend',
    good: 'cell div(a: Int, b: Int) -> Int\n  requires b > 0\n  a // b\nend\n\ncell share(total: Int, people: Int) -> Int\n  if people <= 0\n    0\n  else\n    div(total, people)\n  end\nend',
    tags: ['contract'],
  },
  postcondition: {
    name: 'postcondition-violated',
    short: 'A return may not satisfy an `ensures` clause',
    what: 'Every `ensures` clause (and the return refinement) must hold at every return of the cell, for every input allowed by its `requires`. It is reported at the `ensures` line, with the failing return as a related location.',
    fix: 'Fix the returned value on the failing path (the counterexample shows it), strengthen `requires`, or weaken the `ensures` clause.',
    bad: 'cell clamp(v: Int, lo: Int, hi: Int) -> Int\n  requires lo <= hi\n  ensures lo <= result and result <= hi    # refuted: v = 5, lo = 0, hi = 3\n  if v < lo\n    lo\n  else\n    v\n  end\nend',
    good: 'cell clamp(v: Int, lo: Int, hi: Int) -> Int\n  requires lo <= hi\n  ensures lo <= result and result <= hi\n  if v < lo\n    lo\n  else if v > hi\n    hi\n  else\n    v\n  end\nend',
    tags: ['contract'],
  },
  assertion: {
    name: 'assertion-failed',
    short: 'An `assert` may fail',
    what: 'An `assert P` must hold on every path that reaches it; afterwards it is assumed. It is reported at the `assert`.',
    fix: 'Correct the asserted property, or establish it (a test, a `requires`, a loop invariant) before the assertion.',
    bad: 'cell twice(x: Int where 0 <= x and x <= 10) -> Int\n  let y = x * 2\n  assert y < 20           # refuted: x = 10\n  y\nend',
    good: 'cell twice(x: Int where 0 <= x and x <= 10) -> Int\n  let y = x * 2\n  assert y <= 20\n  y\nend',
    tags: ['assertion'],
  },
  'invariant-entry': {
    name: 'loop-invariant-on-entry',
    short: 'A loop invariant may not hold when the loop is entered',
    what: 'Each `invariant` of a loop must hold before the first iteration. It is reported at the `invariant` line.',
    fix: 'Initialize the loop variables so that the invariant holds, or correct the invariant.',
    bad: 'cell count(n: Int where 0 <= n and n <= 1000) -> Int\n  let mut i = 0\n  while i < n\n    invariant 1 <= i and i <= n    # refuted on entry: i = 0\n    i += 1\n  end\n  i\nend',
    good: 'cell count(n: Int where 0 <= n and n <= 1000) -> Int\n  let mut i = 0\n  while i < n\n    invariant 0 <= i and i <= n\n    i += 1\n  end\n  i\nend',
    tags: ['loop', 'invariant'],
  },
  'invariant-preserved': {
    name: 'loop-invariant-preserved',
    short: 'A loop invariant may not be preserved by an iteration',
    what: 'Each `invariant` of a loop must hold again after any iteration that starts with the invariants and the guard true. It is reported at the `invariant` line.',
    fix: 'Correct the invariant (it often misses the last iteration), or add the invariants that the preservation proof needs.',
    bad: 'cell count(n: Int where 1 <= n and n <= 1000) -> Int\n  let mut i = 0\n  while i < n\n    invariant 0 <= i and i < n     # refuted: i = n - 1 becomes n\n    i += 1\n  end\n  i\nend',
    good: 'cell count(n: Int where 1 <= n and n <= 1000) -> Int\n  let mut i = 0\n  while i < n\n    invariant 0 <= i and i <= n\n    i += 1\n  end\n  i\nend',
    tags: ['loop', 'invariant'],
  },
  termination: {
    name: 'possible-non-termination',
    short: 'A loop or recursion may not terminate',
    what: 'The `decreases` measure of a loop or recursive cell must be >= 0 whenever another iteration or recursive call happens, and strictly smaller each time. A loop without `decreases` gets one guessed from its guard. A recursive call is reported at the call; a loop at its `decreases` line (or its head when guessed).',
    fix: 'Give a `decreases` measure that really shrinks towards 0 (e.g. `n - i` for `while i < n`), or bound the input so that it does.',
    bad: 'cell countdown(n: Int where n >= 0 and n <= 100) -> Int\n  decreases 100 - n\n  if n == 0\n    0\n  else\n    countdown(n - 1)     # refuted: the measure grows\n  end\nend',
    good: 'cell countdown(n: Int where n >= 0 and n <= 100) -> Int\n  decreases n\n  if n == 0\n    0\n  else\n    countdown(n - 1)\n  end\nend',
    tags: ['termination', 'loop'],
  },
  halt: {
    name: 'reachable-halt',
    short: 'A `halt` may be reached',
    what: '`halt(...)` stops the program with an error; the check proves that no allowed input reaches it. It is reported at the `halt`.',
    fix: 'Exclude the inputs that reach it with a refinement or `requires`, or handle the case without halting.',
    bad: 'cell ratio(a: Int where a >= 0, b: Int where b >= 0) -> Int\n  if b == 0\n    halt("no ratio")     # refuted: b = 0\n  end\n  a // b\nend',
    good: 'cell ratio(a: Int where a >= 0, b: Int where b > 0) -> Int\n  if b == 0\n    halt("no ratio")\n  end\n  a // b\nend',
    tags: ['halt'],
  },
  match: {
    name: 'match-exhaustiveness',
    short: 'A `match` over Ints may have no arm for some value',
    what: 'A `match` over a refined Int or ranges must have an arm for every value the scrutinee can take (type-level exhaustiveness of enums is a type error instead). It is reported at the `match` line.',
    fix: 'Add an arm for the uncovered values (the counterexample names one), or a final `_ ->` arm.',
    bad: 'cell grade(score: Int where score >= 0 and score <= 100) -> String\n  match score           # refuted: score = 60\n    0..=59 -> "fail"\n    61..=100 -> "pass"\n  end\nend',
    good: 'cell grade(score: Int where score >= 0 and score <= 100) -> String\n  match score\n    0..=59 -> "fail"\n    60..=100 -> "pass"\n  end\nend',
    tags: ['match'],
  },
  'effect-budget': {
    name: 'effect-budget-exceeded',
    short: 'A cell may perform an effect more often than its budget allows',
    what: 'A budget `E(max_calls: N)` in an effect row is an obligation: on every path the `perform E.*` plus the budgets of called cells for `E` are at most `N`. It is reported at the perform or call that may exceed it.',
    fix: 'Raise the budget, remove performs on the failing path, or add a loop invariant on `calls(E)` that bounds them.',
    bad: 'effect Net\n  cell get(url: String) -> String\nend\n\ncell fetch(url: String, retry: Bool) -> String / {Net(max_calls: 1)}\n  let page = perform Net.get(url)\n  if retry\n    return perform Net.get(url)   # refuted: retry = true\n  end\n  page\nend',
    good: 'effect Net\n  cell get(url: String) -> String\nend\n\ncell fetch(url: String, retry: Bool) -> String / {Net(max_calls: 2)}\n  let page = perform Net.get(url)\n  if retry\n    return perform Net.get(url)\n  end\n  page\nend',
    tags: ['effects', 'budget'],
  },
  'use-after-move': {
    name: 'use-of-moved-value',
    short: 'A variable may be used after it was moved',
    what: 'A value passed to an `owned` parameter (or otherwise moved) cannot be used again until the variable is reassigned. The check is path-sensitive: it is refuted only when some feasible path uses the moved value. It is reported at the use.',
    fix: 'Use the value before moving it, pass it `ref` instead, or reassign the variable before using it again.',
    bad: 'linear record Token\n  id: Int where id >= 0 and id < 1000\nend\n\ncell spend(t: owned Token) -> Int where result >= 0 and result < 1000\n  let Token(id:) = t\n  id\nend\n\ncell twice() -> Int\n  let t = Token(id: 1)\n  let a = spend(t)\n  a + spend(t)          # refuted: `t` was moved\nend',
    good: 'linear record Token\n  id: Int where id >= 0 and id < 1000\nend\n\ncell spend(t: owned Token) -> Int where result >= 0 and result < 1000\n  let Token(id:) = t\n  id\nend\n\ncell twice() -> Int\n  let t = Token(id: 1)\n  let u = Token(id: 2)\n  spend(t) + spend(u)\nend',
    tags: ['ownership'],
  },
  'borrow-conflict': {
    name: 'conflicting-borrow',
    short: 'A variable passed `mut ref` is also used by another argument of the same call',
    what: 'In one call, a variable passed `mut ref` must appear in no other argument, so the callee has exclusive access. It is reported at the call.',
    fix: 'Pass a copy in the other argument, or split the call.',
    bad: 'cell append(dst: mut ref list[Int], src: ref list[Int]) -> Null\n  dst = dst ++ src\nend\n\ncell doubled() -> Null\n  let mut xs = [1, 2]\n  append(mut ref xs, ref xs)     # refuted: xs is borrowed twice\nend',
    good: 'cell append(dst: mut ref list[Int], src: ref list[Int]) -> Null\n  dst = dst ++ src\nend\n\ncell doubled() -> Null\n  let mut xs = [1, 2]\n  let copy = xs\n  append(mut ref xs, ref copy)\nend',
    tags: ['ownership', 'borrow'],
  },
  'linear-unconsumed': {
    name: 'linear-value-unconsumed',
    short: 'A linear value may go out of scope without being consumed',
    what: 'Every value of a `linear record` must be consumed exactly once on every path: moved into an `owned` parameter, returned, or destructured. It is reported at the line that introduces the value.',
    fix: 'Consume the value on the failing path (the counterexample shows it), e.g. by passing it to the cell that releases it.',
    bad: 'linear record Token\n  id: Int where id >= 0 and id < 1000\nend\n\ncell spend(t: owned Token) -> Int where result >= 0 and result < 1000\n  let Token(id:) = t\n  id\nend\n\ncell leak(flag: Bool) -> Int\n  let t = Token(id: 2)   # refuted: flag = false leaks it\n  if flag\n    return spend(t)\n  end\n  0\nend',
    good: 'linear record Token\n  id: Int where id >= 0 and id < 1000\nend\n\ncell spend(t: owned Token) -> Int where result >= 0 and result < 1000\n  let Token(id:) = t\n  id\nend\n\ncell leak(flag: Bool) -> Int\n  let t = Token(id: 2)\n  let id = spend(t)\n  if flag\n    return id\n  end\n  0\nend',
    tags: ['ownership', 'linear'],
  },
  'typestate-transition': {
    name: 'typestate-wrong-state',
    short: 'A transition may be called in a state it does not accept',
    what: 'A typestate lists, for each transition cell, the states it may be called in. Calling it on a value in another state is refuted. It is reported at the call.',
    fix: 'Bring the value into an accepted state first (the counterexample shows the path), or state the required state with `requires state(x) == S`.',
    bad: 'cell read_closed(path: String) -> String\n  let mut f = File(path: path)\n  open(mut ref f)\n  close(mut ref f)\n  read(mut ref f)        # refuted: f is Closed\nend',
    good: 'cell read_open(path: String) -> String\n  let mut f = File(path: path)\n  open(mut ref f)\n  let text = read(mut ref f)\n  close(mut ref f)\n  text\nend',
    tags: ['typestate', 'protocol'],
  },
  'typestate-final': {
    name: 'typestate-not-final',
    short: 'A value may go out of scope in a non-final state',
    what: 'A value that the scope owns (a local or an `owned` parameter) must be in one of its typestate\'s `final` states when it goes out of scope. It is reported at the line that introduces the value.',
    fix: 'Bring the value into a final state on every path (e.g. close the file before each return).',
    bad: 'cell peek(path: String, quick: Bool) -> String\n  let mut f = File(path: path)   # refuted: quick = true leaves f Open\n  open(mut ref f)\n  let a = read(mut ref f)\n  if quick\n    return a\n  end\n  close(mut ref f)\n  a\nend',
    good: 'cell peek(path: String, quick: Bool) -> String\n  let mut f = File(path: path)\n  open(mut ref f)\n  let a = read(mut ref f)\n  close(mut ref f)\n  a\nend',
    tags: ['typestate', 'protocol'],
  },
};

const TYPESTATE_PRELUDE =
  'record File\n  path: String\nend\n\ntypestate File\n  states Closed, Open\n  initial Closed\n  final Closed\n  open(f): Closed -> Open\n  read(f): Open -> Open\n  close(f): Open -> Closed\nend\n\nextern cell open(f: mut ref File) -> Null\nextern cell read(f: mut ref File) -> String\nextern cell close(f: mut ref File) -> Null\n';

const BASE_TAGS = ['lumen', 'verification', 'correctness'];

function checkRule(kind: CheckKind): sarif.ReportingDescriptor {
  const d = CHECK_DOCS[kind];
  const prelude = kind.startsWith('typestate') ? `${TYPESTATE_PRELUDE}\n` : '';
  const verdicts =
    'Verdicts: refuted (an error, with a counterexample: input values and the path taken), unknown (a warning: the solver could not decide it, so a runtime check is kept), proved (the runtime check is elided).';
  const text = [
    `${d.short}.`,
    '',
    d.what,
    '',
    verdicts,
    '',
    `How to fix: ${d.fix}`,
    '',
    'Example (refuted):',
    '',
    indent(prelude + d.bad),
    '',
    'Fixed (proved):',
    '',
    indent(prelude + d.good),
  ].join('\n');
  const markdown = [
    `**${d.short}** (check \`${kind}\`)`,
    '',
    d.what,
    '',
    verdicts,
    '',
    '## How to fix',
    '',
    d.fix,
    '',
    '## Example',
    '',
    'Refuted:',
    '',
    fence(prelude + d.bad),
    '',
    'Fixed (proved):',
    '',
    fence(prelude + d.good),
  ].join('\n');
  return {
    id: kind,
    name: d.name,
    shortDescription: { text: d.short },
    fullDescription: { text: d.what },
    help: { text, markdown },
    defaultConfiguration: { level: 'error' },
    properties: {
      tags: uniqueTags([...BASE_TAGS, ...d.tags]),
      precision: 'very-high',
      'problem.severity': 'error',
    },
  };
}

/** Which part of the compiler emits a diagnostic code (by the catalogue's code ranges). */
export function diagnosticCategory(code: string): { readonly tag: string; readonly about: string; readonly fix: string } {
  const n = Number(code.slice(1));
  if (code.startsWith('W')) {
    return {
      tag: 'lint',
      about: 'A warning of the type checker: the program is accepted, but this is probably not what was meant.',
      fix: 'Remove or rewrite the construct the warning points at.',
    };
  }
  if (n < 50) {
    return {
      tag: 'syntax',
      about: 'A syntax error: the lexer or parser could not read the program, which is therefore not verified.',
      fix: 'Correct the text at the reported position; the message says what was expected there (see LANGUAGE.md §2 and §5).',
    };
  }
  if (n < 100) {
    return {
      tag: 'modules',
      about: 'A module error: an `import` could not be resolved, so the program is not verified.',
      fix: 'Check the module name and that the file exists beside the importing file, and that the imported names are declared `pub`.',
    };
  }
  return {
    tag: 'types',
    about: 'A resolution or type error: the program is not well formed, so it is not verified.',
    fix: 'Correct the names and types involved; the message names what was expected and what was found.',
  };
}

function placeholders(template: string): string {
  return template.replace(/\{\d+\}/g, '…');
}

function capitalize(s: string): string {
  return s.length === 0 ? s : s[0]!.toUpperCase() + s.slice(1);
}

function levelOf(severity: Severity): sarif.ReportingConfiguration.level {
  return severity;
}

function problemSeverity(severity: Severity): string {
  return severity === 'error' ? 'error' : severity === 'warning' ? 'warning' : 'recommendation';
}

function diagnosticRule(e: CatalogueEntry): sarif.ReportingDescriptor {
  const cat = diagnosticCategory(e.code);
  const short = capitalize(placeholders(e.template));
  const full = [cat.about, e.help ? capitalize(e.help) + (/[.!?]$/.test(e.help) ? '' : '.') : ''].filter(Boolean).join(' ');
  const text = [`${e.code} ${e.name}: ${short}`, '', cat.about, ...(e.help ? ['', `Help: ${e.help}`] : []), '', `How to fix: ${cat.fix}`].join('\n');
  const markdown = [
    `**${e.code}** \`${e.name}\`: ${short}`,
    '',
    cat.about,
    ...(e.help ? ['', `Help: ${e.help}`] : []),
    '',
    '## How to fix',
    '',
    cat.fix,
  ].join('\n');
  return {
    id: e.code,
    name: e.name,
    shortDescription: { text: truncate(short, 1024) },
    fullDescription: { text: truncate(full, 1024) },
    help: { text, markdown },
    defaultConfiguration: { level: levelOf(e.severity) },
    properties: {
      tags: uniqueTags(['lumen', 'compiler', cat.tag, e.severity === 'warning' ? 'maintainability' : 'correctness']),
      precision: 'very-high',
      'problem.severity': problemSeverity(e.severity),
    },
  };
}

function uniqueTags(tags: readonly string[]): string[] {
  return [...new Set(tags)].slice(0, 20);
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function indent(code: string): string {
  return code
    .split('\n')
    .map((l) => (l === '' ? '' : `    ${l}`))
    .join('\n');
}

function fence(code: string): string {
  return `\`\`\`lumen\n${code}\n\`\`\``;
}

/** Every rule, in a fixed order: check kinds (CHECK_KINDS order), then the diagnostic catalogue. */
export const RULES: readonly sarif.ReportingDescriptor[] = (() => {
  const seen = new Set<string>();
  const out: sarif.ReportingDescriptor[] = [];
  for (const r of [...CHECK_KINDS.map(checkRule), ...CATALOGUE.map(diagnosticRule)]) {
    if (seen.has(r.id)) continue;
    seen.add(r.id);
    out.push(r);
  }
  return out;
})();

const INDEX = new Map(RULES.map((r, i) => [r.id, i]));

/** Index of a rule in RULES (and so in `tool.driver.rules`), or -1 for an unknown id. */
export function ruleIndex(id: string): number {
  return INDEX.get(id) ?? -1;
}

/** The example program of a check kind, for documentation and tests. */
export function checkExample(kind: CheckKind): { readonly bad: string; readonly good: string } {
  const d = CHECK_DOCS[kind];
  const prelude = kind.startsWith('typestate') ? `${TYPESTATE_PRELUDE}\n` : '';
  return { bad: prelude + d.bad, good: prelude + d.good };
}

/** The short description of a check kind (e.g. for the audit report's legend). */
export function checkTitle(kind: CheckKind): string {
  return CHECK_DOCS[kind].short;
}
