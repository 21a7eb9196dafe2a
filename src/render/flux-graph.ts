import { clusterSettings, slackChannelName } from '../answers/cluster-settings.js';
import type { Answers, ClusterAnswers } from '../answers/schema.js';
import type { ClusterPatch, ComponentSpec, Layer } from '../catalog/component.js';
import { DATABASE_KUSTOMIZATION, DATABASE_VARIABLES, databaseNameVariable, prefixedName } from '../catalog/database.js';
import type { Selection } from '../catalog/selection.js';

/** Which file of the repository holds a Flux Kustomization object. */
export type KustomizationFile = 'infrastructure' | 'database' | 'apps' | 'app';

/** One Flux Kustomization of a cluster: the reconciliation strategy as data. */
export interface FluxKustomization {
  readonly name: string;
  readonly layer: Layer;
  readonly file: KustomizationFile;
  readonly path: string;
  readonly interval: string;
  readonly retryInterval: string;
  readonly timeout: string;
  readonly dependsOn: readonly string[];
  readonly patches: readonly ClusterPatch[];
  /** Per-cluster values Flux fills into shared files (postBuild.substitute). */
  readonly substitute?: Readonly<Record<string, string>>;
  /** Why it is set up this way, for the cluster README. */
  readonly rationale: string;
}

/** The default first-install timeout of an app; components with slow charts say their own. */
const APP_TIMEOUT = '5m';

const minutes = (duration: string) => {
  const m = /^(\d+)m$/.exec(duration);
  return m ? Number(m[1]) : 0;
};

/**
 * A cluster's Flux Kustomizations. The seed's chain infra-controllers → infra-configs → apps stays;
 * below it the graph fans out so that one failure blocks only what needs it:
 * - `database` (db-proxy and the setup Job) waits for nothing;
 * - `<app>-schema` (an app's schema initialisation) waits for `database`;
 * - `apps` applies one Kustomization per app, each waiting for its schema or the database only.
 * Layers with no selected component are left out, so every dependsOn names one that exists.
 */
export function clusterKustomizations(answers: Answers, cluster: ClusterAnswers, selection: Selection): FluxKustomization[] {
  const ctx = { answers, selected: selection.names, components: selection.components, cluster };
  const inLayer = (layer: Layer) => selection.components.filter((c) => c.layer === layer);
  const patchesOf = (members: readonly ComponentSpec[]) => members.flatMap((c) => c.clusterPatches?.(ctx) ?? []);
  const variablesOf = (members: readonly ComponentSpec[]) => {
    const variables = Object.assign({}, ...members.map((c) => c.variables?.(ctx) ?? {})) as Record<string, string>;
    return Object.keys(variables).length > 0 ? { substitute: variables } : {};
  };
  const { database } = clusterSettings(answers, cluster);
  const substitute = {
    [DATABASE_VARIABLES.host]: database.host,
    [DATABASE_VARIABLES.port]: String(database.port),
    // Each app's database name on this cluster's server (its prefix on a shared server).
    ...Object.fromEntries(
      selection.components.flatMap((c) => (c.database ? [[databaseNameVariable(c.name), prefixedName(database.prefix, c.database.name)]] : [])),
    ),
  };
  const result: FluxKustomization[] = [];
  const has = (name: string) => result.some((k) => k.name === name);

  const controllers = inLayer('controllers');
  if (controllers.length > 0)
    result.push({
      name: 'infra-controllers',
      layer: 'controllers',
      file: 'infrastructure',
      path: './infrastructure/controllers',
      interval: cluster.intervals.controllers,
      retryInterval: '1m',
      timeout: '10m',
      dependsOn: [],
      patches: patchesOf(controllers),
      ...variablesOf(controllers),
      rationale: 'long interval: critical operators are not restarted more often than needed',
    });
  const configs = inLayer('configs');
  if (configs.length > 0)
    result.push({
      name: 'infra-configs',
      layer: 'configs',
      file: 'infrastructure',
      path: './infrastructure/configs',
      interval: cluster.intervals.configs,
      retryInterval: '1m',
      timeout: '5m',
      dependsOn: has('infra-controllers') ? ['infra-controllers'] : [],
      patches: patchesOf(configs),
      ...variablesOf(configs),
      rationale: 'shorter interval: configuration changes land quickly without touching the operators',
    });
  const databaseLayer = inLayer('database');
  if (databaseLayer.length > 0)
    result.push({
      name: DATABASE_KUSTOMIZATION,
      layer: 'database',
      file: 'database',
      path: './infrastructure/database',
      interval: cluster.intervals.configs,
      retryInterval: '1m',
      timeout: '10m',
      dependsOn: [],
      patches: patchesOf(databaseLayer),
      substitute,
      rationale: "waits for nothing: db-proxy and the setup Job need only the database and this cluster's Secrets",
    });
  const apps = inLayer('apps');
  for (const app of apps.filter((a) => a.database?.schema))
    result.push({
      name: `${app.name}-schema`,
      layer: 'database',
      file: 'database',
      path: `./infrastructure/schemas/${app.name}`,
      interval: cluster.intervals.configs,
      retryInterval: '1m',
      // The first pull of the ODC images alone can take minutes.
      timeout: '15m',
      dependsOn: [DATABASE_KUSTOMIZATION],
      patches: [],
      substitute,
      rationale: `initialises ${app.name}'s schema once its role and database exist; safe to run again`,
    });
  if (apps.length === 0) return result;
  const appKustomizations = apps.map((app) => ({
    name: app.name,
    layer: 'apps' as const,
    file: 'app' as const,
    path: `./apps/${cluster.environment}/${app.name}`,
    interval: cluster.intervals.apps,
    retryInterval: '1m',
    timeout: app.timeout ?? APP_TIMEOUT,
    dependsOn: [...(app.database ? [app.database.schema ? `${app.name}-schema` : DATABASE_KUSTOMIZATION] : []), ...(app.waitsFor ?? [])],
    patches: patchesOf([app]),
    rationale: app.waitsFor
      ? `waits for ${app.waitsFor.join(' and ')}, whose resources it uses`
      : app.database
        ? 'waits for its database; no other app waits for it'
        : 'waits for nothing but the apps layer',
  }));
  result.push({
    name: 'apps',
    layer: 'apps',
    file: 'apps',
    path: `./apps/${cluster.environment}`,
    interval: cluster.intervals.apps,
    retryInterval: '1m',
    // It reports Ready once every app is: as long as the slowest first install.
    timeout: `${Math.max(...appKustomizations.map((k) => minutes(k.timeout)))}m`,
    dependsOn: has('infra-configs') ? ['infra-configs'] : [],
    patches: [],
    rationale: 'short interval: fast feedback while applications are iterated on; applies one Kustomization per app',
  });
  return [...result, ...appKustomizations];
}

const nodeId = (name: string) => name.replace(/[^A-Za-z0-9]/g, '_');

/** The deployment flow as a Mermaid graph, drawn from the actual Kustomizations. */
export function deploymentFlowMermaid(kustomizations: readonly FluxKustomization[], answers: Answers, cluster: ClusterAnswers): string {
  const lines = ['graph TD', `    push["Push to ${answers.repository.branch}"] --> source["GitRepository flux-system"]`];
  for (const k of kustomizations) {
    lines.push(`    ${nodeId(k.name)}["${k.name}<br/>${k.path} every ${k.interval}"]`);
    if (k.file === 'app') lines.push(`    apps -. applies .-> ${nodeId(k.name)}`);
    else if (k.dependsOn.length === 0) lines.push(`    source --> ${nodeId(k.name)}`);
    for (const dep of k.dependsOn) lines.push(`    ${nodeId(dep)} -->|Ready| ${nodeId(k.name)}`);
  }
  // Every step reports to Slack: one node and one edge say so; an edge from each step (15 in the
  // full platform) would drown the flow it is drawn beside.
  if (answers.slack.enabled)
    lines.push(`    source -. events of every step .-> slack["Slack #${clusterSettings(answers, cluster).slack.channel}"]`);
  return lines.join('\n');
}

/** The deployment flow in words, step by step, for the cluster README. */
export function deploymentSteps(kustomizations: readonly FluxKustomization[], answers: Answers, cluster: ClusterAnswers): string[] {
  const waits = (k: FluxKustomization) => k.dependsOn.map((d) => `\`${d}\``).join(', ');
  return [
    `A change is pushed to \`${answers.repository.branch}\`.`,
    'Flux fetches it: the `flux-system` GitRepository polls every minute.',
    ...kustomizations.map((k) => {
      const applied = k.file === 'app' ? ' (applied by `apps`)' : '';
      return k.dependsOn.length === 0
        ? `\`${k.name}\`${applied} applies \`${k.path}\` at once, and again every ${k.interval}.`
        : `\`${k.name}\`${applied} applies \`${k.path}\` once ${waits(k)} is Ready, and again every ${k.interval}.`;
    }),
    ...(answers.slack.enabled
      ? [`Each step reports to Slack channel #${slackChannelName(clusterSettings(answers, cluster).slack.channel)}; a failing app is named on its own.`]
      : []),
  ];
}
