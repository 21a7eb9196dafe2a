import { existsSync } from 'node:fs';
import { realpath, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { applySets, mergeAnswers, parseAnswers, parseAnswersText } from '../answers/load.js';
import { missingRequiredAnswers, newAnswers } from '../answers/required.js';
import { keepEdgeWhileMoving } from '../answers/sections/ingress.js';
import type { Answers } from '../answers/schema.js';
import { DNS_LABEL, REPOSITORY_NAME } from '../answers/formats.js';
import type { CliOptions } from './options.js';
import type { Prompts } from '../prompts.js';
import { askFolder, askOpenAnswers, confirmPlan, finish, withProgress } from '../interactive/dialogue.js';
import { cancelled, inputError } from '../errors.js';
import { packageVersion } from '../package-root.js';
import { runProcess } from '../process.js';
import { ANSWERS_FILE, BASE_FILE } from '../project/files.js';
import { renderRepository, type RenderResult } from '../render/index.js';
import { bundledTemplatesDir, loadTemplates } from '../render/templates.js';
import type { Reporter } from '../reporter.js';
import { commitMessage, fallbackIdentityWarning } from '../repository/git.js';
import { readWholeFile } from '../project/read.js';
import { assertClean, inspectTarget, readProjectFiles, type ProjectFiles, type TargetState } from '../project/open.js';
import { applyPlan, recoverInterruptedUpdate, removeAbandonedCreations } from '../repository/write.js';
import { baseFileText, rememberBase } from '../project/base.js';
import { planUpgrade, type UpgradePlan } from '../upgrade/plan.js';
import { planLines } from '../upgrade/report.js';
import type { BootstrapSummary } from './bootstrap.js';
import { upgradeRepository } from './upgrade.js';
import { nextStepsText, planText } from '../interactive/summary.js';
import { placeholderAnswers } from '../answers/placeholders.js';
import { checkPlaceholders } from '../bootstrap/preflight.js';
import { validateStaged } from './validate.js';
import { defaultCacheDir } from '../validate/index.js';
import { abortable } from '../interactive/progress.js';
import { completed } from '../interactive/answer-paths.js';
import { selectComponents } from '../catalog/selection.js';
import type { CommandDeps } from './deps.js';

export interface CreateDeps extends CommandDeps {
  /** A person at a terminal (questions, plan, progress); absent without a terminal. */
  readonly prompts?: Prompts;
}

export interface CreateSummary {
  readonly directory: string;
  readonly mode: 'create' | 'upgrade' | 'dry-run';
  readonly files: readonly string[];
  readonly clusters: readonly string[];
  readonly components: readonly string[];
  readonly notes: readonly string[];
  readonly secrets: RenderResult['secrets'];
  readonly committed: boolean;
  readonly plan?: UpgradePlan;
  readonly bootstrap?: BootstrapSummary;
}

type Raw = Record<string, unknown>;

/** `--cluster NAME` for a cluster the answers do not have yet adds it; its other answers default. */
function withCluster(raw: Raw, name: string | undefined): Raw {
  if (!name) return raw;
  // Named by the flag, not as clusters.2.name: the person typed --cluster, not a list index.
  if (!DNS_LABEL.pattern.test(name)) throw inputError(`--cluster ${name}: not a valid cluster name: ${DNS_LABEL.hint} (it becomes clusters/<name>/)`);
  if (!Array.isArray(raw.clusters)) return { ...raw, clusters: [{ name }] }; // a new repository's first cluster
  const clusters = raw.clusters as Raw[];
  if (clusters.some((c) => c.name === name)) return raw;
  return { ...raw, clusters: [...clusters, { name }] };
}

/** argv / answers file / stored answers (/ questions) → validated Answers (exit 2 on anything wrong). */
export async function resolveAnswers(
  options: CliOptions,
  target: TargetState,
  prompts?: Prompts,
): Promise<{ answers: Answers; bootstrap?: boolean }> {
  const stored = target.kind === 'generated' ? target.storedAnswers : {};
  const fromFile = options.answersFile ? await answersFromFile(options.answersFile) : {};
  // A changed edge keeps the old one beside it until the person takes it off the list.
  const given = keepEdgeWhileMoving(stored, applySets(withCluster(mergeAnswers(stored, fromFile), options.cluster), options.sets));
  parseAnswers(given); // bad flags or files fail before any question
  const rerun = target.kind === 'generated';
  // A default, not an answer: the question is still asked, with the folder's name offered.
  const withDefaults = rerun ? given : mergeAnswers(folderDefaults(options.dir), given);
  if (options.yes) return { answers: parseAnswers(withDefaults) };
  if (prompts) {
    // Bootstrap is offered for a new repository or a cluster being added, not for every re-run.
    const askBootstrap = options.bootstrap === undefined && !options.dryRun && options.git && (!rerun || options.cluster !== undefined);
    const asked = await askOpenAnswers(prompts, given, { rerun, askBootstrap, defaults: withDefaults });
    return { answers: parseAnswers(asked.raw), bootstrap: asked.bootstrap };
  }
  const missing = rerun ? newAnswers(given) : missingRequiredAnswers(given);
  if (missing.length > 0)
    throw inputError(
      rerun
        ? `answers this re-run still needs: ${missing.join(', ')}: pass --yes to take their defaults, or --set KEY=VALUE`
        : `missing answers: ${missing.join(', ')}: pass --answers FILE or --set KEY=VALUE for each, or --yes to take the defaults`,
    );
  return { answers: parseAnswers(withDefaults) };
}

/** A new repository is named after its folder, when the folder's name is a valid repository name. */
function folderDefaults(dir: string): Raw {
  const name = basename(resolve(dir));
  return REPOSITORY_NAME.pattern.test(name) ? { repository: { name } } : {};
}

/** `--answers FILE`: a regular file of a sensible size (a FIFO would wait for ever, /dev/zero never ends). */
async function answersFromFile(path: string): Promise<Raw> {
  const label = `--answers ${path}`;
  const text = await readWholeFile(path).catch(() => {
    throw inputError(`${label}: cannot read the file: check the path`);
  });
  if (typeof text !== 'string')
    throw inputError(`${label}: ${text.why.replace(/^is /, '')}: ${text.kind === 'large' ? 'answers take a few KB: check the path' : 'save the answers to a file and pass its path'}`);
  return parseAnswersText(text, label);
}

/**
 * Without a folder argument, inside a generated repository (or below its top), the person means
 * that repository: upgrade it rather than create piksel-gitops/ nested in it.
 */
async function inGeneratedRepository(options: CliOptions, reporter: Reporter): Promise<CliOptions> {
  if (options.dirGiven) return options;
  for (let dir = resolve('.'); ; dir = dirname(dir)) {
    if (existsSync(join(dir, ANSWERS_FILE)) && existsSync(join(dir, BASE_FILE))) {
      reporter.info(`upgrading the repository at ${dir} (name a folder to create a new repository instead)`);
      return { ...options, dir };
    }
    if (dirname(dir) === dir || existsSync(join(dir, '.git'))) return options;
  }
}

/** A new repository inside another one's work tree is usually a mistake (a shell left in the wrong folder). */
async function warnIfNested(dir: string, options: CliOptions, deps: CreateDeps): Promise<void> {
  if (!options.git) return;
  let probe = dir;
  while (!existsSync(probe) && dirname(probe) !== probe) probe = dirname(probe);
  const top = await deps.run('git', ['rev-parse', '--show-toplevel'], { cwd: probe }).catch(() => undefined);
  if (top?.exitCode !== 0 || top.notFound) return;
  const outer = top.stdout.trim();
  if (outer === (await realpath(dir).catch(() => ''))) return; // the folder is that repository itself
  deps.reporter.warn(`${options.dir} is inside the git repository ${outer}: the new repository will be nested in it (choose a folder outside it, unless that is what you want)`);
}

/** The rendered tree plus the merge base for the next upgrade. */
const withBase = (result: RenderResult, version: string) => new Map([...result.files, [BASE_FILE, baseFileText(result.files, version)]]);

/**
 * What the steps of `create` share: read once (options, deps), then filled in step by step
 * (the project, the answers, the render), in the shape of create-astro's context.
 */
interface CreateRun {
  options: CliOptions;
  readonly deps: CreateDeps;
  dir: string;
  /** The person at the terminal, unless --yes said not to ask (bootstrap may still ask: deps.prompts). */
  prompts?: Prompts;
  target?: TargetState;
  answers?: Answers;
  result?: RenderResult;
  summary?: Omit<CreateSummary, 'mode' | 'committed'>;
  done?: CreateSummary;
  /** A generated repository's files, being read since the folder was opened. */
  filesRead?: Promise<ProjectFiles>;
  /** A generated repository's git state, checked (assertClean) since the folder was opened. */
  gitState?: Promise<void>;
}

/** One step of `create`: a short function over the run. */
type CreateStep = (run: CreateRun) => Promise<void>;

/** Without a folder argument: the generated repository the shell is in, else (at a terminal) ask. */
const chooseFolder: CreateStep = async (c) => {
  const given = c.options;
  c.options = await inGeneratedRepository(given, c.deps.reporter);
  // No folder named and not inside a generated repository: at a terminal, ask (as create-vite does).
  if (!c.options.dirGiven && c.options === given && !c.options.yes && c.deps.prompts)
    c.options = { ...c.options, dir: await askFolder(c.deps.prompts, c.options.dir) };
  c.dir = resolve(c.options.dir);
};

/** An earlier run's leftovers are settled first, visibly, so nothing is planned against a half state. */
const settleLeftovers: CreateStep = async ({ dir, deps }) => {
  for (const note of [...(await removeAbandonedCreations(dir)), ...(await recoverInterruptedUpdate(dir, deps.run))]) deps.reporter.warn(note);
};

/** The project: what is at the folder decides create, upgrade or refuse; its git state is checked. */
const openTarget: CreateStep = async (c) => {
  const { options, deps, dir } = c;
  c.target = await inspectTarget(dir);
  if (c.target.kind === 'foreign' && !options.force)
    throw inputError(`${options.dir} is not empty and was not generated by create-piksel-gitops: choose a new folder, or pass --force to write into it`);
  if (options.bootstrap) (await import('./bootstrap.js')).checkBootstrapUsage(options, deps.prompts !== undefined);
  c.prompts = options.yes ? undefined : deps.prompts;
  if (c.target.kind === 'generated') {
    // Without questions to ask, git checks the state while the answers are settled and the render
    // runs (both before anything is written); a person is never asked and then refused.
    c.gitState = assertClean(dir, options, deps.run);
    c.gitState.catch(() => undefined); // its error is thrown where the upgrade awaits it
    if (c.prompts) await c.gitState;
    // Read on another thread meanwhile, too.
    c.filesRead = readProjectFiles(dir);
    c.filesRead.catch(() => undefined); // a failure is reported where the upgrade reads them
  } else await warnIfNested(dir, options, deps);
};

/** argv, answers file, stored answers and questions → Answers; the bootstrap choice may come with them. */
const answer: CreateStep = async (c) => {
  const resolved = await resolveAnswers(c.options, c.target!, c.prompts);
  c.answers = resolved.answers;
  if (resolved.bootstrap !== undefined) c.options = { ...c.options, bootstrap: resolved.bootstrap };
};

/** The pure render, and what it means for the person: notes, placeholders (refused before writing if bootstrap follows). */
const render: CreateStep = async (c) => {
  const { options, deps } = c;
  const answers = c.answers!;
  const templates = await loadTemplates(options.templatesDir ? resolve(options.templatesDir) : bundledTemplatesDir());
  const result = renderRepository({ answers, templates, toolVersion: packageVersion() });
  c.result = result;
  c.summary = {
    directory: c.dir,
    files: [...result.files.keys()],
    clusters: answers.clusters.map((cl) => cl.name),
    components: result.selection.components.map((cm) => cm.name),
    notes: result.selection.notes,
    secrets: result.secrets,
  };
  for (const note of newNotes(result.selection.notes, c.target!)) deps.reporter.info(`note: ${note}`);
  const placeholders = placeholderAnswers(answers);
  if (placeholders.length > 0)
    deps.reporter.warn(`placeholders in the answers (fine to look around; bootstrap refuses them): ${placeholders.map((p) => `${p.path} (${p.value})`).join(', ')}`);
  if (options.bootstrap && !options.dryRun) checkPlaceholders(answers, answers.clusters.find((cl) => cl.name === options.cluster) ?? answers.clusters[0]!, options.dir);
};

/**
 * What the answers brought in ("added ingress-nginx") is said when the answers bring it in: a
 * re-run leaves out what the stored answers already brought in, so it is not said every time.
 */
function newNotes(notes: readonly string[], target: TargetState): readonly string[] {
  const stored = target.kind === 'generated' ? completed(target.storedAnswers) : undefined;
  if (!stored) return notes;
  const said = new Set(selectComponents(stored).notes);
  return notes.filter((note) => !said.has(note));
}

/** A generated repository: plan against its merge base, confirm, apply and commit. */
const upgrade: CreateStep = async (c) => {
  if (c.target!.kind !== 'generated') return;
  await c.gitState;
  const { options, deps, answers } = c;
  const up = await upgradeRepository(c.dir, options, deps, c.result!, answers!.repository.branch, answers!.repository.name, c.prompts, c.filesRead);
  c.done = { ...c.summary!, mode: options.dryRun ? 'dry-run' : 'upgrade', committed: up.committed, plan: up.plan };
};

/** A new repository: planned as an upgrade from nothing, shown (dry run) or written and committed. */
const write: CreateStep = async (c) => {
  if (c.done) return;
  const { options, deps, dir, prompts } = c;
  const target = c.target!;
  const answers = c.answers!;
  const files = withBase(c.result!, packageVersion());
  if (target.kind === 'foreign') {
    const overwritten = [...files.keys()].filter((path) => target.entries.includes(path.split('/')[0]!) && existsSync(join(dir, path)));
    if (overwritten.length > 0) deps.reporter.warn(`--force ${options.dryRun ? 'would overwrite' : 'overwrites'} ${overwritten.length} file(s) in ${options.dir}: ${overwritten.join(', ')}`);
  }
  if (options.dryRun) {
    // A new repository is planned as an upgrade from nothing (every file new): one plan, one printout.
    const plan = planUpgrade({ base: new Map(), disk: new Map(), next: files, labels: { yours: 'yours', base: 'nothing', theirs: 'new' } });
    deps.reporter.info(`would write ${files.size} files to ${options.dir}:`);
    for (const line of planLines(plan)) deps.reporter.detail(`  ${line}`);
    c.done = { ...c.summary!, mode: 'dry-run', committed: false, plan };
    return;
  }
  if (prompts && !(await confirmPlan(prompts, 'What will be generated', planText(options.dir, c.summary!, files.size)))) throw cancelled();
  const writeAll = (signal?: AbortSignal) => writeNewRepository(dir, target, files, answers.repository.branch, answers.repository.name, options, deps, signal);
  const committed = prompts ? await withProgress(prompts, `Writing ${files.size} files to ${options.dir}`, writeAll) : await writeAll();
  if (!prompts) deps.reporter.success(`wrote ${files.size} files to ${options.dir}`);
  await rememberBase(defaultCacheDir(), files.get(BASE_FILE)!, c.result!.files, packageVersion()); // the first re-run reads it unparsed
  if (committed) deps.reporter.success(`Committed on branch ${answers.repository.branch}`);
  const identity = committed ? await fallbackIdentityWarning(deps.run, dir) : undefined;
  if (identity) deps.reporter.warn(identity);
  c.done = { ...c.summary!, mode: 'create', committed };
};

/** With --bootstrap (or "yes" to the question): bootstrap the new or upgraded repository's cluster. */
const bootstrap: CreateStep = async (c) => {
  c.done = await withBootstrap(c.done!, c.answers!, c.options, c.deps);
};

/**
 * A new repository, or a cluster added to one, ends with what to do next: in the prompts' outro,
 * or as plain lines.
 */
const nextSteps: CreateStep = async (c) => {
  const { options, answers, target, done } = c;
  const storedClusters = target!.kind === 'generated' ? ((target!.storedAnswers.clusters ?? []) as { name?: unknown }[]) : [];
  const addedCluster = done!.mode === 'upgrade' && options.cluster !== undefined && !storedClusters.some((cl) => cl.name === options.cluster);
  if (done!.mode === 'dry-run') return;
  if (done!.mode === 'upgrade' && !addedCluster) {
    if (c.prompts) finish(c.prompts, '', '');
    return;
  }
  const text = nextStepsText({
    answers: answers!,
    secrets: c.result!.secrets,
    cluster: addedCluster ? options.cluster! : answers!.clusters[0]!.name,
    // A re-run is usually made from inside the repository.
    cd: addedCluster && c.dir === resolve('.') ? undefined : options.dir,
    // Bootstrap pushes: after it, nothing is left to publish.
    publish: addedCluster && done!.bootstrap === undefined ? (done!.committed ? 'push' : 'commit') : undefined,
    bootstrapped: done!.bootstrap !== undefined,
  });
  if (c.prompts) finish(c.prompts, 'Next steps', text);
  else {
    c.deps.reporter.info('Next steps:');
    for (const line of text.split('\n')) c.deps.reporter.detail(line ? `  ${line}` : '');
  }
};

/** `create` (and re-run), in order: each step takes the run and leaves what the next one needs. */
const CREATE_STEPS: readonly CreateStep[] = [chooseFolder, settleLeftovers, openTarget, answer, render, upgrade, write, bootstrap, nextSteps];

export async function createCommand(givenOptions: CliOptions, deps: CreateDeps): Promise<CreateSummary> {
  const run: CreateRun = { options: givenOptions, deps, dir: resolve(givenOptions.dir) };
  for (const step of CREATE_STEPS) await step(run);
  return run.done!;
}

/**
 * Stage, validate, move into place, commit. Ctrl-C (the signal) before the move leaves nothing; after
 * it, the new repository is removed again, so a cancelled run never leaves a folder behind.
 */
async function writeNewRepository(
  dir: string,
  target: TargetState,
  files: Map<string, string>,
  branch: string,
  repositoryName: string,
  options: CliOptions,
  deps: CreateDeps,
  signal?: AbortSignal,
): Promise<boolean> {
  const check = async (staged: string) => {
    // Ctrl-C stops the check (its processes are killed) and the staged tree is removed.
    await abortable(deps.checkStaged?.(staged, files, signal) ?? Promise.resolve(), signal);
    if (signal?.aborted) throw cancelled(true); // the spinner said so
  };
  // Only a folder that does not exist is renamed into place; an existing one (`.`, where the shell
  // stands) is written into, never replaced, and only the files written are committed.
  const replaceWhole = target.kind === 'missing';
  const message = commitMessage({ kind: 'generate' }, repositoryName, packageVersion());
  const hadGit = target.kind === 'empty' && target.keeps.includes('.git');
  const committed = await applyPlan(dir, { newFolder: replaceWhole, writes: files, check, commit: options.git ? { run: deps.run, branch, message } : undefined });
  if (!replaceWhole) {
    if (signal?.aborted && target.kind === 'empty') {
      const written = new Set([...files.keys()].map((p) => p.split('/')[0]!));
      if (!hadGit) written.add('.git');
      await Promise.all([...written].map((entry) => rm(join(dir, entry), { recursive: true, force: true })));
      throw cancelled(true);
    }
  }
  if (signal?.aborted && replaceWhole) {
    await rm(dir, { recursive: true, force: true });
    throw cancelled(true);
  }
  return committed;
}

/** With --bootstrap (or "yes" to the prompt): bootstrap the new or upgraded repository's cluster. */
async function withBootstrap(summary: CreateSummary, answers: Answers, options: CliOptions, deps: CreateDeps): Promise<CreateSummary> {
  if (!options.bootstrap) return summary;
  const { runBootstrapAfterCreate } = await import('./bootstrap.js');
  const bootstrap = await runBootstrapAfterCreate(summary.directory, answers, options.cluster, options, {
    prompts: deps.prompts,
    run: deps.run,
    reporter: deps.reporter,
  });
  return { ...summary, bootstrap };
}

export const defaultCreateDeps = (reporter: Reporter): CreateDeps => ({ run: runProcess, reporter, checkStaged: validateStaged(runProcess, reporter) });
