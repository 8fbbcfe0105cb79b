/**
 * The services file (`CDKTF_SERVICES_FILE`): its schema (also published as JSON Schema for
 * editors), and the parse of `{ "services": [...] }` into service settings, each unset field
 * taken from the environment's default service. Every problem of the whole file is reported at
 * once, across services, by its JSON path, the bad value and the fix.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import {
  mergeService,
  parseImageSetting,
  SERVICE_ENTRY_SCHEMA,
  type ServiceSettings,
  type ServiceStackSettings,
  validateServiceStackSettings,
  type ServiceEntry,
  type ServiceValidationContext,
} from './service';
import { json } from './spec';

/** The whole file. */
export const SERVICES_FILE_SCHEMA = z
  .strictObject(
    {
      $schema: z.string().optional().describe('the JSON Schema of this file, for editors'),
      services: json
        .list(SERVICE_ENTRY_SCHEMA, '{ "services": [ { "name": ..., "image": ..., "containerPort": ... } ] }')
        .describe('the services; they replace the default service'),
    },
    { error: (issue) => (issue.code === 'unrecognized_keys' ? 'unknown field; use one of services' : `${json.describe(issue.input)} is not an object; give { ... }`) },
  )
  .describe('Services of the service stack (CDKTF_SERVICES_FILE)');

/** The JSON Schema of a services file (docs/services.schema.json is generated from it). */
export function servicesFileJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(SERVICES_FILE_SCHEMA, { io: 'input' }) as Record<string, unknown>;
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
    // Fields the top level does not know are named from the document's root, `$.<field>`.
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `${source}: ${at.length === 0 ? `$.${key}` : jsonPath([...at, key])}: ${issue.message}`);
    const key = at[at.length - 1];
    // A missing field's example shows it as it would be written: `"minTasks": 1`.
    const message = typeof key === 'string' ? issue.message.replace(/^missing; give it, e\.g\. /, `missing; give it, e.g. "${key}": `) : issue.message;
    return [`${source}: ${jsonPath(at)}: ${message}`];
  });
}

/** The settings of one parsed entry: `base`'s sizing, placement and hardening, and what the entry says. */
function serviceOf(entry: ServiceEntry, base: ServiceSettings, root: string): ServiceSettings {
  // The fields that are not service settings of the same name and shape.
  const {
    name: _name,
    image: _image,
    catalog: _catalog,
    containerPort: _port,
    healthCheck: _health,
    user: _user,
    writablePaths: _writable,
    readonlyRootFilesystem: _readonly,
    scaling,
    capacityProviderStrategy: _strategy,
    ...plain
  } = entry;
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
      release: 'terraform',
      healthCheck: { path: catalog ? base.healthCheck.path : '/', codes: base.healthCheck.codes },
    },
    {
      // Every other field of the entry is a service setting of the same name.
      ...defined({ ...plain, scaling: scaling && defined(scaling), capacityProviderStrategy: strategy }),
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
    loadBalancers: { ingressCidrs: ['0.0.0.0/0'], deletionProtection: false, deregistrationDelaySeconds: 30, httpsRequired: false, accessLogDays: 0, webAcl: false },
    dns: {},
    logRetentionDays: 1,
    containerInsights: 'disabled',
    repository: { keepImages: 1, forceDelete: true },
  };
  const others = validateServiceStackSettings(settings, validation).filter(
    (p) => p.startsWith(`${source}: services[`) && ![...broken].some((b) => p.startsWith(`${b}.`) || p.startsWith(`${b}:`)),
  );
  return { services: [], problems: [...problems, ...others] };
}

/** A broken entry as the other services see it: its name and internal port when it gives them. */
function standIn(raw: unknown, base: ServiceSettings): ServiceSettings {
  const o = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const internal =
    typeof o.internal === 'object' && o.internal !== null && typeof (o.internal as { port?: unknown }).port === 'number'
      ? { port: (o.internal as { port: number }).port }
      : undefined;
  return { ...base, name: typeof o.name === 'string' ? o.name : '', internal, external: undefined, consumes: [] };
}

/** Reads and parses a services file; every problem names the file and the JSON path or line. */
export function readServicesFile(
  file: string,
  shown: string,
  base: ServiceSettings,
  root: string,
  validation: ServiceValidationContext,
): ServicesDocument & { readonly servicesSource: string } {
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
