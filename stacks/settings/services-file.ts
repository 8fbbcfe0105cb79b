/**
 * The services file (`CDKTF_SERVICES_FILE`): its schema (also published as JSON Schema for
 * editors), and the parse of `{ "services": [...] }` into service settings, each unset field
 * taken from the environment's default service. Every problem of the whole file is reported at
 * once, across services, by its JSON path, the bad value and the fix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { CAPACITY_PROVIDERS, CPU_ARCHITECTURES } from '../lib/fargate-rules';
import { DEFAULT_SCALING, mergeService, parseImageSetting, ServiceSettings, ServiceStackSettings, validateServiceStackSettings, type ServiceValidationContext } from './service';

const describe = (value: unknown): string => (value === undefined ? 'nothing' : JSON.stringify(value));
/** The message of a missing field, or of a value of the wrong type. */
const typeError = (expected: string, example: string) => (issue: { input?: unknown; path?: PropertyKey[] }) =>
  issue.input === undefined ? `missing; give it, e.g. ${example}` : `${describe(issue.input)} is not ${expected}`;

const str = (example: string) => z.string({ error: typeError(`a string; give one like "${example}"`, `"${example}"`) });
const num = (example: number) => z.number({ error: typeError(`a number; give one like ${example}`, String(example)) });
const bool = () => z.boolean({ error: typeError('true or false', 'true') });
const oneOf = <C extends string>(choices: readonly [C, ...C[]]) =>
  z.enum(choices, { error: (issue) => (issue.input === undefined ? `missing; give one of ${choices.join(', ')}` : `${describe(issue.input)} is not one of ${choices.join(', ')}`) });
const list = <T extends z.ZodType>(item: T, example: string) => z.array(item, { error: typeError(`a list; give one like ${example}`, example) });
const stringMap = (example: string) =>
  z.record(z.string(), str(example), { error: typeError(`an object of names to strings; give one like { "NAME": "${example}" }`, `{ "NAME": "${example}" }`) });
/** An object that refuses fields it does not know, naming the ones it does. */
function object<S extends z.ZodRawShape>(shape: S, description: string) {
  const fields = Object.keys(shape).join(', ');
  return z
    .strictObject(shape, {
      error: (issue) => (issue.code === 'unrecognized_keys' ? `unknown field; use one of ${fields}` : `${describe(issue.input)} is not an object; give { ... }`),
    })
    .describe(description);
}

/** One service of a services file; every field but name, image and containerPort defaults to the environment's. */
export const SERVICE_ENTRY_SCHEMA = object(
  {
    name: str('orders').describe('1-20 lower-case letters, digits or hyphens: `<project>-<env>-<name>` names its resources, `<NAME>_URL` its consumers'),
    image: str('registry:public.ecr.aws/nginx/nginx:stable')
      .refine((v) => /^(build|build:.+|registry:.+)$/.test(v), {
        error: (issue) => `${describe(issue.input)} is not an image source; use build, build:<directory> or registry:<image>, e.g. registry:public.ecr.aws/nginx/nginx:stable`,
      })
      .describe('build (service/), build:<directory> (relative to the project) or registry:<image>'),
    catalog: bool().optional().describe('runs the catalog API of service/ (table variables and read access); default: true for the image build of service/'),
    containerPort: num(8080).describe('the port the container listens on'),
    external: object({ port: num(80), certificateArn: str('arn:aws:acm:eu-west-1:123456789012:certificate/<id>').optional() }, 'served by the internet-facing load balancer on this port; with a certificate, HTTPS').optional(),
    internal: object({ port: num(80) }, 'served by the internal load balancer on this port, named internal.<zone>').optional(),
    desiredCount: num(2).optional().describe('tasks at the first deployment, or always without scaling'),
    scaling: object(
      {
        minTasks: num(1),
        maxTasks: num(4),
        cpuPercent: num(DEFAULT_SCALING.cpuPercent).default(DEFAULT_SCALING.cpuPercent),
        memoryPercent: num(DEFAULT_SCALING.memoryPercent).default(DEFAULT_SCALING.memoryPercent),
        requestsPerTarget: num(1000).optional(),
      },
      'target tracking on CPU, memory and (optionally) requests per target; unset: a fixed desiredCount',
    ).optional(),
    consumes: list(str('product'), '["product"]').optional().describe('internal services this one calls: it may reach their ports and gets <NAME>_URL'),
    environment: stringMap('debug').optional().describe('plain variables; they win over the catalog API own'),
    secrets: stringMap('arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-AbCdEf').optional().describe('variable name to Secrets Manager or SSM ARN'),
    cpu: num(256).optional().describe('task CPU units; with memoryMiB one of Fargate task sizes'),
    memoryMiB: num(512).optional().describe('task memory in MiB'),
    cpuArchitecture: oneOf(CPU_ARCHITECTURES).optional().describe('task CPU architecture (and image platform)'),
    healthCheck: object({ path: str('/health').optional(), codes: str('200,302').optional() }, 'what the load balancer health check asks for').optional(),
    spot: bool().optional().describe('all tasks on FARGATE_SPOT; not with capacityProviderStrategy'),
    capacityProviderStrategy: list(
      object({ provider: oneOf(CAPACITY_PROVIDERS), base: num(1).optional(), weight: num(1) }, 'one capacity provider share'),
      '[{ "provider": "FARGATE", "weight": 1 }]',
    )
      .optional()
      .describe('capacity provider shares'),
    enableExecuteCommand: bool().optional().describe('ECS Exec; also makes the root filesystem writable unless readonlyRootFilesystem says otherwise'),
    subnets: oneOf(['private', 'public']).optional().describe('private, or public with a public IP (for VPCs without NAT)'),
    user: str('1000').optional().describe('uid[:gid] the container runs as'),
    readonlyRootFilesystem: bool().optional(),
    writablePaths: list(str('/tmp'), '["/tmp"]').optional().describe('directories that stay writable on a read-only root'),
    minHealthyPercent: num(100).optional(),
    maxPercent: num(200).optional(),
    healthCheckGracePeriodSeconds: num(60).optional(),
  },
  'one Fargate service',
);
type ServiceEntry = z.infer<typeof SERVICE_ENTRY_SCHEMA>;

/** The whole file. */
export const SERVICES_FILE_SCHEMA = z
  .strictObject(
    {
      $schema: z.string().optional().describe('the JSON Schema of this file, for editors'),
      services: list(SERVICE_ENTRY_SCHEMA, '{ "services": [ { "name": ..., "image": ..., "containerPort": ... } ] }').describe('the services; they replace the default service'),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? 'unknown field; use services' : `${describe(issue.input)} is not an object; give { ... }`) },
  )
  .describe('Services of the service stack (CDKTF_SERVICES_FILE)');

/** The JSON Schema of a services file (docs/services.schema.json is generated from it). */
export function servicesFileJsonSchema(): Record<string, unknown> {
  return { $id: 'https://example.invalid/cdktf-fargate/services.schema.json', ...z.toJSONSchema(SERVICES_FILE_SCHEMA, { io: 'input' }) };
}

/** `services[1].containerPort`: a zod issue path as a JSON path. */
function jsonPath(segments: readonly PropertyKey[]): string {
  const text = segments.map((s) => (typeof s === 'number' ? `[${s}]` : `.${String(s)}`)).join('');
  return text === '' ? '$' : text.replace(/^\./, '');
}

/** Each problem of one parse, as `<source>: <json path>: <message>`. */
function problemsOf(error: z.ZodError, source: string, prefix: readonly PropertyKey[] = []): string[] {
  return error.issues.flatMap((issue) => {
    const at = [...prefix, ...issue.path];
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${source}: ${jsonPath([...at, key])}: ${issue.message}`);
    return [`${source}: ${jsonPath(at)}: ${issue.message}`];
  });
}

/** The settings of one parsed entry: `base`'s sizing, placement and hardening, and what the entry says. */
function serviceOf(entry: ServiceEntry, base: ServiceSettings, root: string): ServiceSettings {
  const image = parseImageSetting(entry.image, root) as NonNullable<ReturnType<typeof parseImageSetting>>;
  const catalog = entry.catalog ?? (image.kind === 'build' && image.contextDirectory === path.join(root, 'service'));
  const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  const strategy = entry.capacityProviderStrategy?.map((s) => ({ capacityProvider: s.provider, weight: s.weight, ...(s.base !== undefined ? { base: s.base } : {}) }));
  return mergeService(
    // Only the environment's sizing, placement and hardening carry over; what a service is comes from the file.
    {
      ...base,
      name: entry.name,
      image,
      catalog,
      containerPort: entry.containerPort,
      external: undefined,
      internal: undefined,
      scaling: undefined,
      consumes: [],
      environment: {},
      secrets: {},
      enableExecuteCommand: false,
      healthCheck: { path: catalog ? base.healthCheck.path : '/', codes: base.healthCheck.codes },
    },
    {
      ...defined({
        desiredCount: entry.desiredCount,
        consumes: entry.consumes,
        environment: entry.environment,
        secrets: entry.secrets,
        cpu: entry.cpu,
        memoryMiB: entry.memoryMiB,
        cpuArchitecture: entry.cpuArchitecture,
        subnets: entry.subnets,
        minHealthyPercent: entry.minHealthyPercent,
        maxPercent: entry.maxPercent,
        healthCheckGracePeriodSeconds: entry.healthCheckGracePeriodSeconds,
        external: entry.external,
        internal: entry.internal,
        scaling: entry.scaling && defined(entry.scaling),
        capacityProviderStrategy: strategy,
        spot: entry.spot,
        enableExecuteCommand: entry.enableExecuteCommand,
      }),
      healthCheck: defined(entry.healthCheck ?? {}),
      // ECS Exec needs a writable root, so turning it on turns the read-only root off unless the file says otherwise.
      container: defined({
        user: entry.user,
        writablePaths: entry.writablePaths,
        readonlyRootFilesystem: entry.readonlyRootFilesystem ?? (entry.enableExecuteCommand ? false : undefined),
      }),
    },
  );
}

/** What parsing a services document found: the services, or every problem of the document. */
export interface ServicesDocument {
  readonly services: ServiceSettings[];
  readonly problems: string[];
}

/**
 * The services of a services file (`{ "services": [...] }`), each unset field taken from `base`
 * (the environment's default service), or every problem, each naming its JSON path, the bad value
 * and the fix. An entry that does not parse does not hide the problems of the others: those are
 * checked too, against the names and internal ports the broken entry gives. `root` resolves
 * `build:<directory>`; `validation` is what the service checks need of the network.
 */
export function parseServicesDocument(document: unknown, source: string, base: ServiceSettings, root: string, validation?: ServiceValidationContext): ServicesDocument {
  const top = z.strictObject({ $schema: z.unknown().optional(), services: z.unknown() }).safeParse(document);
  const whole = SERVICES_FILE_SCHEMA.safeParse(document);
  if (whole.success) return { services: whole.data.services.map((entry) => serviceOf(entry, base, root)), problems: [] };
  if (!top.success || !Array.isArray(top.data.services)) return { services: [], problems: problemsOf(whole.error, source) };

  // Some entries are broken: report their problems, and check the others as if the broken ones
  // were services with only the name and internal port they give.
  const problems = problemsOf(whole.error, source);
  if (!validation) return { services: [], problems };
  const entries = top.data.services.map((raw) => ({ raw, parsed: SERVICE_ENTRY_SCHEMA.safeParse(raw) }));
  const stand = entries.map(({ raw, parsed }) => (parsed.success ? serviceOf(parsed.data, base, root) : standIn(raw, base)));
  const broken = new Set(entries.flatMap(({ parsed }, i) => (parsed.success ? [] : [`${source}: services[${i}]`])));
  const settings: ServiceStackSettings = {
    services: stand,
    servicesSource: source,
    loadBalancers: { ingressCidrs: ['0.0.0.0/0'], deletionProtection: false, deregistrationDelaySeconds: 30 },
    dns: {},
    logRetentionDays: 1,
    containerInsights: 'disabled',
    repository: { keepImages: 1, forceDelete: true },
  };
  const others = validateServiceStackSettings(settings, validation).filter((p) => p.startsWith(`${source}: services[`) && ![...broken].some((b) => p.startsWith(`${b}.`) || p.startsWith(`${b}:`)));
  return { services: [], problems: [...problems, ...others] };
}

/** A broken entry as the other services see it: its name and internal port when it gives them. */
function standIn(raw: unknown, base: ServiceSettings): ServiceSettings {
  const o = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const internal = typeof o.internal === 'object' && o.internal !== null && typeof (o.internal as { port?: unknown }).port === 'number' ? { port: (o.internal as { port: number }).port } : undefined;
  return { ...base, name: typeof o.name === 'string' ? o.name : '', internal, external: undefined, consumes: [] };
}

/** Reads and parses a services file; every problem names the file and the JSON path or line. */
export function readServicesFile(file: string, shown: string, base: ServiceSettings, root: string, validation: ServiceValidationContext): ServicesDocument & { readonly servicesSource: string } {
  if (!fs.existsSync(file)) {
    return {
      services: [],
      problems: [`CDKTF_SERVICES_FILE: ${file} does not exist; give the path of a JSON file (relative to ${root}), e.g. docs/examples/three-services.json`],
      servicesSource: shown,
    };
  }
  const text = fs.readFileSync(file, 'utf8');
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const position = /position (\d+)/.exec(message);
    const where = position ? ` at line ${text.slice(0, Number(position[1])).split('\n').length}` : '';
    return { services: [], problems: [`${shown}: not valid JSON${where} (${message}); fix the syntax`], servicesSource: shown };
  }
  return { ...parseServicesDocument(document, shown, base, root, validation), servicesSource: shown };
}
