import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

it('npm run dev on a taken port exits non-zero and names the port, before starting anything', async () => {
  const other = createServer((socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok'));
  await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
  const port = (other.address() as { port: number }).port;
  try {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/tools/dev.ts', '--port', String(port)], {
      cwd: ROOT,
      env: { ...process.env, FORCE_COLOR: '0' },
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code, output).not.toBe(0);
    expect(output).toContain(`dev: port ${port} is not free on 127.0.0.1 (EADDRINUSE)`);
    expect(output).not.toMatch(/is up|key:|building the dashboard/);
  } finally {
    await new Promise((resolve) => other.close(resolve));
  }
});
