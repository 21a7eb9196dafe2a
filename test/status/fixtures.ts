import { readFileSync } from 'node:fs';
import { parseAnswers } from '../../src/answers/load.js';
import type { KubeObject, LiveObjects } from '../../src/status/objects.js';
import { statusPlan, type StatusPlan } from '../../src/status/plan.js';

/**
 * The recorded cluster states (fixtures/*.json, shapes in fixtures/SOURCE.md). A failure fixture
 * names its base (healthy.json) and the objects it replaces, removes and adds: the one thing
 * that differs from a healthy platform stands out.
 */
export const FIXTURES = ['healthy', 'progressing', 'database-setup-failed', 'image-pull', 'crash-loop', 'storage-pending', 'gpu-pending', 'missing-secret', 'certificate-dns', 'drift'] as const;
export type FixtureName = (typeof FIXTURES)[number];

interface FixtureFile {
  readonly base?: string;
  readonly items?: KubeObject[];
  readonly replace?: KubeObject[];
  readonly remove?: string[];
  readonly add?: KubeObject[];
  readonly logs?: Record<string, string[]>;
}

const idOf = (o: KubeObject) => `${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;
const read = (file: string) => JSON.parse(readFileSync(new URL(`fixtures/${file}`, import.meta.url), 'utf8')) as FixtureFile;

export function loadFixture(name: FixtureName): LiveObjects {
  const file = read(`${name}.json`);
  if (!file.base) return { items: file.items ?? [], logs: file.logs ?? {} };
  const base = read(file.base);
  const replaced = new Map((file.replace ?? []).map((o) => [idOf(o), o]));
  const removed = new Set(file.remove ?? []);
  for (const id of [...replaced.keys(), ...removed]) if (!base.items!.some((o) => idOf(o) === id)) throw new Error(`fixture ${name}: ${id} is not in ${file.base}`);
  const items = base.items!.filter((o) => !removed.has(idOf(o))).map((o) => replaced.get(idOf(o)) ?? o);
  return { items: [...items, ...(file.add ?? [])], logs: { ...base.logs, ...file.logs } };
}

/** The answers the fixtures were recorded for: the defaults, cluster development on dev.piksel.id. */
export const FIXTURE_ANSWERS = { certManager: { email: 'platform@piksel.id' }, clusters: [{ name: 'development', domain: 'dev.piksel.id' }] };

export function fixturePlan(answers: object = FIXTURE_ANSWERS, cluster = 'development'): StatusPlan {
  const parsed = parseAnswers(answers);
  return statusPlan(parsed, parsed.clusters.find((c) => c.name === cluster)!, {
    context: 'kind-piksel',
    secretsCommand: `npx create-piksel-gitops secrets piksel-gitops --cluster ${cluster}`,
  });
}
