import { parseAllDocuments } from 'yaml';

/**
 * What a generated Argo step hands a script template, resolved as Argo would for a submission of
 * the workflow template as is: the step's arguments (with `{{workflow.parameters.*}}` from the
 * template's own arguments), the script template's defaults for the rest, then its environment
 * with `{{inputs.parameters.*}}` filled in. Secret references are left to the caller.
 */
interface Parameter {
  readonly name: string;
  readonly value?: string;
}
interface EnvEntry {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: { readonly secretKeyRef?: { readonly name: string; readonly key: string } };
}
interface ScriptTemplate {
  readonly name: string;
  readonly inputs?: { readonly parameters?: readonly Parameter[] };
  readonly script?: { readonly source: string; readonly command: readonly string[]; readonly env?: readonly EnvEntry[] };
  readonly steps?: readonly (readonly { name: string; templateRef?: { name: string; template: string }; arguments?: { parameters?: readonly Parameter[] } }[])[];
}
interface WorkflowTemplate {
  readonly kind: string;
  readonly metadata: { readonly name: string };
  readonly spec: { readonly arguments?: { readonly parameters?: readonly Parameter[] }; readonly templates: readonly ScriptTemplate[] };
}

const workflowTemplates = (texts: readonly string[]): WorkflowTemplate[] =>
  texts.flatMap((text) => parseAllDocuments(text).map((d) => d.toJS() as WorkflowTemplate)).filter((d) => d?.kind === 'WorkflowTemplate');

const named = (templates: readonly WorkflowTemplate[], name: string) => {
  const found = templates.find((t) => t.metadata.name === name);
  if (!found) throw new Error(`no WorkflowTemplate ${name}`);
  return found;
};

export interface ResolvedScript {
  readonly command: readonly string[];
  readonly source: string;
  /** Plain values, resolved. */
  readonly env: Record<string, string>;
  /** Variables read from Secrets: variable → Secret name and key. */
  readonly secretEnv: Record<string, { name: string; key: string }>;
}

/** The script one step of `workflow`'s first template runs, as a submission would resolve it. */
export function resolveStep(texts: readonly string[], workflow: string, step: string): ResolvedScript {
  const templates = workflowTemplates(texts);
  const outer = named(templates, workflow);
  const workflowParameters = Object.fromEntries((outer.spec.arguments?.parameters ?? []).map((p) => [p.name, p.value ?? '']));
  const found = outer.spec.templates.flatMap((t) => t.steps ?? []).flat().find((s) => s.name === step);
  if (!found?.templateRef) throw new Error(`no step ${step} in ${workflow}`);
  const inner = named(templates, found.templateRef.name).spec.templates.find((t) => t.name === found.templateRef!.template);
  if (!inner?.script) throw new Error(`${found.templateRef.name} has no script template ${found.templateRef.template}`);
  const fill = (text: string, scope: string, values: Record<string, string>) =>
    text.replace(new RegExp(`\\{\\{${scope}\\.parameters\\.([a-z0-9-]+)\\}\\}`, 'g'), (_, name: string) => {
      if (!(name in values)) throw new Error(`unresolved ${scope}.parameters.${name}`);
      return values[name]!;
    });
  const given = Object.fromEntries((found.arguments?.parameters ?? []).map((p) => [p.name, fill(p.value ?? '', 'workflow', workflowParameters)]));
  const inputs: Record<string, string> = {};
  for (const p of inner.inputs?.parameters ?? []) {
    const value = given[p.name] ?? p.value;
    if (value === undefined) throw new Error(`${step}: input ${p.name} has no value`);
    inputs[p.name] = value;
  }
  const env: Record<string, string> = {};
  const secretEnv: Record<string, { name: string; key: string }> = {};
  for (const e of inner.script.env ?? []) {
    if (e.valueFrom?.secretKeyRef) secretEnv[e.name] = e.valueFrom.secretKeyRef;
    else env[e.name] = fill(e.value ?? '', 'inputs', inputs);
  }
  return { command: inner.script.command, source: inner.script.source, env, secretEnv };
}
