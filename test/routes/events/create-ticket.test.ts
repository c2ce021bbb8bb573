import { describe, expect, it } from 'vitest';
import { call, expectProblem, expectStatus } from '../../support/http';
import { describeAuthCases } from '../../support/auth-cases';
import { eventHub as hub, mustOpen, openListener } from '../../support/listener';
import { freshProject } from '../../support/project';
import { sha256, toHex } from '../../../src/auth/keys';
import type { EventTicketResponse } from '../../../src/routes/events/create-ticket';

const project = () => freshProject('ev');

describe('POST /ai/events/ticket', () => {
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
