// Validates produced SARIF with Microsoft's SARIF multitool, including the
// GitHub rules GH1001–GH1007 (enabled by ../shared/sarif/gh-rules.xml). The
// multitool is a devDependency; this test runs only where its platform
// binary is installed (it ships for Linux, macOS and Windows).

import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { serializeSarif, toSarif } from './sarif.js';
import { fixture } from './testkit.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const ghRules = path.resolve(here, '..', '..', 'shared', 'sarif', 'gh-rules.xml');

function multitool(): string | null {
  const require = createRequire(import.meta.url);
  for (const pkg of ['@microsoft/sarif-multitool-linux', '@microsoft/sarif-multitool-darwin', '@microsoft/sarif-multitool-win32']) {
    try {
      const dir = path.dirname(require.resolve(`${pkg}/package.json`));
      const bin = path.join(dir, process.platform === 'win32' ? 'Sarif.Multitool.exe' : 'Sarif.Multitool');
      if (!fs.existsSync(bin)) continue;
      // Installed with scripts disabled, the postinstall `chmod u+x` did not run.
      if (process.platform !== 'win32') fs.chmodSync(bin, fs.statSync(bin).mode | 0o100);
      return bin;
    } catch {
      // Not installed for this platform.
    }
  }
  return null;
}

const bin = multitool();

describe.runIf(bin !== null && fs.existsSync(ghRules))('SARIF multitool', () => {
  it('finds no errors, GitHub rules included (and does flag a broken file)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lumen-sarif-'));
    try {
      const good = {
        'verify.sarif': toSarif(fixture().input),
        'proved.sarif': toSarif(fixture({ includeProved: true }).input),
      };
      // A negative control: an absolute URI with no checkout path is rejected by GitHub (GH1006).
      const broken = toSarif(fixture().input);
      broken.runs[0]!.results![0]!.locations![0]!.physicalLocation!.artifactLocation = { uri: 'file:///elsewhere/a.lm' };
      delete broken.runs[0]!.originalUriBaseIds;
      const files = Object.entries({ ...good, 'broken.sarif': broken }).map(([name, log]) => {
        const file = path.join(dir, name);
        fs.writeFileSync(file, serializeSarif(log));
        return file;
      });
      const out = path.join(dir, 'validation.sarif');
      // One run for all files (the tool's start-up dominates). It exits 0 even
      // when it finds errors: read its own SARIF output.
      execFileSync(bin!, ['validate', ...files, '-o', out, '--log', 'ForceOverwrite', '--rule-kind', 'Sarif;Gh', '-c', ghRules], {
        stdio: 'pipe',
        timeout: 90_000,
        env: { ...process.env, DOTNET_CLI_TELEMETRY_OPTOUT: '1' },
      });
      type Found = { level?: string; ruleId: string; locations?: { physicalLocation?: { artifactLocation?: { uri?: string } } }[] };
      const report = JSON.parse(fs.readFileSync(out, 'utf8')) as { runs: { results?: Found[] }[] };
      const found = report.runs.flatMap((r) => r.results ?? []);
      const fileOf = (r: Found) => path.basename(decodeURIComponent(r.locations?.[0]?.physicalLocation?.artifactLocation?.uri ?? ''));
      const errors = found.filter((r) => (r.level ?? 'warning') === 'error');
      expect(errors.filter((r) => fileOf(r) !== 'broken.sarif'), JSON.stringify(errors, null, 2)).toEqual([]);
      expect(errors.map((r) => [fileOf(r), r.ruleId])).toContainEqual(['broken.sarif', 'GH1006']);
      // Of the warnings, only the missing informationUri is left (the CLI may pass one).
      const warnings = found.filter((r) => fileOf(r) !== 'broken.sarif' && r.ruleId !== 'SARIF2005');
      expect(warnings.map((r) => `${fileOf(r)}: ${r.ruleId}`)).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
