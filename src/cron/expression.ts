/**
 * Cloudflare's cron trigger grammar (developers.cloudflare.com/workers/configuration/cron-triggers):
 * five fields, UTC. Unlike Unix cron, weekdays are 1-7 with 1 = Sunday (or SUN-SAT): Unix's `0` for Sunday
 * is refused at deploy ("invalid cron string", code 10100), and `7` means Saturday.
 */
interface Field {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
  /** Special characters beyond `* , - /`. */
  special: RegExp | null;
}

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'] as const;
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'] as const;

const FIELDS: readonly Field[] = [
  { name: 'minute', min: 0, max: 59, special: null },
  { name: 'hour', min: 0, max: 23, special: null },
  // L = last day of the month, 15W = the weekday nearest the 15th, LW = the last weekday.
  { name: 'day of month', min: 1, max: 31, special: /^(L|LW|\d{1,2}W)$/ },
  { name: 'month', min: 1, max: 12, names: MONTHS, special: null },
  // L = Saturday (the last day of the week), 6L = the last Friday of the month, 6#3 = the third Friday.
  {
    name: 'day of week',
    min: 1,
    max: 7,
    names: WEEKDAYS,
    special: /^(L|[1-7]L|[A-Z]{3}L|[1-7]#[1-5]|[A-Z]{3}#[1-5])$/,
  },
];

function valueIn(token: string, field: Field): number | null {
  if (/^\d+$/.test(token)) return Number(token);
  const index = field.names?.indexOf(token.toUpperCase() as never) ?? -1;
  return index >= 0 ? index + field.min : null;
}

function problemInPart(part: string, field: Field): string | null {
  if (field.special?.test(part.toUpperCase())) {
    const lead = /^(\d+|[A-Z]{3})/i.exec(part)?.[1];
    const value = lead === undefined ? field.min : valueIn(lead, field);
    if (value === null || value < field.min || value > field.max) return `${field.name} "${part}" names no valid value`;
    return null;
  }
  const [range, step, extra] = part.split('/');
  if (extra !== undefined) return `${field.name} "${part}" has more than one "/"`;
  if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `${field.name} step "${step}" must be a positive number`;
  if (range === '*') return null;
  const ends = range!.split('-');
  if (ends.length > 2 || ends.some((end) => end === '')) return `${field.name} "${part}" is not a value or a range`;
  for (const end of ends) {
    const value = valueIn(end, field);
    const allowed = `${field.min}-${field.max}${field.names ? ` or ${field.names[0]}-${field.names.at(-1)}` : ''}`;
    if (value === null || value < field.min || value > field.max) return `${field.name} "${end}" is outside ${allowed}`;
  }
  return null;
}

/** Why Cloudflare would refuse this cron expression, or null when it is accepted. */
export function cloudflareCronProblem(expression: string): string | null {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== FIELDS.length) return `"${expression}" has ${parts.length} fields; Cloudflare takes 5`;
  for (const [i, field] of FIELDS.entries()) {
    for (const part of parts[i]!.split(',')) {
      const problem = part === '' ? `${field.name} has an empty list item` : problemInPart(part, field);
      if (problem) return `"${expression}": ${problem}`;
    }
  }
  return null;
}
