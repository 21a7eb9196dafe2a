import type { Answers, ClusterAnswers } from '../answers/schema.js';
import type { AnswersSection } from '../answers/sections/section.js';
import type { ComponentName } from './names.js';

/** Where a component lives in the generated repository and which Flux Kustomization applies it. */
export type Layer = 'controllers' | 'configs' | 'database' | 'apps';

/** A Helm chart pinned to one version, with the repository it comes from. */
export interface ChartSpec {
  /** Name of the HelmRepository object (one per repository URL). */
  readonly repositoryName: string;
  readonly repositoryUrl: string;
  readonly chart: string;
  readonly version: string;
  /** Where the pinned version was taken from, for the chart table in the README. */
  readonly source: string;
  /** Set when upstream has stopped maintaining it: `validate` warns wherever it is deployed. */
  readonly endOfLife?: EndOfLife;
}

/** An upstream that gets no more releases or security fixes, with what replaces it. */
export interface EndOfLife {
  readonly since: string;
  readonly successor: string;
  /** Where the end of life was announced. */
  readonly source: string;
}

/** A container image pinned to one tag, with where that tag was checked to exist. */
export interface ImageSpec {
  readonly name: string;
  readonly tag: string;
  /** Provenance: the upstream tag list, release workflow or Dockerfile the tag was checked against. */
  readonly source: string;
  readonly endOfLife?: EndOfLife;
}

export const imageRef = (image: ImageSpec): string => `${image.name}:${image.tag}`;

/** One value of a generated Secret: random text of a length, or a fixed text such as a user name. */
export type GeneratedValue = { readonly random: number } | { readonly fixed: string };

/**
 * Where a Secret's values come from. Nothing here is ever written to Git.
 * - generated: bootstrap (or `secrets`) creates it with random values when it is missing;
 * - external: a fact from outside the cluster, read from environment variables or asked with hidden input;
 * - chart: a chart or controller creates it (cert-manager certificates, z2jh's own hub Secret).
 */
export type SecretSource =
  | { readonly kind: 'generated'; readonly values: Readonly<Record<string, GeneratedValue>> }
  | { readonly kind: 'external'; readonly env: Readonly<Record<string, string>>; readonly hint: string }
  | { readonly kind: 'chart'; readonly by: string };

/** What must happen after a Secret's values change so that every consumer holds the new ones. */
export type RotationStep =
  /** Rolls the named Deployment, or every Deployment of the namespace when none is named. */
  | { readonly kind: 'restart'; readonly namespace: string; readonly deployment?: string }
  | { readonly kind: 'rerun-job'; readonly namespace: string; readonly job: string; readonly kustomization: string };

/** A Secret the platform needs in the cluster; never written to Git. */
export interface SecretRequirement {
  readonly name: string;
  readonly namespace: string;
  readonly keys: readonly string[];
  readonly purpose: string;
  /** Who creates it: `bootstrap` (generated, or an outside fact it asks for), the `operator`, or a `chart`. */
  readonly createdBy: 'bootstrap' | 'operator' | 'chart';
  readonly source: SecretSource;
  /**
   * Secrets of one group hold the same values and are created and rotated together, e.g. an app's
   * database password in the app's namespace and its copy in `database` for db-proxy and the Job.
   */
  readonly group?: string;
  /** Run after a rotation, once per group (restart readers, re-run the Job that sets the role password). */
  readonly afterRotate?: readonly RotationStep[];
}

/** What an app needs from the platform PostgreSQL: a role and a database of the same name. */
export interface DatabaseNeed {
  readonly name: string;
  /** PgBouncer pool mode: session for clients that use prepared statements or temporary tables. */
  readonly pooling: 'session' | 'transaction';
  /** Server connections per db-proxy replica for this database (each replica has its own pool). */
  readonly poolSize: number;
  /** Why that size, printed beside it in pgbouncer.ini. */
  readonly poolReason: string;
  /** Extensions the setup Job creates as the admin (an app role may not). */
  readonly extensions: readonly string[];
  /** Whether the app has a schema-initialisation Job (templates/infrastructure/schemas/<app>/). */
  readonly schema: boolean;
  /**
   * SQL the setup Job runs as the administrator in the app's database, after its role, database
   * and extensions: roles the app's tools expect but may not create. `:"role_name"` is the app's role.
   */
  readonly adminSql?: readonly string[];
  /** A read-only login to this database for another component's pods, when that one is selected. */
  readonly reader?: DatabaseReader;
}

/** A second, read-only login to an app's database (notebooks reading the data cube). */
export interface DatabaseReader {
  /** Its role's name (before a cluster's prefix) and, with '-', its Secret's (`<login>-db`). */
  readonly login: string;
  /** The component whose pods use it; the login exists only when that one is selected. */
  readonly readBy: ComponentName;
  /** SQL the setup Job runs for it as the administrator, in the database; `:"reader_name"` is its role. */
  readonly sql: readonly string[];
  /** The environment the reading pods get (z2jh's extraEnv form), given db-proxy's address and the login Secret. */
  readonly env: (login: { readonly host: string; readonly port: number; readonly database: string; readonly secret: string }) => Readonly<Record<string, unknown>>;
}

/** A kustomize patch carried by a cluster's Flux Kustomization (per-cluster differences of shared folders). */
export interface ClusterPatch {
  readonly target: { readonly kind: string; readonly name: string; readonly namespace?: string };
  /** The patch document as plain data; rendered to YAML by the cluster template. */
  readonly patch: Record<string, unknown>;
}

export interface RenderContext {
  readonly answers: Answers;
  /** Components that end up in the repository, after toggles and needs. */
  readonly selected: ReadonlySet<string>;
  /** The same components' specs, in catalog order (the database layer serves those that declare one). */
  readonly components: readonly ComponentSpec[];
  /** The cluster a bootstrap creates Secrets for (absent: the repository-wide inventory). */
  readonly cluster?: ClusterAnswers;
}

export interface ClusterContext extends RenderContext {
  readonly cluster: ClusterAnswers;
}

/**
 * What every template of a component sees, beside the component's own view: its namespace, its
 * charts, and the two facts the shared partials print (its name, what data its namespace keeps).
 * No repository facts: a template that needs one gets it as a field of its component's view.
 */
export interface ComponentCommonView {
  readonly component: { readonly name: ComponentName; readonly keepsData: string | undefined };
  readonly namespace: string;
  /** This component's charts, keyed as in its spec: `charts.<key>.version`. */
  readonly charts: ComponentSpec['charts'];
}

/** A component's own view: any names but the common ones, so each name has one meaning in its templates. */
type OwnView = object & { readonly [K in keyof ComponentCommonView]?: never };

/**
 * One platform component: its metadata beside its templates. The catalog is a list of these;
 * nothing else names a component. A component owns its templates by convention, plus any it
 * declares in `templates` (see `templateRoots`); a template under apps/ or infrastructure/ that no
 * component owns is refused when rendering, never rendered for everyone.
 */
export interface ComponentSpec<Shared extends OwnView = object, Cluster extends OwnView = object> {
  readonly name: ComponentName;
  readonly layer: Layer;
  readonly title: string;
  /** One line for the README and prompt hints. */
  readonly summary: string;
  /** The namespace the component's objects live in (created by the repository, from this name). */
  readonly namespace: string;
  /**
   * What user data the namespace holds, if any: it is then never pruned, so turning the component
   * off in the answers removes its workloads but not its data.
   */
  readonly keepsData?: string;
  /** Components this one cannot work without; selecting it adds them (with a note). */
  readonly needs: readonly ComponentName[];
  /**
   * Apps whose Flux Kustomizations this app's waits for, beyond its database (an app whose objects
   * are another app's custom resources waits for the chart that installs their CRDs).
   */
  readonly waitsFor?: readonly ComponentName[];
  /** Charts deployed by HelmReleases, keyed by the name templates use (`charts.<key>`). */
  readonly charts: Readonly<Record<string, ChartSpec>>;
  /** Template files or folders (ending in '/') this component owns beyond the convention. */
  readonly templates?: readonly string[];
  /** Container images the templates use directly (not through a chart), each with its provenance. */
  readonly images?: Readonly<Record<string, ImageSpec>>;
  /** The database this component needs on the platform PostgreSQL, created by the database layer. */
  readonly database?: DatabaseNeed;
  /** Flux Kustomization timeout for the first install of an app (the slowest charts take ~10 minutes). */
  readonly timeout?: string;
  /** Sub-domains served under the cluster's domain, e.g. `argo` → argo.<domain>. */
  readonly hosts: readonly string[];
  /** Its settings in the answers (repository-wide and per cluster) and the questions for them. */
  readonly answers?: AnswersSection;
  /**
   * Overrides "listed in answers.components": some components follow another answer
   * (GPU on → nvidia-device-plugin, Slack on → notifications, cert-manager → cluster-issuers).
   */
  readonly toggle?: (answers: Answers, listed: ReadonlySet<string>) => boolean;
  readonly secrets: (ctx: RenderContext) => readonly SecretRequirement[];
  /**
   * The component's own view for templates shared by every cluster (infrastructure file,
   * apps/base); its overlay templates see it too. Templates see it beside `ComponentCommonView`.
   */
  readonly sharedView?: (ctx: RenderContext) => Shared;
  /**
   * The component's own view for per-environment overlay templates (apps/[environment]/<name>/),
   * beside its shared view: a name it gives is not one the shared view gives.
   */
  readonly clusterView?: (ctx: ClusterContext) => Cluster & { readonly [K in keyof Shared]?: never };
  /**
   * Whether the component runs on this cluster (default: yes). A shared component a cluster turns
   * off (GPU off on one cluster) is removed by that cluster's `clusterPatches`; this tells the
   * cluster's own objects (Alert sources, README) to leave it out too.
   */
  readonly runsOn?: (ctx: ClusterContext) => boolean;
  /** Per-cluster patches of shared infrastructure, applied by that cluster's Flux Kustomization. */
  readonly clusterPatches?: (ctx: ClusterContext) => readonly ClusterPatch[];
  /** Per-cluster values Flux fills into the component's shared files (its layer's postBuild.substitute). */
  readonly variables?: (ctx: ClusterContext) => Readonly<Record<string, string>>;
}

/** Checks a component's views against their types; the catalog holds them as plain `ComponentSpec`s. */
export const defineComponent = <Shared extends OwnView = object, Cluster extends OwnView = object>(spec: ComponentSpec<Shared, Cluster>): ComponentSpec => spec;

/**
 * The template files and folders a component owns: by convention
 * - controllers/configs: `infrastructure/<layer>/<name>.yaml.hbs`;
 * - apps: `apps/base/<name>/` and `apps/[environment]/<name>/`;
 * and whatever it declares in `templates`.
 */
export function templateRoots(spec: ComponentSpec): string[] {
  const conventional =
    spec.layer === 'apps'
      ? [`apps/base/${spec.name}/`, `apps/[environment]/${spec.name}/`]
      : spec.layer === 'database'
        ? []
        : [`infrastructure/${spec.layer}/${spec.name}.yaml.hbs`];
  return [...conventional, ...(spec.templates ?? [])];
}

/** Whether a template path falls under one of the roots (a folder ends in '/'). */
export const isUnder = (path: string, roots: readonly string[]): boolean =>
  roots.some((root) => (root.endsWith('/') ? path.startsWith(root) : path === root));
