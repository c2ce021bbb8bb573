import { describe, expect, it } from 'vitest';
import { call, expectProblem } from '../../support/http';
import { eventHub as hub, openListener } from '../../support/listener';
import { freshProject } from '../../support/project';

const project = () => freshProject('ev');

// What the hub does with a connected listener (order, replay, topics, resync): test/events/hub.test.ts.
describe('GET /ai/events', () => {
  it('refuses unknown topics before upgrading', async () => {
    const opened = await openListener('?topics=context,bogus', { as: 'cursor', env: project() });
    expect(opened.status, opened.text).toBe(400);
    expect(opened.text).toContain('bogus');
  });

  it('answers a plain GET (no upgrade) with 426 after authenticating', async () => {
    const e = project();
    expectProblem(await call('GET', '/ai/events', { as: 'cursor', env: e }), 426, 'upgrade_required');
  });

  it('refuses a missing or wrong key before the upgrade reaches the hub', async () => {
    const e = project();
    const none = await openListener('', { env: e });
    expect(none.status, none.text).toBe(401);
    const wrong = await openListener('', { env: e, headers: { 'x-api-key': 'not-a-real-key-000000000000' } });
    expect(wrong.status, wrong.text).toBe(401);
    const spoofed = await openListener('', { as: 'cursor', env: e, headers: { 'x-client-id': 'human' } });
    expect(spoofed.status, spoofed.text).toBe(403);
    const badTicket = await openListener('?ticket=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', { env: e });
    expect(badTicket.status, badTicket.text).toBe(401);
    expect(await hub(e.PROJECT_ID).listenerCount()).toBe(0);
  });
});
