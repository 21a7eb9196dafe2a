import { scopedRunner } from '../bootstrap/child-env.js';
import { shellQuote } from '../bootstrap/command-line.js';
import { clusterContext } from '../bootstrap/context-binding.js';
import { checkWebhookUrl, SLACK_WEBHOOK_VARIABLE } from '../bootstrap/slack-secret.js';
import type { CliOptions } from './options.js';
import { cancelled, inputError } from '../errors.js';
import type { ProcessRunner } from '../process.js';
import type { Prompts } from '../prompts.js';
import type { Reporter } from '../reporter.js';
import { applySecrets, collectOutsideFacts, inspectSecrets, manualCommand, reportSecrets, type MissingSecret, type SecretsReport } from '../secrets/ensure.js';
import { secretId, secretInventory } from '../secrets/inventory.js';
import { kubectlBackend, kubectlRotationRunner } from '../secrets/kubectl.js';
import { planGroups, rotationTargets } from '../secrets/plan.js';
import { openCluster, refuseAnswers } from './bootstrap.js';

export interface SecretsCommandDeps {
  readonly run: ProcessRunner;
  readonly reporter: Reporter;
  /** A person at a terminal: confirms the kube context, types outside values hidden; absent without one. */
  readonly prompts?: Prompts;
  readonly env?: NodeJS.ProcessEnv;
}

/** What `secrets` reports (and prints with --json): names, who creates them, commands; never a value. */
export interface SecretsSummary {
  readonly mode: 'apply' | 'check' | 'dry-run';
  readonly cluster: string;
  readonly context?: string;
  /** --check: the Secrets that exist. */
  readonly present?: string[];
  /** --dry-run: every Secret and who creates it. */
  readonly planned?: Array<{ secret: string; createdBy: string; source: string; group?: string }>;
  readonly report?: SecretsReport;
  readonly missing: MissingSecret[];
}

/**
 * `create-piksel-gitops secrets [dir] --cluster NAME`: create the missing Secrets of a cluster
 * (bootstrap does the same after flux bootstrap), `--check` them, or `--rotate` some on purpose.
 */
export async function secretsCommand(options: CliOptions, deps: SecretsCommandDeps): Promise<SecretsSummary> {
  refuseAnswers(options);
  const { answers, cluster } = await openCluster(options);
  const inventory = secretInventory(answers, undefined, cluster);
  if (options.check && options.rotate.length > 0) throw inputError('--check only looks and --rotate changes Secrets: pass one of them');
  const { reporter } = deps;

  if (options.dryRun) {
    // The names --rotate gives are checked as the real run checks them (exit 2), though nothing runs.
    planGroups(inventory, () => false, rotationTargets(inventory, options.rotate));
    const planned = inventory.map((s) => ({
      secret: secretId(s),
      createdBy: s.createdBy,
      source: s.source.kind === 'external' ? (Object.keys(s.source.env).length > 0 ? `from ${Object.values(s.source.env).join(', ')}` : 'the operator') : s.source.kind === 'chart' ? s.source.by : 'generated',
      ...(s.group ? { group: s.group } : {}),
    }));
    reporter.info(`would check and create, for cluster ${cluster.name} (nothing runs; values are never shown):`);
    for (const p of planned) reporter.detail(`  ${p.secret}  (${p.createdBy}: ${p.source}${p.group ? `, group ${p.group}` : ''})`);
    if (options.rotate.length > 0) reporter.info(`would rotate: ${options.rotate.join(', ')}`);
    return { mode: 'dry-run', cluster: cluster.name, context: options.context, planned, missing: [] };
  }

  if (!options.check && !options.yes && !deps.prompts)
    throw inputError('secrets changes a Kubernetes cluster and needs its kubectl context confirmed, but there is no terminal to ask in: pass --yes (or --context NAME with --yes), or --check to only look');
  const env = deps.env ?? process.env;
  const run = scopedRunner(deps.run, env);
  const context = await clusterContext(run, answers, cluster, options.context, options.force);
  const backend = kubectlBackend(run, context);
  const plans = await inspectSecrets(inventory, backend, options.rotate);

  if (options.check) {
    const present = plans.flatMap((p) => p.existing.map(secretId));
    const missing = plans
      .filter((p) => p.action !== 'chart')
      .flatMap((p) => p.members.filter((m) => !p.existing.includes(m)))
      .map((m) => ({ secret: secretId(m), createdBy: m.createdBy, purpose: m.purpose, ...manualCommand(m, context) }));
    reporter.info(`Secrets of cluster ${cluster.name} on kubectl context ${context}:`);
    for (const id of present) reporter.detail(`  ✔ ${id}`);
    for (const m of missing) reporter.detail(`  ✖ ${m.secret} (${m.createdBy === 'operator' ? 'the operator creates it' : 'missing'})`);
    for (const p of plans.filter((p) => p.action === 'chart')) reporter.detail(`  · ${p.members.map(secretId).join(', ')} (made by ${p.members[0]!.source.kind === 'chart' ? p.members[0]!.source.by : 'a chart'})`);
    if (missing.length > 0) reporter.warn(`${missing.length} missing: run \`${rerun(options, cluster.name)}\` to create what can be generated`);
    return { mode: 'check', cluster: cluster.name, context, present, missing };
  }

  const facts = await collectOutsideFacts(plans, { env, prompts: deps.prompts }, { [SLACK_WEBHOOK_VARIABLE]: checkWebhookUrl });
  const changes = plans.filter((p) => ['create', 'copy', 'rotate'].includes(p.action) || (p.action === 'provide' && facts.has(p.key)));
  if (changes.length > 0 && !options.yes) {
    const ok = await deps.prompts!.confirm({
      message: `Create or rotate ${changes.flatMap((p) => p.members).length} Secrets on kubectl context '${context}' (cluster ${cluster.name})?`,
      initialValue: false,
    });
    if (!ok) throw cancelled();
  }
  const report = await applySecrets(plans, facts, { backend, rotation: kubectlRotationRunner(run, context), reporter, env, prompts: deps.prompts }, context);
  reportSecrets(report, reporter, rerun(options, cluster.name));
  if (report.created.length + report.rotated.length === 0 && report.missing.length === 0) reporter.success('every Secret exists: nothing to do');
  return { mode: 'apply', cluster: cluster.name, context, report, missing: report.missing };
}

const rerun = (options: CliOptions, cluster: string) =>
  `npx create-piksel-gitops secrets ${shellQuote(options.dir)} --cluster ${cluster}${options.context ? ` --context ${shellQuote(options.context)}` : ''}`;
