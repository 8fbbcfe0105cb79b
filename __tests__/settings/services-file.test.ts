/** CDKTF_SERVICES_FILE: the list of services from JSON, every problem named by file, JSON path, value and fix. */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig } from '../../stacks/settings/config';
import { serviceDefaults } from '../../stacks/settings/service';
import { parseServicesDocument } from '../../stacks/settings/services-file';
import { configProblems } from '../support/config';
import { writeTree } from '../support/service-fixtures';

const ROOT = path.resolve(__dirname, '../..');
const EXAMPLE = 'docs/examples/three-services.json';
const BASE = serviceDefaults('dev', ROOT).services[0];
const parse = (document: unknown) => parseServicesDocument(document, 'services.json', BASE, ROOT);
const ORDER = { name: 'order', image: 'registry:nginx', containerPort: 8080, external: { port: 80 } };

/** The problems of a services file with this content, loaded as loadConfig loads it. */
function fileProblems(content: unknown, env: Record<string, string> = {}): readonly string[] {
  const dir = writeTree({ 'services.json': typeof content === 'string' ? content : JSON.stringify(content, null, 2) });
  return configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_SERVICES_FILE: path.join(dir, 'services.json'), ...env }, ROOT));
}

describe('the three-service example file', () => {
  const services = loadConfig({ CDKTF_ENV: 'dev', CDKTF_SERVICES_FILE: EXAMPLE }, ROOT).service.services;

  it('lists order, customer and product with their exposure', () => {
    expect(services.map((s) => [s.name, s.external, s.internal])).toEqual([
      ['order', { port: 80 }, { port: 80 }],
      ['customer', undefined, { port: 8080 }],
      ['product', undefined, { port: 9090 }],
    ]);
  });

  it('scales order only; the others keep a fixed count', () => {
    expect(services.map((s) => s.scaling)).toEqual([{ minTasks: 2, maxTasks: 20, cpuPercent: 50, memoryPercent: 80, requestsPerTarget: 1000 }, undefined, undefined]);
  });

  it('takes the capacity provider strategy of customer as written, with spot off', () => {
    expect([services[1].spot, services[1].capacityProviderStrategy]).toEqual([
      false,
      [
        { capacityProvider: 'FARGATE', base: 1, weight: 1 },
        { capacityProvider: 'FARGATE_SPOT', weight: 3 },
      ],
    ]);
  });

  it('runs the catalog API in product (image build), with ECS Exec and the writable root it needs', () => {
    const product = services[2];
    expect([product.image, product.catalog, product.enableExecuteCommand, product.container.readonlyRootFilesystem, product.environment]).toEqual([
      { kind: 'build', contextDirectory: path.join(ROOT, 'service'), dockerfile: 'Dockerfile' },
      true,
      true,
      false,
      { LOG_LEVEL: 'debug' },
    ]);
  });

  it('health-checks / on the nginx services and /health on the catalog API', () => {
    expect(services.map((s) => s.healthCheck.path)).toEqual(['/', '/', '/health']);
  });

  it('releases every service through Terraform unless the file says otherwise', () => {
    expect(services.map((s) => s.release)).toEqual(['terraform', 'terraform', 'terraform']);
  });

  it('says where the list came from', () => {
    expect(loadConfig({ CDKTF_ENV: 'dev', CDKTF_SERVICES_FILE: EXAMPLE }, ROOT).service.servicesSource).toBe(EXAMPLE);
  });
});

describe('the release mode of a services file', () => {
  it('gives a service "release": "pipeline" to the pipeline and keeps the others on Terraform', () => {
    const { services } = parse({
      services: [
        { ...ORDER, release: 'pipeline' },
        { ...ORDER, name: 'customer', external: { port: 81 } },
      ],
    });
    expect(services.map((s) => [s.name, s.release])).toEqual([
      ['order', 'pipeline'],
      ['customer', 'terraform'],
    ]);
  });
});

describe('a services file with mistakes', () => {
  it.each([
    [{ services: [{ ...ORDER, containerPort: '8080' }] }, 'services.json: services[0].containerPort: "8080" is not a number; give one like 8080'],
    [{ services: [{ ...ORDER, name: undefined }] }, 'services.json: services[0].name: missing; give it, e.g. "name": "orders"'],
    [{ services: [{ ...ORDER, image: 'nginx' }] }, 'services.json: services[0].image: "nginx" is not an image source; use build, build:<directory> or registry:<image>'],
    [{ services: [{ ...ORDER, ports: [80] }] }, 'services.json: services[0].ports: unknown field; use one of name, image'],
    [{ services: [{ ...ORDER, external: { port: 80, tls: true } }] }, 'services.json: services[0].external.tls: unknown field; use one of port, certificateArn'],
    [{ services: [{ ...ORDER, scaling: { maxTasks: 4 } }] }, 'services.json: services[0].scaling.minTasks: missing; give it, e.g. "minTasks": 1'],
    [
      { services: [{ ...ORDER, capacityProviderStrategy: [{ provider: 'SPOT', weight: 1 }] }] },
      'services.json: services[0].capacityProviderStrategy[0].provider: "SPOT" is not one of FARGATE, FARGATE_SPOT',
    ],
    [{ services: [{ ...ORDER, environment: { LOG_LEVEL: 3 } }] }, 'services.json: services[0].environment.LOG_LEVEL: 3 is not a string'],
    [{ services: [{ ...ORDER, consumes: 'product' }] }, 'services.json: services[0].consumes: "product" is not a list; give one like ["product"]'],
    [{ services: [{ ...ORDER, release: 'ci' }] }, 'services.json: services[0].release: "ci" is not one of terraform, pipeline'],
    [{ service: [] }, 'services.json: $.service: unknown field; use one of services'],
  ])('%j is refused with its JSON path and fix', (document, message) => {
    expect(parse(document).problems).toContainEqual(expect.stringContaining(message));
  });

  it('reports every problem of the file at once', () => {
    expect(
      parse({
        services: [
          { ...ORDER, containerPort: 'x', cpu: 'y' },
          { ...ORDER, name: 7 },
        ],
      }).problems,
    ).toHaveLength(3);
  });

  it.each([
    [[ORDER, { ...ORDER, name: 'web' }], 'services[1].external.port 80 is taken by "order" on the external load balancer; give each service its own port'],
    [[{ ...ORDER, consumes: ['stock'] }], 'services[0].consumes[0]: "stock" is not a service here; use one of none'],
    [
      [
        { ...ORDER, consumes: ['web'] },
        { ...ORDER, name: 'web', external: { port: 8080 } },
      ],
      'services[0].consumes[0]: "web" is not internal, so it has no internal URL',
    ],
    [[{ ...ORDER, external: undefined }], 'services[0].exposes nothing; give "external", "internal" or both'],
    [[ORDER, ORDER], 'services[1].name "order" is used twice'],
    [[{ ...ORDER, cpu: 256, memoryMiB: 4096 }], 'services[0].cpu 256 with memoryMiB 4096 is not a Fargate task size'],
    [[{ ...ORDER, name: 'Order_Service' }], 'services[0].name "Order_Service" is not a service name'],
  ])('a file whose services do not fit together is refused, each problem prefixed with the file', (services, message) => {
    expect(fileProblems({ services })).toContainEqual(expect.stringMatching(new RegExp(`services\\.json: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)));
  });

  it('reports the problems of two services at once: a port given as text in one, a call to a missing service in the other', () => {
    expect(
      fileProblems({
        services: [
          { ...ORDER, containerPort: 'http' },
          { ...ORDER, name: 'web', external: { port: 8080 }, consumes: ['nowhere'] },
        ],
      }),
    ).toEqual([
      expect.stringMatching(/services\.json: services\[0\]\.containerPort: "http" is not a number; give one like 8080$/),
      expect.stringMatching(/services\.json: services\[1\]\.consumes\[0\]: "nowhere" is not a service here; use one of order$/),
    ]);
  });

  it('reports a port out of range in one service and a call to a missing service in another at once', () => {
    expect(
      fileProblems({
        services: [
          { ...ORDER, containerPort: 70000 },
          { ...ORDER, name: 'web', external: { port: 8080 }, consumes: ['nowhere'] },
        ],
      }),
    ).toEqual([
      expect.stringMatching(/services\.json: services\[0\]\.containerPort: port 70000 is not a TCP port/),
      expect.stringMatching(/services\.json: services\[1\]\.consumes\[0\]: "nowhere" is not a service here/),
    ]);
  });

  it('invalid JSON names the file and the line', () => {
    expect(fileProblems('{\n  "services": [\n    { "name": "order", }\n  ]\n}')).toEqual([expect.stringMatching(/services\.json: not valid JSON at line 3 .*; fix the syntax/)]);
  });

  it('a missing file names the variable and the path', () => {
    expect(configProblems(() => loadConfig({ CDKTF_ENV: 'dev', CDKTF_SERVICES_FILE: 'nope.json' }, ROOT))).toEqual([
      expect.stringContaining(`CDKTF_SERVICES_FILE: ${path.join(ROOT, 'nope.json')} does not exist`),
    ]);
  });

  it('a variable of the default service cannot be combined with a services file', () => {
    expect(fileProblems({ services: [ORDER] }, { CDKTF_TASK_CPU: '512' })).toEqual([
      expect.stringMatching(/^CDKTF_TASK_CPU: sets the default service, which CDKTF_SERVICES_FILE \(.*services\.json\) replaces; set the field in that file instead/),
    ]);
  });

  it('the example file is valid JSON on disk', () => {
    expect(() => JSON.parse(fs.readFileSync(path.join(ROOT, EXAMPLE), 'utf8'))).not.toThrow();
  });

  it("the README's abridged example is a valid services file, a subset of the example's services", () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const shown = JSON.parse(/```json\n([\s\S]*?)```/.exec(readme)?.[1] ?? 'null');
    const parsed = parse(shown);
    expect([parsed.problems, parsed.services.map((s) => s.name)]).toEqual([[], ['order', 'customer', 'product']]);
  });

  it('docs/services.md shows the example file as it is', () => {
    const doc = fs.readFileSync(path.join(ROOT, 'docs', 'services.md'), 'utf8');
    const shown = /```json\n([\s\S]*?)```/.exec(doc)?.[1];
    expect(JSON.parse(shown ?? 'null')).toEqual(JSON.parse(fs.readFileSync(path.join(ROOT, EXAMPLE), 'utf8')));
  });
});
