import { shellQuote } from '../bootstrap/command-line.js';
import type { SecretRequirement } from '../catalog/component.js';
import { inputError, isPikselError } from '../errors.js';
import type { Prompts } from '../prompts.js';
import type { Reporter } from '../reporter.js';
import { describeStep, type RotationRunner, type SecretBackend } from './backend.js';
import { secretId } from './inventory.js';
import { planGroups, rotationTargets, type GroupPlan } from './plan.js';
import { generateValues } from './values.js';

/** What a run did, by name only: this is what --json prints, so it never holds a value. */
export interface SecretsReport {
  readonly created: string[];
  readonly kept: string[];
  readonly rotated: string[];
  /** Restarts and Job re-runs after a rotation. */
  readonly afterRotate: string[];
  readonly missing: MissingSecret[];
  /** Made by a chart or controller: listed, never touched. */
  readonly byChart: string[];
}

export interface MissingSecret {
  readonly secret: string;
  readonly createdBy: SecretRequirement['createdBy'];
  readonly purpose: string;
  /** Environment variables that provide it on a re-run (none for the operator's own Secrets). */
  readonly env: string[];
  /** A shell command that creates it, values typed without echo and passed on stdin. */
  readonly command: string;
}

export interface SecretsDeps {
  readonly backend: SecretBackend;
  readonly rotation: RotationRunner;
  readonly reporter: Reporter;
  /** Reads values without echo (`password`); absent without a terminal. */
  readonly prompts?: Pick<Prompts, 'password'>;
  readonly env: NodeJS.ProcessEnv;
}

/** Checks an outside value; throws an input error that never repeats the value. */
export type FactCheck = (value: string, source: string) => string;

/** The facts from outside, in memory only, keyed by group. */
export type OutsideFacts = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** Read-only: which Secrets exist, and what each group needs. Nothing in the cluster changes. */
export async function inspectSecrets(inventory: readonly SecretRequirement[], backend: SecretBackend, rotate: readonly string[]): Promise<GroupPlan[]> {
  const targets = rotationTargets(inventory, rotate);
  const present = await backend.existing(inventory.filter((s) => s.source.kind !== 'chart'));
  return planGroups(inventory, (s) => present.has(secretId(s)), targets);
}

/**
 * Outside facts for the groups that need them: each key from its documented variable, else asked
 * once with hidden input, else left missing. An explicitly rotated outside Secret must be given.
 */
export async function collectOutsideFacts(
  plans: readonly GroupPlan[],
  deps: Pick<SecretsDeps, 'env' | 'prompts'>,
  checks: Readonly<Record<string, FactCheck>> = {},
): Promise<Map<string, Record<string, string>>> {
  const facts = new Map<string, Record<string, string>>();
  for (const plan of plans) {
    const first = plan.members[0]!;
    if (first.source.kind !== 'external' || !(plan.action === 'provide' || plan.action === 'rotate')) continue;
    const values: Record<string, string> = {};
    for (const [key, variable] of Object.entries(first.source.env)) {
      const check = checks[variable] ?? ((v: string) => v);
      const fromEnv = deps.env[variable];
      if (fromEnv && fromEnv.trim() !== '') {
        values[key] = check(fromEnv, variable);
        continue;
      }
      const source = `the ${key} of ${secretId(first)}`;
      // A typo is refused where it was typed and asked again: what was typed before is kept.
      const typed = await deps.prompts?.password({
        message: `${key} of Secret ${secretId(first)} (${first.source.hint}; ${variable}; hidden, empty to skip)`,
        validate: (value) => (value.trim() === '' ? undefined : refusal(() => check(value, source))),
      });
      if (!typed || typed.trim() === '') break;
      values[key] = check(typed, source);
    }
    if (Object.keys(values).length === Object.keys(first.source.env).length) facts.set(plan.key, values);
    else if (plan.action === 'rotate')
      throw inputError(
        `--rotate ${first.name} needs the new value: set ${Object.values(first.source.env).join(' and ')} (read it without echo) and re-run`,
      );
  }
  return facts;
}

/** Why check refuses a value (its message, which never repeats the value), or undefined. */
function refusal(check: () => unknown): string | undefined {
  try {
    check();
    return undefined;
  } catch (error) {
    if (isPikselError(error)) return error.message;
    throw error;
  }
}

/** Creates what is missing, rotates what was asked for, keeps the rest; reports by name. */
export async function applySecrets(plans: readonly GroupPlan[], facts: OutsideFacts, deps: SecretsDeps, context: string): Promise<SecretsReport> {
  const report: SecretsReport = { created: [], kept: [], rotated: [], afterRotate: [], missing: [], byChart: [] };
  const { backend, reporter } = deps;
  for (const plan of plans) {
    const first = plan.members[0]!;
    const ids = (list: readonly SecretRequirement[]) => list.map(secretId);
    const missingMembers = plan.members.filter((m) => !plan.existing.includes(m));
    switch (plan.action) {
      case 'chart':
        report.byChart.push(...ids(plan.members));
        break;
      case 'keep':
        report.kept.push(...ids(plan.members));
        break;
      case 'missing':
        report.kept.push(...ids(plan.existing));
        report.missing.push(...missingMembers.map((m) => missingEntry(m, context)));
        break;
      case 'create':
      case 'copy':
      case 'provide': {
        const values = await valuesFor(plan, facts, backend);
        if (!values) {
          report.missing.push(...missingMembers.map((m) => missingEntry(m, context)));
          break;
        }
        for (const member of missingMembers) await backend.apply(member, values);
        report.created.push(...ids(missingMembers));
        report.kept.push(...ids(plan.existing));
        break;
      }
      case 'rotate': {
        const values = first.source.kind === 'generated' ? generateValues(first.source.values) : facts.get(plan.key);
        if (!values) throw inputError(`--rotate ${first.name}: no new value given`);
        for (const member of plan.members) await backend.apply(member, values);
        report.rotated.push(...ids(plan.members));
        for (const step of plan.afterRotate) {
          const problem = await deps.rotation.run(step);
          const line = describeStep(step);
          report.afterRotate.push(line);
          if (problem) reporter.warn(`${line}: ${problem} (the Secret is rotated; do this by hand once the workload exists)`);
        }
        break;
      }
    }
  }
  return report;
}

async function valuesFor(plan: GroupPlan, facts: OutsideFacts, backend: SecretBackend): Promise<Readonly<Record<string, string>> | undefined> {
  const first = plan.members[0]!;
  if (first.source.kind === 'external') return facts.get(plan.key);
  if (first.source.kind !== 'generated') return undefined;
  // A partner exists: copy its values (memory → stdin) so the group keeps agreeing.
  if (plan.action === 'copy') {
    const copied = await backend.read(plan.existing[0]!);
    if (copied) return copied;
  }
  return generateValues(first.source.values);
}

/** One line, typed without echo, passed through the shell's builtin printf to kubectl's stdin. */
export function manualCommand(secret: SecretRequirement, context?: string): { env: string[]; command: string } {
  const ctx = context ? ` ${shellQuote(`--context=${context}`)}` : '';
  const create = `kubectl${ctx} --namespace=${secret.namespace} create secret generic ${secret.name}`;
  const envMap = secret.source.kind === 'external' ? secret.source.env : {};
  const files = secret.keys.filter((k) => k.includes('.') && !envMap[k]);
  const typed = secret.keys.filter((k) => !files.includes(k));
  const variables = typed.map((k) => envMap[k] ?? k.toUpperCase().replace(/[^A-Z0-9]/g, '_'));
  const fromFiles = files.map((k) => ` --from-file=${k}=./${k}`).join('');
  if (typed.length === 0) return { env: [], command: `${create}${fromFiles}` };
  const reads = variables.map((v) => `read -rs ${v}`).join(' && ');
  const format = typed.map((k) => `${k}=%s\\n`).join('');
  const args = variables.map((v) => `"$${v}"`).join(' ');
  return { env: Object.values(envMap), command: `${reads} && printf '${format}' ${args} | ${create}${fromFiles} --from-env-file=/dev/stdin` };
}

const missingEntry = (secret: SecretRequirement, context: string): MissingSecret => ({
  secret: secretId(secret),
  createdBy: secret.createdBy,
  purpose: secret.purpose,
  ...manualCommand(secret, context),
});

/** The closing lines: what was created, kept and rotated (names only), and what is still missing. */
export function reportSecrets(report: SecretsReport, reporter: Reporter, rerun: string): void {
  if (report.created.length > 0) reporter.success(`created Secrets: ${report.created.join(', ')}`);
  if (report.rotated.length > 0) reporter.success(`rotated Secrets: ${report.rotated.join(', ')}`);
  for (const step of report.afterRotate) reporter.detail(`  then: ${step}`);
  if (report.kept.length > 0) reporter.info(`kept existing Secrets (never rotated without --rotate): ${report.kept.join(', ')}`);
  if (report.missing.length === 0) return;
  const lines = report.missing.map((m) => `  ${m.secret} (${isOperatorLike(m) ? 'the operator creates it' : `set ${m.env.join(', ')} and re-run: ${rerun}`}):\n    ${m.command}`);
  reporter.warn(`still missing, ${report.missing.length} Secret${report.missing.length === 1 ? '' : 's'} (create each with the command below; values are typed without echo):\n${lines.join('\n')}`);
}

const isOperatorLike = (m: MissingSecret) => m.createdBy === 'operator' || m.env.length === 0;
