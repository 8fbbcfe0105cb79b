/**
 * `npm run bootstrap -- --check` against a stand-in for S3 on loopback: HeadBucket goes out
 * through the SDK's S3 client (path style, the sandbox's endpoint), and each answer comes back as
 * the message of scripts/lib/state-bucket-check.ts.
 */
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkStateBucket } from '../../scripts/bootstrap';
import { loadConfig } from '../../stacks/settings/config';

/** Bucket name → the status and x-amz-bucket-region the stand-in answers HEAD /<bucket> with. */
const ANSWERS: Record<string, { status: number; region?: string }> = {
  'ours-tfstate': { status: 200, region: 'eu-west-1' },
  'gone-tfstate': { status: 404 },
  'theirs-tfstate': { status: 403, region: 'eu-west-1' },
  'elsewhere-tfstate': { status: 301, region: 'us-east-2' },
};

let server: http.Server;
let port: number;
const requests: string[] = [];

beforeAll(async () => {
  server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url} ${request.headers.authorization?.startsWith('AWS4-HMAC-SHA256') ? 'signed' : 'unsigned'}`);
    const answer = ANSWERS[(request.url ?? '').split('/')[1]] ?? { status: 500 };
    response.writeHead(answer.status, answer.region ? { 'x-amz-bucket-region': answer.region } : {});
    response.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

const check = (bucket: string) =>
  checkStateBucket(loadConfig({ CDKTF_ENV: 'sandbox', MOTO_PORT: String(port), CDKTF_STATE_BUCKET: bucket, CDKTF_STATE_REGION: 'eu-west-1' }, '/project')).then(
    (ok) => ok,
    (error: Error) => error.message,
  );

describe('npm run bootstrap -- --check', () => {
  it('sends a signed HeadBucket, path style, and says the bucket is there when S3 answers 200', async () => {
    const said = await check('ours-tfstate');
    expect([said, requests.at(-1)]).toEqual(['the state bucket ours-tfstate (eu-west-1) is there and these credentials may use it', 'HEAD /ours-tfstate/ signed']);
  });

  it('tells to run npm run bootstrap when the bucket does not exist', async () => {
    expect(await check('gone-tfstate')).toMatch(/^CDKTF_STATE_BUCKET: the bucket "gone-tfstate" does not exist; run npm run bootstrap/);
  });

  it("says the bucket is another account's when S3 answers 403", async () => {
    expect(await check('theirs-tfstate')).toMatch(/^CDKTF_STATE_BUCKET: the bucket "theirs-tfstate" exists but these credentials may not use it \(403\)/);
  });

  it('names the region S3 gives for a bucket in another region', async () => {
    expect(await check('elsewhere-tfstate')).toBe(
      'CDKTF_STATE_REGION: "eu-west-1" is not the region of the bucket "elsewhere-tfstate" (S3 says us-east-2); set CDKTF_STATE_REGION to it',
    );
  });
});
