import { existsSync, writeFileSync } from 'node:fs';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { runProcess, type ProcessRunner } from '../../src/process.js';
import { tempDir } from '../support/cli.js';

/**
 * Recording stand-ins for `flux` and `kubectl`. Each call appends its argv, the NAMES of the
 * secret variables it saw, and its stdin to one log. Told what to do by env:
 *   FAKE_FLUX_VERSION=2.6.0        what `flux --version` reports (default 2.9.4)
 *   FAKE_FLUX_FAIL=check|bootstrap  that subcommand prints a flux-style ✗ line and exits 1
 *   FAKE_REMOTE=/path/remote.git   bootstrap commits <path>/flux-system/ there (creating the bare
 *                                  repository when missing, as the providers do)
 *   FAKE_KUBE_CONTEXT / FAKE_KUBE_CONTEXTS  current context ('' for none) / all contexts
 *   FAKE_KUBECTL_FAIL=apply|restart|wait `kubectl apply` / `kubectl rollout restart` / `kubectl wait` fails
 *   FAKE_AWS_PRESENT=ebs,alb,external-dns  which AWS prerequisites `kubectl get` finds (default none)
 * kubectl keeps a small cluster state (namespaces, Secrets) in kube-state.json beside bin/: applied
 * manifests (stdin) create them, `get secret|namespace NAME... --ignore-not-found` finds them.
 * The tools under test run children with an environment allow-list, so the FAKE_* settings also
 * reach the stand-ins through fake.json beside bin/, rewritten by each env() call.
 * `kubectl kustomize` (the validator's offline builds) goes to the real kubectl, unrecorded.
 * Flux and cert-manager kinds answer as on a cluster without them ("doesn't have a resource
 * type"), unless a test installed a platform to look at (test/status/fake-cluster.ts).
 *
 * One implementation (FAKE_TOOLS, a module written beside bin/) serves two ways: the scripts in
 * bin/ run it as processes, for the CLI tests; `fakeAwareRunner` runs it in the test's own process
 * when the PATH a command is given finds one of those scripts, for the tests that call the
 * commands in-process (a kubectl call is then a function call, not three processes).
 */
export const SECRET_VARIABLES = [
  'GITHUB_TOKEN',
  'GITLAB_TOKEN',
  'GITEA_TOKEN',
  'BITBUCKET_TOKEN',
  'GIT_PASSWORD',
  'SLACK_WEBHOOK_URL',
  'PIKSEL_DB_ADMIN_USERNAME',
  'PIKSEL_DB_ADMIN_PASSWORD',
];

/** The stand-ins: `runFake(tool, argv, { env, stdin, root })` → { code, stdout, stderr }. */
const FAKE_TOOLS = `
import { execFile } from 'node:child_process';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';

const SECRET_VARIABLES = ${JSON.stringify(SECRET_VARIABLES)};
const run = promisify(execFile);

export async function runFake(tool, argv, { env, stdin, root }) {
  // Settings from fake.json, for variables the environment does not already carry.
  const settings = existsSync(join(root, 'fake.json')) ? JSON.parse(readFileSync(join(root, 'fake.json'), 'utf8')) : {};
  for (const [k, v] of Object.entries(settings)) if (env[k] === undefined) env = { ...env, [k]: v };
  if (!env.FAKE_LOG) return { code: 2, stdout: '', stderr: 'FAKE_LOG is not set\\n' };
  appendFileSync(env.FAKE_LOG, JSON.stringify({ tool, args: argv, secrets: SECRET_VARIABLES.filter((v) => env[v]), stdin }) + '\\n');
  const out = { code: 0, stdout: '', stderr: '' };
  const say = (line) => { out.stdout += line + '\\n'; };
  const err = (line) => { out.stderr += line + '\\n'; };
  const fail = (line, code = 1) => { err(line); out.code = code; return out; };
  const state = kubeState(join(root, 'kube-state.json'));
  if (tool === 'flux') {
    const arg = (name) => argv.find((a) => a.startsWith('--' + name + '='))?.slice(name.length + 3) ?? '';
    const version = env.FAKE_FLUX_VERSION || '2.9.4';
    switch (argv[0]) {
      case '--version': say('flux version ' + version); return out;
      case 'check':
        err('► checking prerequisites');
        if (env.FAKE_FLUX_FAIL === 'check') return fail('✗ Kubernetes version v1.29.0 does not match >=1.33.0-0');
        err('✔ prerequisites checks passed');
        return out;
      case 'bootstrap': {
        err('► connecting to the Git provider');
        if (env.FAKE_FLUX_FAIL === 'bootstrap') return fail('✗ failed to push manifests: remote: error: GH006: Protected branch update failed; protected branch hook declined');
        const path = arg('path'), branch = arg('branch'), remote = env.FAKE_REMOTE;
        if (remote) {
          const git = (...args) => run('git', args, { env });
          if (!existsSync(remote)) await git('init', '-q', '--bare', remote);
          const work = mkdtempSync(join(root, 'flux-work-')); // in the fakes' folder: gone with it, whatever happens
          try {
            await git('init', '-q', work);
            const fetched = await git('-C', work, 'fetch', '-q', remote, branch).then(() => true, () => false);
            await (fetched ? git('-C', work, 'checkout', '-q', '-B', branch, 'FETCH_HEAD') : git('-C', work, 'checkout', '-q', '-b', branch));
            const dir = join(work, path, 'flux-system');
            mkdirSync(dir, { recursive: true });
            writeFileSync(join(dir, 'gotk-components.yaml'), '# generated by flux. DO NOT EDIT\\n# Flux Version: v' + version + '\\n');
            writeFileSync(join(dir, 'gotk-sync.yaml'), 'apiVersion: source.toolkit.fluxcd.io/v1\\nkind: GitRepository\\nmetadata:\\n  name: flux-system\\n');
            writeFileSync(join(dir, 'kustomization.yaml'), 'apiVersion: kustomize.config.k8s.io/v1beta1\\nkind: Kustomization\\nresources: [gotk-components.yaml, gotk-sync.yaml]\\n');
            await git('-C', work, 'add', '-A');
            if (await git('-C', work, 'diff', '--cached', '--quiet').then(() => false, () => true)) {
              await git('-C', work, '-c', 'user.name=Flux', '-c', 'user.email=flux@example.invalid', 'commit', '-q', '-m', 'Add Flux v' + version + ' component manifests');
              await git('-C', work, 'push', '-q', remote, 'HEAD:refs/heads/' + branch);
              err('✔ committed component manifests to "' + branch + '"');
            } else err('✔ component manifests are up to date');
          } finally {
            rmSync(work, { recursive: true, force: true });
          }
        }
        state.addNamespace('flux-system');
        err('✔ bootstrap finished');
        return out;
      }
      default: return fail('fake flux: unsupported: ' + argv.join(' '), 2);
    }
  }
  const words = argv.filter((a) => !a.startsWith('-'));
  if (words[0] === 'config' && words[1] === 'current-context') {
    const context = env.FAKE_KUBE_CONTEXT ?? 'kind-piksel';
    if (!context) return fail('error: current-context is not set');
    say(context);
    return out;
  }
  if (words[0] === 'config' && words[1] === 'get-contexts') {
    for (const c of (env.FAKE_KUBE_CONTEXTS || 'kind-piksel').split(/\\s+/).filter(Boolean)) say(c);
    return out;
  }
  // A platform to look at (test/status/fake-cluster.ts), when a test installed one.
  const platform = join(root, 'platform-server.mjs');
  if (existsSync(platform)) {
    const served = (await import(pathToFileURL(platform).href)).servePlatform(argv, join(root, 'platform'));
    if (served) return served;
  }
  return kubectl(argv, stdin, env, state, out, say, fail);
}

/** The stand-in cluster: namespaces and Secrets, in a JSON file (a test's temp folder). */
function kubeState(path) {
  const state = existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : { namespaces: ['default', 'kube-system', 'kube-public'], secrets: {} };
  return {
    state,
    save: () => writeFileSync(path, JSON.stringify(state)),
    addNamespace(name) {
      if (!state.namespaces.includes(name)) state.namespaces.push(name);
      writeFileSync(path, JSON.stringify(state));
    },
  };
}

function kubectl(argv, stdin, env, { state, save }, out, say, fail) {
  const flags = {};
  const words = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a.startsWith('--')) { const eq = a.indexOf('='); flags[eq < 0 ? a.slice(2) : a.slice(2, eq)] = eq < 0 ? true : a.slice(eq + 1); }
    else if (a === '-n') flags.namespace = argv[++i];
    else if (a === '-A') flags['all-namespaces'] = true;
    else if (a === '-l') flags.selector = argv[++i];
    else if (a === '-o') flags.output = argv[++i];
    else words.push(a);
  }
  const present = (env.FAKE_AWS_PRESENT ?? '').split(',');
  const [verb, kind, name] = words;
  const ns = flags.namespace ?? 'default';
  if (verb === 'get' && kind === 'secret' && words.length > 3) {
    // Several names: each one found is printed (--output=name), the others only with --ignore-not-found.
    for (const each of words.slice(2)) {
      if (state.secrets[ns + '/' + each]) say('secret/' + each);
      else if (!flags['ignore-not-found']) return fail('Error from server (NotFound): secrets "' + each + '" not found');
    }
  } else if (verb === 'get') {
    let found;
    if (kind === 'secret') found = state.secrets[ns + '/' + name] && { kind: 'Secret', metadata: { name, namespace: ns }, data: state.secrets[ns + '/' + name] };
    else if (kind === 'namespace') found = state.namespaces.includes(name) && { kind: 'Namespace', metadata: { name } };
    else if (kind === 'csidriver') found = name === 'ebs.csi.aws.com' && present.includes('ebs') && { metadata: { name } };
    else if (kind === 'deployment' && name === 'aws-load-balancer-controller') found = ns === 'kube-system' && present.includes('alb') && { metadata: { name } };
    else if (kind === 'deployment' && flags['all-namespaces']) {
      if (present.includes('external-dns')) say('deployment.apps/external-dns');
      else out.stderr += 'No resources found\\n';
      return out;
    } else if (/fluxcd\\.io|cert-manager\\.io/.test(kind)) return fail('error: the server doesn\\'t have a resource type "' + kind.split('.')[0] + '"');
    else return fail('fake kubectl: unsupported get: ' + argv.join(' '));
    if (!found) return flags['ignore-not-found'] ? out : fail('Error from server (NotFound): ' + kind + ' "' + name + '" not found');
    say(flags.output === 'json' ? JSON.stringify(found) : kind + '/' + name);
  } else if (verb === 'apply' && flags.filename && flags.filename !== '-') {
    // A release manifest by URL (the Flux Operator's): its namespace and Deployment appear.
    if (!state.namespaces.includes('flux-system')) state.namespaces.push('flux-system');
    state.applied = [...(state.applied ?? []), flags.filename];
    save();
    say('deployment.apps/flux-operator serverside-applied');
  } else if (verb === 'apply') {
    if (env.FAKE_KUBECTL_FAIL === 'apply') return fail('Error from server (Forbidden): secrets is forbidden');
    const doc = JSON.parse(stdin);
    for (const o of doc.kind === 'List' ? doc.items : [doc]) {
      if (o.kind === 'Namespace') { if (!state.namespaces.includes(o.metadata.name)) state.namespaces.push(o.metadata.name); }
      else if (o.kind === 'Secret') {
        if (!state.namespaces.includes(o.metadata.namespace)) return fail('Error from server (NotFound): namespaces "' + o.metadata.namespace + '" not found');
        const data = { ...(o.data ?? {}) };
        for (const [k, v] of Object.entries(o.stringData ?? {})) data[k] = Buffer.from(v).toString('base64');
        state.secrets[o.metadata.namespace + '/' + o.metadata.name] = data;
      } else if (o.kind === 'FluxInstance') {
        if (!state.namespaces.includes(o.metadata.namespace)) return fail('Error from server (NotFound): namespaces "' + o.metadata.namespace + '" not found');
        state.fluxInstance = o;
      } else return fail('fake kubectl: unsupported kind ' + o.kind);
      say(o.kind.toLowerCase() + '/' + o.metadata.name + ' serverside-applied');
    }
    save();
  } else if (verb === 'rollout' && kind === 'restart') {
    if (env.FAKE_KUBECTL_FAIL === 'restart') return fail('Error from server (NotFound): deployments.apps "' + (name ?? '') + '" not found');
    say('deployment.apps/' + (name ?? 'all') + ' restarted');
  } else if (verb === 'rollout' && kind === 'status') say(name + ' successfully rolled out');
  else if (verb === 'wait') {
    if (env.FAKE_KUBECTL_FAIL === 'wait') return fail('error: timed out waiting for the condition on fluxinstances/flux');
    say(kind + ' condition met');
  } else if (verb === 'delete' && kind === 'job') say('job.batch "' + name + '" deleted');
  else if (verb === 'annotate') say(kind + ' annotated');
  else return fail('fake kubectl: unsupported: ' + argv.join(' '));
  return out;
}
`;

/** A script in bin/: the stand-in as a process (offline builds go to the real kubectl). */
const script = (tool: 'flux' | 'kubectl', root: string) => `#!/usr/bin/env node
// Recording stand-in for ${tool} (tests only).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
const argv = process.argv.slice(2);
if (${JSON.stringify(tool)} === 'kubectl' && argv[0] === 'kustomize') {
  const real = spawnSync('kubectl', argv, { stdio: 'inherit', env: { ...process.env, PATH: process.env.FAKE_REAL_PATH } });
  process.exit(real.status ?? 1);
}
let stdin = '';
try { stdin = readFileSync(0, 'utf8'); } catch {}
const { runFake } = await import(${JSON.stringify(pathToFileURL(join(root, 'fake-tools.mjs')).href)});
const out = await runFake(${JSON.stringify(tool)}, argv, { env: { ...process.env }, stdin, root: ${JSON.stringify(root)} });
process.stdout.write(out.stdout);
process.stderr.write(out.stderr);
process.exitCode = out.code;
`;

interface FakeModule {
  runFake(tool: 'flux' | 'kubectl', argv: readonly string[], options: { env: NodeJS.ProcessEnv; stdin: string; root: string }): Promise<{ code: number; stdout: string; stderr: string }>;
}

/**
 * The fakes' bin folders → their root and module, for the in-process runner. The module is
 * imported when a command first runs in-process, not at install: an import started and never
 * awaited fails unhandled (failing the whole run) when the file's folder is removed first.
 */
const installed = new Map<string, { root: string; module: () => Promise<FakeModule> }>();

/**
 * runProcess, except that a flux or kubectl the given PATH finds among the fakes' scripts runs in
 * this process: same stand-in, same log and cluster state, same exit code and output lines.
 */
export const fakeAwareRunner: ProcessRunner = async (command, args, options = {}) => {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete env[k];
  const dir = (env.PATH ?? '').split(delimiter).find((d) => d && existsSync(join(d, command)));
  const fake = dir === undefined ? undefined : installed.get(dir);
  if (!fake || (command !== 'flux' && command !== 'kubectl')) return runProcess(command, args, options);
  if (command === 'kubectl' && args[0] === 'kustomize') return runProcess(command, args, { ...options, env: { ...options.env, PATH: env.FAKE_REAL_PATH ?? process.env.PATH } });
  const out = await (await fake.module()).runFake(command, args, { env, stdin: options.input ?? '', root: fake.root });
  if (options.onLine) for (const line of `${out.stdout}${out.stderr}`.split('\n')) if (line.trim() !== '') options.onLine(line);
  return { exitCode: out.code, stdout: out.stdout, stderr: out.stderr, notFound: false };
};

export interface FakeCall {
  readonly tool: 'flux' | 'kubectl';
  readonly args: string[];
  /** Names of secret variables present in its environment. */
  readonly secrets: string[];
  readonly stdin: string;
}

export interface Fakes {
  /** flux and kubectl. */
  readonly bin: string;
  /** kubectl only: `flux` is missing from PATH. */
  readonly binWithoutFlux: string;
  readonly log: string;
  /** PATH with the fakes first (and FAKE_LOG) over the given variables. */
  env(vars?: Record<string, string | undefined>, options?: { withoutFlux?: boolean }): NodeJS.ProcessEnv;
  calls(): Promise<FakeCall[]>;
  /** The raw log text (a JSON line per call). */
  rawLog(): Promise<string>;
  /** The Secrets in the stand-in cluster: `namespace/name` → key → value (decoded). */
  clusterSecrets(): Promise<Record<string, Record<string, string>>>;
  /** Puts Secrets (and their namespaces) into the stand-in cluster, as if made by hand. */
  seedSecrets(secrets: Record<string, Record<string, string>>): Promise<void>;
}

export async function installFakes(): Promise<Fakes> {
  const root = await tempDir('piksel-fakes-');
  const bin = join(root, 'bin');
  const binWithoutFlux = join(root, 'bin-without-flux');
  const log = join(root, 'calls.log');
  await mkdir(bin);
  await mkdir(binWithoutFlux);
  await writeFile(join(root, 'fake-tools.mjs'), FAKE_TOOLS);
  for (const [dir, name] of [
    [bin, 'flux'],
    [bin, 'kubectl'],
    [binWithoutFlux, 'kubectl'],
  ] as const) {
    await writeFile(join(dir, name), script(name, root));
    await chmod(join(dir, name), 0o755);
  }
  let loaded: Promise<FakeModule> | undefined;
  const module = () => {
    loaded ??= import(pathToFileURL(join(root, 'fake-tools.mjs')).href) as Promise<FakeModule>;
    return loaded;
  };
  installed.set(bin, { root, module });
  installed.set(binWithoutFlux, { root, module });
  const statePath = join(root, 'kube-state.json');
  const readState = async (): Promise<{ namespaces: string[]; secrets: Record<string, Record<string, string>> }> =>
    JSON.parse(await readFile(statePath, 'utf8').catch(() => JSON.stringify({ namespaces: ['default', 'kube-system', 'kube-public'], secrets: {} })));
  const rawLog = async () => readFile(log, 'utf8').catch(() => '');
  return {
    bin,
    binWithoutFlux,
    log,
    rawLog,
    env: (vars = {}, options = {}) => {
      const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !SECRET_VARIABLES.includes(k) && !k.startsWith('FAKE_')));
      const env = { ...clean, PATH: `${options.withoutFlux ? binWithoutFlux : bin}:${process.env.PATH}`, FAKE_LOG: log, FAKE_REAL_PATH: process.env.PATH, ...vars };
      const settings = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('FAKE_') && v !== undefined));
      writeFileSync(join(root, 'fake.json'), JSON.stringify(settings));
      return env;
    },
    calls: async () => parseLog(await rawLog()),
    clusterSecrets: async () =>
      Object.fromEntries(
        Object.entries((await readState()).secrets).map(([id, data]) => [id, Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]))]),
      ),
    seedSecrets: async (secrets) => {
      const state = await readState();
      for (const [id, values] of Object.entries(secrets)) {
        const ns = id.split('/')[0]!;
        if (!state.namespaces.includes(ns)) state.namespaces.push(ns);
        state.secrets[id] = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')]));
      }
      await writeFile(statePath, JSON.stringify(state));
    },
  };
}

function parseLog(text: string): FakeCall[] {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as FakeCall);
}
