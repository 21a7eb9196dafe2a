import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { type Document, parseAllDocuments } from 'yaml';
import { parseAnswers } from '../../src/answers/load.js';
import { renderRepository } from '../../src/render/index.js';
import { bundledTemplatesDir, loadTemplates } from '../../src/render/templates.js';
import { defaultCacheDir, validateRepository, type ValidationReport } from '../../src/validate/index.js';

/** A repository in memory: path → text. Tests copy the rendered default and plant one defect. */
export type Files = Map<string, string>;

let rendered: Promise<ReadonlyMap<string, string>> | undefined;

/** The default repository (`--yes`), rendered once per test file. */
export function renderDefault(): Promise<ReadonlyMap<string, string>> {
  rendered ??= loadTemplates(bundledTemplatesDir()).then(
    (templates) => renderRepository({ answers: parseAnswers({}), templates, toolVersion: '0.0.0-test' }).files,
  );
  return rendered;
}

export async function defaultFiles(): Promise<Files> {
  return new Map(await renderDefault());
}

/**
 * validate with the build cache the commands use, in the run's cache folder (XDG_CACHE_HOME, set
 * by test/support/cache-home.ts): the default repository's folders are built by kubectl once per
 * run, and a test's planted defect is built afresh because it changes the inputs. The cache's own
 * correctness (a hit reports what a fresh build reports) is tested in build-cache.test.ts.
 */
export function validate(dir: string, options: Parameters<typeof validateRepository>[1] = {}): Promise<ValidationReport> {
  if (!process.env.XDG_CACHE_HOME) throw new Error('XDG_CACHE_HOME is not set: run the tests through vitest.config.ts (its global setup sets it)');
  return validateRepository(dir, { cacheDir: defaultCacheDir(), ...options });
}

const made: string[] = [];

export async function writeRepository(files: ReadonlyMap<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'piksel-validate-test-'));
  made.push(dir);
  await Promise.all(
    [...files].map(async ([path, text]) => {
      await mkdir(dirname(join(dir, path)), { recursive: true });
      await writeFile(join(dir, path), text);
    }),
  );
  return dir;
}

export async function removeRepositories(): Promise<void> {
  await Promise.all(made.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

type Plain = Record<string, unknown>;

/** Where a document is: the file and its position among the file's documents. */
export interface DocRef {
  readonly file: string;
  readonly index: number;
  readonly value: Plain;
}

/** Every YAML document of the tree with its data, in file order. */
export function documents(files: ReadonlyMap<string, string>): DocRef[] {
  return [...files]
    .filter(([path]) => /\.ya?ml$/.test(path) && !path.startsWith('.'))
    .flatMap(([file, text]) =>
      parseAllDocuments(text).flatMap((doc, index) => {
        const value = doc.toJS() as unknown;
        return typeof value === 'object' && value !== null && !Array.isArray(value) ? [{ file, index, value: value as Plain }] : [];
      }),
    );
}

/** The first document matching, or a test failure naming what was looked for. */
export function findDoc(files: ReadonlyMap<string, string>, what: string, match: (value: Plain, file: string) => boolean): DocRef {
  const found = documents(files).find((d) => match(d.value, d.file));
  if (!found) throw new Error(`the rendered repository has no ${what}: the test needs one`);
  return found;
}

export const isKind = (kind: string, group?: string) => (value: Plain) =>
  value.kind === kind && (group === undefined || String(value.apiVersion).startsWith(`${group}/`));

/** Edits one document in place through yaml's Document API (comments and the rest of the file kept). */
export function editDoc(files: Files, ref: Pick<DocRef, 'file' | 'index'>, edit: (doc: Document) => void): void {
  const docs = parseAllDocuments(files.get(ref.file)!);
  const doc = docs[ref.index] as Document;
  edit(doc);
  files.set(ref.file, docs.map((d) => d.toString()).join(''));
}

/** Adds a manifest file and lists it in the kustomization.yaml of its folder. */
export function addListedFile(files: Files, path: string, text: string): void {
  files.set(path, text);
  const folder = dirname(path);
  const kustomization = `${folder}/kustomization.yaml`;
  if (!files.has(kustomization)) throw new Error(`${folder} has no kustomization.yaml`);
  editDoc(files, { file: kustomization, index: 0 }, (doc) => doc.addIn(['resources'], path.slice(folder.length + 1)));
}

/** The least a folder needs to count as a Flux repository: one cluster with one Kustomization. */
export const FLUX_CLUSTER: readonly [string, string] = [
  'clusters/test/apps.yaml',
  'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./clusters/test\n  prune: true\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n',
];
