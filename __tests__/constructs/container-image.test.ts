import { TerraformOutput, Testing } from 'cdktf';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ContainerImage, type ContainerImageProps } from '../../stacks/constructs/container-image';
import { hashBuildContext } from '../../stacks/lib/context-hash';
import { byPath, parse, ref, resources } from '../support/synth';
import { serviceLikeContext, writeTree } from '../support/service-fixtures';

function synthImage(props: Partial<ContainerImageProps> & Pick<ContainerImageProps, 'source'>) {
  let image: ContainerImage | undefined;
  const json = parse(
    Testing.synthScope((scope) => {
      image = new ContainerImage(scope, 'image', { repositoryName: 'test-dev-service', cpuArchitecture: 'X86_64', ...props });
      new TerraformOutput(scope, 'image_uri', { value: image.imageUri });
    }),
  );
  return { json, image: image as ContainerImage };
}

const buildSource = (contextDirectory = serviceLikeContext()) => ({ kind: 'build' as const, contextDirectory });
const REGISTRY = { kind: 'registry' as const, reference: 'public.ecr.aws/nginx/nginx:stable' };

describe.each([
  ['build', () => buildSource()],
  ['registry', () => REGISTRY],
] as const)('ECR repository (%s source)', (_mode, source) => {
  it('scans on push, has immutable tags and KMS encryption', () => {
    const { json } = synthImage({ source: source() });
    expect(byPath(json, 'image/repository').props).toMatchObject({
      name: 'test-dev-service',
      image_tag_mutability: 'IMMUTABLE',
      image_scanning_configuration: { scan_on_push: true },
      encryption_configuration: [{ encryption_type: 'KMS' }],
      force_delete: false,
    });
  });

  it('keeps the last N images by lifecycle policy', () => {
    const { json } = synthImage({ source: source(), keepImages: 7 });
    const lifecycle = byPath(json, 'image/lifecycle');
    expect(lifecycle.props.repository).toBe(ref(byPath(json, 'image/repository'), 'name'));
    expect(JSON.parse(lifecycle.props.policy as string).rules).toEqual([
      {
        rulePriority: 1,
        description: 'Keep the last 7 images',
        selection: { tagStatus: 'any', countType: 'imageCountMoreThan', countNumber: 7 },
        action: { type: 'expire' },
      },
    ]);
  });
});

describe('ContainerImage build source', () => {
  it('authenticates the Docker provider with an ECR token at the bare registry host', () => {
    const { json } = synthImage({ source: buildSource() });
    const token = Object.keys(json.data?.aws_ecr_authorization_token ?? {})[0];
    expect(json.provider?.docker).toEqual([
      {
        registry_auth: [
          {
            address: `\${trimprefix(data.aws_ecr_authorization_token.${token}.proxy_endpoint, "https://")}`,
            username: `\${data.aws_ecr_authorization_token.${token}.user_name}`,
            password: `\${data.aws_ecr_authorization_token.${token}.password}`,
          },
        ],
      },
    ]);
  });

  it('builds the context directory with its Dockerfile', () => {
    const dir = serviceLikeContext();
    const { json } = synthImage({ source: buildSource(dir) });
    expect(byPath(json, 'image/build').props.build).toMatchObject({ context: dir, dockerfile: 'Dockerfile' });
  });

  it.each([
    ['X86_64', 'linux/amd64'],
    ['ARM64', 'linux/arm64'],
  ] as const)('builds %s tasks for %s', (cpuArchitecture, platform) => {
    const { json } = synthImage({ source: buildSource(), cpuArchitecture });
    const image = byPath(json, 'image/build').props;
    expect([image.platform, (image.build as { platform: string }).platform]).toEqual([platform, platform]);
  });

  it('tags the image with the content hash of the context and its platform', () => {
    const dir = serviceLikeContext();
    const { json, image } = synthImage({ source: buildSource(dir) });
    const hash = hashBuildContext(dir, { extra: ['platform=linux/amd64'] }).hash;
    expect(image.tag).toBe(hash.slice(0, 16));
    expect(byPath(json, 'image/build').props.name).toBe(`${ref(byPath(json, 'image/repository'), 'repository_url')}:${hash.slice(0, 16)}`);
  });

  it('changes the tag when a file in the context changes', () => {
    const dir = serviceLikeContext();
    const before = synthImage({ source: buildSource(dir) }).image.tag;
    fs.writeFileSync(path.join(dir, 'dist/server.js'), 'console.log("v2");\n');
    expect(synthImage({ source: buildSource(dir) }).image.tag).not.toBe(before);
  });

  it('keeps the tag when only an ignored file changes', () => {
    const dir = serviceLikeContext();
    const before = synthImage({ source: buildSource(dir) }).image.tag;
    fs.writeFileSync(path.join(dir, 'src/app.ts'), 'export const v = 2;\n');
    expect(synthImage({ source: buildSource(dir) }).image.tag).toBe(before);
  });

  it('pushes the built image and keeps it in ECR when replaced', () => {
    const { json } = synthImage({ source: buildSource() });
    expect(byPath(json, 'image/push').props).toMatchObject({ name: ref(byPath(json, 'image/build'), 'name'), keep_remotely: true });
  });

  it('references the pushed image by digest', () => {
    const { json } = synthImage({ source: buildSource() });
    const repositoryUrl = ref(byPath(json, 'image/repository'), 'repository_url');
    const digest = ref(byPath(json, 'image/push'), 'sha256_digest');
    expect(json.output?.image_uri.value).toBe(`${repositoryUrl}@${digest}`);
  });

  it('refuses a context without a Dockerfile', () => {
    const empty = writeTree({ 'README.md': 'no Dockerfile here' });
    expect(() => synthImage({ source: buildSource(empty) })).toThrow(`ContainerImage: ${path.join(empty, 'Dockerfile')} does not exist`);
  });
});

describe('one Docker provider per stack', () => {
  it("two built images share the stack's one Docker provider and ECR token", () => {
    const json = parse(
      Testing.synthScope((scope) => {
        for (const name of ['a', 'b']) new ContainerImage(scope, name, { repositoryName: name, cpuArchitecture: 'X86_64', source: buildSource() });
      }),
    );
    expect([json.provider?.docker?.length, Object.keys(json.data?.aws_ecr_authorization_token ?? {}).length, resources(json, 'docker_image').length]).toEqual([1, 1, 2]);
  });
});

describe('ContainerImage registry source', () => {
  it('runs the reference as given', () => {
    expect(synthImage({ source: REGISTRY }).json.output?.image_uri.value).toBe('public.ecr.aws/nginx/nginx:stable');
  });

  it('leaves the Docker provider and every AWS lookup out', () => {
    const { json } = synthImage({ source: REGISTRY });
    expect([json.provider?.docker, json.data]).toEqual([undefined, undefined]);
    expect(resources(json).filter((r) => r.type.startsWith('docker_'))).toEqual([]);
  });

  it('refuses an empty reference', () => {
    expect(() => synthImage({ source: { kind: 'registry', reference: ' ' } })).toThrow('ContainerImage: source.reference is empty');
  });
});

describe('ContainerImage validation', () => {
  it('refuses an unknown CPU architecture', () => {
    expect(() => synthImage({ source: REGISTRY, cpuArchitecture: 'RISCV' as never })).toThrow('cpuArchitecture "RISCV" is unknown; use X86_64 or ARM64');
  });

  it('refuses keeping no images', () => {
    expect(() => synthImage({ source: REGISTRY, keepImages: 0 })).toThrow('keepImages 0 is out of range');
  });
});
