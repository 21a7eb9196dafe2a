import { describe, expect, it } from 'vitest';
import { parseAnswers } from '../../src/answers/load.js';
import { selectComponents } from '../../src/catalog/selection.js';
import { askAnswers } from '../../src/interactive/flow.js';
import { scriptedPrompts } from '../support/prompts.js';

describe('the edge question of a new repository', () => {
  it('offers Envoy Gateway (the default) and ingress-nginx with what each means; the components list leaves the edge to it', async () => {
    const components: string[] = [];
    const edge: { value: string; hint?: string }[] = [];
    const prompts = scriptedPrompts({
      multiselect: async ({ message, options, initialValues }) => {
        if (/^Components/.test(message)) components.push(...options.map((o) => o.value));
        return [...(initialValues ?? [])] as never;
      },
      select: async ({ message, options, initialValue }) => {
        if (message === 'What serves the apps') {
          edge.push(...options);
          expect(initialValue).toBe('envoy-gateway');
          return 'ingress-nginx' as never;
        }
        return initialValue as never;
      },
    });
    const answers = parseAnswers((await askAnswers({}, prompts, { rerun: false, askBootstrap: false })).raw);
    expect(components).not.toContain('ingress-nginx');
    expect(components).not.toContain('envoy-gateway');
    expect(edge.map((o) => o.value)).toEqual(['envoy-gateway', 'ingress-nginx']);
    expect(edge.find((o) => o.value === 'ingress-nginx')?.hint).toMatch(/retired/);
    // The choice is the edge, alone: nothing keeps Envoy Gateway beside it.
    expect(answers.ingress.controller).toBe('ingress-nginx');
    const names = selectComponents(answers).names;
    expect(names.has('ingress-nginx')).toBe(true);
    expect(names.has('envoy-gateway')).toBe(false);
  });
});
