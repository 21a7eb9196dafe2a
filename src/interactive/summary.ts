import type { Answers } from '../answers/schema.js';
import { tokenVariable } from '../bootstrap/flux-args.js';
import { clusterPlaceholders } from '../bootstrap/preflight.js';
import type { SecretRequirement } from '../catalog/component.js';

/**
 * The texts a person reads before and after writing: what will be generated, and what to do next.
 * Plain lines under 80 columns (the note box adds its frame).
 */
export interface PlanFacts {
  readonly clusters: readonly string[];
  readonly components: readonly string[];
  readonly secrets: readonly SecretRequirement[];
}

/** Words joined into lines no longer than `width`. */
export function wrapList(words: readonly string[], width = 66, indent = '  '): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    const next = line ? `${line}, ${word}` : word;
    if (line && indent.length + next.length > width) {
      lines.push(`${indent}${line},`);
      line = word;
    } else line = next;
  }
  if (line) lines.push(`${indent}${line}`);
  return lines;
}

export function planText(dir: string, facts: PlanFacts, fileCount: number): string {
  const operatorSecrets = facts.secrets.filter((s) => s.createdBy === 'operator');
  return [
    `Folder:     ${dir} (${fileCount} files)`,
    `Clusters:   ${facts.clusters.join(', ')}`,
    `Components (${facts.components.length}):`,
    ...wrapList(facts.components),
    ...bootstrapSecretsLines(facts.secrets),
    operatorSecrets.length > 0 ? `Secrets you create in the cluster (${operatorSecrets.length}):` : 'Secrets you create in the cluster: none',
    ...operatorSecrets.map((s) => `  ${s.namespace}/${s.name}`),
  ].join('\n');
}

/** What bootstrap creates: how many it generates, and the outside facts it reads or asks for. */
function bootstrapSecretsLines(secrets: readonly SecretRequirement[]): string[] {
  const generated = secrets.filter((s) => s.source.kind === 'generated').length;
  const facts = secrets.filter((s) => s.createdBy === 'bootstrap' && s.source.kind === 'external');
  if (generated + facts.length === 0) return [];
  return [
    `Bootstrap creates ${generated + facts.length} Secrets: ${generated} with random values, and`,
    `${facts.length} from what you give it (asked, or from the environment):`,
    ...wrapList(facts.map((s) => `${s.namespace}/${s.name}`)),
  ];
}

/** The environment variables bootstrap reads: the Git token, then each outside fact's. */
const bootstrapVariables = (answers: Answers, secrets: readonly SecretRequirement[]): string[] => [
  ...[tokenVariable(answers.repository)].filter((v): v is string => Boolean(v)),
  ...new Set(secrets.flatMap((s) => (s.createdBy === 'bootstrap' && s.source.kind === 'external' ? Object.values(s.source.env) : []))),
];

/** What the next steps are about: a new repository, or a cluster just added to one. */
export interface NextStepsFacts {
  readonly answers: Answers;
  readonly secrets: readonly SecretRequirement[];
  /** The cluster to bootstrap. */
  readonly cluster: string;
  /** The folder to `cd` into first; absent when the shell is in it already. */
  readonly cd?: string;
  /** An added cluster's commit to publish: pushed ('push'), or left to commit (--no-git). */
  readonly publish?: 'push' | 'commit';
  /** Bootstrap ran in this run already. */
  readonly bootstrapped: boolean;
}

export function nextStepsText({ answers, secrets, cluster, cd, publish, bootstrapped }: NextStepsFacts): string {
  const variables = bootstrapVariables(answers, secrets);
  // Typed without echo and never on a command line, so the values stay out of shell history.
  const env = variables.map((v) => `read -rs ${v} && export ${v}`);
  const operatorSecrets = secrets.filter((s) => s.createdBy === 'operator');
  // What bootstrap would refuse, and the one command that replaces it.
  const settings = answers.clusters.find((c) => c.name === cluster);
  const placeholders = bootstrapped || settings === undefined ? [] : clusterPlaceholders(answers, settings);
  const paragraphs: string[][] = [
    cd === undefined ? [] : [`cd ${cd}`],
    publish === 'push' ? [`Push the commit that adds ${cluster}:`, '  git push'] : publish === 'commit' ? [`Commit and push the files of ${cluster}.`] : [],
    placeholders.length === 0
      ? []
      : [
          'Replace the placeholders first (bootstrap refuses them):',
          '  npx create-piksel-gitops . \\',
          ...placeholders.map((p, i) => `    --set ${p.path}=…${i < placeholders.length - 1 ? ' \\' : ''}`),
        ],
    bootstrapped
      ? []
      : [
          'Bootstrap Flux (type each value at read -rs, then Enter: not echoed):',
          ...env.map((line) => `  ${line}`),
          `  npx create-piksel-gitops bootstrap --cluster ${cluster}`,
        ],
    operatorSecrets.length > 0
      ? [`Create the secrets (commands in clusters/${cluster}/README.md):`, ...operatorSecrets.map((s) => `  ${s.namespace}/${s.name}: ${s.keys.join(', ')}`)]
      : [],
  ];
  return paragraphs
    .filter((p) => p.length > 0)
    .map((p) => p.join('\n'))
    .join('\n\n');
}
