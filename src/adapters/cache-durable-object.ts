import type { AnswerCache } from '../cache/answer-cache';
import type { ContextStoreObject } from '../objects/context-store';

/**
 * Cached answers in the embedded context store's Durable Object class, on an instance of
 * their own per project (`cache:{project}`), so they never share storage with the context.
 */
export class DurableObjectAnswerCache implements AnswerCache {
  readonly kind = 'durable-object' as const;

  constructor(
    private readonly namespace: DurableObjectNamespace<ContextStoreObject>,
    private readonly project: string,
  ) {}

  private stub() {
    return this.namespace.get(this.namespace.idFromName(`cache:${this.project}`));
  }

  async get(key: string): Promise<string | null> {
    return (await this.stub().cacheGet(key)) as string | null;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    await this.stub().cacheSet(key, value, ttlMs);
  }

  async delete(key: string): Promise<void> {
    await this.stub().cacheDelete(key);
  }
}
