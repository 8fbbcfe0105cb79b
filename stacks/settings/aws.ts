/** The `emulators` group: how the AWS provider reaches AWS, or the local emulator that stands in for it. */
import type { EnvironmentName } from './environments';
import { DEFAULT_MOTO_PORT, emulatorEndpoints, emulatorUrl, motoUrl } from './emulator';
import { type GroupVariables, text, unset, value, variable } from './spec';

/** Port of the embedded DynamoDB of `npm start` when `DYNAMODB_PORT` is unset. */
const DEFAULT_LOCAL_DYNAMODB_PORT = 8000;

/** How the AWS provider reaches AWS. */
export interface AwsAccessSettings {
  /** Per-service endpoint overrides, e.g. `{ dynamodb: 'http://127.0.0.1:8000' }` for the embedded DynamoDB. */
  readonly endpoints: Readonly<Record<string, string>>;
  /** Use fixed fake credentials and skip every AWS lookup (embedded DynamoDB, the sandbox's moto, offline plans). */
  readonly offline: boolean;
}

/** local talks to the embedded DynamoDB, sandbox to a local moto server, dev and prod to AWS. */
export function awsDefaults(name: EnvironmentName): AwsAccessSettings {
  switch (name) {
    case 'local':
      return { endpoints: { dynamodb: `http://127.0.0.1:${DEFAULT_LOCAL_DYNAMODB_PORT}` }, offline: true };
    case 'sandbox':
      return { endpoints: emulatorEndpoints(motoUrl(DEFAULT_MOTO_PORT)), offline: true };
    case 'dev':
    case 'prod':
      return { endpoints: {}, offline: false };
  }
}

const portOf = (url: string) => new URL(url).port;

/** The emulator variables; each is read only in the environment of its emulator. */
export const AWS_VARIABLES = {
  DYNAMODB_PORT: variable({
    group: 'emulators',
    description: 'port of the embedded DynamoDB on 127.0.0.1',
    values: 'a TCP port',
    environments: ['local'],
    parse: text.port(DEFAULT_LOCAL_DYNAMODB_PORT),
    apply: (o, port) => ({ ...o, endpoints: { dynamodb: `http://127.0.0.1:${port}` } }),
    defaultIn: (d) => (d.endpoints.dynamodb ? value(portOf(d.endpoints.dynamodb)) : unset('AWS')),
  }),
  MOTO_PORT: variable({
    group: 'emulators',
    description: 'port of the moto server on 127.0.0.1',
    values: 'a TCP port, 1 to 65535',
    environments: ['sandbox'],
    parse: text.port(DEFAULT_MOTO_PORT),
    apply: (o, port) => ({ ...o, endpoints: emulatorEndpoints(motoUrl(port)) }),
    defaultIn: (d) => value(portOf(emulatorUrl(d.endpoints))),
  }),
} satisfies GroupVariables<AwsAccessSettings, Partial<AwsAccessSettings>>;
