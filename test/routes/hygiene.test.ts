import { env, SELF, createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../support/http';
import { openListener } from '../support/listener';
import { contractViolations } from '../support/contract';
import { createFixtureRepo } from '../support/index-fixtures';
import { TEST_KEYS } from '../support/keys';
import { createApp } from '../../src/app';
import { webhookHeaders } from '../support/webhook';
import { decodeCursor, encodeCursor } from '../../src/lib/page-cursor';
import { DRAIN_LIMIT_BYTES, MAX_JSON_DEPTH } from '../../src/lib/body';
import { escapeInvisible, parseIsoTime } from '../../src/lib/input';
import type { EventTicketResponse } from '../../src/routes/events/create-ticket';
import type { ListAuditResponse } from '../../src/routes/audit/list-audit';

function project() {
  return { PROJECT_ID: `hy-${crypto.randomUUID().slice(0, 12)}` };
}

/** `{ a: [[[…]]] }`, `depth` levels in all (3,000 levels is about 6 KB, under every size limit). */
function nested(depth: number): Record<string, unknown> {
  let value: unknown = 'leaf';
  for (let i = 1; i < depth; i++) value = [value];
  return { a: value };
}

describe('every listed bad input is a 4xx problem, never a 500', () => {
  it('a lone surrogate in a Cursor workspace (and in any JSON string) is 400', async () => {
    const e = project();
    const sync = { branch: 'main', timestamp: new Date().toISOString() };
    expectProblem(
      await call('POST', '/ai/cursor/session', { as: 'cursor', env: e, body: { ...sync, workspace: 'w\ud800' } }),
      400,
      'malformed_json',
    );
    expectProblem(
      await call('PUT', '/ai/context', { as: 'gpt', env: e, body: { extra: { ['k\udc00']: 1 } } }),
      400,
      'malformed_json',
    );
    expectStatus(
      await call('POST', '/ai/cursor/session', { as: 'cursor', env: e, body: { ...sync, workspace: 'w😀' } }),
      200,
    );
  });

  it('NUL and other control characters in audit filters are 400, not a Postgres error', async () => {
    for (const name of ['person', 'action', 'target']) {
      expectProblem(await call('GET', `/ai/audit?${name}=%00`, { as: 'human' }), 400, 'validation_failed');
      expectProblem(await call('GET', `/ai/audit?${name}=a%1Bb`, { as: 'human' }), 400, 'validation_failed');
    }
  });

  it('huge or loosely written numbers and forged cursors are 400', async () => {
    for (const query of [
      'cursor=9223372036854775807',
      'cursor=99999999999999999999999',
      'limit=1e2',
      'limit=0x10',
      'limit=%205',
      'limit=05',
      'limit=201',
    ]) {
      expectProblem(await call('GET', `/ai/audit?${query}`, { as: 'human' }), 400, 'validation_failed');
      expectProblem(await call('GET', `/ai/status/history?${query}`, { as: 'human' }), 400, 'validation_failed');
    }
    // A cursor handed out by one list is refused by another.
    const intentsCursor = encodeCursor('intents', [Date.now(), crypto.randomUUID()]);
    expectProblem(await call('GET', `/ai/audit?cursor=${intentsCursor}`, { as: 'human' }), 400, 'validation_failed');
    expectProblem(
      await call('GET', `/ai/status/history?cursor=${encodeCursor('status', ['99999999999999999999'])}`, {
        as: 'human',
      }),
      400,
      'validation_failed',
    );
    expectProblem(
      await call('DELETE', '/ai/context?version=1e3', { as: 'human', env: project() }),
      400,
      'validation_failed',
    );
  });

  it('dates outside years 1970-9999, or that do not exist, are 400', async () => {
    for (const since of [
      '10000-01-01',
      '%2B275760-09-13T00:00:00Z',
      '1969-12-31',
      '2025-02-30',
      'yesterday',
      '2025-01-01T25:00Z',
    ]) {
      expectProblem(await call('GET', `/ai/audit?since=${since}`, { as: 'human' }), 400, 'validation_failed');
    }
    expectStatus(
      await call('GET', '/ai/audit?since=2025-01-01&until=9999-12-31T23:59:59Z&limit=1', { as: 'human' }),
      200,
    );
  });

  it(`JSON nested deeper than ${MAX_JSON_DEPTH} is refused at the body parser; ${MAX_JSON_DEPTH} is fine`, async () => {
    const e = project();
    expectProblem(
      await call('PUT', '/ai/context', { as: 'gpt', env: e, body: { extra: nested(3_000) } }),
      400,
      'malformed_json',
    );
    expectProblem(
      await call('PUT', '/ai/context', { as: 'gpt', env: e, body: { extra: nested(MAX_JSON_DEPTH) } }),
      400,
      'malformed_json',
    );
    expectStatus(
      await call('PUT', '/ai/context', { as: 'gpt', env: e, body: { extra: nested(MAX_JSON_DEPTH - 2) } }),
      200,
    );
  });

  it('control, bidi and zero-width characters are refused in identifiers; text keeps newlines and tabs', async () => {
    const e = project();
    for (const branch of ['u\u202egnp.exe', 'main\u200b', 'a\u0007b', 'line\nbreak']) {
      expectProblem(
        await call('PUT', '/ai/context', { as: 'gpt', env: e, body: { branch } }),
        400,
        'validation_failed',
      );
    }
    const sync = { branch: 'main', timestamp: new Date().toISOString() };
    expectProblem(
      await call('POST', '/ai/cursor/session', { as: 'cursor', env: e, body: { ...sync, file: 'src/\u2066a.ts' } }),
      400,
      'validation_failed',
    );
    expectProblem(
      await call('PUT', '/ai/context', { as: 'gpt', env: e, body: { notes: 'bell\u0007' } }),
      400,
      'validation_failed',
    );
    expectStatus(
      await call('PUT', '/ai/context', {
        as: 'gpt',
        env: e,
        body: { notes: 'one\n\ttwo', extra: { label: 'u\u202egnp.exe' } },
      }),
      200,
    );
    // Free-form extra is stored as sent, and the prompt view shows the bidi override as an escape.
    const prompt = await call('GET', '/ai/context?view=prompt', { as: 'gpt', env: e });
    expectStatus(prompt, 200);
    expect(prompt.body.text).not.toContain('\u202e');
  });

  it('a caller-sent x-request-id is never the service request id', async () => {
    const e = project();
    const result = await call('PUT', '/ai/context', {
      as: 'human',
      env: e,
      body: { branch: 'ids' },
      headers: { 'x-request-id': 'borrowed-request-id-123' },
    });
    expectStatus(result, 200);
    expect(result.headers.get('x-request-id')).not.toBe('borrowed-request-id-123');
    const audit = await call<ListAuditResponse>(
      'GET',
      `/ai/audit?target=${encodeURIComponent(`context:${e.PROJECT_ID}`)}`,
      { as: 'human' },
    );
    expect(audit.body.entries[0]!.requestId).toBe(result.headers.get('x-request-id'));
  });

  it('a ticket is not burnt by a request that is otherwise invalid', async () => {
    const e = project();
    const issued = await call<EventTicketResponse>('POST', '/ai/events/ticket', { as: 'human', env: e });
    expectStatus(issued, 200);
    const bogus = await openListener(`?ticket=${issued.body.ticket}&topics=bogus`, { env: e });
    expect(bogus.status).toBe(400);
    const notUpgrade = await call('GET', `/ai/events?ticket=${issued.body.ticket}`, { env: e });
    expectProblem(notUpgrade, 426, 'upgrade_required');
    const opened = await openListener(`?ticket=${issued.body.ticket}`, { env: e });
    expect(opened.status, opened.text).toBe(101);
    opened.listener!.close();
  });
});

describe('body limits while streaming', () => {
  function chunked(chunks: number, size: number, onCancel: () => void): ReadableStream<Uint8Array> {
    let sent = 0;
    return new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ >= chunks) return controller.close();
        controller.enqueue(new TextEncoder().encode(`"${'x'.repeat(size - 2)}"`));
      },
      cancel: onCancel,
    });
  }

  async function putStreamed(body: ReadableStream<Uint8Array>) {
    const request = new Request('http://hezlep.test/ai/context', {
      method: 'PUT',
      headers: { 'x-api-key': TEST_KEYS.gpt, 'content-type': 'application/json' },
      body,
      // @ts-expect-error duplex is required by the Fetch spec for a streamed body; workers-types omits it
      duplex: 'half',
    });
    const ctx = createExecutionContext();
    const response = await createApp().fetch(request, { ...env, ...project() }, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  }

  it('answers 413 past the limit and drains the rest of the stream instead of cancelling it', async () => {
    // Under wrangler dev a cancelled or half-read request body breaks the connection (src/lib/body.ts).
    let cancelled = false;
    let pulls = 0;
    const body = chunked(1_000, 4_096, () => {
      cancelled = true;
    });
    const counting = body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform(chunk, controller) {
          pulls++;
          controller.enqueue(chunk);
        },
      }),
    );
    const response = await putStreamed(counting);
    expect(response.status).toBe(413);
    expect(((await response.json()) as { code: string }).code).toBe('payload_too_large');
    expect(cancelled).toBe(false);
    expect(pulls).toBe(1_000);
    // The service answers the next request normally.
    expectStatus(await call('GET', '/healthz'), 200);
  });

  it('cancels a refused stream only once it goes on past the drain limit', async () => {
    let cancelled = false;
    const response = await putStreamed(
      chunked(Math.ceil(DRAIN_LIMIT_BYTES / 4_096) + 100, 4_096, () => {
        cancelled = true;
      }),
    );
    expect(response.status).toBe(413);
    await response.arrayBuffer();
    expect(cancelled).toBe(true);
  });

  it('a declared content-length over the limit is refused without reading', async () => {
    const response = await SELF.fetch('http://hezlep.test/ai/context', {
      method: 'PUT',
      headers: { 'x-api-key': TEST_KEYS.gpt, 'content-type': 'application/json' },
      body: JSON.stringify({ notes: 'x'.repeat(40_000) }),
    });
    expect(response.status).toBe(413);
    await response.arrayBuffer();

    // The same refusal, with a body that records whether anything pulled a byte of it (highWaterMark 0:
    // the stream is not pulled until someone reads), declaring more than the limit.
    let pulled = 0;
    const body = new ReadableStream<Uint8Array>(
      {
        pull(controller) {
          pulled++;
          controller.enqueue(new TextEncoder().encode(`{"notes":"${'x'.repeat(40_000)}"}`));
          controller.close();
        },
      },
      { highWaterMark: 0 },
    );
    const ctx = createExecutionContext();
    const unread = await createApp().fetch(
      new Request('http://hezlep.test/ai/context', {
        method: 'PUT',
        headers: { 'x-api-key': TEST_KEYS.gpt, 'content-type': 'application/json', 'content-length': '40013' },
        body,
      }),
      env,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(unread.status).toBe(413);
    expect(((await unread.json()) as { code: string }).code).toBe('payload_too_large');
    expect(pulled, 'the body was read before the refusal').toBe(0);
  });
});

describe('the webhook', () => {
  async function send(repoEnv: Record<string, unknown>, body: Uint8Array<ArrayBuffer>, signature?: string) {
    const ctx = createExecutionContext();
    const response = await createApp().fetch(
      new Request('http://hezlep.test/ai/github/webhook', {
        method: 'POST',
        headers: await webhookHeaders(String(repoEnv.GITHUB_WEBHOOK_SECRET), body, { signature }),
        body,
      }),
      { ...env, ...repoEnv },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    return { status: response.status, body: (await response.json()) as { code?: string; action?: string } };
  }

  it('verifies the HMAC over the raw bytes before decoding them', async () => {
    const repo = await createFixtureRepo({ 'a.ts': 'export const a = 1;\n' });
    // Valid signature over bytes that are not UTF-8: the signature passes, then the body is refused as 400.
    const invalidUtf8 = new Uint8Array([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const result = await send(repo.env, invalidUtf8);
    expect(result).toMatchObject({ status: 400, body: { code: 'malformed_json' } });
    // The same bytes with a wrong signature: 401, before anything is decoded.
    const forged = await send(repo.env, invalidUtf8, `sha256=${'0'.repeat(64)}`);
    expect(forged).toMatchObject({ status: 401, body: { code: 'unauthenticated' } });
  });

  it('refuses a payload over the limit while it streams', async () => {
    const repo = await createFixtureRepo({ 'a.ts': 'export const a = 1;\n' });
    const big = new TextEncoder().encode(JSON.stringify({ ref: 'refs/heads/main', pad: 'x'.repeat(3 * 1024 * 1024) }));
    expect(await send(repo.env, big)).toMatchObject({ status: 413, body: { code: 'payload_too_large' } });
  });
});

describe('shared parsing rules', () => {
  it('one cursor encoding, decoded strictly', () => {
    const cursor = encodeCursor('audit', [42]);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeCursor(cursor, 'audit', [/^[0-9]+$/])).toEqual(['42']);
    expect(() => decodeCursor(cursor, 'status', [/^[0-9]+$/])).toThrow(/cursor/);
    expect(() => decodeCursor(`${cursor}A`, 'audit', [/^[0-9]+$/])).toThrow(/cursor/);
    expect(() => decodeCursor(encodeCursor('audit', [42, 1]), 'audit', [/^[0-9]+$/])).toThrow(/cursor/);
  });

  it('dates: years 1970-9999 and real days only', () => {
    expect(parseIsoTime('2025-02-28')?.toISOString()).toBe('2025-02-28T00:00:00.000Z');
    expect(parseIsoTime('2024-02-29T10:00:00+02:00')?.toISOString()).toBe('2024-02-29T08:00:00.000Z');
    for (const bad of [
      '2025-02-29',
      '10000-01-01',
      '+010000-01-01',
      '0001-01-01',
      '2025-1-1',
      '2025-01-01T10:00:00 Z',
    ]) {
      expect(parseIsoTime(bad), bad).toBeNull();
    }
  });

  it('the prompt view escapes invisible characters', () => {
    expect(escapeInvisible('u\u202egnp.exe')).toBe('u\\u{202E}gnp.exe');
    expect(escapeInvisible('a\u200bb\u0007')).toBe('a\\u{200B}b\\u{7}');
    expect(escapeInvisible('tab\tand\nnewline')).toBe('tab\tand\nnewline');
  });

  it('the contract check fails an undocumented status or content type', async () => {
    expect(await contractViolations('GET', '/ai/context', 418, 'application/json', {})).not.toEqual([]);
    expect(await contractViolations('GET', '/ai/context', 200, 'text/html', '<p>')).not.toEqual([]);
    expect(await contractViolations('GET', '/ai/context', 200, 'application/json', { live: 'yes' })).not.toEqual([]);
    expect(
      await contractViolations('GET', '/ai/context', 200, 'application/json', { live: false, message: 'none' }),
    ).toEqual([]);
  });
});
