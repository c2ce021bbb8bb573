import { createInterface } from 'node:readline/promises';
import { ApiClient } from '../api';
import type { Command, CommandContext } from '../command';
import { stringOption } from '../command';
import { normaliseUrl, saveConfig } from '../config';
import { UsageError } from '../errors';

export const loginCommand: Command = {
  path: ['login'],
  summary: 'Save the service URL and your API key (owner-only file)',
  usage: 'hezlep login [--url <url>] [--key <api key> | --key-stdin]',
  details:
    'Checks the key against the service, then writes ~/.config/hezlep/config.json (or $HEZLEP_CONFIG) with mode 0600.\n' +
    'Prefer --key-stdin or the prompt over --key, which leaves the key in your shell history.',
  options: { 'key-stdin': { type: 'boolean' } },
  async run({ values, io }: CommandContext): Promise<number> {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: false });
    const ask = async (question: string) => (await rl.question(question)).trim();
    try {
      const url = normaliseUrl(stringOption(values, 'url') ?? io.env.HEZLEP_URL ?? (await ask('Service URL: ')));
      const key = stringOption(values, 'key') ?? (values['key-stdin'] ? await ask('') : await ask('API key: '));
      if (!key) throw new UsageError('No API key given.');
      const client = new ApiClient({ url, apiKey: key, source: 'flags' });
      await client.request('GET', '/ai/context');
      const path = await saveConfig(url, key, io.env);
      io.out(`Key accepted by ${url}; saved to ${path} (readable by you only).`);
      return 0;
    } finally {
      rl.close();
    }
  },
};
