import { clusterSettings } from './cluster-settings.js';
import type { Answers } from './schema.js';

/** example.org/.com/.net and any *.example.* name: documentation placeholders, never a real zone. */
export const isPlaceholderDomain = (domain: string): boolean => /(^|\.)example(\.[a-z0-9-]+)+\.?$/i.test(domain.trim());

/**
 * The answers still holding a placeholder (an example.* name), with their values: a repository may
 * be generated with them to look around, but a cluster cannot run on them, so bootstrap refuses.
 */
export function placeholderAnswers(answers: Answers): { readonly path: string; readonly value: string }[] {
  const found: { path: string; value: string }[] = [];
  const email = answers.certManager.email;
  if (answers.components.controllers.includes('cert-manager') && isPlaceholderDomain(email.split('@')[1] ?? ''))
    found.push({ path: 'certManager.email', value: email });
  if (answers.components.controllers.includes('db-proxy') && isPlaceholderDomain(answers.database.host))
    found.push({ path: 'database.host', value: answers.database.host });
  answers.clusters.forEach((cluster, i) => {
    if (isPlaceholderDomain(cluster.domain)) found.push({ path: `clusters.${i}.domain`, value: cluster.domain });
    const host = clusterSettings(answers, cluster).database.host;
    if (cluster.database?.host && isPlaceholderDomain(host)) found.push({ path: `clusters.${i}.database.host`, value: host });
  });
  return found;
}
