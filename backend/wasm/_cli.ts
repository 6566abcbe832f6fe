import { Command } from 'commander';
import { registerBuild } from '../../cli/build.js';
import { closeSolver } from '../../cli/pipeline.js';
const program = new Command();
let result: Promise<number> = Promise.resolve(0);
program.exitOverride();
registerBuild(program, (r) => { result = r; });
try { await program.parseAsync(process.argv.slice(2), { from: 'user' }); console.log('exit', await result); } catch (e) { console.log('commander', (e as Error).message); }
await closeSolver();
