/**
 * A strict parser for the Prometheus text exposition format 0.0.4, enough to
 * prove our output is what a scraper accepts: metric and label names, label
 * value escapes, HELP/TYPE before samples, one TYPE per family, numeric values,
 * and histogram consistency (cumulative buckets, +Inf equal to _count).
 */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help?: string;
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export class PrometheusParseError extends Error {
  constructor(line: number, message: string) {
    super(`line ${line}: ${message}`);
  }
}

function parseValue(text: string, line: number): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text))
    throw new PrometheusParseError(line, `bad value "${text}"`);
  return Number(text);
}

function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 0;
  for (;;) {
    while (text[i] === ' ') i++;
    if (text[i] === '}') return { labels, rest: text.slice(i + 1) };
    const eq = text.indexOf('=', i);
    if (eq < 0) throw new PrometheusParseError(line, 'label without =');
    const name = text.slice(i, eq).trim();
    if (!LABEL.test(name)) throw new PrometheusParseError(line, `bad label name "${name}"`);
    if (name in labels) throw new PrometheusParseError(line, `duplicate label "${name}"`);
    if (text[eq + 1] !== '"') throw new PrometheusParseError(line, 'label value must be quoted');
    let value = '';
    let j = eq + 2;
    for (; j < text.length && text[j] !== '"'; j++) {
      if (text[j] === '\\') {
        const next = text[++j];
        if (next === 'n') value += '\n';
        else if (next === '\\' || next === '"') value += next;
        else throw new PrometheusParseError(line, `bad escape \\${next}`);
      } else value += text[j];
    }
    if (j >= text.length) throw new PrometheusParseError(line, 'unterminated label value');
    labels[name] = value;
    i = j + 1;
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw new PrometheusParseError(line, 'expected , or } after a label');
  }
}

function familyOf(sample: string, families: Map<string, Family>): Family | undefined {
  if (families.has(sample)) return families.get(sample);
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (sample.endsWith(suffix)) {
      const family = families.get(sample.slice(0, -suffix.length));
      if (family && (family.type === 'histogram' || family.type === 'summary')) return family;
    }
  }
  return undefined;
}

export function parsePrometheus(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new PrometheusParseError(0, 'exposition must end with a newline');
  const families = new Map<string, Family>();
  text.split('\n').forEach((raw, index) => {
    const line = index + 1;
    if (raw === '') return;
    if (raw.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
      if (!m) return; // other comments are allowed
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new PrometheusParseError(line, `bad metric name "${name}"`);
      const family = families.get(name) ?? { name, type: 'untyped' as const, samples: [] };
      if (kind === 'TYPE') {
        if (family.samples.length) throw new PrometheusParseError(line, `TYPE for ${name} after its samples`);
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(rest))
          throw new PrometheusParseError(line, `bad type "${rest}"`);
        family.type = rest as Family['type'];
      } else family.help = rest;
      families.set(name, family);
      return;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{)?(.*)$/.exec(raw);
    if (!m) throw new PrometheusParseError(line, `bad sample "${raw}"`);
    const [, name, brace, after] = m as unknown as [string, string, string | undefined, string];
    const { labels, rest } = brace ? parseLabels(after, line) : { labels: {}, rest: after };
    const parts = rest.trim().split(/\s+/);
    if (parts.length < 1 || parts.length > 2 || !rest.startsWith(' '))
      throw new PrometheusParseError(line, 'expected " value [timestamp]"');
    const family = familyOf(name, families);
    if (!family) throw new PrometheusParseError(line, `sample ${name} has no TYPE declared before it`);
    family.samples.push({ name, labels, value: parseValue(parts[0]!, line) });
  });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

function checkHistogram(family: Family): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number; sum?: number }>();
  for (const s of family.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const entry = series.get(key) ?? { buckets: [] };
    if (s.name.endsWith('_bucket')) {
      if (le === undefined) throw new PrometheusParseError(0, `${family.name}: bucket without le`);
      entry.buckets.push([parseValue(le, 0), s.value]);
    } else if (s.name.endsWith('_count')) entry.count = s.value;
    else if (s.name.endsWith('_sum')) entry.sum = s.value;
    series.set(key, entry);
  }
  for (const [key, entry] of series) {
    const sorted = [...entry.buckets].sort((a, b) => a[0] - b[0]);
    sorted.forEach(([, v], i) => {
      if (i > 0 && v < sorted[i - 1]![1])
        throw new PrometheusParseError(0, `${family.name}${key}: buckets are not cumulative`);
    });
    const inf = sorted.at(-1);
    if (!inf || inf[0] !== Number.POSITIVE_INFINITY)
      throw new PrometheusParseError(0, `${family.name}${key}: no +Inf bucket`);
    if (entry.count === undefined || entry.sum === undefined)
      throw new PrometheusParseError(0, `${family.name}${key}: missing _sum or _count`);
    if (inf[1] !== entry.count)
      throw new PrometheusParseError(0, `${family.name}${key}: +Inf bucket differs from _count`);
  }
}

/** The value of the one sample of `name` whose labels include `labels`. */
export function sampleValue(
  families: Map<string, Family>,
  name: string,
  labels: Record<string, string>,
): number | undefined {
  const family = familyOf(name, families);
  const matches =
    family?.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) ?? [];
  if (matches.length > 1) throw new Error(`${matches.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return matches[0]?.value;
}
