import { describe, expect, it } from 'vitest';
import { call, expectStatus } from '../support/http';
import { eventHub as hub, mustOpen } from '../support/listener';
import { freshProject } from '../support/project';
import type { ProjectEvent } from '../../src/events/publisher';
import { CLOSE_TOO_FAR_BEHIND, type PublishedEvent } from '../../src/events/wire';
import { MAX_UNACKED } from '../../src/objects/event-hub';

const project = () => freshProject('ev');

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
});
