/**
 * Synth-time cost of the policy check: synthesizes the whole app (network, data, service) with
 * and without stack validations, with every seed row as its own Terraform resource (the worst
 * case for the check), and times the check alone. CLI: `node -r ./scripts/register-ts.js bench/policy-check.ts [rows...]`.
 */
import { App, TerraformStack } from 'cdktf';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildConfig } from '../stacks/settings/config';
import { buildApp } from '../app';
import { checkPolicy } from '../stacks/policy/engine';
import { policyInput } from '../stacks/policy/input';
import { loadSeedData } from '../stacks/seed';
import { generateSeedData } from './generate-data';

const CERTIFICATE_ARN = 'arn:aws:acm:eu-west-1:123456789012:certificate/0d8f2a7e-1b2c-4d5e-8f90-123456789abc';

const ROOT = path.resolve(__dirname, '..');
const RUNS = 5;

function benchApp(dataDir: string, rows: number, skipValidation: boolean) {
  // prod requires HTTPS on the internet-facing load balancer; the ARN is never looked up.
  const https = { defaultService: { external: { port: 443, certificateArn: CERTIFICATE_ARN } } };
  const config = buildConfig('prod', { data: { directory: dataDir, batchSeedingThresholdRows: rows }, service: https }, ROOT);
  const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'bench-policy-')), skipValidation, stackTraces: false });
  buildApp(app, config, loadSeedData(config.data.directory));
  return app;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(fn: () => void): number {
  const start = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

const rowCounts = process.argv.slice(2).map(Number);
for (const rows of rowCounts.length > 0 ? rowCounts : [100, 1000, 5000]) {
  const dataDir = generateSeedData(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-policy-data-')), rows);
  const synth = (skip: boolean) =>
    median(
      Array.from({ length: RUNS }, () => {
        const app = benchApp(dataDir, rows, skip);
        const ms = time(() => app.synth());
        fs.rmSync(app.outdir, { recursive: true, force: true });
        return ms;
      }),
    );
  const without = synth(true);
  const withChecks = synth(false);
  const app = benchApp(dataDir, rows, true);
  app.synth();
  const stacks = app.node.findAll().filter((c): c is TerraformStack => TerraformStack.isStack(c));
  const check = median(Array.from({ length: RUNS }, () => time(() => stacks.forEach((s) => checkPolicy(policyInput(s), { stackId: s.node.id, environment: 'prod' })))));
  // What checking the full `toTerraform()` would cost instead of the resolved subset.
  const full = median(Array.from({ length: RUNS }, () => time(() => stacks.forEach((s) => checkPolicy(s.toTerraform(), { stackId: s.node.id, environment: 'prod' })))));
  fs.rmSync(app.outdir, { recursive: true, force: true });
  fs.rmSync(dataDir, { recursive: true, force: true });
  console.log(
    `${rows} rows: synth ${without.toFixed(0)} ms without checks, ${withChecks.toFixed(0)} ms with (+${(withChecks - without).toFixed(0)} ms); ` +
      `the checks of all three stacks alone ${check.toFixed(1)} ms (${full.toFixed(1)} ms on the full JSON)`,
  );
}
