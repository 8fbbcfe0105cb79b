/**
 * Where the sandbox's stacks keep their state and how the sandbox reads it: `bootstrap` in a local
 * file (it creates the bucket), network, data and service as objects of the state bucket on the
 * emulated S3. The parsing and naming are pure; the S3 calls go to moto with @aws-sdk/client-s3.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, ListObjectVersionsCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { backendOfStack, stateKey, type StackId } from '../../stacks/base-stack';
import type { AppConfig } from '../../stacks/settings/config';
import { EMULATOR_GAPS, emulatorUrl, type EmulatorGap } from './emulator';

/** Where one stack's state is: a local file, or an object of a bucket (on the emulator's endpoint in the sandbox). */
export type StateLocation =
  | { readonly kind: 'local'; readonly file: string }
  | { readonly kind: 's3'; readonly bucket: string; readonly key: string; readonly region: string; readonly endpoint: string };

/** The state location of `stack` under `config`, as base-stack.ts configures its backend. */
export function stateLocationOf(config: AppConfig, stack: StackId): StateLocation {
  const backend = backendOfStack(stack, config);
  if (backend.kind === 'local') return { kind: 'local', file: path.join(backend.directory, `${stack}.tfstate`) };
  return {
    kind: 's3',
    bucket: backend.bucket,
    key: stateKey(backend.keyPrefix, config.environment, stack),
    region: backend.region,
    endpoint: config.aws.endpoints.s3 ?? emulatorUrl(config.aws.endpoints),
  };
}

/** The managed resources a state document records (data sources left out); 0 for an empty document. */
export function managedResourceCount(stateText: string): number {
  if (stateText.trim() === '') return 0;
  const state = JSON.parse(stateText) as { resources?: { mode: string }[] };
  return (state.resources ?? []).filter((r) => r.mode === 'managed').length;
}

/**
 * The addresses of the managed resources of `types` a state document records, one per instance
 * (`aws_route53_zone.zone`, or `type.name[0]` / `type.name["key"]` for counted instances).
 */
export function managedAddressesOfTypes(stateText: string, types: readonly string[]): string[] {
  if (stateText.trim() === '') return [];
  const state = JSON.parse(stateText) as { resources?: { mode: string; type: string; name: string; instances?: { index_key?: number | string }[] }[] };
  return (state.resources ?? [])
    .filter((r) => r.mode === 'managed' && types.includes(r.type))
    .flatMap((r) => (r.instances ?? []).map((i) => `${r.type}.${r.name}${i.index_key === undefined ? '' : `[${JSON.stringify(i.index_key)}]`}`));
}

/**
 * The addresses a deploy run again for a `retry` gap must replace rather than update: the stack's
 * resources (from its state document) of the types of the `drift-unappliable` gaps. The failed
 * first run created them, they read back drifted, and the update the retry would plan fails.
 */
export function replacedBeforeRetry(stateText: string): { gap: EmulatorGap; addresses: string[] }[] {
  return EMULATOR_GAPS.filter((gap) => gap.handling === 'drift-unappliable')
    .map((gap) => ({ gap, addresses: managedAddressesOfTypes(stateText, gap.resourceTypes) }))
    .filter((found) => found.addresses.length > 0);
}

/** The root outputs a state document records, by name. */
export function stateOutputValues(stateText: string): Record<string, unknown> {
  const state = JSON.parse(stateText) as { outputs?: Record<string, { value: unknown }> };
  return Object.fromEntries(Object.entries(state.outputs ?? {}).map(([name, output]) => [name, output.value]));
}

/** The addresses of a state list (`terraform state list`) that belong to an S3 bucket: the bucket and its `aws_s3_bucket_*` settings. */
export function bucketAddresses(addresses: readonly string[]): string[] {
  return addresses.filter((address) => /^aws_s3_bucket(_[a-z_]+)?\./.test(address));
}

/** An S3 client for the emulator: path-style addressing and the sandbox's fake credentials. */
export function emulatedS3(endpoint: string, region: string): S3Client {
  return new S3Client({ endpoint, region, forcePathStyle: true, credentials: { accessKeyId: 'sandbox', secretAccessKey: 'sandbox' }, maxAttempts: 2 });
}

const missing = (error: unknown) => error instanceof S3ServiceException && ['NoSuchKey', 'NoSuchBucket', 'NotFound'].includes(error.name);

/** The text of one stack's state, or undefined when there is none (no file, no bucket, no object). */
export async function readStackState(config: AppConfig, stack: StackId): Promise<string | undefined> {
  const location = stateLocationOf(config, stack);
  if (location.kind === 'local') return fs.existsSync(location.file) ? fs.readFileSync(location.file, 'utf8') : undefined;
  const s3 = emulatedS3(location.endpoint, location.region);
  try {
    const object = await s3.send(new GetObjectCommand({ Bucket: location.bucket, Key: location.key }));
    return await object.Body?.transformToString('utf8');
  } catch (error) {
    if (missing(error)) return undefined;
    throw error;
  } finally {
    s3.destroy();
  }
}

/** What emptying a versioned bucket did: versions and delete markers deleted, and those the emulator refused (`<key> <version>: <error>`). */
export interface EmptiedBucket {
  readonly deleted: number;
  readonly refused: readonly string[];
  /** False when the bucket did not exist. */
  readonly existed: boolean;
}

/** Deletes every object version and delete marker of a bucket, one by one, so that one the emulator refuses does not stop the rest. */
export async function emptyVersionedBucket(options: { endpoint: string; region: string; bucket: string }): Promise<EmptiedBucket> {
  if (!(await bucketExists(options))) return { deleted: 0, refused: [], existed: false };
  const s3 = emulatedS3(options.endpoint, options.region);
  try {
    let deleted = 0;
    const refused: string[] = [];
    let keyMarker: string | undefined;
    let versionIdMarker: string | undefined;
    do {
      const page = await s3.send(new ListObjectVersionsCommand({ Bucket: options.bucket, KeyMarker: keyMarker, VersionIdMarker: versionIdMarker }));
      for (const entry of [...(page.Versions ?? []), ...(page.DeleteMarkers ?? [])]) {
        try {
          await s3.send(new DeleteObjectCommand({ Bucket: options.bucket, Key: entry.Key, VersionId: entry.VersionId }));
          deleted += 1;
        } catch (error) {
          refused.push(`${entry.Key} ${entry.VersionId}: ${error instanceof Error ? error.name : String(error)}`);
        }
      }
      ({ NextKeyMarker: keyMarker, NextVersionIdMarker: versionIdMarker } = page.IsTruncated ? page : { NextKeyMarker: undefined, NextVersionIdMarker: undefined });
    } while (keyMarker !== undefined);
    return { deleted, refused, existed: true };
  } finally {
    s3.destroy();
  }
}

/** Whether a bucket exists on the endpoint. */
export async function bucketExists(options: { endpoint: string; region: string; bucket: string }): Promise<boolean> {
  const s3 = emulatedS3(options.endpoint, options.region);
  try {
    await s3.send(new HeadBucketCommand({ Bucket: options.bucket }));
    return true;
  } catch (error) {
    if (missing(error)) return false;
    throw error;
  } finally {
    s3.destroy();
  }
}
