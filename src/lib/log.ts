import { redactValue } from '../redaction/redact';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/**
 * Structured JSON log lines. Callers pass fields, never raw headers or bodies; every line still passes
 * the secret scanner as one document (an error message can quote its input), and says how many
 * secrets of each kind it lost (`redacted`), never which.
 */
export class Logger {
  constructor(
    private readonly level: LogLevel = 'info',
    private readonly base: Record<string, unknown> = {},
  ) {}

  child(fields: Record<string, unknown>): Logger {
    return new Logger(this.level, { ...this.base, ...fields });
  }

  debug(msg: string, fields?: Record<string, unknown>): void {
    this.write('debug', msg, fields);
  }
  info(msg: string, fields?: Record<string, unknown>): void {
    this.write('info', msg, fields);
  }
  warn(msg: string, fields?: Record<string, unknown>): void {
    this.write('warn', msg, fields);
  }
  error(msg: string, fields?: Record<string, unknown>): void {
    this.write('error', msg, fields);
  }

  private write(level: LogLevel, msg: string, fields?: Record<string, unknown>): void {
    if (RANK[level] < RANK[this.level]) return;
    const record = { level, msg, time: new Date().toISOString(), ...this.base, ...fields };
    const { value, counts, total } = redactValue(record);
    const line = JSON.stringify(total ? { ...value, redacted: counts } : record);
    if (level === 'error') console.error(line);
    else console.log(line);
  }
}

/** What an unexpected error looks like in the log: its name, message and stack, nothing else. */
export function describeError(error: unknown): Record<string, unknown> {
  if (error instanceof Error) {
    return {
      errorName: error.name,
      errorMessage: error.message,
      stack: error.stack?.split('\n').slice(0, 8).join('\n'),
    };
  }
  // A flat record of plain values (e.g. the ledger's `{ sqlState }`) says more than "[object Object]".
  if (isFlatRecord(error)) return { errorDetail: error };
  return { errorMessage: String(error) };
}

function isFlatRecord(value: unknown): value is Record<string, string | number | boolean | null> {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  return Object.values(value).every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v));
}
