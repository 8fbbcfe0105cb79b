/** The reader of synthesized Terraform JSON, on small documents written the way cdktf writes them. */
import {
  asTfJson,
  block,
  blocks,
  literal,
  literalNumber,
  pathFromLogicalId,
  recordedPath,
  ref,
  referenceAddress,
  remoteReads,
  resourceRefs,
  TfDocument,
  type TfJson,
} from '../../stacks/lib/tf-json';

const metadata = (path: string) => ({ '//': { metadata: { path, uniqueId: path.split('/').slice(1).join('_') } } });
const REMOTE = 'cross-stack-reference-input-network';

/** A service stack: a cluster, a task reading the network's subnets, a policy document, and outputs. */
const SERVICE: TfJson = {
  resource: {
    aws_ecs_cluster: { cluster_cluster_0A1B2C3D: { ...metadata('service/cluster/cluster'), name: 'app' } },
    aws_ecs_service: {
      app_service_4E5F6A7B: {
        ...metadata('service/app/service'),
        cluster: '${aws_ecs_cluster.cluster_cluster_0A1B2C3D.id}',
        network_configuration: { subnets: `\${data.terraform_remote_state.${REMOTE}.outputs.private_subnets}` },
        depends_on: ['aws_ecs_cluster.cluster_cluster_0A1B2C3D'],
      },
    },
    aws_iam_role_policy: { app_policy_8C9D0E1F: { ...metadata('service/app/policy'), policy: '${data.aws_iam_policy_document.app_doc_2A3B4C5D.json}' } },
  },
  data: {
    aws_iam_policy_document: { app_doc_2A3B4C5D: { ...metadata('service/app/doc'), statement: [{ actions: ['ecs:ListTasks'] }] } },
    terraform_remote_state: { [REMOTE]: { ...metadata(`service/${REMOTE}`), backend: 'local', config: { path: '/state/dev/network.tfstate' } } },
  },
  output: {
    cluster_name: { value: '${aws_ecs_cluster.cluster_cluster_0A1B2C3D.name}' },
    subnets: { value: `\${data.terraform_remote_state.${REMOTE}.outputs.public_subnets}`, description: 'the subnets' },
  },
  terraform: { backend: { s3: { bucket: 'state', key: 'dev/service.tfstate', encrypt: true } } },
};

describe('construct paths', () => {
  it('an element’s path is its recorded construct path below the stack', () => {
    expect(new TfDocument(SERVICE).element('aws_ecs_service.app_service_4E5F6A7B')?.path).toBe('app/service');
  });

  it('a data source’s path is read the same way', () => {
    expect(new TfDocument(SERVICE).dataSources('aws_iam_policy_document').map((d) => d.path)).toEqual(['app/doc']);
  });

  it('an element without recorded metadata is named by its logical id', () => {
    // Given JSON as Testing.synth writes it: the `//` metadata stripped
    const json: TfJson = { resource: { aws_vpc: { vpc_vpc_1A2B3C4D: { cidr_block: '10.0.0.0/16' } } } };
    // Then the path falls back to the logical id
    expect(new TfDocument(json).resources().map((r) => r.path)).toEqual(['vpc_vpc_1A2B3C4D']);
  });

  it('reads the path back from the logical id when told to', () => {
    const json: TfJson = { resource: { aws_subnet: { 'vpc_public-a_1A2B3C4D': {} } } };
    expect(new TfDocument(json, { unrecordedPath: pathFromLogicalId }).resources().map((r) => r.path)).toEqual(['vpc/public-a']);
  });

  it('a recorded path wins over the logical id', () => {
    const json: TfJson = { resource: { aws_subnet: { 'vpc_public-a_1A2B3C4D': metadata('network/vpc/public') } } };
    expect(new TfDocument(json, { unrecordedPath: pathFromLogicalId }).resources().map((r) => r.path)).toEqual(['vpc/public']);
  });

  it('a logical id drops its hash and turns `_` into `/`; one without a hash stays as it is', () => {
    expect([pathFromLogicalId('vpc_private-eu-west-1a-rt_404993E7'), pathFromLogicalId('vpc')]).toEqual(['vpc/private-eu-west-1a-rt', 'vpc']);
  });

  it('records no path for metadata without one, or an empty one', () => {
    expect([recordedPath({}), recordedPath({ '//': { metadata: {} } }), recordedPath({ '//': { metadata: { path: '' } } })]).toEqual([undefined, undefined, undefined]);
  });
});

describe('elements', () => {
  const doc = new TfDocument(SERVICE);

  it('addresses resources as type.id and data sources as data.type.id', () => {
    expect(doc.elements.map((e) => `${e.mode} ${e.address}`)).toEqual([
      'resource aws_ecs_cluster.cluster_cluster_0A1B2C3D',
      'resource aws_ecs_service.app_service_4E5F6A7B',
      'resource aws_iam_role_policy.app_policy_8C9D0E1F',
      'data data.aws_iam_policy_document.app_doc_2A3B4C5D',
      `data data.terraform_remote_state.${REMOTE}`,
    ]);
  });

  it('lists the resources of the given types in their order, and every resource when no type is given', () => {
    expect([doc.resources('aws_iam_role_policy', 'aws_ecs_cluster').map((r) => r.type), doc.resources().length]).toEqual([['aws_iam_role_policy', 'aws_ecs_cluster'], 3]);
  });

  it('has no resources of a type the document lacks', () => {
    expect(doc.resources('aws_lb')).toEqual([]);
  });

  it('gives each element its arguments', () => {
    expect(doc.byPath('cluster/cluster').props.name).toBe('app');
  });

  it('finds the one resource at a construct path', () => {
    expect(doc.byPath('app/service').address).toBe('aws_ecs_service.app_service_4E5F6A7B');
  });

  it('fails to find a path that is not there, listing the paths there are', () => {
    expect(() => doc.byPath('app/task')).toThrow('expected one resource at "app/task", found 0; paths: cluster/cluster, app/service, app/policy');
  });

  it('fails on a path that two resources share', () => {
    const json: TfJson = { resource: { aws_vpc: { a: metadata('s/vpc') }, aws_subnet: { b: metadata('s/vpc') } } };
    expect(() => new TfDocument(json).byPath('vpc')).toThrow('expected one resource at "vpc", found 2');
  });

  it('reads an empty document as having nothing', () => {
    const empty = new TfDocument({});
    expect([empty.elements, empty.outputs(), empty.remoteStates(), empty.remoteReads(), empty.backend()]).toEqual([[], [], [], [], undefined]);
  });
});

describe('references', () => {
  const doc = new TfDocument(SERVICE);

  it('writes the reference of a resource attribute, `id` unless told otherwise', () => {
    const cluster = doc.byPath('cluster/cluster');
    expect([ref(cluster), ref(cluster, 'arn')]).toEqual(['${aws_ecs_cluster.cluster_cluster_0A1B2C3D.id}', '${aws_ecs_cluster.cluster_cluster_0A1B2C3D.arn}']);
  });

  it('writes the reference of a data source with its data. prefix', () => {
    expect(ref(doc.dataSources('aws_iam_policy_document')[0], 'json')).toBe('${data.aws_iam_policy_document.app_doc_2A3B4C5D.json}');
  });

  it('resolves a value that is exactly one reference to the element it points to', () => {
    expect([
      doc.referenced(SERVICE.resource?.aws_iam_role_policy.app_policy_8C9D0E1F.policy)?.address,
      doc.referenced('${aws_ecs_cluster.cluster_cluster_0A1B2C3D.id}')?.path,
    ]).toEqual(['data.aws_iam_policy_document.app_doc_2A3B4C5D', 'cluster/cluster']);
  });

  it('resolves no literal, expression, non-string or reference to another stack', () => {
    expect(['app', '${aws_ecs_cluster.cluster_cluster_0A1B2C3D.id}-x', 42, '${aws_ecs_cluster.elsewhere.id}'].map((v) => doc.referenced(v))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
  });

  it('takes the address of a reference to a map entry of an attribute', () => {
    expect(referenceAddress('${aws_subnet.private_1A2B3C4D.tags["Name"]}')).toBe('aws_subnet.private_1A2B3C4D');
  });

  it('finds every reference to a resource of the document inside a value, but not to data sources or in depends_on', () => {
    expect(doc.references(doc.byPath('app/service').props)).toEqual([{ address: 'aws_ecs_cluster.cluster_cluster_0A1B2C3D', attribute: 'id' }]);
  });
});

// Moved here unchanged from the diagram's tests, which first used these functions.
describe('references inside Terraform JSON', () => {
  const known = new Set(['aws_ecr_repository.repo', 'aws_lb.alb']);

  it('finds references inside JSON-encoded strings such as container definitions', () => {
    // Given a container definition that embeds a token in its image
    const defs = JSON.stringify([{ image: '${aws_ecr_repository.repo.repository_url}:1' }]);
    // When its references are read
    // Then the repository and attribute are found
    expect(resourceRefs({ container_definitions: defs }, known)).toEqual([{ address: 'aws_ecr_repository.repo', attribute: 'repository_url' }]);
  });

  it('ignores depends_on, data sources and resources of other stacks', () => {
    const value = { depends_on: ['aws_lb.alb'], a: '${data.aws_lb.alb.arn}', b: '${aws_lb.other.arn}', c: 'aws_lb.alb.arn without a token' };
    expect(resourceRefs(value, known)).toEqual([]);
  });

  it('reads every remote-state output a value uses, once each', () => {
    const token = (o: string) => `\${data.terraform_remote_state.cross-stack-reference-input-network.outputs.${o}}`;
    expect(remoteReads({ subnets: [token('a'), token('b')], again: token('a') })).toEqual([
      { block: 'cross-stack-reference-input-network', output: 'a' },
      { block: 'cross-stack-reference-input-network', output: 'b' },
    ]);
  });

  it('refuses a document of the wrong shape with the file, JSON path and fix', () => {
    expect(() => asTfJson({ resource: { aws_vpc: [] } }, 'cdktf.out/stacks/network/cdk.tf.json')).toThrow(
      'cdktf.out/stacks/network/cdk.tf.json: resource.aws_vpc is an array, expected an object of blocks by logical id; re-synthesize the app (npx cdktf synth)',
    );
  });
});

describe('the document’s shape', () => {
  it('ends the refusal with the fix the caller gives', () => {
    expect(() => asTfJson({ output: { url: 'x' } }, 'f.json', 'point --input at a cdktf.out directory')).toThrow(
      new Error('f.json: output.url is a string, expected an object with a value; point --input at a cdktf.out directory'),
    );
  });

  it('refuses a document that is no JSON object', () => {
    expect(() => asTfJson(null, 'f.json')).toThrow('f.json: the document is null, expected a JSON object');
  });

  it('accepts a synthesized document as it is', () => {
    expect(asTfJson(SERVICE, 'f.json')).toBe(SERVICE);
  });
});

describe('outputs, remote state and backend', () => {
  const doc = new TfDocument(SERVICE);

  it('lists the outputs by name with their values, in document order', () => {
    expect(doc.outputs()).toEqual([
      { name: 'cluster_name', value: '${aws_ecs_cluster.cluster_cluster_0A1B2C3D.name}' },
      { name: 'subnets', value: `\${data.terraform_remote_state.${REMOTE}.outputs.public_subnets}`, description: 'the subnets' },
    ]);
  });

  it('lists the remote state blocks with their backend and config', () => {
    expect(doc.remoteStates()).toEqual([{ name: REMOTE, backend: 'local', config: { path: '/state/dev/network.tfstate' } }]);
  });

  it('reads the other stacks’ outputs that resources and outputs use', () => {
    expect(doc.remoteReads()).toEqual([
      { block: REMOTE, output: 'private_subnets' },
      { block: REMOTE, output: 'public_subnets' },
    ]);
  });

  it('counts no read in the arguments of the remote state blocks themselves', () => {
    // Given a remote state block whose defaults name an output of another remote state
    const json: TfJson = {
      data: { terraform_remote_state: { a: { backend: 'local', config: {}, defaults: { x: '${data.terraform_remote_state.b.outputs.x}' } } } },
      output: { y: { value: '${data.terraform_remote_state.a.outputs.y}' } },
    };
    // Then only the output's read counts
    expect(new TfDocument(json).remoteReads()).toEqual([{ block: 'a', output: 'y' }]);
  });

  it('reads the backend kind and its configuration', () => {
    expect(doc.backend()).toEqual({ kind: 's3', config: { bucket: 'state', key: 'dev/service.tfstate', encrypt: true } });
  });
});

describe('argument values', () => {
  it('reads the single nested block written as an object or as a list', () => {
    expect([block({ a: 1 }), block([{ a: 2 }, { a: 3 }]), block([]), block('x')]).toEqual([{ a: 1 }, { a: 2 }, undefined, undefined]);
  });

  it('reads every nested block written as an object or as a list, skipping what is no block', () => {
    expect([blocks({ a: 1 }), blocks([{ a: 2 }, 'x', { a: 3 }]), blocks(undefined)]).toEqual([[{ a: 1 }], [{ a: 2 }, { a: 3 }], []]);
  });

  it('knows a value at synth time only when it holds no token', () => {
    expect([literal('app'), literal(80), literal(true), literal('${aws_lb.alb.name}'), literal(undefined)]).toEqual(['app', '80', 'true', undefined, undefined]);
  });

  it('knows a number at synth time when it is written as a number or as digits', () => {
    expect([literalNumber(80), literalNumber('443'), literalNumber('${var.port}'), literalNumber('-1')]).toEqual([80, 443, undefined, undefined]);
  });
});
