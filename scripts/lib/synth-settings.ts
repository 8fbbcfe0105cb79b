/**
 * Whether a synthesized app (cdktf.out) was made with the current settings, told from what every
 * stack's JSON shows of them: the AWS provider's region and default tags, and where the backend
 * keeps the state (which names the environment). Pure functions; nothing here reads files. Settings
 * that show only in resources (a services file, task sizes, WordPress) are not compared.
 */
import * as path from 'node:path';
import type { AppConfig } from '../../stacks/settings/config';
import { blocks, isRecord, type TfJson } from '../../stacks/lib/tf-json';
import { compare } from './compare';

/** What one stack's JSON, or the current configuration, says about the settings compared. */
export interface SynthSettings {
  readonly region: string | undefined;
  /** The provider's default tags; empty when there are none (the local environment). */
  readonly tags: Readonly<Record<string, string>>;
  /** `<directory>` of local state files, or `s3://<bucket>/<key prefix>/<environment>`. */
  readonly state: string | undefined;
}

/** The settings one synthesized stack shows: its AWS provider and its backend. */
export function stackSettings(stack: TfJson): SynthSettings {
  const aws = blocks(stack.provider?.aws)[0] ?? {};
  const defaultTags = blocks(aws.default_tags)[0]?.tags;
  const tags = isRecord(defaultTags) ? Object.fromEntries(Object.entries(defaultTags).filter((e): e is [string, string] => typeof e[1] === 'string')) : {};
  const backend = isRecord(stack.terraform?.backend) ? stack.terraform.backend : {};
  let state: string | undefined;
  if (isRecord(backend.local) && typeof backend.local.path === 'string') state = path.dirname(backend.local.path);
  else if (isRecord(backend.s3) && typeof backend.s3.bucket === 'string' && typeof backend.s3.key === 'string')
    state = `s3://${backend.s3.bucket}/${path.posix.dirname(backend.s3.key)}`;
  return { region: typeof aws.region === 'string' ? aws.region : undefined, tags, state };
}

/** The settings the current configuration would synthesize (each stack's key is `<prefix>/<environment>/<stack>.tfstate`). */
export function configSettings(config: Pick<AppConfig, 'region' | 'tags' | 'backend' | 'environment'>): SynthSettings {
  const { backend } = config;
  return {
    region: config.region,
    tags: { ...config.tags },
    state: backend.kind === 'local' ? backend.directory : `s3://${backend.bucket}/${backend.keyPrefix}/${config.environment}`,
  };
}

/** `a=1, b=2`, keys sorted; `none` for no tags. */
function showTags(tags: Readonly<Record<string, string>>): string {
  const keys = Object.keys(tags).sort(compare);
  return keys.length === 0 ? 'none' : keys.map((key) => `${key}=${tags[key]}`).join(', ');
}

/**
 * Why the synthesized `stacks` do not match `wanted`, naming the first stack and setting that
 * differs (e.g. `stack network: region us-east-1, the settings say eu-west-1`); undefined when
 * every stack matches.
 */
export function settingsMismatch(stacks: Readonly<Record<string, TfJson>>, wanted: SynthSettings): string | undefined {
  for (const id of Object.keys(stacks).sort(compare)) {
    const found = stackSettings(stacks[id]);
    if (found.region !== wanted.region) return `stack ${id}: region ${found.region ?? 'not set'}, the settings say ${wanted.region ?? 'none'}`;
    if (showTags(found.tags) !== showTags(wanted.tags)) return `stack ${id}: default tags ${showTags(found.tags)}, the settings say ${showTags(wanted.tags)}`;
    if (found.state !== wanted.state) return `stack ${id}: state in ${found.state ?? 'no backend'}, the settings say ${wanted.state ?? 'none'}`;
  }
  return undefined;
}
