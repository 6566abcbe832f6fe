#!/usr/bin/env node
// Entry point of the `lumen` binary. All logic is in ./index.ts so tests can
// call `main` in-process.
import { main } from './index.js';

// A closed pipe (`lumen verify … | head`) is not an error of ours.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(`internal compiler error: ${String(e)}\n`);
    process.exit(3);
  },
);
