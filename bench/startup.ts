/**
 * Start-up and size: from spawning the bundled service to its first 200 on /health (median of
 * runs), the bundle's size, and the size of everything service/Dockerfile COPYs into the image.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SectionContext } from './lib/context';
import { startService } from './lib/service';
import { median, round } from './lib/stats';

/**
 * Sources of the Dockerfile's `COPY` instructions (shell and JSON forms, flags dropped; multi-stage
 * `COPY --from` copies from another stage and is left out), relative to the build context.
 */
export function dockerfileCopySources(dockerfile: string): string[] {
  const sources: string[] = [];
  const lines = dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/);
  for (const line of lines) {
    const match = /^\s*COPY\s+(.*)$/i.exec(line);
    if (!match) continue;
    const rest = match[1].trim();
    const words = rest.startsWith('[') ? (JSON.parse(rest) as string[]) : rest.split(/\s+/);
    if (words.some((w) => w.startsWith('--from'))) continue;
    const args = words.filter((w) => !w.startsWith('--'));
    sources.push(...args.slice(0, -1));
  }
  return sources;
}

/** Total bytes of the files at `target`, a file or a directory (recursively). */
export function sizeOf(target: string): number {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return stat.size;
  return fs.readdirSync(target).reduce((sum, name) => sum + sizeOf(path.join(target, name)), 0);
}

/** Runs the start-up section with a service bundle built into `bundleDir` (service/dist's layout). */
export async function measureStartup(ctx: SectionContext, bundleDir: string): Promise<void> {
  const { root, options, results, deadline } = ctx;
  const env = {
    AWS_REGION: 'us-east-1',
    // /health never reaches DynamoDB; nothing listens here.
    DYNAMODB_ENDPOINT: 'http://127.0.0.1:9',
    CATEGORY_TABLE: 'bench-category',
    RESOURCE_TABLE: 'bench-resource',
    BOOKMARK_TABLE: 'bench-bookmark',
    LOG_LEVEL: 'info',
  };
  const samples: number[] = [];
  for (let i = 0; i < options.startupRuns; i++) {
    deadline.require(5000, `cold start ${i + 1}`);
    const service = await startService(bundleDir, env);
    samples.push(service.coldStartMs);
    await service.stop();
  }
  results.set('startup.cold_start_ms', round(median(samples)), {
    samples: samples.map((s) => round(s)),
    note: `node server.js (the bundle, as the image runs it) to the first 200 on /health, polled every 2 ms; median of ${samples.length}`,
  });
  ctx.log(`cold start: ${median(samples).toFixed(0)} ms`);

  results.set('startup.bundle_bytes', fs.statSync(path.join(bundleDir, 'server.js')).size, { note: 'service/dist/server.js' });
  const dockerfile = fs.readFileSync(path.join(root, 'service', 'Dockerfile'), 'utf8');
  const sources = dockerfileCopySources(dockerfile);
  // The build context is service/; its dist/ is the bundle just built.
  const resolve = (source: string) => (source === 'dist' || source.startsWith('dist/') ? path.join(bundleDir, source.slice('dist'.length)) : path.join(root, 'service', source));
  results.set(
    'startup.image_bytes',
    sources.reduce((sum, source) => sum + sizeOf(resolve(source)), 0),
    {
      note: `COPY sources of service/Dockerfile: ${sources.join(', ')} (the node base image not included)`,
    },
  );
}
