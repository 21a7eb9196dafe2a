import type { Answers } from '../answers/schema.js';
import { tokenVariable } from '../bootstrap/flux-args.js';
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
    operatorSecrets.length > 0 ? `Secrets you create in the cluster (${operatorSecrets.length}):` : 'Secrets you create in the cluster: none',
    ...operatorSecrets.map((s) => `  ${s.namespace}/${s.name}`),
    ...(facts.secrets.some((s) => s.createdBy === 'bootstrap') ? ['The Slack webhook Secret is created at bootstrap.'] : []),
  ].join('\n');
}

export function nextStepsText(dir: string, answers: Answers, secrets: readonly SecretRequirement[], bootstrapped: boolean): string {
  const cluster = answers.clusters[0]!.name;
  const variable = tokenVariable(answers.repository);
  const variables = [variable, answers.slack.enabled && 'SLACK_WEBHOOK_URL'].filter((v): v is string => Boolean(v));
  // Typed without echo and never on a command line, so the values stay out of shell history.
  const env = variables.length > 0 ? [...variables.map((v) => `read -rs ${v}`), `export ${variables.join(' ')}`] : [];
  const operatorSecrets = secrets.filter((s) => s.createdBy === 'operator');
  return [
    `cd ${dir}`,
    ...(bootstrapped
      ? []
      : [
          '',
          'Bootstrap Flux (type each value at read -rs, then Enter: not echoed):',
          ...env.map((line) => `  ${line}`),
          `  npx create-piksel-gitops bootstrap --cluster ${cluster}`,
        ]),
    ...(operatorSecrets.length > 0
      ? ['', `Create the secrets (commands in clusters/${cluster}/README.md):`, ...operatorSecrets.map((s) => `  ${s.namespace}/${s.name}: ${s.keys.join(', ')}`)]
      : []),
  ].join('\n');
}
