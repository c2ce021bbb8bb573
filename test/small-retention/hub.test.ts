import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { mustOpen } from '../support/listener';
import { hubStub } from '../../src/objects/event-hub';

// This project's hub keeps 10 events (EVENT_RETAIN_COUNT, test/vitest.config.ts, 'small-retention'): the hub reads it from its own env.
describe('event hub with a short history', () => {
  it('tells a listener whose last seq was pruned to resync, then sends what is kept', async () => {
    const projectId = `ev-${crypto.randomUUID().slice(0, 12)}`;
    const stub = hubStub(env.EVENT_HUB!, projectId);
    for (let n = 1; n <= 15; n++)
      await stub.publishAll([{ topic: 'context', type: `test.${n}`, summary: `event ${n}` }]);
    const listener = await mustOpen('?since=2', { as: 'cursor', env: { PROJECT_ID: projectId } });
    const resync = await listener.waitFor((m) => m.kind === 'resync', 'resync');
    expect(resync).toMatchObject({ reason: 'gap', head: 15 });
    expect((await listener.events(10)).map((m) => m.seq)).toEqual([6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
    listener.close();
  });
});
