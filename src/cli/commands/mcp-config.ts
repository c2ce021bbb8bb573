import type { Command, CommandContext } from '../command';
import { stringOption } from '../command';
import { UsageError } from '../errors';

export type McpClientKind = 'cursor' | 'claude';

/**
 * The server entry each client reads: Cursor's `.cursor/mcp.json` takes a URL and headers and expands
 * `${env:NAME}`; Claude Code's `.mcp.json` also wants `"type": "http"` and expands `${NAME}`.
 */
export function mcpClientConfig(
  kind: McpClientKind,
  serviceUrl: string,
  key: { value: string } | { env: string },
  name = 'hezlep',
) {
  const url = `${serviceUrl.replace(/\/+$/, '')}/mcp`;
  if (kind === 'cursor') {
    const apiKey = 'env' in key ? `\${env:${key.env}}` : key.value;
    return { mcpServers: { [name]: { url, headers: { 'x-api-key': apiKey } } } };
  }
  const apiKey = 'env' in key ? `\${${key.env}}` : key.value;
  return { mcpServers: { [name]: { type: 'http', url, headers: { Authorization: `Bearer ${apiKey}` } } } };
}

export const mcpConfigCommand: Command = {
  path: ['mcp', 'config'],
  summary: "Print the MCP server entry for Cursor's or Claude's config",
  usage: 'hezlep mcp config [--cursor | --claude] [--key-env <NAME>] [--name <server name>]',
  details:
    "Prints JSON to paste into .cursor/mcp.json (--cursor, the default) or Claude Code's .mcp.json (--claude): the\n" +
    "service's /mcp URL and your API key as a header. With --key-env NAME the header names an environment variable\n" +
    'instead of holding the key, so the file can be committed. Nothing is sent to the service.',
  options: {
    cursor: { type: 'boolean' },
    claude: { type: 'boolean' },
    'key-env': { type: 'string' },
    name: { type: 'string' },
  },
  async run({ values, io, config }: CommandContext): Promise<number> {
    if (values.cursor && values.claude) throw new UsageError('Choose one of --cursor or --claude.');
    const kind: McpClientKind = values.claude ? 'claude' : 'cursor';
    const keyEnv = stringOption(values, 'key-env');
    if (keyEnv !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(keyEnv))
      throw new UsageError(`--key-env wants an environment variable name, not "${keyEnv}".`);
    const name = stringOption(values, 'name') ?? 'hezlep';
    const { url, apiKey } = await config();
    io.out(JSON.stringify(mcpClientConfig(kind, url, keyEnv ? { env: keyEnv } : { value: apiKey }, name), null, 2));
    return 0;
  },
};
