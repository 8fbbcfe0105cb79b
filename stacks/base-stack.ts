/** What every stack shares: the AWS provider, the state backend and default tags. */
import { LocalBackend, S3Backend, type S3BackendConfig, TerraformStack } from 'cdktf';
import type { Construct } from 'constructs';
import * as path from 'node:path';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { EMULATOR_PROFILE, singleEndpointUrl, writeEmulatorProfile } from './lib/emulator-profile';
import type { AppConfig, BackendSettings } from './settings/config';
import { checkPolicy, type PolicyContext, type PolicyResult } from './policy/engine';
import { policyInput } from './policy/input';
import { formatReport } from './policy/report';

/** The stacks of the app (`bootstrap` outside `local`, `wordpress` only when opted in); their ids are also their directory names under cdktf.out/stacks. */
export type StackId = 'bootstrap' | 'network' | 'data' | 'service' | 'wordpress';

/** Props every stack takes. */
export interface BaseStackProps {
  /** The validated configuration of the environment being synthesized. */
  readonly config: AppConfig;
}

/** A TerraformStack with our provider and backend; subclasses only compose constructs and outputs. */
export abstract class BaseStack extends TerraformStack {
  protected readonly config: AppConfig;

  constructor(scope: Construct, id: StackId, props: BaseStackProps) {
    super(scope, id);
    this.config = props.config;
    const { aws, region, tags } = props.config;

    new AwsProvider(this, 'aws', {
      region,
      defaultTags: Object.keys(tags).length > 0 ? [{ tags: { ...tags } }] : undefined,
      ...providerEndpoints(aws.endpoints),
      ...(aws.offline ? OFFLINE_PROVIDER : {}),
    });
    configureBackend(this, id, props.config);
    // Synth fails with a report when the stack breaks a policy rule (docs/policy.md).
    this.node.addValidation({
      validate: () => {
        const result = this.policyResult();
        return result.findings.length > 0 ? [formatReport(result)] : [];
      },
    });
  }

  /** The policy rules run over this stack as synth runs them; call it once the app has prepared its stacks. */
  policyResult(): PolicyResult {
    return checkPolicy(policyInput(this), this.policyContext());
  }

  /** What the policy rules know beyond the JSON; a stack whose configuration allows public tasks says so here. */
  protected policyContext(): PolicyContext {
    return { stackId: this.node.id, environment: this.config.environment, teardown: this.config.teardown ?? false };
  }
}

/**
 * Where the provider sends its calls: one emulator URL through a profile of a shared config file
 * (stacks/lib/emulator-profile.ts says why not the `endpoints` block), endpoints that differ by
 * service through the block, and nothing for AWS itself.
 */
function providerEndpoints(endpoints: Readonly<Record<string, string>>): { endpoints?: Record<string, string>[]; sharedConfigFiles?: string[]; profile?: string } {
  if (Object.keys(endpoints).length === 0) return {};
  const url = singleEndpointUrl(endpoints);
  if (url === undefined) return { endpoints: [{ ...endpoints }] };
  return { sharedConfigFiles: [writeEmulatorProfile(url)], profile: EMULATOR_PROFILE };
}

/**
 * Fixed fake credentials and no AWS lookups: for the embedded DynamoDB and for offline plans.
 * Real deployments never use these; credentials come from the usual AWS chain.
 */
const OFFLINE_PROVIDER = {
  accessKey: 'offline',
  secretKey: 'offline',
  skipCredentialsValidation: true,
  skipRequestingAccountId: true,
  skipMetadataApiCheck: 'true',
  skipRegionValidation: true,
} as const;

/**
 * On the sandbox's emulator the backend talks to moto, with path-style addressing and none of the
 * AWS account lookups that moto cannot answer; against AWS nothing is added.
 */
function s3Endpoint(aws: AppConfig['aws']): Partial<S3BackendConfig> {
  const s3 = aws.endpoints.s3;
  if (!aws.offline || s3 === undefined) return {};
  return {
    endpoints: { s3 },
    usePathStyle: true,
    skipCredentialsValidation: true,
    skipRequestingAccountId: true,
    skipMetadataApiCheck: true,
    accessKey: OFFLINE_PROVIDER.accessKey,
    secretKey: OFFLINE_PROVIDER.secretKey,
  };
}

/** The S3 key of one stack's state: every stack gets its own. */
export function stateKey(keyPrefix: string, environment: string, stackId: StackId): string {
  return `${keyPrefix}/${environment}/${stackId}.tfstate`;
}

/**
 * The stack's backend: the configured one, except for `bootstrap`, which creates the bucket and so
 * keeps its own state in a local file until it is moved there (`CDKTF_BOOTSTRAP_STATE=s3`).
 */
export function backendOfStack(id: StackId, config: Pick<AppConfig, 'backend' | 'bootstrap'>): BackendSettings {
  if (id === 'bootstrap' && config.bootstrap.backend === 'local') return { kind: 'local', directory: config.bootstrap.localStateDirectory };
  return config.backend;
}

function configureBackend(stack: TerraformStack, id: StackId, config: AppConfig): void {
  const backend = backendOfStack(id, config);
  if (backend.kind === 'local') {
    new LocalBackend(stack, { path: path.join(backend.directory, `${id}.tfstate`) });
    return;
  }
  addS3Backend(stack, s3BackendProps(backend, stateKey(backend.keyPrefix, config.environment, id), config.aws));
}

/** The S3 backend of one state object: encrypted (with the state key when one is set), and on the emulator's endpoint in the sandbox. */
export function s3BackendProps(backend: Extract<BackendSettings, { kind: 's3' }>, key: string, aws: AppConfig['aws']): S3BackendConfig {
  return {
    bucket: backend.bucket,
    key,
    region: backend.region,
    encrypt: true,
    ...(backend.kmsKeyId ? { kmsKeyId: backend.kmsKeyId } : {}),
    ...s3Endpoint(aws),
  };
}

/** An S3 backend that locks with a lock file beside the state. */
export function addS3Backend(stack: TerraformStack, props: S3BackendConfig): S3Backend {
  const s3 = new S3Backend(stack, props);
  s3.addOverride('use_lockfile', true);
  return s3;
}
