import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import wranglerToml from '../../wrangler.toml?raw';
import { cloudflareCronProblem } from '../../src/cron/expression';
import { CRON_JOBS, jobsFor } from '../../src/cron/jobs';
import { loadConfig } from '../../src/config';
import { parseMaintenanceConfig } from '../../src/maintenance/config';
import { parseDigestConfig } from '../../src/digest/config';

interface Environment {
  crons?: string[];
  vars: Record<string, string>;
  durableObjects: string[];
}

/**
 * The parts of wrangler.toml this test needs: per environment (top level = ''), the [triggers] crons and
 * the [vars]. Environments inherit the top level's triggers when they declare none, as wrangler does.
 */
function environmentsOf(toml: string): Map<string, Environment> {
  const envs = new Map<string, Environment>([['', { vars: {}, durableObjects: [] }]]);
  let section = '';
  for (const line of toml.split('\n')) {
    const header = /^\s*\[{1,2}([^\]]+)\]{1,2}\s*$/.exec(line);
    if (header) {
      section = header[1]!.trim();
      const name = /^env\.([^.]+)/.exec(section)?.[1];
      if (name && !envs.has(name)) envs.set(name, { vars: {}, durableObjects: [] });
      continue;
    }
    const name = /^env\.([^.]+)/.exec(section)?.[1] ?? '';
    const rest = name ? section.slice(`env.${name}.`.length) : section;
    const target = envs.get(name)!;
    const crons = /^\s*crons\s*=\s*\[(.*)\]\s*$/.exec(line);
    if (rest === 'triggers' && crons) target.crons = [...crons[1]!.matchAll(/"([^"]*)"/g)].map((m) => m[1]!);
    const assignment = /^\s*([A-Z][A-Z0-9_]*)\s*=\s*"([^"]*)"\s*$/.exec(line);
    if (rest === 'vars' && assignment) target.vars[assignment[1]!] = assignment[2]!;
    const binding = /^\s*name\s*=\s*"([^"]+)"\s*$/.exec(line);
    if (rest === 'durable_objects.bindings' && binding) target.durableObjects.push(binding[1]!);
  }
  const top = envs.get('')!;
  for (const environment of envs.values()) environment.crons ??= top.crons;
  return envs;
}

describe('Cloudflare cron grammar', () => {
  it.each([
    '*/5 * * * *',
    '0 3 * * *',
    '0 4 * * SUN',
    '0 4 * * 1',
    '0 4 * * 7',
    '30 8 * * MON-FRI',
    '30 6 * * 2-6',
    '0 9 * * 2,4,6',
    '0 0 L * *',
    '0 0 15W * *',
    '0 12 * * 6#3',
    '0 12 * * 6L',
    '0 0 1 JAN,JUL *',
    '0 5 1 * *',
    '0-30/10 * * * *',
  ])('accepts %s', (expression) => {
    expect(cloudflareCronProblem(expression)).toBeNull();
  });

  it.each([
    ['0 4 * * 0', 'day of week "0" is outside 1-7 or SUN-SAT'],
    ['0 4 * * 8', 'day of week "8" is outside'],
    ['0 4 * * SUN-0', 'day of week "0" is outside'],
    ['60 * * * *', 'minute "60" is outside 0-59'],
    ['0 24 * * *', 'hour "24" is outside 0-23'],
    ['0 0 0 * *', 'day of month "0" is outside 1-31'],
    ['0 0 * 13 *', 'month "13" is outside 1-12 or JAN-DEC'],
    ['0 0 * * * *', 'has 6 fields'],
    ['*/0 * * * *', 'step "0" must be a positive number'],
    ['0 0 * * 6#6', 'day of week "6#6"'],
    ['0 0 * * FUNDAY', 'day of week "FUNDAY" is outside'],
    ['1,,2 * * * *', 'empty list item'],
  ])('refuses %s', (expression, why) => {
    expect(cloudflareCronProblem(expression)).toContain(why);
  });

  it('a configured expression Cloudflare would refuse is a configuration error naming the variable', () => {
    expect(() => parseMaintenanceConfig({ AUDIT_ROTATION_CRON: '0 4 * * 0' })).toThrow(
      /AUDIT_ROTATION_CRON is not a cron expression Cloudflare accepts/,
    );
    expect(parseMaintenanceConfig({}).crons.auditRotation).toBe('0 4 * * SUN');
    expect(() => parseDigestConfig({ DIGEST_CRON: '30 6 * * 0-4' })).toThrow(
      /DIGEST_CRON is not a cron expression Cloudflare accepts/,
    );
    expect(parseDigestConfig({}).cron).toBe('30 6 * * MON-FRI');
  });
});

describe('wrangler.toml cron triggers', () => {
  const environments = environmentsOf(wranglerToml);

  it('declares the deployed environments and triggers for each', () => {
    expect([...environments.keys()]).toEqual(['', 'staging', 'production']);
    for (const environment of environments.values()) expect(environment.crons?.length).toBeGreaterThan(0);
  });

  it('each deployed environment binds every Durable Object the top level binds (bindings are not inherited)', () => {
    // The top level is also the local configuration: local stand-ins (LOCAL_*) are bound there only.
    const top = environments.get('')!.durableObjects.filter((binding) => !binding.startsWith('LOCAL_'));
    expect(top.length).toBeGreaterThan(0);
    for (const [name, environment] of environments) if (name) expect(environment.durableObjects, name).toEqual(top);
  });

  for (const [name, environment] of environments) {
    const label = name || 'top level';
    it(`${label}: every trigger is in Cloudflare's grammar`, () => {
      for (const cron of environment.crons!) expect(cloudflareCronProblem(cron), cron).toBeNull();
    });

    it(`${label}: every trigger runs a job, and every job's configured expression is a trigger`, async () => {
      const config = await loadConfig({ ...env, ...environment.vars });
      for (const cron of environment.crons!)
        expect(
          jobsFor(cron, config, CRON_JOBS).map((job) => job.name),
          cron,
        ).not.toEqual([]);
      for (const job of CRON_JOBS) expect(environment.crons, job.name).toContain(job.schedule(config));
    });
  }
});
