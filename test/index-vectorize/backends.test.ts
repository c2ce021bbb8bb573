import { describe, expect, it } from 'vitest';
import { createFixtureRepo, indexLayer, reindex } from '../support/index-fixtures';
import { TS_FILE } from '../support/index-repos';
import { backendProblem } from '../../src/code-index/status';
import { loadIndexConfig } from '../../src/code-index/config';

// Project index-vectorize: Workers AI + Vectorize through the local bindings (test/support/index-settings.ts).
describe('the index layer in /ai/status', () => {
  it('shows the active embedder and vector store, and is degraded when a deployed service uses the offline embedder', async () => {
    const repo = await createFixtureRepo({ 'src/a.ts': TS_FILE('delta') });
    await reindex(repo);
    const { layer } = await indexLayer(repo.env);
    expect(layer.state, JSON.stringify(layer)).toBe('ok');
    expect(layer.details).toMatchObject({
      backends: {
        embedder: 'workers-ai:@cf/baai/bge-small-en-v1.5',
        vectorStore: 'vectorize',
        bindings: 'local',
        deployed: false,
      },
    });
    expect(layer.reason).toMatch(/^workers-ai:@cf\/baai\/bge-small-en-v1\.5 \+ vectorize vectors; /);

    // Deployed: no local ledger bridge and Cloudflare's bindings. Local development is never "deployed".
    const deployed = (vars: Record<string, unknown>) => {
      const c = loadIndexConfig({ INDEX_REPOS: 'acme/app', ...vars });
      const embedder = c.embedder.kind === 'local' ? `local-hash-${c.embedder.dimensions}` : c.embedder.kind;
      return backendProblem({
        embedder,
        embedderKind: c.embedder.kind,
        vectorStore: c.vectors,
        bindings: c.bindings,
        deployed: c.deployed,
      });
    };
    expect(deployed({})).toMatch(/^offline hashing embedder in a deployed service \(local-hash-384\)/);
    expect(deployed({ DATABASE_WS_PROXY: '127.0.0.1:5433' })).toBeNull();
    expect(deployed({ AI: {} })).toBeNull();
    expect(deployed({ INDEX_LOCAL_BINDINGS: 'true' })).toBeNull();
  });
});
