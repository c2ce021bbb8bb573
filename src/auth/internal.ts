import type { Caller } from './keys';

/**
 * A request the Worker makes to its own app (the nightly cache warm-up), already knowing who it acts as.
 * Requests are marked by object identity: only code holding the Request it built can mark it, so no
 * header or value from outside can claim to be internal.
 */
export interface InternalCall {
  caller: Caller;
  /** Recompute cached answers instead of reading them (and write the fresh ones back). */
  refreshCache: boolean;
  /**
   * A call made for a caller authenticated another way (an MCP tool call over an OAuth connection): recorded in
   * the GPT query log like the caller's own calls. Unset for the Worker's own calls (the warm-up).
   */
  onBehalf?: boolean;
}

const INTERNAL = new WeakMap<Request, InternalCall>();

export function markInternal(request: Request, call: InternalCall): Request {
  INTERNAL.set(request, call);
  return request;
}

export function internalCallOf(request: Request): InternalCall | undefined {
  return INTERNAL.get(request);
}
