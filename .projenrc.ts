import { javascript, typescript } from 'projen';

// Lean on purpose: no release, mergify, eslint or jest machinery (see README, "Design").
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
  sampleCode: false,
  package: false,
  entrypoint: 'dist/cli.js',
  bin: { 'create-piksel-gitops': 'bin/create-piksel-gitops.js' },
  srcdir: 'src',
  testdir: 'test',
  libdir: 'dist',
  // Everything is bundled into dist/ by esbuild: the published package has no runtime
  // dependencies, so `npx` installs one small tarball.
  devDeps: [
    '@clack/prompts@^1.9.0',
    '@types/node@^20',
    'ajv-formats@^3.0.1',
    'ajv@^8.20.0',
    'diff@^9.0.0',
    'esbuild@^0.28.2',
    'execa@^9.6.0',
    'fast-check@^4.11.0',
    'handlebars@^4.7.10',
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
  gitignore: ['/dist/', '/coverage/', '*.tgz', '/.tmp/'],
  npmignoreEnabled: false,
});

// The modules scripts/build.ts generates (precompiled templates and validators) are build output.
// Added after construction: projen's own `!/src/` would otherwise drop patterns under src/.
project.gitignore.exclude('/src/render/templates.generated.js', '/src/validate/schema/validators.generated.js');

project.package.addField('type', 'module');
project.package.addField('version', '0.1.0');
project.package.file.addDeletionOverride('types');
// projen also lists every file of bin/ under its file name; the command has one name.
project.package.file.addDeletionOverride('bin.create-piksel-gitops\\.js');
project.package.addField('files', ['bin/', 'dist/', 'templates/', 'README.md']);

// tsc 7 type-checks only; scripts/build.ts precompiles the templates and the bundled schemas,
// then bundles with esbuild into dist/cli.js and lazily loaded dist/chunks/ (see the script).
project.compileTask.reset('tsc --noEmit -p tsconfig.json');
project.compileTask.exec('tsx scripts/build.ts');
// Tests drive the built CLI, so the bundle is (re)built first.
project.testTask.reset();
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
