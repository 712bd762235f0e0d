#!/usr/bin/env node
/** The `hypnest` command line. Each command loads only what it needs. */
import { Command } from 'commander';
import { HypnestError } from '../core/errors';

const program = new Command();
program.name('hypnest').description('Hyperbolic diffusion autoencoders and nested diffusion, on TensorFlow.js');

program
  .command('doctor')
  .description('show the chosen backend (and why others were skipped), versions, Jupyter/kernel and data status')
  .option('--json', 'print JSON')
  .action(async (opts: { json?: boolean }) => {
    const { doctor, formatDoctor } = await import('./doctor');
    const r = await doctor();
    console.log(opts.json ? JSON.stringify(r, null, 2) : formatDoctor(r.checks));
  });

export async function main(argv: string[]): Promise<void> {
  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof HypnestError) {
      console.error(`${e.name}: ${e.message}`);
      process.exitCode = 2;
      return;
    }
    throw e;
  }
}

if (require.main === module) void main(process.argv);

export { program };
