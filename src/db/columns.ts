import { timestamp } from 'drizzle-orm/pg-core';

/** Millisecond precision, so a value written from JS reads back identical (hash chains depend on it). */
export const instant = (name: string) => timestamp(name, { withTimezone: true, precision: 3, mode: 'date' });
