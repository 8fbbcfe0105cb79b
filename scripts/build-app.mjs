// Transpile-only build of the cdktf app: esbuild bundles our TypeScript into one CommonJS file in
// well under a second and leaves every npm package (cdktf, providers) as a plain require.
// Type-checking is a separate step (`npm run typecheck`).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await build({
  entryPoints: [path.join(root, 'main.ts')],
  outfile: path.join(root, '.build', 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  packages: 'external',
  sourcemap: 'inline',
  logLevel: 'warning',
});
