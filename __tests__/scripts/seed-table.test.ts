import type { BatchWriteItemCommand, BatchWriteItemCommandOutput, WriteRequest } from '@aws-sdk/client-dynamodb';
import { writeItems, type BatchWriteClient } from '../../scripts/seed-table';

/** A client that records each request and leaves the given items unprocessed on their first try. */
function recordingClient(unprocessedOnce: readonly string[] = []): BatchWriteClient & { requests: WriteRequest[][] } {
  const pending = new Set(unprocessedOnce);
  const requests: WriteRequest[][] = [];
  return {
    requests,
    async send(command: BatchWriteItemCommand): Promise<BatchWriteItemCommandOutput> {
      const batch = command.input.RequestItems?.t ?? [];
      requests.push(batch);
      const unprocessed = batch.filter((r) => pending.delete(r.PutRequest?.Item?.id.S ?? ''));
      return { $metadata: {}, UnprocessedItems: unprocessed.length > 0 ? { t: unprocessed } : {} };
    },
  };
}

const items = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `i${i}` }));

describe('writeItems', () => {
  test('writes in batches of at most 25 put requests', async () => {
    const client = recordingClient();
    await writeItems(client, 't', items(60), { concurrency: 1 });
    expect(client.requests.map((r) => r.length)).toEqual([25, 25, 10]);
  });

  test('retries unprocessed items until they are written', async () => {
    // Given a client that throttles two items once
    const client = recordingClient(['i3', 'i7']);
    // When writing ten items
    const written = await writeItems(client, 't', items(10), { backoffMs: () => 0 });
    // Then exactly those two are sent again
    expect(written).toBe(10);
    expect(client.requests.map((r) => r.map((w) => w.PutRequest?.Item?.id.S))).toEqual([
      ['i0', 'i1', 'i2', 'i3', 'i4', 'i5', 'i6', 'i7', 'i8', 'i9'],
      ['i3', 'i7'],
    ]);
  });

  test('sends items as DynamoDB JSON', async () => {
    const client = recordingClient();
    await writeItems(client, 't', [{ id: 'a', n: 1, tags: new Set(['y', 'x']) }]);
    expect(client.requests[0][0].PutRequest?.Item).toEqual({ id: { S: 'a' }, n: { N: '1' }, tags: { SS: ['x', 'y'] } });
  });

  test('gives up after repeated unprocessed items with a clear error', async () => {
    const stuck: BatchWriteClient = {
      send: async (command) => ({ $metadata: {}, UnprocessedItems: command.input.RequestItems }),
    };
    await expect(writeItems(stuck, 't', items(2), { backoffMs: () => 0 })).rejects.toThrow('t: 2 items still unprocessed after 10 attempts');
  });
});
