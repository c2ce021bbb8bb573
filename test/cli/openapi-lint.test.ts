import { createConfig, lintFromString } from '@redocly/openapi-core';
import SpectralCore from '@stoplight/spectral-core';
import SpectralParsers from '@stoplight/spectral-parsers';
import SpectralRulesets from '@stoplight/spectral-rulesets';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';

// The Spectral packages are CommonJS: their named exports come through the default import.
const { Spectral, Document } = SpectralCore;
const { Json } = SpectralParsers;
const { oas } = SpectralRulesets;

/** The GPT profile as the Worker serves it when PUBLIC_URL is the deployed https origin (built in Node, offline). */
async function gptProfile(publicUrl: string): Promise<string> {
  const env = { PUBLIC_URL: publicUrl, LOG_LEVEL: 'silent' };
  const ctx = { waitUntil() {}, passThroughOnException() {}, props: {} };
  const response = await createApp().fetch(new Request('http://127.0.0.1:8787/openapi.json?profile=gpt'), env, ctx);
  expect(response.status).toBe(200);
  return response.text();
}

describe('the GPT Action profile, linted as ChatGPT users lint it', () => {
  it('names PUBLIC_URL as its server, not the URL it was fetched from', async () => {
    const profile = JSON.parse(await gptProfile('https://hezlep.dev'));
    expect(profile.servers).toEqual([{ url: 'https://hezlep.dev' }]);
  });

  it("passes Redocly's recommended rules with no problem", async () => {
    const config = await createConfig({ extends: ['recommended'] });
    const problems = await lintFromString({
      source: await gptProfile('https://hezlep.dev'),
      absoluteRef: '/gpt.json',
      config,
    });
    const lines = problems.map((p) => `${p.severity} ${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(lines).toEqual([]);
  });

  it("passes Spectral's oas ruleset with no problem", async () => {
    const spectral = new Spectral();
    spectral.setRuleset(oas as never);
    const results = await spectral.run(new Document(await gptProfile('https://hezlep.dev'), Json, '/gpt.json'));
    const lines = results.map((r) => `${r.severity} ${r.code}: ${r.message} at ${r.path.join('.')}`);
    expect(lines).toEqual([]);
  });
});
