/**
 * `npm run docs:config`: writes what the settings specs generate: the configuration tables of
 * docs/configuration.md (every variable of the registry, stacks/settings/variables.ts, with its
 * values and its default in each environment, then the settings no variable changes) and the JSON
 * Schema of the services file (docs/services.schema.json, from stacks/settings/services-file.ts).
 * `--check` writes nothing and exits 1 when a document and the code disagree.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AppConfig } from '../stacks/settings/app-config';
import { environmentDefaults } from '../stacks/settings/config';
import { ENVIRONMENT_NAMES } from '../stacks/settings/environments';
import { servicesFileJsonSchema } from '../stacks/settings/services-file';
import { VARIABLE_GROUPS, type VariableRegistry, VARIABLES } from '../stacks/settings/variables';
import { configDocProblems, renderConfigTables, withGeneratedPart, type FixedSetting } from './lib/config-table';
import { runAsScript } from './run-as-script';

const ROOT = path.resolve(__dirname, '..');
/** The document, relative to the project. */
export const CONFIG_DOC = 'docs/configuration.md';
/** The JSON Schema of the services file that editors read, relative to the project. */
export const SERVICES_SCHEMA = 'docs/services.schema.json';

/** The services file's JSON Schema as written to docs/services.schema.json. */
export function renderServicesSchema(): string {
  return `${JSON.stringify(servicesFileJsonSchema(), null, 2)}\n`;
}

const onOff = (on: boolean) => (on ? 'on' : 'off');
const service = (d: AppConfig) => d.service.services[0];

/** Settings that no variable changes (ConfigOverrides or the defaults in code do), per environment. */
export const FIXED_SETTINGS: readonly FixedSetting[] = [
  {
    label: 'default tags',
    valueIn: (d) =>
      Object.entries(d.tags)
        .map(([k, v]) => `${k}=${v}`)
        .join(', ') || 'none (the embedded DynamoDB keeps no tags)',
  },
  {
    label: 'provider endpoints',
    valueIn: (d) => {
      const urls = [...new Set(Object.values(d.aws.endpoints))];
      return urls.length === 0
        ? 'AWS'
        : `${Object.keys(d.aws.endpoints).length === 1 ? Object.keys(d.aws.endpoints)[0] : `${Object.keys(d.aws.endpoints).length} services`} → ${urls.join(', ')}`;
    },
  },
  { label: 'fake credentials, no AWS lookups', valueIn: (d) => onOff(d.aws.offline) },
  { label: 'tables: point-in-time recovery, KMS encryption', valueIn: (d) => `${onOff(d.data.pointInTimeRecovery)}, ${onOff(d.data.serverSideEncryption)}` },
  { label: 'tables: deletion protection, prevent_destroy', valueIn: (d) => `${onOff(d.data.deletionProtection)}, ${onOff(d.data.preventDestroy)}` },
  { label: 'default service: container port, user', valueIn: (d) => `${service(d).containerPort}, ${service(d).container.user ?? 'the image user'}` },
  {
    label: 'default service: read-only root, writable paths',
    valueIn: (d) => `${service(d).container.readonlyRootFilesystem ? 'yes' : 'no'}, ${service(d).container.writablePaths.join(' ') || 'none'}`,
  },
  { label: 'default service: stop timeout, drain deadline', valueIn: (d) => `${service(d).container.stopTimeoutSeconds} s, ${service(d).container.shutdownTimeoutMs / 1000} s` },
  { label: 'default service: health check path', valueIn: (d) => service(d).healthCheck.path },
  {
    label: 'default service: scaling targets CPU %, memory %, requests per target per minute',
    valueIn: (d) => {
      const s = service(d).scaling;
      return s ? `${s.cpuPercent}, ${s.memoryPercent}, ${s.requestsPerTarget ?? 'none'}` : 'no autoscaling';
    },
  },
  {
    label: 'deployment: min/max healthy %, health check grace',
    valueIn: (d) => `${service(d).minHealthyPercent}/${service(d).maxPercent}, ${service(d).healthCheckGracePeriodSeconds} s`,
  },
  { label: 'load balancers: deletion protection', valueIn: (d) => onOff(d.service.loadBalancers.deletionProtection) },
  {
    label: 'internet-facing load balancers: HTTPS required (no certificate is a configuration problem)',
    valueIn: (d) => `${onOff(d.service.loadBalancers.httpsRequired)}; WordPress ${onOff(d.wordpress.loadBalancer.httpsRequired)}`,
  },
  { label: 'load balancers: deregistration delay', valueIn: (d) => `${d.service.loadBalancers.deregistrationDelaySeconds} s` },
  { label: 'service stack: log retention, Container Insights', valueIn: (d) => `${d.service.logRetentionDays} days, ${d.service.containerInsights}` },
  { label: 'ECR: images kept, destroy deletes the images', valueIn: (d) => `${d.service.repository.keepImages}, ${d.service.repository.forceDelete ? 'yes' : 'no'}` },
  {
    label: 'WordPress database: deletion protection, final snapshot, prevent_destroy',
    valueIn: (d) => [d.wordpress.database.deletionProtection, d.wordpress.database.finalSnapshot, d.wordpress.database.preventDestroy].map(onOff).join(', '),
  },
  { label: 'WordPress file system: prevent_destroy', valueIn: (d) => onOff(d.wordpress.fileSystem.preventDestroy) },
  { label: 'WordPress load balancer: deletion protection', valueIn: (d) => onOff(d.wordpress.loadBalancer.deletionProtection) },
  {
    label: 'WordPress: log retention, images kept in ECR',
    valueIn: (d) => `${d.wordpress.logRetentionDays} days, ${d.wordpress.repository.keepImages}`,
  },
];

/** The generated part of docs/configuration.md for the project in `root` (for another registry in tests). */
export function renderConfiguration(root: string, registry: VariableRegistry = VARIABLES): string {
  return renderConfigTables({
    registry,
    groups: VARIABLE_GROUPS,
    environments: ENVIRONMENT_NAMES.map((name) => [name, environmentDefaults(name, root)] as const),
    root,
    fixedSettings: FIXED_SETTINGS,
  });
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.some((arg) => arg !== '--check')) throw new Error(`usage: npm run docs:config [-- --check]; unknown argument ${args.find((arg) => arg !== '--check')}`);
  const file = path.join(ROOT, CONFIG_DOC);
  const doc = fs.readFileSync(file, 'utf8');
  const generated = renderConfiguration(ROOT);
  const schemaFile = path.join(ROOT, SERVICES_SCHEMA);
  const schema = renderServicesSchema();
  const schemaNow = fs.existsSync(schemaFile) ? fs.readFileSync(schemaFile, 'utf8') : '';
  if (args.includes('--check')) {
    const problems = configDocProblems(doc, generated, CONFIG_DOC);
    if (schemaNow !== schema) problems.push(`${SERVICES_SCHEMA} differs from the services file schema in the code; run npm run docs:config`);
    if (problems.length > 0) throw new Error(problems.join('\n'));
    console.log(`${CONFIG_DOC} and ${SERVICES_SCHEMA} match the code`);
    return;
  }
  const updated = withGeneratedPart(doc, generated, CONFIG_DOC);
  if (updated !== doc) fs.writeFileSync(file, updated);
  if (schemaNow !== schema) fs.writeFileSync(schemaFile, schema);
  console.log(`${CONFIG_DOC}: ${Object.keys(VARIABLES).length} variables, ${FIXED_SETTINGS.length} settings without a variable${updated === doc ? ' (unchanged)' : ' (written)'}`);
  console.log(`${SERVICES_SCHEMA}: ${schemaNow === schema ? 'unchanged' : 'written'}`);
}

runAsScript(module, main);
