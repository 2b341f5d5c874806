// The partial batch answer every queue consumer gives SQS: the messages it names come back, the others are deleted.
import { describe, expect, it } from 'vitest';
import { answerSqsBatch, type SqsEvent } from '../../src/app/sqs-batch.ts';
import { processPartialResponse, type QueueRecord } from '../../src/batch.ts';
import { createLogger } from '../../src/log.ts';

const record = (messageId: string, body = `{"id":"${messageId}"}`): QueueRecord => ({
  messageId,
  body,
  receiveCount: 1,
});

function sqsEvent(...records: unknown[]): SqsEvent {
  return { Records: records } as SqsEvent;
}

const sqsRecord = (messageId: string, body: string, receiveCount = '1') => ({
  messageId,
  receiptHandle: `r-${messageId}`,
  body,
  attributes: { ApproximateReceiveCount: receiveCount },
  eventSource: 'aws:sqs',
});

function capturedLog() {
  const lines: Record<string, unknown>[] = [];
  return {
    lines,
    log: createLogger({ fn: 'test' }, (line) => lines.push(JSON.parse(line) as Record<string, unknown>)),
  };
}

describe('processPartialResponse', () => {
  it('names a record whose handler threw, and no other, and says why through onError', async () => {
    const logged: string[] = [];
    const handled: string[] = [];
    const answer = await processPartialResponse(
      [record('a'), record('b'), record('c')],
      async (r) => {
        handled.push(r.messageId);
        if (r.messageId === 'b') throw new Error('the mail service did not answer');
      },
      { order: 'sequential', onError: (r, err) => logged.push(`${r.messageId}: ${(err as Error).message}`) },
    );
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'b' }] });
    // A failure does not stop the batch: the records after it are handled (and deleted) all the same.
    expect(handled).toEqual(['a', 'b', 'c']);
    expect(logged).toEqual(['b: the mail service did not answer']);
  });

  it('names a record whose handler answered false, without logging for it again', async () => {
    const logged: string[] = [];
    const answer = await processPartialResponse(
      [record('a'), record('b')],
      async (r) => (r.messageId === 'a' ? false : 'sent'),
      {
        order: 'parallel',
        onError: (r) => logged.push(r.messageId),
      },
    );
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'a' }] });
    expect(logged).toEqual([]);
  });

  it('sends one record after the other when sequential, and all at once when parallel', async () => {
    const run = async (order: 'sequential' | 'parallel') => {
      let inFlight = 0;
      let most = 0;
      await processPartialResponse(
        [record('a'), record('b'), record('c')],
        async () => {
          most = Math.max(most, ++inFlight);
          await new Promise((resolve) => setImmediate(resolve));
          inFlight -= 1;
        },
        { order, onError: () => {} },
      );
      return most;
    };
    expect(await run('sequential')).toBe(1);
    expect(await run('parallel')).toBe(3);
  });
});

describe('answerSqsBatch', () => {
  it('hands the core plain records, with the receive count, and passes its answer on', async () => {
    const { log } = capturedLog();
    const seen: QueueRecord[] = [];
    const answer = await answerSqsBatch(
      sqsEvent(sqsRecord('m1', 'one', '3'), sqsRecord('m2', 'two')),
      log,
      async (records) => {
        seen.push(...records);
        return { batchItemFailures: [{ itemIdentifier: 'm2' }] };
      },
    );
    expect(seen).toEqual([
      { messageId: 'm1', body: 'one', receiveCount: 3 },
      { messageId: 'm2', body: 'two', receiveCount: 1 },
    ]);
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'm2' }] });
  });

  it('names a record without a body, with a log line that says so, and hands the core the others', async () => {
    const { lines, log } = capturedLog();
    const seen: string[] = [];
    const answer = await answerSqsBatch(
      sqsEvent(sqsRecord('good', 'fine'), { ...sqsRecord('broken', ''), body: undefined }),
      log,
      async (records) => {
        seen.push(...records.map((r) => r.messageId));
        return { batchItemFailures: [] };
      },
    );
    expect(seen).toEqual(['good']);
    expect(answer).toEqual({ batchItemFailures: [{ itemIdentifier: 'broken' }] });
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'error',
        message: 'malformed SQS record: no body; it comes back',
        messageId: 'broken',
      }),
    ]);
  });

  it('fails the whole batch, before handling any of it, when a record has no messageId to be named by', async () => {
    const { lines, log } = capturedLog();
    let handled = false;
    const answer = answerSqsBatch(sqsEvent(sqsRecord('good', 'fine'), { body: 'nameless' }), log, async () => {
      handled = true;
      return { batchItemFailures: [] };
    });
    await expect(answer).rejects.toThrow(/SQS record 1 of 2 has no messageId/);
    expect(handled).toBe(false);
    expect(lines[0]).toMatchObject({
      level: 'error',
      message: 'malformed SQS record: no messageId, so the whole batch comes back',
    });
  });
});
