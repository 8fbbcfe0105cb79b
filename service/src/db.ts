/** The one DynamoDB document client the process shares: keep-alive sockets and bounded timeouts. */
import http from 'node:http';
import https from 'node:https';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ServiceConfig } from './config';

/**
 * Creates the document client; call once per process and pass it to createApp.
 * @param credentials static credentials (tests against dynalite)
 * @default - the SDK's default chain: the ECS task role on AWS, the environment locally
 */
export function createDocumentClient(
  config: Pick<ServiceConfig, 'region' | 'dynamoDbEndpoint' | 'dynamoDbTimeoutMs'>,
  credentials?: DynamoDBClientConfig['credentials'],
): DynamoDBDocumentClient {
  // Keep-alive avoids a TCP (and TLS) handshake per request; maxSockets bounds the pool under load.
  const agentOptions = { keepAlive: true, maxSockets: 64 };
  const client = new DynamoDBClient({
    region: config.region,
    ...(config.dynamoDbEndpoint !== undefined ? { endpoint: config.dynamoDbEndpoint } : {}),
    // Two attempts: one retry absorbs a dropped keep-alive socket; the repository's AbortSignal still
    // bounds the whole call, so a dead endpoint never holds a request longer than DYNAMODB_TIMEOUT_MS.
    maxAttempts: 2,
    ...(credentials !== undefined ? { credentials } : {}),
    requestHandler: {
      connectionTimeout: Math.min(1000, config.dynamoDbTimeoutMs),
      requestTimeout: config.dynamoDbTimeoutMs,
      httpAgent: new http.Agent(agentOptions),
      httpsAgent: new https.Agent(agentOptions),
    },
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true },
  });
}
