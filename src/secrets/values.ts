import { randomInt } from 'node:crypto';
import type { GeneratedValue } from '../catalog/component.js';

/** Passwords and tokens are never shorter than this, whatever a catalog entry asks for. */
export const MINIMUM_RANDOM_LENGTH = 32;

/** Letters and digits only: safe in connection strings, env files, PgBouncer's auth file and URLs. */
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Random text from node:crypto (a CSPRNG), uniform over the alphabet (randomInt has no modulo bias). */
export function randomText(length: number): string {
  const n = Math.max(length, MINIMUM_RANDOM_LENGTH);
  let out = '';
  for (let i = 0; i < n; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

/** The values of one generated Secret. They live only in memory until they reach kubectl's stdin. */
export function generateValues(spec: Readonly<Record<string, GeneratedValue>>): Record<string, string> {
  return Object.fromEntries(Object.entries(spec).map(([key, v]) => [key, 'random' in v ? randomText(v.random) : v.fixed]));
}
