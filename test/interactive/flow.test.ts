import { describe, expect, it } from 'vitest';
import { parseAnswers } from '../../src/answers/load.js';
import { cancelled, isPikselError, type PikselError } from '../../src/errors.js';
import { askAnswers } from '../../src/interactive/flow.js';
import type { Prompts } from '../../src/prompts.js';
import { scriptedPrompts } from '../support/prompts.js';
import { readLabels, readTolerations, formatLabels, formatTolerations } from '../../src/answers/text-values.js';

type Reply = string | boolean | string[] | (() => never);

/**
 * A scripted person: replies by question (first matching pattern; a list of text replies is typed
 * one after another while the question's validation rejects them), defaults otherwise.
 */
function person(replies: ReadonlyArray<readonly [RegExp, Reply | readonly string[]]> = []) {
  const asked: string[] = [];
  const errors: string[] = [];
  const notes: string[] = [];
  const reply = (message: string) => {
    asked.push(message);
    const found = replies.find(([p]) => p.test(message))?.[1];
    if (typeof found === 'function') found();
    return found;
  };
  const kit: Prompts = scriptedPrompts({
    text: async ({ message, initialValue, validate }) => {
      const r = reply(message);
      const attempts = Array.isArray(r) ? r : [r === undefined ? (initialValue ?? '') : String(r)];
      for (const attempt of attempts) {
        const error = validate?.(attempt);
        if (!error) return attempt;
        errors.push(error);
      }
      throw new Error(`every reply to '${message}' was rejected: ${errors.join('; ')}`);
    },
    select: async ({ message, initialValue }) => (reply(message) ?? initialValue) as never,
    multiselect: async ({ message, initialValues }) => (reply(message) ?? initialValues ?? []) as never,
    confirm: async ({ message, initialValue }) => (reply(message) ?? initialValue ?? false) as boolean,
    note: (message) => void notes.push(message),
  });
  return { kit, asked, errors, notes };
}

const NEW = { rerun: false, askBootstrap: true };

describe('question flow', () => {
  it('taking every default gives the --yes answers, and asks every group', async () => {
    const p = person();
    const result = await askAnswers({}, p.kit, NEW);
    expect(parseAnswers(result.raw)).toEqual(parseAnswers({}));
    expect(result.bootstrap).toBe(false);
    for (const q of [/hosted/, /^Owner/, /^Cluster name/, /^DNS domain/, /^Cloud profile/, /^Components/, /ACME/, /PostgreSQL host/, /GPU nodes/, /GPU node labels/, /Slack\?/, /Slack channel/, /intervals/, /Bootstrap Flux/])
      expect(p.asked.some((m) => q.test(m)), String(q)).toBe(true);
  });

  it('asks GPU details only when GPU is on, Slack details only when Slack is on', async () => {
    const off = person([
      [/GPU nodes/, false],
      [/Slack\?/, false],
    ]);
    const answers = parseAnswers((await askAnswers({}, off.kit, NEW)).raw);
    expect(answers.gpu.enabled).toBe(false);
    expect(answers.slack.enabled).toBe(false);
    expect(off.asked.filter((m) => /GPU node labels|Taints|sharing one GPU|GPU server profile|Slack channel|Which events|holding the webhook/.test(m))).toEqual([]);

    const on = person([
      [/GPU node labels/, 'gpu=a100, zone=b'],
      [/Taints/, 'dedicated=gpu:NoSchedule'],
      [/sharing one GPU/, '4'],
      [/Slack channel/, 'ops'],
      [/Which events/, 'error'],
    ]);
    const onAnswers = parseAnswers((await askAnswers({}, on.kit, NEW)).raw);
    expect(onAnswers.gpu).toMatchObject({ enabled: true, nodeSelector: { gpu: 'a100', zone: 'b' }, timeSlicing: 4 });
    expect(onAnswers.gpu.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }]);
    expect(onAnswers.slack).toMatchObject({ enabled: true, channel: 'ops', severity: 'error' });
  });

  it('does not ask what --set or the answers file already said', async () => {
    const p = person();
    const given = { repository: { owner: 'geo-team' }, gpu: { enabled: false }, components: { apps: ['stac'] } };
    const answers = parseAnswers((await askAnswers(given, p.kit, NEW)).raw);
    expect(answers.repository.owner).toBe('geo-team');
    expect(p.asked.some((m) => /^Owner|GPU|^Components/.test(m))).toBe(false);
    expect(answers.components.apps).toEqual(['stac']);
  });

  it('adds what a chosen component needs, with a note', async () => {
    const p = person([[/^Components/, ['cert-manager', 'ingress-nginx', 'jupyterdask']]]);
    const answers = parseAnswers((await askAnswers({}, p.kit, NEW)).raw);
    expect(answers.components.apps).toEqual(['jupyterdask']);
    expect(p.notes.join('\n')).toMatch(/jupyterdask needs jupyterhub: added jupyterhub/);
    // Without db-proxy there is no database to ask about.
    expect(p.notes.join('\n')).toMatch(/needs db-proxy/);
  });

  it('skips TLS and database questions when nothing needs them', async () => {
    const p = person([[/^Components/, ['argo']]]);
    await askAnswers({}, p.kit, NEW);
    expect(p.asked.some((m) => /ACME|PostgreSQL/.test(m))).toBe(true); // argo needs db-proxy and ingress → both
    const bare = person([[/^Components/, ['cert-manager']]]);
    await askAnswers({}, bare.kit, NEW);
    expect(bare.asked.some((m) => /PostgreSQL/.test(m))).toBe(false);
  });

  it('shows the same error as --set for an invalid answer, and takes the corrected one', async () => {
    const p = person([[/^Cluster name/, ['Bad_Name', 'staging']]]);
    const answers = parseAnswers((await askAnswers({}, p.kit, NEW)).raw);
    expect(answers.clusters[0]!.name).toBe('staging');
    expect(p.errors).toHaveLength(1);
    let setError: PikselError | undefined;
    try {
      parseAnswers({ clusters: [{ name: 'Bad_Name' }] });
    } catch (e) {
      if (isPikselError(e)) setError = e;
    }
    expect(setError?.message).toBe(`invalid answers: clusters.0.name: ${p.errors[0]}`);
    // Defaults that follow earlier answers: the environment and domain follow the name.
    expect(answers.clusters[0]).toMatchObject({ environment: 'staging', domain: 'staging.piksel.example.org' });
  });

  it('rejects text that is not key=value for labels, with a message saying so', async () => {
    const p = person([[/GPU node labels/, ['gpu', 'gpu=yes']]]);
    await askAnswers({}, p.kit, NEW);
    expect(p.errors[0]).toMatch(/'gpu' is not key=value/);
  });

  it('asks intervals only when the seed defaults are not kept', async () => {
    const keep = person();
    await askAnswers({}, keep.kit, NEW);
    expect(keep.asked.some((m) => /interval \(Go duration/.test(m))).toBe(false);
    const change = person([
      [/intervals/, false],
      [/^apps interval/, ['soon', '2m']],
    ]);
    const answers = parseAnswers((await askAnswers({}, change.kit, NEW)).raw);
    expect(answers.clusters[0]!.intervals).toEqual({ controllers: '1h', configs: '10m', apps: '2m' });
    expect(change.errors[0]).toMatch(/'soon' is not valid/);
  });

  it('passes a cancel straight through', async () => {
    const p = person([
      [
        /^Repository name/,
        () => {
          throw cancelled();
        },
      ],
    ]);
    await expect(askAnswers({}, p.kit, NEW)).rejects.toMatchObject({ kind: 'cancelled' });
  });

  it('on a re-run asks nothing when the stored answers are complete, and an added cluster its domain, context and own settings', async () => {
    const stored = JSON.parse(JSON.stringify(parseAnswers({})));
    const quiet = person();
    const same = await askAnswers(stored, quiet.kit, { rerun: true, askBootstrap: false });
    expect(quiet.asked).toEqual([]);
    expect(same.raw).toEqual(stored);

    const adding = person([[/DNS domain for cluster staging/, 'staging.geo.example.org']]);
    const withStaging = { ...stored, clusters: [...stored.clusters, { name: 'staging' }] };
    const answers = parseAnswers((await askAnswers(withStaging, adding.kit, { rerun: true, askBootstrap: true })).raw);
    expect(adding.asked).toEqual([
      'DNS domain for cluster staging',
      'kubectl context of staging (empty: decide at bootstrap with --context)',
      'PostgreSQL host for staging',
      'PostgreSQL port for staging',
      "Issuer of staging's HTTPS certificates",
      "Slack channel for staging's events (without #)",
      "Which of staging's events",
      'Does staging have NVIDIA GPU nodes?',
      "What serves staging's apps",
      expect.stringMatching(/Bootstrap Flux/),
    ]);
    // Taking the repository's values stores no override.
    expect(answers.clusters[1]).toEqual(expect.objectContaining({ name: 'staging', domain: 'staging.geo.example.org' }));
    expect(answers.clusters[1]).not.toHaveProperty('database');
    expect(answers.clusters[1]).not.toHaveProperty('gpu');
  });

  it('an added cluster may get its own context, database, issuer, Slack channel and GPU switch', async () => {
    const stored = parseAnswers({ database: { host: 'db.dev.example.net' }, clusters: [{ name: 'dev', domain: 'dev.geo.example.org' }] });
    const p = person([
      [/DNS domain for cluster prod/, 'prod.geo.example.org'],
      [/kubectl context of prod/, ['prod ctx', 'arn:aws:eks:eu-west-1:1:cluster/prod']],
      [/PostgreSQL host for prod/, ['not a host!', 'db.prod.example.net']],
      [/Issuer of prod/, 'letsencrypt-production'],
      [/Slack channel for prod/, 'prod-alerts'],
      [/Which of prod/, 'error'],
      [/GPU nodes/, false],
    ]);
    const raw = (await askAnswers({ ...stored, clusters: [...stored.clusters, { name: 'prod' }] }, p.kit, { rerun: true, askBootstrap: false })).raw;
    expect(p.errors).toHaveLength(2);
    const prod = parseAnswers(raw).clusters[1]!;
    expect(prod).toMatchObject({
      context: 'arn:aws:eks:eu-west-1:1:cluster/prod',
      database: { host: 'db.prod.example.net' },
      certManager: { issuer: 'letsencrypt-production' },
      slack: { channel: 'prod-alerts', severity: 'error' },
      gpu: { enabled: false },
    });
    expect(prod.database).not.toHaveProperty('port');
    expect(parseAnswers(raw).clusters[0]).not.toHaveProperty('database');
  });
});

describe('text forms of structured answers', () => {
  it('round-trip labels and tolerations', () => {
    expect(readLabels('a=1, b/c=x')).toEqual({ a: '1', 'b/c': 'x' });
    expect(formatLabels({ a: '1', 'b/c': 'x' })).toBe('a=1, b/c=x');
    const tolerations = readTolerations('nvidia.com/gpu:NoSchedule, dedicated=gpu:NoExecute, any');
    expect(tolerations).toEqual([
      { key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' },
      { key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoExecute' },
      { key: 'any', operator: 'Exists' },
    ]);
    expect(formatTolerations(tolerations)).toBe('nvidia.com/gpu:NoSchedule, dedicated=gpu:NoExecute, any');
    expect(() => readTolerations('a:b:c')).toThrow(/not key\[=value\]\[:Effect\]/);
  });
});

describe('prompt wording', () => {
  const script = (pick: (defaults: readonly string[]) => string[]) => {
    const shown: string[] = [];
    const kit = scriptedPrompts({
      select: async (q) => q.initialValue ?? q.options[0]!.value,
      confirm: async (q) => (shown.push(`? ${q.message}`), q.initialValue ?? true),
      multiselect: async (q) => {
        for (const o of q.options) shown.push(`option ${o.label}${o.hint ? ` (${o.hint})` : ''}`);
        return pick(q.initialValues ?? []) as never;
      },
      note: (message, title) => void shown.push(`note ${title}: ${message}`),
      section: (title) => void shown.push(`# ${title}`),
    });
    return { kit, shown };
  };

  it('after cert-manager is deselected, the note names the selected app that pulled it in; labels do not repeat', async () => {
    const { kit, shown } = script((d) => d.filter((n) => n !== 'cert-manager'));
    await askAnswers({}, kit, { rerun: false, askBootstrap: false });
    const note = shown.find((l) => l.startsWith('note Added what they need'))!;
    expect(note).toMatch(/\b(argo|jupyterhub|monitoring|odc|stac|terria|tileserver) needs cluster-issuers, which needs cert-manager: added cert-manager/);
    expect(shown.filter((l) => l.startsWith('option ')).some((l) => /^option (\S+) \(\1\)$/.test(l))).toBe(false);
    expect(shown).toContainEqual(expect.stringMatching(/^\? Keep the default reconcile intervals \(controllers \S+, configs \S+, apps \S+\)\?$/));
  });

  it('with everything answered, no section heading is printed', async () => {
    const { kit, shown } = script((d) => [...d]);
    const full = await askAnswers({}, kit, { rerun: false, askBootstrap: false });
    const again = script((d) => [...d]);
    await askAnswers({ ...full.raw, clusters: [{ ...(full.raw.clusters as Record<string, unknown>[])[0], context: 'dev', intervals: { controllers: '1h', configs: '10m', apps: '1m' } }] }, again.kit, { rerun: false, askBootstrap: false });
    expect(shown.some((l) => l.startsWith('# '))).toBe(true);
    expect(again.shown.filter((l) => l.startsWith('# '))).toEqual([]);
  });
});

describe('repository host', () => {
  it('with git, asks the clone URL and neither owner nor personal account; later defaults stay', async () => {
    const p = person([
      [/hosted/, 'git'],
      [/Clone URL/, 'ssh://git@git.example.org/geo/platform.git'],
    ]);
    const answers = parseAnswers((await askAnswers({}, p.kit, NEW)).raw);
    expect(answers.repository).toMatchObject({ provider: 'git', url: 'ssh://git@git.example.org/geo/platform.git' });
    expect(p.asked.some((m) => /Clone URL/.test(m))).toBe(true);
    expect(p.asked.filter((m) => /^Owner|personal account|undefined/.test(m))).toEqual([]);
    expect(answers.clusters[0]!.name).toBe('development');
  });

  it('with bitbucket-server, asks the server name before the project key', async () => {
    const p = person([
      [/hosted/, 'bitbucket-server'],
      [/Bitbucket server name/, 'bitbucket.example.org'],
    ]);
    const answers = parseAnswers((await askAnswers({}, p.kit, NEW)).raw);
    expect(answers.repository).toMatchObject({ provider: 'bitbucket-server', hostname: 'bitbucket.example.org' });
    expect(p.asked).toContain('Project key');
  });
});
