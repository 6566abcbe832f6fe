// Global test setup. In CI (CI=true) it installs what the test suite needs
// from Debian's packages — today Chromium, for the test that renders the HTML
// audit report — so `.ci/run` stays exactly the README's two commands. Outside
// CI nothing is installed: tests needing a missing tool say so and do not run.

import { execSync } from 'node:child_process';
import * as fs from 'node:fs';

export default function setup(): void {
  const hasChromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].some((p) => fs.existsSync(p));
  if (hasChromium) return;
  if (!process.env['CI']) {
    process.stderr.write('note: Chromium is not installed; the audit-report rendering test will not run (apt-get install chromium)\n');
    return;
  }
  try {
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium', { stdio: 'ignore', timeout: 600_000 });
  } catch (e) {
    process.stderr.write(`warning: could not install Chromium for the audit-report test: ${String(e)}\n`);
  }
}
