// An editorial over the size or line-length limit is refused by the publish function with the reason, recorded like
// every rejection, and kept where it was; the publish function never reads the oversized object.
import { describe, expect, it } from 'vitest';
import { largeEditorial, longLine } from '../helpers/oversized-editorials.ts';
import { config, memoryStage } from '../helpers/publish-harness.ts';

describe('the publish function', () => {
  it('records a rejection for an editorial larger than limits.maxEditorialBytes and leaves it in place', async () => {
    const stage = await memoryStage();
    const name = '2026-06-01-too-large.txt';
    const bytes = largeEditorial(config.limits.maxEditorialBytes + 100_000);
    const key = await stage.upload(name, bytes);

    const outcome = await stage.publish(key);

    expect(outcome).toMatchObject({
      outcome: 'rejected',
      line: null,
      reason: expect.stringContaining('limits.maxEditorialBytes'),
    });
    const record = JSON.parse((await stage.text(stage.editorials, `rejected/${name}.json`))!) as { reason: string };
    expect(record.reason).toMatch(/^the file is 2\.1 MB, more than the 2\.0 MB an editorial may be .*split it/);
    expect((await stage.editorials.get(key))!.body.length).toBe(bytes.length);
    expect(await stage.keys(stage.site, '')).toEqual([]);
    // The store says how large the object is without handing over its body.
    const probe = await stage.editorials.get(key, { maxBytes: config.limits.maxEditorialBytes });
    expect([probe?.tooLarge, probe?.body.length]).toEqual([{ bytes: bytes.length }, 0]);
  });

  it('names the line that is longer than limits.maxLineLength', async () => {
    const stage = await memoryStage();
    const key = await stage.upload('2026-06-01-long-line.txt', longLine);
    expect(await stage.publish(key)).toEqual({
      outcome: 'rejected',
      line: 4,
      reason:
        'the line is 25,000 characters long, more than the 20,000 a line may be (limits.maxLineLength in the configuration): break it into paragraphs with empty lines between them.',
    });
  });

  it('publishes an editorial just under the size limit', async () => {
    const stage = await memoryStage();
    const key = await stage.upload('2026-06-01-large.txt', largeEditorial(config.limits.maxEditorialBytes - 10_000));
    expect((await stage.publish(key)).outcome).toBe('published');
  });
});
