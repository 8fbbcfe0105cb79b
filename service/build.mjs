// Bundles the service into one file, dist/server.js, and copies the web page next to it, so the
// container image needs nothing but `node dist/server.js` (no node_modules, no TypeScript).
import { build } from 'esbuild';
import { cp, mkdir, rm, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
// `--outdir <dir>` lets tests build into a temporary folder instead of service/dist.
const outdirFlag = process.argv.indexOf('--outdir');
const dist = outdirFlag > 0 ? path.resolve(process.argv[outdirFlag + 1]) : path.join(here, 'dist');

await rm(dist, { recursive: true, force: true });
await mkdir(dist, { recursive: true });
await build({
  entryPoints: [path.join(here, 'src', 'server.ts')],
  outfile: path.join(dist, 'server.js'),
  bundle: true,
  platform: 'node',
  target: 'node20', // runs on the Node 22 image and on the Node 20 used by `npm start` and tests
  format: 'cjs',
  minify: true,
  sourcemap: 'linked', // stack traces in logs map back to src/ when run with --enable-source-maps
  legalComments: 'linked',
  logLevel: 'warning',
});
await cp(path.join(here, 'public'), path.join(dist, 'public'), { recursive: true });

const { size } = await stat(path.join(dist, 'server.js'));
if (process.argv.includes('--report')) {
  console.log(`${path.relative(process.cwd(), path.join(dist, 'server.js'))}: ${(size / 1024 / 1024).toFixed(2)} MiB`);
}
