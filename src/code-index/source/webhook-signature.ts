/** Verify GitHub's `X-Hub-Signature-256: sha256=<hex HMAC of the raw body>` in constant time. */
export async function verifyGitHubSignature(
  secret: string,
  body: string | Uint8Array<ArrayBuffer>,
  header: string | undefined,
): Promise<boolean> {
  const match = /^sha256=([0-9a-f]{64})$/i.exec(header ?? '');
  if (!match) return false;
  const signature = new Uint8Array(32);
  for (let i = 0; i < 32; i++) signature[i] = parseInt(match[1]!.slice(i * 2, i * 2 + 2), 16);
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['verify'],
  );
  // Over the raw bytes as received: the HMAC is checked before anything is decoded.
  return crypto.subtle.verify('HMAC', key, signature, typeof body === 'string' ? new TextEncoder().encode(body) : body);
}

export async function signGitHubPayload(secret: string, body: string | Uint8Array<ArrayBuffer>): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  const mac = new Uint8Array(
    await crypto.subtle.sign('HMAC', key, typeof body === 'string' ? new TextEncoder().encode(body) : body),
  );
  return `sha256=${Array.from(mac, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
