import { HELP, parseCliArgs } from './cli/args.js';
import { EXIT_CODES, inputError, isPikselError } from './errors.js';
import { packageVersion } from './package-root.js';
import { stderrReporter } from './reporter.js';
import { isInteractive } from './cli/terminal.js';

/**
 * The whole program: argv in, exit code out. Errors become exit codes here and only here.
 * Each command loads its modules when it runs, so `--version` and `--help` parse almost nothing.
 */
export async function main(argv: readonly string[]): Promise<number> {
  try {
    const options = parseCliArgs(argv);
    if (options.help) return print(HELP);
    if (options.version) return print(packageVersion());
    const reporter = stderrReporter(false);
    switch (options.command) {
      case 'create': {
        const { createCommand, defaultCreateDeps } = await import('./commands/create.js');
        const session = await terminalSession();
        const summary = await createCommand(options, { ...defaultCreateDeps(session?.reporter ?? reporter), session });
        if (options.json) print(JSON.stringify(summary, null, 2));
        return EXIT_CODES.ok;
      }
      case 'validate': {
        const [{ validateCommand }, { formatReport }, { runProcess }] = await Promise.all([
          import('./commands/validate.js'),
          import('./validate/index.js'),
          import('./process.js'),
        ]);
        const report = await validateCommand(options, runProcess);
        print(options.json ? JSON.stringify(report, null, 2) : formatReport(report));
        return report.ok ? EXIT_CODES.ok : EXIT_CODES.step;
      }
      case 'bootstrap': {
        const { bootstrapCommand, defaultBootstrapDeps } = await import('./commands/bootstrap.js');
        const session = await terminalSession();
        const summary = await bootstrapCommand(options, defaultBootstrapDeps(session?.reporter ?? reporter, session?.bootstrap));
        if (options.json) print(JSON.stringify(summary, null, 2));
        return EXIT_CODES.ok;
      }
      case 'secrets': {
        const [{ secretsCommand }, { runProcess }] = await Promise.all([import('./commands/secrets.js'), import('./process.js')]);
        const session = await terminalSession();
        const summary = await secretsCommand(options, { run: runProcess, reporter: session?.reporter ?? reporter, ...session?.bootstrap });
        if (options.json) print(JSON.stringify(summary, null, 2));
        return summary.mode === 'check' && summary.missing.length > 0 ? EXIT_CODES.step : EXIT_CODES.ok;
      }
      default:
        throw inputError(`'${options.command}' is not available in this version`);
    }
  } catch (e) {
    if (!isPikselError(e)) throw e;
    if (e.announced) return e.exitCode;
    process.stderr.write(`✖ ${e.message}\n${e.details.map((d) => `  ${d}\n`).join('')}`);
    return e.exitCode;
  }
}

/** Prompts only where a person can answer them; the prompt library loads only then. */
async function terminalSession() {
  return isInteractive() ? (await import('./interactive/clack.js')).terminalSession() : undefined;
}

function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return EXIT_CODES.ok;
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  process.exitCode = await main(process.argv.slice(2));
}
