// The WebSub hub is told last: a hub that answers slowly, or never, delays neither the partner feeds nor the email.
import { describe, expect, it } from 'vitest';
import { markdown, memoryStage } from '../helpers/publish-harness.ts';

describe('the order of a publish', () => {
  it('plans the email before it tells the hub, and the hub is still told of every changed feed', async () => {
    const order: string[] = [];
    const stage = await memoryStage({
      planDispatch: async (request) => void order.push(`plan ${request.dispatchId}`),
      hub: {
        publish: async (urls) => {
          order.push(`hub ${urls.length}`);
        },
      },
    });
    const slug = '2026-07-04-hub-order';
    await stage.publish(
      await stage.upload(
        `${slug}.md`,
        markdown({ title: 'Hub order', published: '2026-07-01T00:00:00Z', topics: 'ports' }),
      ),
    );
    expect(order).toEqual([`plan ${slug}`, 'hub 6']);
  });
});
