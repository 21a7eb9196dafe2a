import { z } from 'zod';
import * as f from './formats.js';

/**
 * Field types the answers schema and its sections share (text of a format, labels, tolerations).
 * A leaf below both, so a section (answers/sections/) need not import the schema that lists it.
 */
export const matching = (format: f.Format) =>
  z.string({ error: `expected text: ${format.hint}` }).regex(format.pattern, { error: (iss) => `'${String(iss.input)}' is not valid: ${format.hint}` });

/** A whole number in a range; out of range, the line names the range (not zod's "Too small: expected number to be >=1"). */
export const wholeNumber = (min: number, max: number, what: string) => {
  const error = (iss: { input?: unknown }) => `${String(iss.input)} is not ${what}: use a whole number from ${min} to ${max}`;
  return z.coerce.number().int().min(min, { error }).max(max, { error });
};

export const duration = (fallback: string) =>
  matching(f.DURATION)
    .refine((v) => f.durationProblem(v) === undefined, { error: (iss) => `'${String(iss.input)}' ${f.durationProblem(String(iss.input))}` })
    .default(fallback);

export const labelMap = z
  .record(matching(f.LABEL_KEY), z.union([z.string(), z.number(), z.boolean()]).transform(String).pipe(matching(f.LABEL_VALUE)))
  .describe('Kubernetes labels, key: value');

export const toleration = z.strictObject({
  key: matching(f.LABEL_KEY).describe('Taint key'),
  operator: z.enum(['Exists', 'Equal']).default('Exists'),
  value: matching(f.LABEL_VALUE).optional().describe('Taint value (with operator Equal)'),
  effect: z.enum(['NoSchedule', 'PreferNoSchedule', 'NoExecute']).optional().describe('Taint effect (empty: all)'),
}).refine((t) => t.operator !== 'Exists' || t.value === undefined || t.value === '', {
  error: "a toleration with operator Exists matches any value: remove 'value', or use operator: Equal",
  path: ['value'],
});
export type Toleration = z.infer<typeof toleration>;
