// Bundles the CLI for start-up speed: our modules (about 100 files) become one entry file plus a chunk per
// command, loaded when the command runs (src/commands/<name>.ts imports ./run-<name>.js on demand).
// Most packages stay external (node_modules), so `--help` loads commander and chalk, nothing else.
// Output: dist/bin/ (the same depth as dist/<dir>/, so paths like ../../templates resolve alike).
import { readFileSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import { build } from 'esbuild';

// commander and chalk (every start), zod (about 95 modules) and jose (13) are bundled into the chunks that
// use them: one file parses much faster than a hundred. The other packages stay in node_modules.
const INLINED = ['zod', 'jose', 'commander', '@commander-js/extra-typings', 'chalk'];
const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = Object.keys({ ...pkg.dependencies, ...pkg.peerDependencies, ...pkg.devDependencies }).filter((name) => !INLINED.includes(name));

/**
 * zod re-exports every locale (about 60 modules, most of its size) as `locales`; the CLI only uses English (zod's
 * default). The bundle resolves zod's locale index to English alone, so loading zod stays cheap.
 */
const englishOnlyZod = {
  name: 'english-only-zod',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      args.importer.includes(`${sep}node_modules${sep}zod${sep}`) ? { path: join(dirname(args.importer), '..', 'locales', 'en.js') } : undefined,
    );
  },
};

await build({
  entryPoints: { cli: 'src/cli.ts' },
  outdir: 'dist/bin',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: [...external, ...external.map((name) => `${name}/*`)],
  sourcemap: true,
  // commander is CommonJS: its require() of node built-ins needs a real require in an ES module.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
  plugins: [englishOnlyZod],
});
