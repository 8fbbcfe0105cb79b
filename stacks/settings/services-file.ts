/**
 * The services file (`CDKTF_SERVICES_FILE`): parses `{ "services": [...] }` into service settings,
 * each unset field taken from the environment's default service, and names every problem by its
 * JSON path, the bad value and the fix. Pure: config.ts reads the file.
 */
import * as path from 'node:path';
import type { CapacityProviderShare } from '../lib/fargate-rules';
import { mergeService, parseImageSetting, ServiceSettings } from './service';

/** The fields a service of a services file may set. */
const SERVICE_FIELDS = [
  'name', 'image', 'catalog', 'containerPort', 'external', 'internal', 'desiredCount', 'scaling', 'consumes', 'environment', 'secrets',
  'cpu', 'memoryMiB', 'cpuArchitecture', 'healthCheck', 'spot', 'capacityProviderStrategy', 'enableExecuteCommand', 'subnets',
  'user', 'readonlyRootFilesystem', 'writablePaths', 'minHealthyPercent', 'maxPercent', 'healthCheckGracePeriodSeconds',
] as const;

/** Reads typed values out of parsed JSON, collecting one problem per bad value with its JSON path. */
class JsonReader {
  readonly problems: string[] = [];
  constructor(private readonly source: string) {}

  problem(at: string, message: string): undefined {
    this.problems.push(`${this.source}: ${at}: ${message}`);
    return undefined;
  }

  object(value: unknown, at: string, fields: readonly string[]): Record<string, unknown> | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.problem(at, `${describe(value)} is not an object; give { ... }`);
    for (const key of Object.keys(value)) {
      if (!fields.includes(key)) this.problem(`${at}.${key}`, `unknown field; use one of ${fields.join(', ')}`);
    }
    return value as Record<string, unknown>;
  }

  string(value: unknown, at: string, example: string): string | undefined {
    return typeof value === 'string' ? value : this.problem(at, `${describe(value)} is not a string; give one like "${example}"`);
  }

  number(value: unknown, at: string, example: number): number | undefined {
    return typeof value === 'number' && Number.isFinite(value) ? value : this.problem(at, `${describe(value)} is not a number; give one like ${example}`);
  }

  boolean(value: unknown, at: string): boolean | undefined {
    return typeof value === 'boolean' ? value : this.problem(at, `${describe(value)} is not true or false`);
  }

  strings(value: unknown, at: string, example: string): string[] | undefined {
    if (!Array.isArray(value)) return this.problem(at, `${describe(value)} is not a list; give one like ["${example}"]`);
    const items = value.map((item, i) => this.string(item, `${at}[${i}]`, example));
    return items.every((item) => item !== undefined) ? (items as string[]) : undefined;
  }

  stringMap(value: unknown, at: string, example: string): Record<string, string> | undefined {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return this.problem(at, `${describe(value)} is not an object of names to strings; give one like { "NAME": "${example}" }`);
    const map: Record<string, string> = {};
    let valid = true;
    for (const [key, item] of Object.entries(value)) {
      const text = this.string(item, `${at}.${key}`, example);
      if (text === undefined) valid = false;
      else map[key] = text;
    }
    return valid ? map : undefined;
  }

  oneOf<T extends string>(value: unknown, at: string, choices: readonly T[]): T | undefined {
    return typeof value === 'string' && (choices as readonly string[]).includes(value) ? (value as T) : this.problem(at, `${describe(value)} is not one of ${choices.join(', ')}`);
  }
}

function describe(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value);
}

/**
 * The services of a services file (`{ "services": [...] }`), each unset field taken from `base`
 * (the environment's default service), or every problem, each naming its JSON path, the bad value
 * and the fix. `root` resolves `build:<directory>`.
 */
export function parseServicesDocument(document: unknown, source: string, base: ServiceSettings, root: string): { services: ServiceSettings[]; problems: string[] } {
  const read = new JsonReader(source);
  const top = read.object(document, '$', ['services']);
  if (!top) return { services: [], problems: read.problems };
  if (!Array.isArray(top.services)) {
    read.problem('services', `${describe(top.services)} is not a list; give { "services": [ { "name": ..., "image": ..., "containerPort": ... } ] }`);
    return { services: [], problems: read.problems };
  }
  const services = top.services.flatMap((entry, i) => {
    const service = parseService(read, entry, `services[${i}]`, base, root);
    return service ? [service] : [];
  });
  return { services, problems: read.problems };
}

function parseService(read: JsonReader, entry: unknown, at: string, base: ServiceSettings, root: string): ServiceSettings | undefined {
  const raw = read.object(entry, at, SERVICE_FIELDS);
  if (!raw) return undefined;
  const before = read.problems.length;
  const optional = <T>(key: string, parse: (value: unknown, path: string) => T | undefined): T | undefined =>
    raw[key] === undefined ? undefined : parse(raw[key], `${at}.${key}`);
  const required = <T>(key: string, parse: (value: unknown, path: string) => T | undefined, example: string): T | undefined =>
    raw[key] === undefined ? read.problem(`${at}.${key}`, `missing; give it, e.g. "${key}": ${example}`) : parse(raw[key], `${at}.${key}`);

  const name = required('name', (v, p) => read.string(v, p, 'orders'), '"orders"');
  const imageText = required('image', (v, p) => read.string(v, p, 'registry:public.ecr.aws/nginx/nginx:stable'), '"build"');
  const image = imageText === undefined ? undefined : parseImageSetting(imageText, root);
  if (imageText !== undefined && !image) {
    read.problem(`${at}.image`, `"${imageText}" is not an image source; use build, build:<directory> or registry:<image>, e.g. registry:public.ecr.aws/nginx/nginx:stable`);
  }
  const containerPort = required('containerPort', (v, p) => read.number(v, p, 8080), '8080');
  const exposure = (v: unknown, p: string, fields: readonly string[]) => {
    const o = read.object(v, p, fields);
    if (!o) return undefined;
    const port = o.port === undefined ? read.problem(`${p}.port`, 'missing; give the listener port, e.g. "port": 80') : read.number(o.port, `${p}.port`, 80);
    const certificateArn = o.certificateArn === undefined ? undefined : read.string(o.certificateArn, `${p}.certificateArn`, 'arn:aws:acm:eu-west-1:123456789012:certificate/<id>');
    return port === undefined ? undefined : { port, ...(certificateArn !== undefined ? { certificateArn } : {}) };
  };
  const external = optional('external', (v, p) => exposure(v, p, ['port', 'certificateArn']));
  const internal = optional('internal', (v, p) => exposure(v, p, ['port']));
  const scaling = optional('scaling', (v, p) => {
    const o = read.object(v, p, ['minTasks', 'maxTasks', 'cpuPercent', 'memoryPercent', 'requestsPerTarget']);
    if (!o) return undefined;
    const num = (key: string, example: number, fallback?: number) =>
      o[key] === undefined ? (fallback !== undefined ? fallback : read.problem(`${p}.${key}`, `missing; give it, e.g. "${key}": ${example}`)) : read.number(o[key], `${p}.${key}`, example);
    const minTasks = num('minTasks', 1);
    const maxTasks = num('maxTasks', 4);
    const cpuPercent = num('cpuPercent', 70, 70);
    const memoryPercent = num('memoryPercent', 80, 80);
    const requestsPerTarget = o.requestsPerTarget === undefined ? undefined : read.number(o.requestsPerTarget, `${p}.requestsPerTarget`, 1000);
    if (minTasks === undefined || maxTasks === undefined || cpuPercent === undefined || memoryPercent === undefined) return undefined;
    return { minTasks, maxTasks, cpuPercent, memoryPercent, ...(requestsPerTarget !== undefined ? { requestsPerTarget } : {}) };
  });
  const strategy = optional('capacityProviderStrategy', (v, p) => {
    if (!Array.isArray(v)) return read.problem(p, `${describe(v)} is not a list; give one like [{ "provider": "FARGATE", "weight": 1 }]`);
    const shares = v.map((item, j) => {
      const o = read.object(item, `${p}[${j}]`, ['provider', 'base', 'weight']);
      if (!o) return undefined;
      const provider = read.oneOf(o.provider, `${p}[${j}].provider`, ['FARGATE', 'FARGATE_SPOT'] as const);
      const weight = o.weight === undefined ? read.problem(`${p}[${j}].weight`, 'missing; give it, e.g. "weight": 1') : read.number(o.weight, `${p}[${j}].weight`, 1);
      const shareBase = o.base === undefined ? undefined : read.number(o.base, `${p}[${j}].base`, 1);
      return provider === undefined || weight === undefined ? undefined : { capacityProvider: provider, weight, ...(shareBase !== undefined ? { base: shareBase } : {}) };
    });
    return shares.every((s) => s !== undefined) ? (shares as CapacityProviderShare[]) : undefined;
  });
  const health = optional('healthCheck', (v, p) => {
    const o = read.object(v, p, ['path', 'codes']);
    if (!o) return undefined;
    return {
      path: o.path === undefined ? undefined : read.string(o.path, `${p}.path`, '/health'),
      codes: o.codes === undefined ? undefined : read.string(o.codes, `${p}.codes`, '200,302'),
    };
  });
  const exec = optional('enableExecuteCommand', (v, p) => read.boolean(v, p));
  const readonlyRoot = optional('readonlyRootFilesystem', (v, p) => read.boolean(v, p));
  const spot = optional('spot', (v, p) => read.boolean(v, p));
  const fields = {
    catalog: optional('catalog', (v, p) => read.boolean(v, p)),
    desiredCount: optional('desiredCount', (v, p) => read.number(v, p, 2)),
    consumes: optional('consumes', (v, p) => read.strings(v, p, 'product')),
    environment: optional('environment', (v, p) => read.stringMap(v, p, 'debug')),
    secrets: optional('secrets', (v, p) => read.stringMap(v, p, 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:app-AbCdEf')),
    cpu: optional('cpu', (v, p) => read.number(v, p, 256)),
    memoryMiB: optional('memoryMiB', (v, p) => read.number(v, p, 512)),
    cpuArchitecture: optional('cpuArchitecture', (v, p) => read.oneOf(v, p, ['X86_64', 'ARM64'] as const)),
    subnets: optional('subnets', (v, p) => read.oneOf(v, p, ['private', 'public'] as const)),
    user: optional('user', (v, p) => read.string(v, p, '1000')),
    writablePaths: optional('writablePaths', (v, p) => read.strings(v, p, '/tmp')),
    minHealthyPercent: optional('minHealthyPercent', (v, p) => read.number(v, p, 100)),
    maxPercent: optional('maxPercent', (v, p) => read.number(v, p, 200)),
    healthCheckGracePeriodSeconds: optional('healthCheckGracePeriodSeconds', (v, p) => read.number(v, p, 60)),
  };
  if (read.problems.length > before || name === undefined || image === undefined || containerPort === undefined) return undefined;

  const catalog = fields.catalog ?? (image.kind === 'build' && image.contextDirectory === path.join(root, 'service'));
  const defined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
  return mergeService(
    // Only the environment's sizing, placement and hardening carry over; what a service is comes from the file.
    {
      ...base,
      name,
      image,
      catalog,
      containerPort,
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
      ...defined({ ...fields, catalog: undefined, user: undefined, writablePaths: undefined }),
      ...(external ? { external } : {}),
      ...(internal ? { internal } : {}),
      ...(scaling ? { scaling } : {}),
      ...(strategy ? { capacityProviderStrategy: strategy } : {}),
      ...(spot !== undefined ? { spot } : {}),
      ...(exec !== undefined ? { enableExecuteCommand: exec } : {}),
      healthCheck: defined(health ?? {}),
      // ECS Exec needs a writable root, so turning it on turns the read-only root off unless the file says otherwise.
      container: defined({ user: fields.user, writablePaths: fields.writablePaths, readonlyRootFilesystem: readonlyRoot ?? (exec ? false : undefined) }),
    },
  );
}
