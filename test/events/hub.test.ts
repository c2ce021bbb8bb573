import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../support/http';
import { describeAuthCases } from '../support/auth-cases';
import { mustOpen, openListener } from '../support/listener';
import type { ProjectEvent } from '../../src/events/publisher';
import type { EventTicketResponse } from '../../src/routes/events/create-ticket';
import { CLOSE_TOO_FAR_BEHIND, type PublishedEvent } from '../../src/events/wire';
import { MAX_UNACKED, hubStub } from '../../src/objects/event-hub';
import { sha256, toHex } from '../../src/auth/keys';

function project() {
  return { PROJECT_ID: `ev-${crypto.randomUUID().slice(0, 12)}` };
}

function hub(projectId: string) {
  return hubStub(env.EVENT_HUB!, projectId);
}

function event(n: number, topic: ProjectEvent['topic'] = 'context'): ProjectEvent {
  return { topic, type: `test.${n}`, summary: `event ${n}` };
}

describe('event hub', () => {
  it('delivers context writes to a listener, in order, with growing sequence numbers', async () => {
    const e = project();
    const listener = await mustOpen('?topics=context', { as: 'cursor', env: e });
    const hello = await listener.waitFor((m) => m.kind === 'hello', 'hello');
    expect(hello).toMatchObject({ kind: 'hello', head: 0, topics: ['context'], resumedFrom: null });

    for (const branch of ['a', 'b', 'c']) {
      expectStatus(await call('PATCH', '/ai/context', { as: 'gpt', env: e, body: { branch } }), 200);
    }
    const events = await listener.events(3);
    const seqs = events.map((m) => m.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(3);
    expect(events.map((m) => (m.data as { context: { branch: string } }).context.branch)).toEqual(['a', 'b', 'c']);
    expect(events[0]).toMatchObject({ topic: 'context', type: 'context.updated', actor: { client: 'gpt' } });
    listener.close();
  });

  it('publishes each committed audit entry on the audit topic, before the change event it audits', async () => {
    const e = project();
    const listener = await mustOpen('', { as: 'human', env: e });
    expectStatus(await call('PUT', '/ai/context', { as: 'cursor', env: e, body: { branch: 'audited' } }), 200);
    const [audit, change] = await listener.events(2);
    expect(audit).toMatchObject({
      seq: 1,
      topic: 'audit',
      type: 'context.replace',
      actor: { client: 'cursor', person: 'alice', label: 'cursor:alice' },
    });
    expect(audit!.data).toMatchObject({ target: `context:${e.PROJECT_ID}`, action: 'context.replace' });
    expect(change).toMatchObject({ seq: 2, topic: 'context', type: 'context.updated' });
    listener.close();
  });

  it('tells concurrent writes in version order, each audit entry just before the change it audits', async () => {
    const e = project();
    const listener = await mustOpen('', { as: 'human', env: e });
    const writes = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        call<{ version: number }>('PATCH', '/ai/context', {
          as: 'cursor',
          env: e,
          body: { currentTask: `task ${i}` },
        }),
      ),
    );
    for (const write of writes) expectStatus(write, 200);
    const events = await listener.events(16);
    expect(events.map((m) => m.seq)).toEqual(Array.from({ length: 16 }, (_, i) => i + 1));
    const pairs = Array.from({ length: 8 }, (_, i) => [events[2 * i]!, events[2 * i + 1]!] as const);
    for (const [i, [audit, change]] of pairs.entries()) {
      expect(audit).toMatchObject({ topic: 'audit', type: 'context.merge' });
      expect(change).toMatchObject({ topic: 'context', type: 'context.updated', data: { version: i + 1 } });
      expect(audit.summary).toContain(`(v${i + 1})`);
    }
    // Every answered write was told, once.
    expect(writes.map((w) => w.body.version).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    listener.close();
  });

  it('replays what a listener missed after it reconnects with since=', async () => {
    const e = project();
    const stub = hub(e.PROJECT_ID);
    const first = await mustOpen('', { as: 'cursor', env: e });
    for (let n = 1; n <= 3; n++) await stub.publishAll([event(n)]);
    const seen = await first.events(3);
    first.close();
    const lastSeen = seen.at(-1)!.seq;

    for (let n = 4; n <= 6; n++) await stub.publishAll([event(n)]);
    const again = await mustOpen(`?since=${lastSeen}`, { as: 'cursor', env: e });
    await stub.publishAll([event(7)]);
    const replayed = await again.events(4);
    expect(replayed.map((m) => m.seq)).toEqual([4, 5, 6, 7]);
    expect(replayed.map((m) => m.type)).toEqual(['test.4', 'test.5', 'test.6', 'test.7']);
    expect(again.messages[0]).toMatchObject({ kind: 'hello', head: 6, oldest: 1, resumedFrom: 3 });
    expect(again.messages.some((m) => m.kind === 'resync')).toBe(false);
    again.close();
  });

  it('filters by topic on connect and when the listener re-subscribes', async () => {
    const e = project();
    const stub = hub(e.PROJECT_ID);
    const listener = await mustOpen('?topics=cursor,intents', { as: 'human', env: e });
    await stub.publishAll([event(1, 'context')]);
    await stub.publishAll([event(2, 'cursor')]);
    await stub.publishAll([event(3, 'health')]);
    await stub.publishAll([event(4, 'intents')]);
    expect((await listener.events(2)).map((m) => m.topic)).toEqual(['cursor', 'intents']);

    listener.ws.send(JSON.stringify({ type: 'subscribe', topics: ['health'] }));
    await listener.waitFor((m) => m.kind === 'subscribed', 'subscribed');
    await stub.publishAll([event(5, 'cursor')]);
    await stub.publishAll([event(6, 'health')]);
    const events = await listener.events(3);
    expect(events.map((m) => m.seq)).toEqual([2, 4, 6]);

    // Replay honours the filter too.
    const replay = await mustOpen('?topics=health&since=0', { as: 'human', env: e });
    expect((await replay.events(2)).map((m) => m.seq)).toEqual([3, 6]);
    listener.close();
    replay.close();
  });

  it('refuses unknown topics before upgrading', async () => {
    const opened = await openListener('?topics=context,bogus', { as: 'cursor', env: project() });
    expect(opened.status, opened.text).toBe(400);
    expect(opened.text).toContain('bogus');
  });

  it('keeps an event whose data fits 32 KiB of UTF-8 whole, and replaces larger data by a note of its size', async () => {
    const stub = hub(project().PROJECT_ID);
    // 12,000 two-byte characters: 24,000 bytes, under the cap although three bytes a character would not be.
    const accented = {
      topic: 'context' as const,
      type: 'test.fits',
      summary: 'fits',
      data: { text: 'é'.repeat(12_000) },
    };
    const large = {
      topic: 'context' as const,
      type: 'test.large',
      summary: 'large',
      data: { text: 'x'.repeat(40_000) },
    };
    expect((await stub.publishAll([accented, large])).seqs).toEqual([1, 2]);
    const [kept, cut] = (await stub.recent(2)) as PublishedEvent[];
    expect(kept!.data).toEqual(accented.data);
    expect(cut!.data).toEqual({ truncated: true, bytes: 40_011 });
  });

  it('tells a listener from before a hub reset to resync', async () => {
    const e = project();
    const listener = await mustOpen('?since=42', { as: 'cursor', env: e });
    expect(await listener.waitFor((m) => m.kind === 'resync', 'resync')).toMatchObject({ reason: 'reset', head: 0 });
    listener.close();
  });

  it('a listener that acknowledges and falls too far behind is told to resync and closed; others keep receiving', async () => {
    const e = project();
    const stub = hub(e.PROJECT_ID);
    const slow = await mustOpen('', { as: 'cursor', env: e });
    const healthy = await mustOpen('', { as: 'human', env: e });
    slow.ws.send(JSON.stringify({ type: 'ack', seq: 0 }));
    await stub.publishAll([event(0)]); // after the ack has been processed (same object, in order)
    for (let n = 1; n <= MAX_UNACKED + 5; n++) await stub.publishAll([event(n)]);
    const resync = await slow.waitFor((m) => m.kind === 'resync', 'resync');
    expect(resync).toMatchObject({ reason: 'behind' });
    expect((await slow.closed).code).toBe(CLOSE_TOO_FAR_BEHIND);
    expect((await healthy.events(MAX_UNACKED + 6)).at(-1)!.seq).toBe(MAX_UNACKED + 6);
    healthy.close();
  });

  it('a listener that went away does not stop delivery to the others', async () => {
    const e = project();
    const stub = hub(e.PROJECT_ID);
    const gone = await mustOpen('', { as: 'cursor', env: e });
    const stays = await mustOpen('', { as: 'human', env: e });
    gone.close();
    for (let n = 1; n <= 3; n++) await stub.publishAll([event(n)]);
    expect((await stays.events(3)).map((m) => m.seq)).toEqual([1, 2, 3]);
    stays.close();
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

  it('says not_configured when the Worker has no hub bound, and context writes still work', async () => {
    const e = { ...project(), EVENT_HUB: undefined };
    expectProblem(await call('POST', '/ai/events/ticket', { as: 'human', env: e }), 501, 'not_configured');
    // Whether the write is told is the ledger object's own configuration (its env has the hub), not the request's.
    expectStatus(await call('PUT', '/ai/context', { as: 'gpt', env: e, body: { branch: 'quiet' } }), 200);
  });
});

describe('event tickets', () => {
  it('a ticket opens the stream once, as the identity that asked for it', async () => {
    const e = project();
    const issued = await call<EventTicketResponse>('POST', '/ai/events/ticket', { as: 'human', env: e });
    expectStatus(issued, 200);
    expect(issued.body.url).toBe(`/ai/events?ticket=${issued.body.ticket}`);

    const listener = await mustOpen(`?ticket=${issued.body.ticket}`, { env: e });
    await listener.waitFor((m) => m.kind === 'hello');
    expect(await hub(e.PROJECT_ID).listenerCount()).toBe(1);

    const reused = await openListener(`?ticket=${issued.body.ticket}`, { env: e });
    expect(reused.status, reused.text).toBe(401);
    expect(reused.text).toContain('already used or expired');
    listener.close();
  });

  it('a ticket lives EVENT_TICKET_SECONDS', async () => {
    const e = { ...project(), EVENT_TICKET_SECONDS: '7' };
    const before = Date.now();
    const issued = await call<EventTicketResponse>('POST', '/ai/events/ticket', { as: 'human', env: e });
    expectStatus(issued, 200);
    const expiresAt = Date.parse(issued.body.expiresAt);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 7_000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 7_000);
  });

  it('an expired ticket is refused', async () => {
    const e = project();
    // Issued at the hub with a lifetime that has already run out, rather than waiting for one to.
    const ticket = `expired-${crypto.randomUUID()}`;
    await hub(e.PROJECT_ID).issueTicket(
      toHex(await sha256(ticket)),
      { client: 'human', label: 'human' },
      Date.now() - 1,
    );
    const late = await openListener(`?ticket=${ticket}`, { env: e });
    expect(late.status, late.text).toBe(401);
    expect(late.text).toContain('already used or expired');
    expect(await hub(e.PROJECT_ID).listenerCount()).toBe(0);
  });

  it('a ticket from one project does not open another', async () => {
    const a = project();
    const issued = await call<EventTicketResponse>('POST', '/ai/events/ticket', { as: 'human', env: a });
    const other = await openListener(`?ticket=${issued.body.ticket}`, { env: project() });
    expect(other.status, other.text).toBe(401);
  });
});

describeAuthCases('POST', '/ai/events/ticket', ['gpt', 'cursor', 'human', 'cron']);
