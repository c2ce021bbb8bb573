import type { Caller } from '../auth/keys';
import type { AuditEntry } from '../audit/log';
import type { RedactionCounts } from '../redaction/redact';
import type { ContextFields, ContextPatch, StoredContext } from './snapshot';

/** What crosses into the project's ledger object for a context change: domain data only, no configuration. */

export type WriteMode = 'replace' | 'merge';

export interface ContextWriteRequest {
  project: string;
  caller: Caller;
  requestId: string;
  mode: WriteMode;
  input: ContextFields | ContextPatch;
  expectedVersion?: number;
  /** Secrets the service replaced in `input` before it got here, counted per kind (never the values). */
  redactions?: RedactionCounts;
}

export interface ContextClearRequest {
  project: string;
  caller: Caller;
  requestId: string;
  expectedVersion?: number;
}

export interface ContextWriteResult {
  context: StoredContext;
  changed: string[];
  /** Set when this write replaced a value another identity wrote. */
  overwrote?: { client: string; person?: string; version: number; updatedAt: string };
  /** The audit entry that records it. */
  audit: AuditEntry;
}

export interface ContextClearResult {
  cleared: boolean;
  version: number | null;
  audit?: AuditEntry;
}

/** The port the Worker's SharedContext writes through: the project's ledger object. */
export interface ContextWriter {
  write(request: ContextWriteRequest): Promise<ContextWriteResult>;
  clear(request: ContextClearRequest): Promise<ContextClearResult>;
}
