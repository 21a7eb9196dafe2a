/**
 * Fails when the modules under src/ import each other in a circle (type-only imports count: a
 * type that flows both ways is a boundary drawn in the wrong place). Regex over import statements
 * is enough here: every import in src/ is a relative `'./x.js'` specifier on its own statement.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

// Edges known to close a circle that is being removed; each names its owner and why. An entry
// whose import is gone fails the check, so the list only shrinks.
const ALLOWED: ReadonlyArray<readonly [from: string, to: string]> = [
];

const root = resolve(import.meta.dirname, '..');
const SPECIFIER = /(?:^|[;\s])(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => relative(root, join(dir, f)));
}

/** `./x.js` names `x.ts` (or, for a generated module, its `x.d.ts`). */
function resolveSpecifier(from: string, specifier: string): string | undefined {
  const target = join(dirname(from), specifier).replace(/\.js$/, '');
  return [`${target}.ts`, `${target}.d.ts`, join(target, 'index.ts')].find((f) => existsSync(join(root, f)));
}

const files = sourceFiles(join(root, 'src'));
const allowed = new Set(ALLOWED.map(([from, to]) => `${from} -> ${to}`));
const allowedSeen = new Set<string>();
const graph = new Map<string, string[]>();
for (const file of files) {
  const text = readFileSync(join(root, file), 'utf8').replace(/^\s*(\/\/|\*|\/\*).*$/gm, '');
  const targets = new Set<string>();
  for (const m of text.matchAll(SPECIFIER)) {
    const target = resolveSpecifier(file, m[1] ?? m[2] ?? '');
    if (target === undefined || target === file) continue;
    if (allowed.has(`${file} -> ${target}`)) allowedSeen.add(`${file} -> ${target}`);
    else targets.add(target);
  }
  graph.set(file, [...targets]);
}
const stale = [...allowed].filter((edge) => !allowedSeen.has(edge));

// Tarjan's strongly connected components: every component of more than one module is a circle.
const index = new Map<string, number>();
const low = new Map<string, number>();
const stack: string[] = [];
const circles: string[][] = [];
function visit(node: string): void {
  index.set(node, index.size);
  low.set(node, index.get(node)!);
  stack.push(node);
  for (const next of graph.get(node) ?? []) {
    if (!index.has(next)) {
      visit(next);
      low.set(node, Math.min(low.get(node)!, low.get(next)!));
    } else if (stack.includes(next)) low.set(node, Math.min(low.get(node)!, index.get(next)!));
  }
  if (low.get(node) !== index.get(node)) return;
  const component: string[] = [];
  let member: string;
  do {
    member = stack.pop()!;
    component.push(member);
  } while (member !== node);
  if (component.length > 1) circles.push(component.sort());
}
for (const file of files) if (!index.has(file)) visit(file);

for (const edge of stale) console.error(`allowed import ${edge} is gone: remove it from ALLOWED in scripts/check-imports.ts`);
if (circles.length > 0) {
  for (const circle of circles) {
    const members = new Set(circle);
    console.error(`import circle among ${circle.length} modules:`);
    for (const from of circle) for (const to of graph.get(from) ?? []) if (members.has(to)) console.error(`  ${from} -> ${to}`);
  }
  console.error('move what both sides need into a lower module, so imports point one way');
}
if (circles.length > 0 || stale.length > 0) process.exit(1);
console.log(`no import circles among ${files.length} modules under src/ (${ALLOWED.length} allowed edge(s))`);
