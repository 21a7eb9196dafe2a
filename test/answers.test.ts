import { describe, expect, it } from 'vitest';
import { applySets, parseAnswers } from '../src/answers/load.js';
import { CATALOG } from '../src/catalog/index.js';
import { selectComponents } from '../src/catalog/selection.js';

describe('answers defaults (--yes)', () => {
  it('yield the seed platform: one development cluster, every component but the retired ingress-nginx (Envoy Gateway is the edge), GPU and Slack on', () => {
    const answers = parseAnswers({});
    expect(answers.clusters.map((c) => [c.name, c.environment])).toEqual([['development', 'development']]);
    expect(answers.clusters[0]!.intervals).toEqual({ controllers: '1h', configs: '10m', apps: '1m' });
    expect(answers.gpu.enabled).toBe(true);
    expect(answers.slack.enabled).toBe(true);
    expect(answers.ingress.controller).toBe('envoy-gateway');
    expect(selectComponents(answers).components.map((c) => c.name)).toEqual(CATALOG.map((c) => c.name).filter((n) => n !== 'ingress-nginx'));
  });

  it('derive environment and domain of an added cluster from the first one', () => {
    const answers = parseAnswers({ clusters: [{ name: 'development', domain: 'dev.piksel.org' }, { name: 'staging' }] });
    expect(answers.clusters[1]).toMatchObject({ environment: 'staging', domain: 'staging.piksel.org' });
  });
});

describe('--set', () => {
  it('types values as YAML scalars and lists', () => {
    const raw = applySets({}, ['gpu.enabled=false', 'database.port=6543', 'components.apps=[argo, odc]', 'slack.channel=#ops', 'clusters.0.domain=dev.example.org']);
    expect(raw).toEqual({
      gpu: { enabled: false },
      database: { port: 6543 },
      components: { apps: ['argo', 'odc'] },
      slack: { channel: '#ops' },
      clusters: [{ name: 'development', domain: 'dev.example.org' }],
    });
    expect(parseAnswers(raw).clusters[0]!.domain).toBe('dev.example.org');
  });
});

describe('component selection', () => {
  it('adds what a selected component needs, with a note', () => {
    const selection = selectComponents(parseAnswers({ components: { controllers: [], apps: ['jupyterdask'] } }));
    expect(selection.names.has('jupyterhub')).toBe(true);
    expect(selection.notes).toContain('jupyterdask needs jupyterhub: added jupyterhub');
  });

  it('follows the GPU and Slack switches for their controllers', () => {
    const off = selectComponents(parseAnswers({ gpu: { enabled: false }, slack: { enabled: false } }));
    expect(off.names.has('nvidia-device-plugin')).toBe(false);
    expect(off.names.has('notifications')).toBe(false);
    const on = selectComponents(parseAnswers({ components: { controllers: [] } }));
    expect(on.names.has('nvidia-device-plugin')).toBe(true);
    expect(on.names.has('notifications')).toBe(true);
  });
});
