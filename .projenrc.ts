import { JsonFile, javascript, typescript } from 'projen';

// Lean on purpose: no release, mergify, eslint or jest machinery; Biome lints (see README, "Design").
const project = new typescript.TypeScriptProject({
  name: 'create-piksel-gitops',
  description: 'Scaffold a Flux CD GitOps repository for the Piksel geospatial data-cube platform.',
  license: 'Apache-2.0',
  repository: 'https://github.com/piksel-ina/create-piksel-gitops.git',
  homepage: 'https://github.com/piksel-ina/create-piksel-gitops#readme',
  bugsUrl: 'https://github.com/piksel-ina/create-piksel-gitops/issues',
  keywords: ['flux', 'fluxcd', 'gitops', 'kubernetes', 'scaffold', 'create', 'piksel', 'datacube', 'opendatacube', 'kustomize'],
  defaultReleaseBranch: 'main',
  packageManager: javascript.NodePackageManager.NPM,
  minNodeVersion: '20.12.0',
  projenrcTs: true,
  projenrcTsOptions: { runner: typescript.TypeScriptRunner.tsx() },
  typescriptVersion: '7.0.2',
  release: false,
  github: false,
  buildWorkflow: false,
  depsUpgrade: false,
  pullRequestTemplate: false,
  jest: false,
  eslint: false,
  // Biome's config changes between minor versions: pinned, and upgraded on purpose.
  biome: true,
  biomeOptions: {
    version: '2.6.8',
    // The code is formatted by hand to ~120-160 columns; Biome's formatter would rewrite 80 files.
    formatter: false,
    assist: false,
    biomeConfig: {
      files: { includes: ['src/**/*.ts', 'test/**/*.ts', 'test/**/*.mjs', 'scripts/**/*.ts', '.projenrc.ts', 'vitest.config.ts'] },
      linter: {
        rules: {
          style: {
            // Indexing after a length check, regex groups that matched: `!` states what the code knows.
            noNonNullAssertion: 'off',
            // `lines.join('\n') + '\n'` reads better than a template wrapped around a join.
            useTemplate: 'off',
          },
          suspicious: {
            // `xs.forEach((x) => set.add(x))` is the house style for one-line loops.
            useIterableCallbackReturn: 'off',
            // `while ((m = re.exec(text)))` is the idiom for global regexes.
            noAssignInExpressions: 'off',
            // Under strict, tsc types `let x;` from its assignments.
            noImplicitAnyLet: 'off',
          },
          correctness: {
            // `return xs.forEach(...)` ends a void function early on one line.
            noVoidTypeReturn: 'off',
          },
          complexity: {
            // `(calls.push(x), true)` keeps test fakes on one line.
            noCommaOperator: 'off',
            // Regexes over indented YAML and aligned command output read best with the spaces written out.
            noAdjacentSpacesInRegex: 'off',
          },
        },
      },
      overrides: [
        {
          includes: ['test/**', 'scripts/**'],
          linter: {
            rules: {
              // Tests poke at untyped JSON and at `${VAR}` strings that Flux substitutes, not JavaScript.
              suspicious: { noExplicitAny: 'off', noTemplateCurlyInString: 'off' },
            },
          },
        },
      ],
    },
  },
  sampleCode: false,
  package: false,
  entrypoint: 'dist/cli.cjs',
  bin: { 'create-piksel-gitops': 'bin/create-piksel-gitops.js' },
  srcdir: 'src',
  testdir: 'test',
  libdir: 'dist',
  // Everything is bundled into dist/ by esbuild: the published package has no runtime
  // dependencies, so `npx` installs one small tarball.
  devDeps: [
    '@clack/prompts@^1.9.0',
    '@types/js-yaml@^4.0.9',
    '@types/node@^20',
    'ajv-formats@^3.0.1',
    'ajv@^8.20.0',
    'diff@^9.0.0',
    'esbuild@^0.28.2',
    'execa@^9.6.0',
    'fast-check@^4.11.0',
    'handlebars@^4.7.10',
    // Reads kustomize's output and clean repository files several times faster than yaml, which
    // keeps everything with a finding to report (README, Design). The 4.x line, kept up: 5.x is
    // half as fast on that output.
    'js-yaml@^4.3.2',
    // knip 6 needs Node >= 20.19 (a development-only floor; the CLI itself still runs on 20.12).
    'knip@^6.44.2',
    'node-diff3@^3.2.1',
    'tsx@^4.23.15',
    'vitest@^4.1.12',
    'yaml@^2.9.1',
    'zod@^4.6.7',
  ],
  tsconfig: {
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: javascript.TypeScriptModuleResolution.NODE_NEXT,
      lib: ['ES2022'],
      rootDir: '.',
      outDir: 'dist/types',
      noEmit: true,
      esModuleInterop: true,
      skipLibCheck: true,
      declaration: false,
      inlineSourceMap: false,
      inlineSources: false,
      experimentalDecorators: false,
      noUnusedLocals: true,
      noUnusedParameters: true,
      strict: true,
      isolatedModules: true,
      resolveJsonModule: true,
    },
    include: ['src/**/*.ts', 'test/**/*.ts', 'scripts/**/*.ts', '.projenrc.ts'],
  },
  disableTsconfigDev: true,
  gitignore: ['/dist/', '/coverage/', '*.tgz', '/.tmp/', '__pycache__/'],
  npmignoreEnabled: false,
});

// The modules scripts/build.ts generates (precompiled templates and validators) are build output.
// Added after construction: projen's own `!/src/` would otherwise drop patterns under src/.
project.gitignore.exclude('/src/render/templates.generated.js', '/src/validate/schema/validators.generated.js');

// knip: what is reachable from the entry points is used; exports used only inside their own file
// are left alone (widening visibility is not dead code, and narrowing it is churn).
new JsonFile(project, 'knip.json', {
  marker: false, // knip rejects unknown keys such as projen's "//"
  obj: {
    $schema: 'https://unpkg.com/knip@6/schema.json',
    entry: ['src/cli.ts', 'scripts/*.ts', 'test/**/*.test.ts', 'test/e2e/fixtures/*.mjs', '.projenrc.ts'],
    // vitest.config.ts is found by knip's vitest plugin.
    project: ['src/**/*.ts', 'scripts/**/*.ts', 'test/**/*.ts', 'test/**/*.mjs'],
    ignoreExportsUsedInFile: true,
    // Tools the tests and benchmarks call on PATH, not npm packages.
    ignoreBinaries: ['kubectl', 'cookiecutter', 'yamllint', 'mkfifo'],
    // Called from .projen/tasks.json, which knip does not read.
    ignoreDependencies: ['@biomejs/biome', 'tsx'],
  },
});

project.package.addField('type', 'module');
project.package.addField('version', '0.1.0');
project.package.file.addDeletionOverride('types');
// projen also lists every file of bin/ under its file name; the command has one name.
project.package.file.addDeletionOverride('bin.create-piksel-gitops\\.js');
// Not the compiled code bin/ keeps beside the bundle (dist/.compiled/): it belongs to the machine that made it.
project.package.addField('files', ['bin/', 'dist/', '!dist/.compiled/', 'templates/', 'README.md']);

// tsc 7 type-checks only; scripts/build.ts precompiles the templates and the bundled schemas,
// then bundles with esbuild into one dist/cli.cjs (see the script and bin/).
project.compileTask.reset('tsc --noEmit -p tsconfig.json');
project.compileTask.exec('tsx scripts/build.ts');
// Tests drive the built CLI, so the bundle is (re)built first.
// Lint first: it takes seconds, the suite takes minutes.
const lint = project.addTask('lint', { description: 'Biome lint, unused exports (knip), import circles' });
lint.exec('biome lint --no-errors-on-unmatched --error-on-warnings');
lint.exec('knip');
lint.exec('tsx scripts/check-imports.ts');
project.testTask.reset();
project.testTask.spawn(lint);
project.testTask.spawn(project.compileTask);
project.testTask.exec('vitest run');
// `npm pack` and `npm publish` from a clean checkout must ship the bundle: dist/ is build output.
project.addTask('prepack', { description: 'Build dist/ before npm packs it' }).spawn(project.compileTask);
project.addTask('bench', { exec: 'tsx scripts/bench.ts' });
project.addTask('regen', {
  description: 'Re-render examples/*/output and the README answers reference',
  exec: 'tsx scripts/regen.ts',
});

project.synth();
