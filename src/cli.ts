import { helpFor, parseCliArgs } from './cli/args.js';
import { EXIT_CODES, inputError, isPikselError, type PikselError, stepError } from './errors.js';
import { packageVersion } from './package-root.js';
import { stderrReporter } from './reporter.js';
import { isInteractive } from './cli/terminal.js';

/**
 * The whole program: argv in, exit code out. Errors become exit codes here and only here.
 * Each command loads its modules when it runs, so `--version` and `--help` parse almost nothing.
 */
export async function main(argv: readonly string[]): Promise<number> {
  // --json promises a report on stdout whatever happens; known before parsing can fail.
  const json = argv.includes('--json');
  try {
    const options = parseCliArgs(argv);
    if (options.help) return print(helpFor(options.command));
    if (options.version) return print(packageVersion());
    const reporter = stderrReporter(false);
    switch (options.command) {
      case 'create': {
        const { createCommand, defaultCreateDeps } = await import('./commands/create.js');
        const prompts = await terminalPrompts();
        const summary = await createCommand(options, { ...defaultCreateDeps(prompts?.log ?? reporter), prompts });
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
        const prompts = await terminalPrompts();
        const summary = await bootstrapCommand(options, defaultBootstrapDeps(prompts?.log ?? reporter, prompts));
        if (options.json) print(JSON.stringify(summary, null, 2));
        // Waited and not healthy: as `status` says it (1 failed, 4 still progressing).
        return summary.platform?.outcome === 'failed' ? EXIT_CODES.step : summary.platform?.outcome === 'progressing' ? EXIT_CODES.notReady : EXIT_CODES.ok;
      }
      case 'secrets': {
        const [{ secretsCommand }, { runProcess }] = await Promise.all([import('./commands/secrets.js'), import('./process.js')]);
        const prompts = await terminalPrompts();
        const summary = await secretsCommand(options, { run: runProcess, reporter: prompts?.log ?? reporter, prompts });
        if (options.json) print(JSON.stringify(summary, null, 2));
        return summary.mode === 'check' && summary.missing.length > 0 ? EXIT_CODES.step : EXIT_CODES.ok;
      }
      case 'status': {
        const [{ statusCommand }, { runProcess }] = await Promise.all([import('./commands/status.js'), import('./process.js')]);
        const report = await statusCommand(options, { run: runProcess, reporter });
        if (options.json) print(JSON.stringify(report, null, 2));
        return report.exitCode;
      }
      default:
        throw inputError(`'${options.command}' is not available in this version`);
    }
  } catch (caught) {
    const e = isPikselError(caught) ? caught : (fileSystemError(caught) ?? caught);
    if (json) printJsonError(e);
    if (!isPikselError(e)) return internalError(e);
    if (e.announced) return e.exitCode;
    process.stderr.write(`✖ ${e.message}\n${e.details.map((d) => `  ${d}\n`).join('')}`);
    return e.exitCode;
  }
}

/** The --json report of a run that stopped: the exit code and the message, as the person reads them. */
function printJsonError(e: unknown): void {
  const known = isPikselError(e);
  const report = {
    ok: false,
    exitCode: known ? e.exitCode : EXIT_CODES.step,
    error: known ? e.message : `internal error: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`,
    details: known ? e.details : [],
    findings: [],
  };
  print(JSON.stringify(report, null, 2));
}

/** A bug of ours: one line to report, the stack only when asked for (DEBUG=1). */
function internalError(e: unknown): number {
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  process.stderr.write(`✖ internal error: ${message}: please report it at ${ISSUES_URL} (DEBUG=1 shows the details)\n`);
  if (process.env.DEBUG && e instanceof Error && e.stack) process.stderr.write(`${e.stack}\n`);
  return EXIT_CODES.step;
}

const ISSUES_URL = 'https://github.com/piksel-ina/create-piksel-gitops/issues';

/** What the system refused (permissions, a full disk): the person's to fix, said in one line. */
function fileSystemError(e: unknown): PikselError | undefined {
  const { code, path, syscall } = (e ?? {}) as NodeJS.ErrnoException;
  if (typeof code !== 'string' || typeof path !== 'string') return undefined;
  const why: Record<string, [string, (m: string) => PikselError]> = {
    EACCES: ['permission denied: choose a folder you can write to, or fix its permissions', inputError],
    EPERM: ['operation not permitted: choose a folder you can write to, or fix its permissions', inputError],
    EROFS: ['the file system is read-only: choose another folder', inputError],
    ENOSPC: ['no space left on the device: free some space and re-run', stepError],
    ENOTDIR: ['a part of the path is a file, not a folder: choose another folder', inputError],
    EISDIR: ['it is a folder where a file was expected', inputError],
    ELOOP: ['too many symbolic links (a link loop?)', inputError],
    ENAMETOOLONG: ['the path is too long', inputError],
    EMFILE: ['too many open files: raise the limit (`ulimit -n 4096`) and re-run', stepError],
    ENFILE: ['too many open files on this system: close some programs and re-run', stepError],
    EDQUOT: ['disk quota exceeded: free some space and re-run', stepError],
  };
  const known = why[code];
  if (!known) return undefined;
  const writes = ['mkdir', 'rename', 'write', 'copyfile', 'symlink', 'rmdir', 'unlink'].includes(syscall ?? '');
  return known[1](`cannot ${writes ? 'write' : 'open'} ${path}: ${known[0]}`);
}

/** Prompts only where a person can answer them; the prompt library loads only then. */
async function terminalPrompts() {
  return isInteractive() ? (await import('./interactive/clack.js')).terminalPrompts() : undefined;
}

function print(text: string): number {
  process.stdout.write(`${text}\n`);
  return EXIT_CODES.ok;
}

// Run as a script (tsx src/cli.ts); the published CLI is bin/create-piksel-gitops.js.
if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
