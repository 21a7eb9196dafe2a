import { conditionOf, findObject, JOB_NAME_LABELS, type KubeObject, KUSTOMIZATION_NAME_LABEL, type LiveObjects, ofKind } from './objects.js';
import { FLUX_SYSTEM, type PlannedKustomization, type StatusPlan } from './plan.js';

/**
 * The pure core of `status`: the repository's Flux graph and one look at the cluster in, the state
 * of every node with the reason a person needs out, taken from the object that actually failed
 * (a Job's log, a pod's waiting reason, a Challenge's self check), not from the top of the chain.
 */
export type NodeState = 'ready' | 'progressing' | 'waiting' | 'failed' | 'suspended';

export interface StatusNode {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly state: NodeState;
  /** One line: Flux's own message, or what was found below it. */
  readonly reason: string;
  /** Pod findings, log lines: the evidence behind the reason. */
  readonly details: readonly string[];
  /** What to do about it (a command), when there is one thing to do. */
  readonly next?: string;
  readonly children: readonly StatusNode[];
}

export interface KustomizationStatus extends StatusNode {
  readonly layer: PlannedKustomization['layer'];
}

/** Something that differs from the repository without being a failure: a lagging revision, drift, a suspension. */
export interface DriftFinding {
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly message: string;
}

export type Outcome = 'ready' | 'progressing' | 'failed';

export interface PlatformStatus {
  readonly cluster: string;
  readonly context: string;
  readonly outcome: Outcome;
  /** The GitRepository flux-system: where the cluster reads the repository from. */
  readonly source: StatusNode;
  /** flux-system, then the cluster's Kustomizations in the order Flux reconciles them. */
  readonly kustomizations: readonly KustomizationStatus[];
  readonly drift: readonly DriftFinding[];
  /** The apps' addresses and whether the Kustomization serving each is Ready. */
  readonly urls: ReadonlyArray<{ readonly component: string; readonly url: string; readonly ready: boolean }>;
}

/** What the caller knows about the repository: the commit its branch points at (drift is skipped without it). */
export interface RepositoryState {
  readonly head?: string;
}

export function assessPlatform(plan: StatusPlan, live: LiveObjects, repository: RepositoryState = {}): PlatformStatus {
  const source = assessSource(live);
  const done = new Map<string, KustomizationStatus>();
  for (const planned of plan.kustomizations) done.set(planned.name, assessKustomization(planned, plan, live, done, source));
  const kustomizations = [...done.values()];
  // Flux's objects, Jobs and Certificates decide; a pod is evidence (an image still pulling, a
  // container restarting while its database comes up): Flux says when it has given up on it.
  const all = [source, ...kustomizations].flatMap(flatten).filter((n) => n.kind !== 'Pod');
  const outcome: Outcome = all.some((n) => n.state === 'failed' || n.state === 'suspended')
    ? 'failed'
    : all.every((n) => n.state === 'ready')
      ? 'ready'
      : 'progressing';
  return {
    cluster: plan.cluster,
    context: plan.context,
    outcome,
    source,
    kustomizations,
    drift: findDrift(plan, live, repository),
    // Up: its Kustomization is Ready and nothing below it (a Certificate) failed.
    urls: plan.endpoints.map((e) => ({ component: e.component, url: e.url, ready: [done.get(e.kustomization)].every((k) => k?.state === 'ready' && k.children.length === 0) })),
  };
}

const flatten = (n: StatusNode): StatusNode[] => [n, ...n.children.flatMap(flatten)];

/** The first line of a Flux message (health check messages can be long lists). */
const line = (text: string | undefined) => (text ?? '').split('\n')[0]!.trim();
/** A message whose lines all matter (a drift summary), on one line. */
const oneLine = (text: string | undefined) => (text ?? '').split('\n').map((l) => l.trim()).filter(Boolean).join(' ');

function assessSource(live: LiveObjects): StatusNode {
  const repo = findObject(live, 'GitRepository', FLUX_SYSTEM, FLUX_SYSTEM);
  const base = { kind: 'GitRepository', name: FLUX_SYSTEM, namespace: FLUX_SYSTEM, details: [], children: [] };
  if (!repo) return { ...base, state: 'failed', reason: 'not on the cluster: Flux is not bootstrapped on this context', next: 'run `create-piksel-gitops bootstrap` for this cluster' };
  const ready = conditionOf(repo, 'Ready');
  const revision = repo.status?.artifact?.revision as string | undefined;
  if (repo.spec?.suspend) return { ...base, state: 'suspended', reason: 'suspended', next: `flux resume source git ${FLUX_SYSTEM}` };
  if (ready?.status === 'True') return { ...base, state: 'ready', reason: `fetched ${revision ? shortRevision(revision) : 'a revision'}` };
  if (ready?.status === 'False') return { ...base, state: 'failed', reason: line(ready.message) || ready.reason || 'not ready' };
  return { ...base, state: 'progressing', reason: line(ready?.message) || 'fetching the repository' };
}

function assessKustomization(
  planned: PlannedKustomization,
  plan: StatusPlan,
  live: LiveObjects,
  done: ReadonlyMap<string, KustomizationStatus>,
  source: StatusNode,
): KustomizationStatus {
  const base = { kind: 'Kustomization', name: planned.name, namespace: FLUX_SYSTEM, layer: planned.layer };
  const object = findObject(live, 'Kustomization', FLUX_SYSTEM, planned.name);
  if (!object) {
    const parent = planned.appliedBy ? done.get(planned.appliedBy) : undefined;
    return parent && parent.state !== 'ready'
      ? { ...base, state: 'waiting', reason: `not applied yet: ${planned.appliedBy} applies it once it can`, details: [], children: [] }
      : { ...base, state: 'progressing', reason: 'not on the cluster yet', details: [], children: [] };
  }
  if (object.spec?.suspend) return { ...base, state: 'suspended', reason: 'suspended: Flux does not apply it', details: [], next: `flux resume kustomization ${planned.name}`, children: [] };
  const ready = conditionOf(object, 'Ready');
  const current = object.status?.observedGeneration === undefined || object.metadata.generation === undefined || object.status.observedGeneration >= object.metadata.generation;
  // Ready, but a Certificate of its ingresses (made by cert-manager, not by Flux) may still fail.
  if (ready?.status === 'True' && current) return { ...base, state: 'ready', reason: line(ready.message), details: [], children: certificatesOf(planned, live) };
  const children = childrenOf(planned, plan, live);
  if (ready?.status === 'False' && ready.reason === 'DependencyNotReady') {
    const dependency = /dependency '(?:[^/']+\/)?([^']+)'/.exec(ready.message ?? '')?.[1] ?? planned.dependsOn.find((d) => done.get(d)?.state !== 'ready');
    const blocker = dependency ? done.get(dependency) : undefined;
    const why = blocker && blocker.state !== 'ready' ? ` (${blocker.state === 'failed' ? 'failed' : blocker.state}${blocker.state === 'failed' ? ': see above' : ''})` : '';
    return { ...base, state: 'waiting', reason: `waiting for ${dependency ?? 'a dependency'}${why}`, details: [], children };
  }
  // Without the repository's artifact nothing applies: the GitRepository says why (above).
  if (ready?.status === 'False' && ready.reason === 'ArtifactFailed' && source.state !== 'ready')
    return { ...base, state: 'waiting', reason: `waiting for GitRepository ${FLUX_SYSTEM} (${source.state}: see above)`, details: [], children: [] };
  const failedChild = children.find((c) => c.state === 'failed' && c.kind !== 'Pod');
  if (ready?.status === 'False') {
    const reason = line(ready.message) || ready.reason || 'not ready';
    return { ...base, state: 'failed', reason: failedChild ? `${failedChild.kind} ${failedChild.namespace}/${failedChild.name} failed: ${reason}` : reason, details: [], children };
  }
  // Still reconciling: a child that already failed says why it will not become Ready.
  const reconciling = conditionOf(object, 'Reconciling');
  return { ...base, state: failedChild ? 'failed' : 'progressing', reason: line(reconciling?.message ?? ready?.message) || 'reconciling', details: [], children };
}

/** What a Kustomization applied (Flux's labels) and the Certificates and pods of its namespaces. */
function childrenOf(planned: PlannedKustomization, plan: StatusPlan, live: LiveObjects): StatusNode[] {
  const applied = (kind: string) => ofKind(live, kind).filter((o) => o.metadata.labels?.[KUSTOMIZATION_NAME_LABEL] === planned.name);
  const releases = applied('HelmRelease').map((r) => assessRelease(r, plan, live));
  const jobs = applied('Job').map((j) => assessJob(j, planned.name, plan, live));
  const children = [...releases, ...jobs].filter((c) => c.state !== 'ready').concat(certificatesOf(planned, live));
  if (children.length > 0) return children;
  // No release or Job to blame (plain Deployments): the pods of its namespaces that are not ready.
  const pods = planned.namespaces.flatMap((ns) => unhealthyPods(live, ns)).filter((p) => !isJobPod(p));
  return pods.map((p) => podNode(p, plan, live));
}

const certificatesOf = (planned: PlannedKustomization, live: LiveObjects) =>
  planned.namespaces.flatMap((ns) => ofKind(live, 'Certificate', ns)).map((c) => assessCertificate(c, live)).filter((c) => c.state !== 'ready');

function assessRelease(release: KubeObject, plan: StatusPlan, live: LiveObjects): StatusNode {
  const namespace = release.metadata.namespace ?? '';
  const base = { kind: 'HelmRelease', name: release.metadata.name, namespace };
  if (release.spec?.suspend) return { ...base, state: 'suspended', reason: 'suspended', details: [], next: `flux resume helmrelease ${release.metadata.name} --namespace=${namespace}`, children: [] };
  const ready = conditionOf(release, 'Ready');
  if (ready?.status === 'True') return { ...base, state: 'ready', reason: line(ready.message), details: [], children: [] };
  const targetNamespace = (release.spec?.targetNamespace as string | undefined) ?? namespace;
  const releaseName = (release.spec?.releaseName as string | undefined) ?? (release.spec?.targetNamespace ? `${targetNamespace}-${release.metadata.name}` : release.metadata.name);
  const pods = podsOfRelease(live, targetNamespace, releaseName).map((p) => podNode(p, plan, live));
  const message = line(ready?.message) || ready?.reason || 'not ready';
  const secret = missingSecretIn(ready?.message ?? '', namespace);
  const state: NodeState = ready?.status !== 'False' ? 'progressing' : ready.reason === 'DependencyNotReady' ? 'waiting' : 'failed';
  // The pods below say what to do about themselves; a values Secret Flux could not read is the release's own.
  return { ...base, state, reason: message, details: [], ...(secret ? { next: secretHint(secret, plan) } : {}), children: pods };
}

function assessJob(job: KubeObject, kustomization: string, plan: StatusPlan, live: LiveObjects): StatusNode {
  const namespace = job.metadata.namespace ?? '';
  const base = { kind: 'Job', name: job.metadata.name, namespace };
  if (conditionOf(job, 'Complete')?.status === 'True') return { ...base, state: 'ready', reason: 'completed', details: [], children: [] };
  const pods = ofKind(live, 'Pod', namespace).filter((p) => JOB_NAME_LABELS.some((l) => p.metadata.labels?.[l] === job.metadata.name));
  const lastFailed = pods.filter((p) => p.status?.phase === 'Failed').sort(byCreation).at(-1);
  const log = lastFailed ? (live.logs[`${namespace}/${lastFailed.metadata.name}`] ?? []) : [];
  const details = lastFailed ? [`pod ${lastFailed.metadata.name} failed; its last log lines:`, ...log.map((l) => `│ ${l}`)] : [];
  const rerun = `kubectl --context=${plan.context} --namespace=${namespace} delete job ${job.metadata.name} && flux --context=${plan.context} reconcile kustomization ${kustomization}`;
  const failed = conditionOf(job, 'Failed');
  const secret = missingSecretIn(pods.flatMap(podMessages).join('\n'), namespace);
  if (failed?.status === 'True')
    return { ...base, state: 'failed', reason: `${failed.reason ?? 'Failed'}: ${line(failed.message)}`, details, next: secret ? secretHint(secret, plan) : `fix the cause, then re-run it: ${rerun}`, children: [] };
  const attempts = Number(job.status?.failed ?? 0);
  const waiting = pods.filter((p) => p.status?.phase !== 'Failed' && p.status?.phase !== 'Succeeded').map((p) => podNode(p, plan, live)).filter((p) => p.state !== 'ready');
  const reason = attempts > 0 ? `running; ${attempts} attempt${attempts === 1 ? '' : 's'} failed so far` : 'running';
  const next = secret ? secretHint(secret, plan) : waiting.find((p) => p.next)?.next;
  return { ...base, state: 'progressing', reason, details, ...(next ? { next } : {}), children: waiting };
}

function assessCertificate(certificate: KubeObject, live: LiveObjects): StatusNode {
  const namespace = certificate.metadata.namespace ?? '';
  const base = { kind: 'Certificate', name: certificate.metadata.name, namespace, children: [] };
  const ready = conditionOf(certificate, 'Ready');
  if (ready?.status === 'True') return { ...base, state: 'ready', reason: line(ready.message), details: [] };
  const names: string[] = certificate.spec?.dnsNames ?? [];
  const challenges = ofKind(live, 'Challenge', namespace).filter((c) => names.includes(c.spec?.dnsName));
  const details = challenges.map((c) => `${c.spec?.type ?? 'ACME'} challenge for ${c.spec?.dnsName}: ${c.status?.state || 'pending'}${c.status?.reason ? `: ${line(c.status.reason)}` : ''}`);
  const broken = challenges.find((c) => ['invalid', 'errored', 'expired'].includes(c.status?.state) || /self check|no such host|NXDOMAIN|connection refused|timeout/i.test(c.status?.reason ?? ''));
  const next = broken ? challengeHint(broken) : undefined;
  return { ...base, state: broken ? 'failed' : 'progressing', reason: line(ready?.message) || 'not issued yet', details, ...(next ? { next } : {}) };
}

/** Where each edge's address is read (the cluster runs Envoy Gateway, ingress-nginx, or both while moving). */
const EDGE_ADDRESSES =
  "Envoy Gateway: `kubectl get gateway edge --namespace=envoy-gateway-system`; ingress-nginx: `kubectl get service --namespace=ingress-nginx`";

/** What a failing ACME challenge asks the person to fix. */
function challengeHint(challenge: KubeObject): string {
  const host = challenge.spec?.dnsName as string;
  const reason = (challenge.status?.reason as string | undefined) ?? '';
  if (/no such host|NXDOMAIN|server misbehaving/i.test(reason))
    return `DNS: ${host} does not resolve; point it at the edge (${EDGE_ADDRESSES})`;
  if (/HTTP-01/i.test(challenge.spec?.type ?? '') || /self check/i.test(reason))
    return `HTTP-01: http://${host}/.well-known/acme-challenge/ is not reachable through the edge; check that ${host} points at the edge's address (${EDGE_ADDRESSES}) and port 80 is open`;
  return `the ${challenge.spec?.type ?? 'ACME'} challenge for ${host} failed: check the DNS records of ${host}`;
}

// ---- pods ----

const CONTAINER_PROBLEMS = ['ImagePullBackOff', 'ErrImagePull', 'CrashLoopBackOff', 'CreateContainerConfigError', 'CreateContainerError', 'InvalidImageName', 'RunContainerError'];

const isJobPod = (pod: KubeObject) => JOB_NAME_LABELS.some((l) => pod.metadata.labels?.[l] !== undefined);
const byCreation = (a: KubeObject, b: KubeObject) => String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? ''));

// biome-ignore lint/suspicious/noExplicitAny: container statuses as the Pod API defines them
const containerStatuses = (pod: KubeObject): any[] => [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];

function isUnhealthy(pod: KubeObject): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded') return false;
  if (phase !== 'Running') return true;
  return conditionOf(pod, 'Ready')?.status !== 'True';
}

const unhealthyPods = (live: LiveObjects, namespace: string) => ofKind(live, 'Pod', namespace).filter(isUnhealthy);

/** The pods of a Helm release (by the labels charts set), else every pod of its namespace. */
function podsOfRelease(live: LiveObjects, namespace: string, releaseName: string): KubeObject[] {
  const pods = ofKind(live, 'Pod', namespace);
  const labelled = pods.filter((p) => p.metadata.labels?.['app.kubernetes.io/instance'] === releaseName || p.metadata.labels?.release === releaseName);
  return (labelled.length > 0 ? labelled : pods).filter(isUnhealthy);
}

/** Every message a pod carries: its containers' waiting messages and the Events about it. */
const podMessages = (pod: KubeObject): string[] => containerStatuses(pod).map((c) => c.state?.waiting?.message ?? '');

function podEvents(live: LiveObjects, pod: KubeObject): KubeObject[] {
  return ofKind(live, 'Event', pod.metadata.namespace).filter((e) => e.involvedObject?.kind === 'Pod' && e.involvedObject.name === pod.metadata.name);
}

/** One pod that is not ready, and why: the waiting container, the scheduler's message, its log. */
function podNode(pod: KubeObject, plan: StatusPlan, live: LiveObjects): StatusNode {
  const namespace = pod.metadata.namespace ?? '';
  const base = { kind: 'Pod', name: pod.metadata.name, namespace, children: [] };
  const events = podEvents(live, pod);
  const messages = [...podMessages(pod), ...events.map((e) => e.message ?? '')].join('\n');
  const secret = missingSecretIn(messages, namespace);
  const secretNext = secret ? { next: secretHint(secret, plan) } : {};
  const stuck = containerStatuses(pod).find((c) => CONTAINER_PROBLEMS.includes(c.state?.waiting?.reason));
  if (stuck) {
    const why = stuck.state.waiting.reason as string;
    const message = line(stuck.state.waiting.message);
    if (why === 'CrashLoopBackOff') {
      const log = live.logs[`${namespace}/${pod.metadata.name}`] ?? [];
      const restarts = Number(stuck.restartCount ?? 0);
      return { ...base, state: 'failed', reason: `CrashLoopBackOff: container ${stuck.name} exits (restarted ${restarts} times)`, details: log.length > 0 ? ['its last log lines:', ...log.map((l) => `│ ${l}`)] : [], ...secretNext };
    }
    if (why === 'ImagePullBackOff' || why === 'ErrImagePull' || why === 'InvalidImageName')
      return { ...base, state: 'failed', reason: `${why}: image ${stuck.image} cannot be pulled${message ? ` (${message})` : ''}`, details: [], next: `check that ${stuck.image} exists and the cluster can reach its registry` };
    return { ...base, state: 'failed', reason: `${why}: ${message || `container ${stuck.name} cannot start`}`, details: [], ...secretNext };
  }
  const scheduled = conditionOf(pod, 'PodScheduled');
  if (pod.status?.phase === 'Pending' && scheduled?.status === 'False') {
    const message = line(scheduled.message);
    return { ...base, state: 'failed', reason: `Pending: ${message || scheduled.reason || 'not scheduled'}`, details: pendingClaims(live, pod), ...schedulingHint(message, live, pod) };
  }
  if (secret) return { ...base, state: 'failed', reason: `cannot start: ${line(events.find((e) => missingSecretIn(e.message ?? '', namespace))?.message)}`, details: [], ...secretNext };
  const waiting = containerStatuses(pod).find((c) => c.state?.waiting);
  return { ...base, state: 'progressing', reason: waiting ? `${waiting.state.waiting.reason ?? 'waiting'}: container ${waiting.name}` : `${pod.status?.phase ?? 'Pending'}, not ready yet`, details: [] };
}

/** The claims of a pending pod that are not bound, with what their Events say (a missing StorageClass). */
function pendingClaims(live: LiveObjects, pod: KubeObject): string[] {
  const claims: string[] = (pod.spec?.volumes ?? []).flatMap((v: { persistentVolumeClaim?: { claimName: string } }) => (v.persistentVolumeClaim ? [v.persistentVolumeClaim.claimName] : []));
  return claims.flatMap((name) => {
    const pvc = findObject(live, 'PersistentVolumeClaim', pod.metadata.namespace ?? '', name);
    if (!pvc || pvc.status?.phase === 'Bound') return [];
    const event = ofKind(live, 'Event', pod.metadata.namespace).filter((e) => e.involvedObject?.kind === 'PersistentVolumeClaim' && e.involvedObject.name === name).at(-1);
    return [`PersistentVolumeClaim ${name}: ${pvc.status?.phase ?? 'Pending'}${event?.message ? `: ${line(event.message)}` : ''}`];
  });
}

function schedulingHint(message: string, live: LiveObjects, pod: KubeObject): { next?: string } {
  if (/nvidia\.com\/gpu/.test(message)) return { next: 'no node offers a GPU (nvidia.com/gpu): add a GPU node (with the NVIDIA device plugin running on it), or turn GPUs off for this cluster (gpu.enabled=false) and upgrade the repository' };
  if (/unbound immediate PersistentVolumeClaims|unbound PersistentVolumeClaims/.test(message)) {
    const claims = pendingClaims(live, pod).join('\n');
    const missingClass = /storageclass[^"]*"([^"]+)" not found/i.exec(claims)?.[1];
    if (missingClass) return { next: `StorageClass ${missingClass} does not exist on the cluster: create it (on EKS: the EBS CSI driver and a ${missingClass} StorageClass), or choose one that exists (clusters[].aws.storageClass) and upgrade the repository` };
    if (/no storage class is set/i.test(claims)) return { next: 'the cluster has no default StorageClass: mark one default (`kubectl annotate storageclass NAME storageclass.kubernetes.io/is-default-class=true`) or install a CSI driver' };
    return { next: 'a volume cannot be provisioned: check the cluster\'s StorageClasses (`kubectl get storageclass`)' };
  }
  if (/Insufficient (cpu|memory)/.test(message)) return { next: 'the nodes are full: add nodes or larger ones' };
  return {};
}

// ---- Secrets ----

/** `secrets "name" not found` (the API's NotFound error, in pod events and Flux messages) → namespace/name. */
function missingSecretIn(text: string, namespace: string): string | undefined {
  const name = /secrets? "([a-z0-9.-]+)" not found/i.exec(text)?.[1];
  return name ? `${namespace}/${name}` : undefined;
}

const secretHint = (secret: string, plan: StatusPlan) =>
  plan.secrets.includes(secret)
    ? `Secret ${secret} is missing: create it with \`${plan.secretsCommand}\``
    : `Secret ${secret} is missing: it is the operator's to create (see the cluster README, "Secrets")`;

// ---- drift ----

const shortRevision = (revision: string) => revision.replace(/@sha1:([0-9a-f]{7})[0-9a-f]*$/, '@$1');

function findDrift(plan: StatusPlan, live: LiveObjects, repository: RepositoryState): DriftFinding[] {
  const findings: DriftFinding[] = [];
  const source = findObject(live, 'GitRepository', FLUX_SYSTEM, FLUX_SYSTEM);
  const fetched = source?.status?.artifact?.revision as string | undefined;
  const fetchedSha = fetched ? /sha1:([0-9a-f]+)$/.exec(fetched)?.[1] : undefined;
  if (source && repository.head && fetchedSha && fetchedSha !== repository.head)
    findings.push({
      kind: 'GitRepository',
      name: FLUX_SYSTEM,
      namespace: FLUX_SYSTEM,
      message: `the cluster has ${shortRevision(fetched!)}, but ${plan.branch} is at ${repository.head.slice(0, 7)} here: push it, or wait for Flux to fetch (\`flux reconcile source git ${FLUX_SYSTEM}\`)`,
    });
  for (const planned of plan.kustomizations) {
    const k = findObject(live, 'Kustomization', FLUX_SYSTEM, planned.name);
    if (!k) continue;
    if (k.spec?.suspend) findings.push({ kind: 'Kustomization', name: planned.name, namespace: FLUX_SYSTEM, message: `suspended: changes to ${planned.path} are not applied (\`flux resume kustomization ${planned.name}\`)` });
    const applied = k.status?.lastAppliedRevision as string | undefined;
    if (fetched && applied && applied !== fetched)
      findings.push({ kind: 'Kustomization', name: planned.name, namespace: FLUX_SYSTEM, message: `applied ${shortRevision(applied)}, not yet ${shortRevision(fetched)}` });
  }
  for (const release of ofKind(live, 'HelmRelease')) {
    const ns = release.metadata.namespace ?? '';
    if (release.spec?.suspend) findings.push({ kind: 'HelmRelease', name: release.metadata.name, namespace: ns, message: 'suspended: Flux does not upgrade or repair it' });
    const drifted = conditionOf(release, 'Drifted');
    if (drifted?.status === 'True') findings.push({ kind: 'HelmRelease', name: release.metadata.name, namespace: ns, message: `drifted: ${oneLine(drifted.message)}` });
  }
  return findings;
}

// ---- what the edge reads next ----

/** The pods whose logs explain a failure: crash-looping containers (their previous run) and failed Job pods. */
export function logsWanted(live: LiveObjects): Array<{ namespace: string; pod: string; container: string; previous: boolean }> {
  const wanted: Array<{ namespace: string; pod: string; container: string; previous: boolean }> = [];
  for (const pod of ofKind(live, 'Pod')) {
    const ns = pod.metadata.namespace ?? '';
    const looping = containerStatuses(pod).find((c) => c.state?.waiting?.reason === 'CrashLoopBackOff');
    if (looping) wanted.push({ namespace: ns, pod: pod.metadata.name, container: looping.name, previous: true });
    else if (isJobPod(pod) && pod.status?.phase === 'Failed') {
      const failed = containerStatuses(pod).find((c) => (c.state?.terminated?.exitCode ?? 0) !== 0) ?? containerStatuses(pod)[0];
      if (failed) wanted.push({ namespace: ns, pod: pod.metadata.name, container: failed.name, previous: false });
    }
  }
  return wanted;
}
