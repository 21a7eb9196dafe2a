#!/usr/bin/env node
import module from 'node:module';

// Node ≥ 22.1 keeps compiled code between runs, which halves module loading; older Node skips it.
module.enableCompileCache?.();
const { main } = await import('../dist/cli.js');

const code = await main(process.argv.slice(2));
// Cancelled (130): the work was abandoned on purpose; do not wait for the processes it left running.
if (code === 130) process.exit(code);
process.exitCode = code;
