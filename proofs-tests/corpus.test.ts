// Runs every corpus program (proofs-tests/corpus/**) and every shared example
// against its `# expect:` header. Shared examples that need a later issue are
// listed in expected-failures.json with the reason; for those the test asserts
// that they still fail, so the list is kept honest when the feature lands.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createSolver } from '../verifier/solver/index.js';
import { checkProgram, lumenFiles } from './harness.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const examplesDir = path.resolve(here, '../../shared/examples');
const corpusDir = path.resolve(here, 'corpus');
const expectedFailures: Record<string, string> = JSON.parse(fs.readFileSync(path.join(here, 'expected-failures.json'), 'utf8'));

const solver = createSolver('wasm');
afterAll(async () => {
  await solver.close();
});

function programs(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  // Imported modules are checked through their importers, except those with their own header.
  return lumenFiles(dir).filter((f) => /#\s*expect:/.test(fs.readFileSync(f, 'utf8')));
}

describe('shared examples', () => {
  for (const file of programs(examplesDir)) {
    const name = path.relative(examplesDir, file);
    const reason = expectedFailures[name];
    if (reason) {
      it(`${name} (expected failure: ${reason})`, async () => {
        const outcome = await checkProgram(file, solver);
        expect(outcome.mismatches.length, 'now passes: remove it from expected-failures.json').toBeGreaterThan(0);
      });
    } else {
      it(name, async () => {
        const outcome = await checkProgram(file, solver);
        expect(outcome.mismatches).toEqual([]);
      });
    }
  }
});

describe('proofs-tests corpus', () => {
  for (const file of programs(corpusDir)) {
    const name = path.relative(corpusDir, file);
    it(name, async () => {
      const outcome = await checkProgram(file, solver);
      expect(outcome.mismatches).toEqual([]);
    });
  }
});
