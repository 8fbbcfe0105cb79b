/**
 * Bundles a benchmark worker the way scripts/build-app.mjs bundles the cdktf app (esbuild, packages
 * left external), so a worker starts as plain `node` and its timings carry no TypeScript compiler.
 */
import { build } from 'esbuild';
import * as path from 'node:path';

/** Bundles `entry` into `<root>/.build/bench/<name>.js` and returns that path. */
export async function bundleWorker(root: string, entry: string): Promise<string> {
  // Inside the project, so the external packages resolve from its node_modules.
  const outfile = path.join(root, '.build', 'bench', `${path.basename(entry, '.ts')}.js`);
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    logLevel: 'warning',
  });
  return outfile;
}
