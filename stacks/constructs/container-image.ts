/** An ECR repository and the image a service runs: built from a directory and pushed, or a ready registry image. */
import { Annotations, Fn, TerraformStack } from 'cdktf';
import { Construct } from 'constructs';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataAwsEcrAuthorizationToken } from '@cdktf/provider-aws/lib/data-aws-ecr-authorization-token';
import { EcrLifecyclePolicy } from '@cdktf/provider-aws/lib/ecr-lifecycle-policy';
import { EcrRepository } from '@cdktf/provider-aws/lib/ecr-repository';
import { Image } from '@cdktf/provider-docker/lib/image';
import { DockerProvider } from '@cdktf/provider-docker/lib/provider';
import { RegistryImage } from '@cdktf/provider-docker/lib/registry-image';
import { hashBuildContext } from '../lib/context-hash';
import { architectureProblem, type CpuArchitecture, dockerPlatform } from '../lib/fargate-rules';
import { ecrPullStatements, type PolicyStatement } from '../lib/iam';
import { keepImagesProblem } from '../lib/image-rules';

/**
 * Where the image comes from. `build` builds `contextDirectory` with the local Docker engine and
 * pushes it to the repository; `registry` runs a ready image and leaves Docker out of the stack.
 */
export type ImageSource =
  | {
      readonly kind: 'build';
      /** Absolute path of the build context. */
      readonly contextDirectory: string;
      /** Dockerfile path relative to the context. @default 'Dockerfile' */
      readonly dockerfile?: string;
    }
  | {
      readonly kind: 'registry';
      /** A pullable reference, e.g. `public.ecr.aws/nginx/nginx:stable` or `<repo>@sha256:<digest>`. */
      readonly reference: string;
    };

/** Props of {@link ContainerImage}. */
export interface ContainerImageProps {
  /** Name of the ECR repository. */
  readonly repositoryName: string;
  readonly source: ImageSource;
  /** Built images target this architecture (`linux/amd64` or `linux/arm64`); the task must use the same. */
  readonly cpuArchitecture: CpuArchitecture;
  /**
   * The lifecycle policy expires all but this many most recent images.
   * @default 10
   */
  readonly keepImages?: number;
  /**
   * Let `terraform destroy` delete the repository with its images. Images are pushed with
   * `keep_remotely`, so without this a destroy stops at a non-empty repository.
   * @default false
   */
  readonly forceDelete?: boolean;
  /**
   * Customer managed KMS key for the repository.
   * @default - the AWS managed key `aws/ecr`
   */
  readonly kmsKeyArn?: string;
}

/** The default number of images the lifecycle policy keeps. */
export const DEFAULT_KEEP_IMAGES = 10;

/** An ECR repository (scan on push, immutable tags, KMS, lifecycle) and the image to run. */
export class ContainerImage extends Construct {
  readonly repositoryName: string;
  readonly repositoryArn: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>` */
  readonly repositoryUrl: string;
  /** What the task definition runs: `<repositoryUrl>@sha256:<digest>` when built, else the reference. */
  readonly imageUri: string;
  /** Build mode: the content hash tag the image is pushed under. */
  readonly tag?: string;

  constructor(scope: Construct, id: string, props: ContainerImageProps) {
    super(scope, id);
    const keepImages = props.keepImages ?? DEFAULT_KEEP_IMAGES;
    const forceDelete = props.forceDelete ?? false;
    validate(props, keepImages);

    const repository = new EcrRepository(this, 'repository', {
      name: props.repositoryName,
      imageTagMutability: 'IMMUTABLE',
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [{ encryptionType: 'KMS', kmsKey: props.kmsKeyArn }],
      forceDelete,
    });
    new EcrLifecyclePolicy(this, 'lifecycle', {
      repository: repository.name,
      policy: JSON.stringify({
        rules: [
          {
            rulePriority: 1,
            description: `Keep the last ${keepImages} images`,
            selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: keepImages },
            action: { type: 'expire' },
          },
        ],
      }),
    });
    this.repositoryName = repository.name;
    this.repositoryArn = repository.arn;
    this.repositoryUrl = repository.repositoryUrl;

    if (props.source.kind === 'registry') {
      this.imageUri = props.source.reference;
      return;
    }

    const { contextDirectory, dockerfile = 'Dockerfile' } = props.source;
    const platform = dockerPlatform(props.cpuArchitecture);
    // The platform is part of the tag: tags are immutable, so an arm64 build must not reuse an amd64 tag.
    const digest = hashBuildContext(contextDirectory, { dockerfile, extra: [`platform=${platform}`] });
    if (digest.files.every((file) => file === dockerfile || file === '.dockerignore')) {
      Annotations.of(this).addWarning(`ContainerImage: the build context ${contextDirectory} holds nothing besides ${dockerfile}; build the app first (npm run build:service)`);
    }
    this.tag = digest.hash.slice(0, 16);

    EcrDockerProvider.of(this);
    const image = new Image(this, 'build', {
      name: `${repository.repositoryUrl}:${this.tag}`,
      buildAttribute: { context: contextDirectory, dockerfile, platform },
      platform,
      // The tag in the name already changes with the content; the trigger documents why it rebuilds.
      triggers: { context_hash: digest.hash },
    });
    const pushed = new RegistryImage(this, 'push', {
      name: image.name,
      // Old images stay in ECR for rollbacks; the lifecycle policy expires them.
      keepRemotely: true,
      triggers: { context_hash: digest.hash },
    });
    this.imageUri = `${repository.repositoryUrl}@${pushed.sha256Digest}`;
  }

  /** What an ECS execution role needs to pull from this repository. */
  pullStatements(): PolicyStatement[] {
    return ecrPullStatements(this.repositoryArn);
  }
}

/**
 * The stack's one Docker provider, logged in to the account's ECR registry: every built image of
 * the stack pushes through it (two providers without aliases would clash in one stack).
 */
export class EcrDockerProvider extends Construct {
  /** The stack's instance, created at its root on first use. */
  static of(scope: Construct): EcrDockerProvider {
    const stack = TerraformStack.of(scope);
    const existing = stack.node.tryFindChild(ECR_DOCKER_ID);
    return existing instanceof EcrDockerProvider ? existing : new EcrDockerProvider(stack, ECR_DOCKER_ID);
  }

  private constructor(scope: Construct, id: string) {
    super(scope, id);
    // Registry credentials last 12 hours and are read at every plan; the address is the bare host.
    const token = new DataAwsEcrAuthorizationToken(this, 'auth');
    new DockerProvider(this, 'docker', {
      registryAuth: [{ address: Fn.trimprefix(token.proxyEndpoint, 'https://'), username: token.userName, password: token.password }],
    });
  }
}

const ECR_DOCKER_ID = 'ecr-docker';

function validate(props: ContainerImageProps, keepImages: number): void {
  const problem = architectureProblem(props.cpuArchitecture);
  if (problem) throw new Error(`ContainerImage: ${problem}`);
  const keep = keepImagesProblem(keepImages);
  if (keep) throw new Error(`ContainerImage: ${keep}`);
  if (props.source.kind === 'registry' && props.source.reference.trim() === '') {
    throw new Error('ContainerImage: source.reference is empty; give a pullable image, e.g. public.ecr.aws/nginx/nginx:stable');
  }
  if (props.source.kind === 'build') {
    const { contextDirectory } = props.source;
    if (!path.isAbsolute(contextDirectory)) {
      throw new Error(`ContainerImage: source.contextDirectory "${contextDirectory}" is relative; give an absolute path`);
    }
    const dockerfile = path.join(contextDirectory, props.source.dockerfile ?? 'Dockerfile');
    if (!fs.existsSync(dockerfile)) {
      throw new Error(`ContainerImage: ${dockerfile} does not exist; point source.contextDirectory at a directory with a Dockerfile`);
    }
  }
}
