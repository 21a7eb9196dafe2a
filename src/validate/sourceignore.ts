import { posix } from 'node:path';

/** What source-controller leaves out of every Git artifact before any .sourceignore (fluxcd/pkg sourceignore). */
const FLUX_DEFAULT_IGNORES = [
  '.git/', '.gitignore', '.gitmodules', '.gitattributes', '*.jpg', '*.jpeg', '*.gif', '*.png', '*.wmv', '*.flv', '*.tar.gz', '*.zip',
  '.github/', '.circleci/', '.travis.yml', '.gitlab-ci.yml', 'appveyor.yml', '.drone.yml', 'cloudbuild.yaml',
  'codeship-services.yml', 'codeship-steps.yml', '**/.goreleaser.yml', '**/.sops.yaml', '**/.flux.yaml',
];

interface Rule {
  readonly regex: RegExp;
  readonly negate: boolean;
  readonly dirOnly: boolean;
}

const globToRegex = (glob: string) =>
  glob
    .split(/(\*\*\/|\/\*\*|\*\*|\*|\?)/)
    .map((part) =>
      part === '**/' ? '(?:.*/)?' : part === '/**' ? '(?:/.*)?' : part === '**' ? '.*' : part === '*' ? '[^/]*' : part === '?' ? '[^/]' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');

/** gitignore-style lines of a .sourceignore in folder `base` ('' for the root). */
export function parseIgnoreLines(text: string, base: string): Rule[] {
  return text.split('\n').flatMap((raw): Rule[] => {
    let line = raw.replace(/\s+$/, '');
    if (!line || line.startsWith('#')) return [];
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1);
    const dirOnly = line.endsWith('/');
    if (dirOnly) line = line.slice(0, -1);
    const anchored = line.includes('/');
    line = line.replace(/^\//, '');
    const prefix = base ? `${base.replace(/[.+^${}()|[\]\\]/g, '\\$&')}/` : '';
    const body = globToRegex(line);
    return [{ regex: new RegExp(anchored ? `^${prefix}${body}$` : `^${prefix}(?:.*/)?${body}$`), negate, dirOnly }];
  });
}

/**
 * Whether source-controller leaves a file out of the artifact: its defaults, then every
 * .sourceignore (each relative to its folder), the last matching rule winning as in .gitignore.
 */
export function sourceIgnoreMatcher(ignoreFiles: readonly { path: string; text: string }[]): (path: string) => boolean {
  const rules = [
    ...parseIgnoreLines(FLUX_DEFAULT_IGNORES.join('\n'), ''),
    ...ignoreFiles
      .filter((f) => posix.basename(f.path) === '.sourceignore')
      .sort((a, b) => a.path.split('/').length - b.path.split('/').length)
      .flatMap((f) => parseIgnoreLines(f.text, posix.dirname(f.path) === '.' ? '' : posix.dirname(f.path))),
  ];
  return (path) => {
    const parts = path.split('/');
    const dirs = parts.slice(0, -1).map((_, i) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const rule of rules) {
      const hit = dirs.some((d) => rule.regex.test(d)) || (!rule.dirOnly && rule.regex.test(path));
      if (hit) ignored = !rule.negate;
    }
    return ignored;
  };
}
