import { z } from 'zod';
import { answersSchema } from './schema.js';

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: JsonSchema | boolean;
  anyOf?: JsonSchema[];
  pattern?: string;
}

const show = (value: unknown) => (value === undefined ? '' : `\`${JSON.stringify(value)}\``);

function typeOf(s: JsonSchema): string {
  if (s.enum) return s.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (s.anyOf) return s.anyOf.map(typeOf).join(' \\| ');
  if (s.type === 'array') return `list of ${s.items ? typeOf(s.items) : 'values'}`;
  if (s.type === 'object' && s.additionalProperties && typeof s.additionalProperties === 'object') return 'map';
  return s.type ?? 'value';
}

function rows(schema: JsonSchema, path: string): string[] {
  if (schema.type === 'object' && schema.properties) {
    return Object.entries(schema.properties).flatMap(([key, child]) => rows(child, path ? `${path}.${key}` : key));
  }
  if (schema.type === 'array' && schema.items?.type === 'object' && schema.items.properties) {
    const own = `| \`${path}\` | list | ${show(schema.default)} | ${schema.description ?? ''} |`;
    return [own, ...rows(schema.items, `${path}[]`)];
  }
  return [`| \`${path}\` | ${typeOf(schema)} | ${show(schema.default)} | ${schema.description ?? ''} |`];
}

/** The answers reference of the README, generated from the one schema so it cannot drift. */
export function answersReference(): string {
  const schema = z.toJSONSchema(answersSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  return ['| Key | Type | Default | Meaning |', '|---|---|---|---|', ...rows(schema, '')].join('\n');
}
