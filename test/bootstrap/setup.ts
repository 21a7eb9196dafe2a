import { execa } from 'execa';
import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { parseCliArgs } from '../../src/cli/args.js';
import { bootstrapCommand, type BootstrapDeps, type BootstrapSummary } from '../../src/commands/bootstrap.js';
import { secretsCommand, type SecretsCommandDeps } from '../../src/commands/secrets.js';
import { isPikselError, type PikselError } from '../../src/errors.js';
import type { ProcessRunner } from '../../src/process.js';
import type { Reporter } from '../../src/reporter.js';
import { runCli, tempDir } from '../support/cli.js';
import { fakeAwareRunner, installFakes, type Fakes } from './fakes.js';

/** Bootstrap refuses the defaults' example.org placeholders: tests deploy to a real-looking zone. */
export const DEPLOYABLE = ['certManager.email=platform@piksel.id', 'clusters.0.domain=dev.piksel.id', 'database.host=db.piksel.id'];

/** A generated repository (real CLI, --yes), made once per set of answers and copied per test. */
const templates = new Map<string, Promise<string>>();
export async function generatedRepository(given: readonly string[] = [], flags: readonly string[] = []): Promise<string> {
  const sets = [...DEPLOYABLE, ...given];
  const key = [...sets, '--', ...flags].join('\n');
  if (!templates.has(key))
    templates.set(
      key,
      (async () => {
        const dir = join(await tempDir('piksel-template-'), 'piksel-gitops');
        const run = await runCli([dir, '--yes', ...flags, ...sets.flatMap((s) => ['--set', s])]);
        if (run.exitCode !== 0) throw new Error(`create failed (${run.exitCode}): ${run.stderr}`);
        return dir;
      })(),
    );
  const copy = join(await tempDir('piksel-bootstrap-'), 'piksel-gitops');
  await cp(await templates.get(key)!, copy, { recursive: true });
  return copy;
}

export const randomToken = () => `ghp_${randomBytes(18).toString('hex')}`;
export const randomWebhook = () => `https://hooks.slack.com/services/T${randomBytes(4).toString('hex')}/B${randomBytes(4).toString('hex')}/${randomBytes(12).toString('hex')}`;

export interface RecordedCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly input?: string;
}

/**
 * The real runner, recording every call (git included) so tests can inspect all argv; the flux
 * and kubectl stand-ins it finds on the given PATH run in this process (fakeAwareRunner).
 */
export function recordingRunner(): { run: ProcessRunner; commands: RecordedCommand[] } {
  const commands: RecordedCommand[] = [];
  const run: ProcessRunner = (command, args, options) => {
    commands.push({ command, args: [...args], input: options?.input });
    return fakeAwareRunner(command, args, options);
  };
  return { run, commands };
}

export function captureReporter(): { reporter: Reporter; text: () => string } {
  const lines: string[] = [];
  return {
    reporter: {
      info: (l) => lines.push(l),
      detail: (l) => lines.push(l),
      success: (l) => lines.push(`✔ ${l}`),
      warn: (l) => lines.push(`⚠ ${l}`),
    },
    text: () => lines.join('\n'),
  };
}

export interface Outcome {
  readonly summary?: BootstrapSummary;
  readonly error?: PikselError;
  /** Everything a person would see: reporter lines, error message and details. */
  readonly output: string;
  readonly commands: RecordedCommand[];
}

/** `create-piksel-gitops bootstrap <args>` through bootstrapCommand with the real runner. */
export async function bootstrap(args: readonly string[], env: NodeJS.ProcessEnv, deps: Partial<BootstrapDeps> = {}): Promise<Outcome> {
  const { run, commands } = recordingRunner();
  const { reporter, text } = captureReporter();
  try {
    const summary = await bootstrapCommand(parseCliArgs(['bootstrap', ...args]), { run, reporter, env, ...deps });
    return { summary, output: text(), commands };
  } catch (e) {
    if (!isPikselError(e)) throw e;
    return { error: e, output: `${text()}\n✖ ${e.message}\n${e.details.join('\n')}`, commands };
  }
}

export const git = async (dir: string, ...args: string[]) => (await execa('git', args, { cwd: dir })).stdout;
export const head = (dir: string) => git(dir, 'rev-parse', 'HEAD');
export const remoteFiles = async (bare: string, branch = 'main') =>
  (await execa('git', ['--git-dir', bare, 'ls-tree', '-r', '--name-only', branch])).stdout.split('\n');

export const GITHUB_URL = 'https://github.com/piksel-ina/piksel-gitops.git';

export interface Scenario {
  readonly fakes: Fakes;
  readonly dir: string;
  readonly bare: string;
  readonly token: string;
  readonly webhook: string;
  /** Test environment: fakes first on PATH, the answers' https URL rewritten to the bare repository. */
  env(vars?: Record<string, string | undefined>, options?: { withoutFlux?: boolean }): NodeJS.ProcessEnv;
}

/** A generated github repository, a bare "hosted" remote (created or not), random secrets. */
export async function scenario(options: { remote: 'empty' | 'missing'; sets?: string[]; flags?: string[] }): Promise<Scenario> {
  const fakes = await installFakes();
  const dir = await generatedRepository(options.sets, options.flags);
  const bare = join(await tempDir('piksel-remote-'), 'remote.git');
  if (options.remote === 'empty') await execa('git', ['init', '--quiet', '--bare', bare]);
  const token = randomToken();
  const webhook = randomWebhook();
  return {
    fakes,
    dir,
    bare,
    token,
    webhook,
    env: (vars = {}, envOptions) =>
      fakes.env(
        {
          // `git push https://github.com/…` goes to the bare repository instead (no network).
          GIT_CONFIG_COUNT: '1',
          GIT_CONFIG_KEY_0: `url.file://${bare}.insteadOf`,
          GIT_CONFIG_VALUE_0: GITHUB_URL,
          FAKE_REMOTE: bare,
          GITHUB_TOKEN: token,
          SLACK_WEBHOOK_URL: webhook,
          ...vars,
        },
        envOptions,
      ),
  };
}


/** `create-piksel-gitops secrets <args>` through secretsCommand with the real runner. */
export async function secrets(args: readonly string[], env: NodeJS.ProcessEnv, deps: Partial<SecretsCommandDeps> = {}) {
  const { run, commands } = recordingRunner();
  const { reporter, text } = captureReporter();
  try {
    const summary = await secretsCommand(parseCliArgs(['secrets', ...args]), { run, reporter, env, ...deps });
    return { summary, output: text(), commands, error: undefined };
  } catch (e) {
    if (!isPikselError(e)) throw e;
    return { summary: undefined, error: e, output: `${text()}\n✖ ${e.message}\n${e.details.join('\n')}`, commands };
  }
}
