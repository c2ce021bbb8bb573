import { useState } from 'react';

/** Plain SVG charts: no library, a few hundred bytes each. Every mark that carries data is focusable and titled. */

const W = 600;

export interface Band {
  start: number;
  end: number;
  state: string;
  label: string;
}

const BAND_FILL: Record<string, string> = {
  ok: '#059669',
  degraded: '#d97706',
  down: '#b91c1c',
  unconfigured: '#cbd5e1',
  unknown: '#e2e8f0',
};

/** One row of coloured bands across [from, to]; focus or hover a band to read its state, reason and time. */
export function BandRow({
  name,
  bands,
  from,
  to,
  onShow,
}: {
  name: string;
  bands: Band[];
  from: number;
  to: number;
  onShow(text: string | null): void;
}) {
  const x = (t: number) => ((Math.min(Math.max(t, from), to) - from) / (to - from)) * W;
  return (
    <svg
      viewBox={`0 0 ${W} 14`}
      preserveAspectRatio="none"
      className="h-4 w-full"
      role="group"
      aria-label={`${name} over time`}
    >
      {bands.map((band) => {
        const left = x(band.start);
        const width = Math.max(1, x(band.end) - left);
        return (
          <rect
            key={`${band.start}-${band.state}`}
            x={left}
            y={0}
            width={width}
            height={14}
            fill={BAND_FILL[band.state] ?? BAND_FILL.unknown}
            tabIndex={0}
            role="img"
            aria-label={band.label}
            data-band={band.state}
            className="outline-none focus:stroke-sky-600 focus:stroke-2"
            onMouseEnter={() => onShow(band.label)}
            onMouseLeave={() => onShow(null)}
            onFocus={() => onShow(band.label)}
            onBlur={() => onShow(null)}
          >
            <title>{band.label}</title>
          </rect>
        );
      })}
    </svg>
  );
}

export interface Line {
  name: string;
  colour: string;
  points: { t: number; v: number | null }[];
}

/** Lines over time with a y axis from 0 to the largest value; gaps where a value is null. */
export function LineChart({
  lines,
  from,
  to,
  unit,
  label,
}: {
  lines: Line[];
  from: number;
  to: number;
  unit: string;
  label: string;
}) {
  const H = 160;
  const max = Math.max(1, ...lines.flatMap((line) => line.points.map((p) => p.v ?? 0)));
  const x = (t: number) => ((t - from) / (to - from)) * W;
  const y = (v: number) => H - (v / max) * (H - 10);
  const [focused, setFocused] = useState<string | null>(null);
  return (
    <figure className="space-y-1">
      <svg viewBox={`0 0 ${W} ${H}`} className="h-40 w-full" role="img" aria-label={label}>
        <line x1={0} x2={W} y1={H - 0.5} y2={H - 0.5} stroke="#cbd5e1" />
        <line x1={0} x2={W} y1={y(max)} y2={y(max)} stroke="#e2e8f0" strokeDasharray="4 4" />
        <text x={4} y={y(max) - 2} fontSize={10} fill="#475569">
          {formatValue(max, unit)}
        </text>
        {lines.map((line) => (
          <path
            key={line.name}
            d={pathOf(line.points, x, y)}
            fill="none"
            stroke={line.colour}
            strokeWidth={2}
            strokeLinecap="round"
            strokeLinejoin="round"
            vectorEffect="non-scaling-stroke"
            data-line={line.name}
          />
        ))}
        {lines.map((line) =>
          line.points.length <= 60
            ? line.points.map((p) =>
                p.v === null ? null : (
                  <circle key={`${line.name}-${p.t}`} cx={x(p.t)} cy={y(p.v)} r={2.5} fill={line.colour}>
                    <title>{`${line.name} ${formatValue(p.v, unit)} at ${new Date(p.t).toLocaleString()}`}</title>
                  </circle>
                ),
              )
            : null,
        )}
      </svg>
      <p className="flex justify-between text-[10px] text-slate-600" aria-hidden="true">
        <span>
          {new Date(from).toLocaleString(undefined, {
            month: 'short',
            day: 'numeric',
            hour: '2-digit',
            minute: '2-digit',
          })}
        </span>
        <span>now</span>
      </p>
      <figcaption className="flex flex-wrap gap-3 text-xs text-slate-700">
        {lines.map((line) => {
          const values = line.points.map((p) => p.v).filter((v): v is number => v !== null);
          const latest = values.at(-1);
          return (
            <button
              key={line.name}
              type="button"
              className="inline-flex items-center gap-1 rounded focus-visible:outline-2 focus-visible:outline-sky-600"
              onFocus={() => setFocused(line.name)}
              onBlur={() => setFocused(null)}
              aria-label={`${line.name}: latest ${latest === undefined ? 'none' : formatValue(latest, unit)}, highest ${values.length ? formatValue(Math.max(...values), unit) : 'none'}`}
            >
              <span
                className="inline-block h-2 w-3 rounded-sm"
                style={{ background: line.colour }}
                aria-hidden="true"
              />
              {line.name}
              {focused === line.name && latest !== undefined && (
                <span className="text-slate-600"> (latest {formatValue(latest, unit)})</span>
              )}
            </button>
          );
        })}
      </figcaption>
    </figure>
  );
}

function pathOf(points: Line['points'], x: (t: number) => number, y: (v: number) => number): string {
  // Runs of consecutive values become one polyline each; a lone value becomes a dot (a zero-length, round-capped line).
  const runs: string[][] = [[]];
  for (const p of points) {
    if (p.v === null) runs.push([]);
    else runs.at(-1)!.push(`${x(p.t).toFixed(1)} ${y(p.v).toFixed(1)}`);
  }
  return runs
    .filter((run) => run.length > 0)
    .map((run) => (run.length === 1 ? `M${run[0]} h0.01` : `M${run.join(' L')}`))
    .join(' ');
}

export function formatValue(v: number, unit: string): string {
  if (unit === 'ms') return v >= 1000 ? `${(v / 1000).toFixed(1)} s` : `${Math.round(v * 10) / 10} ms`;
  return `${Math.round(v * 100) / 100} ${unit}`;
}

export interface StackedBar {
  label: string;
  parts: { name: string; value: number; colour: string }[];
}

/** Vertical stacked bars, one per label; each bar is focusable and reads out its parts. */
export function StackedBars({ bars, label }: { bars: StackedBar[]; label: string }) {
  const H = 120;
  const max = Math.max(1, ...bars.map((bar) => bar.parts.reduce((sum, part) => sum + part.value, 0)));
  const slot = W / Math.max(1, bars.length);
  return (
    <svg viewBox={`0 0 ${W} ${H + 16}`} className="h-36 w-full" role="group" aria-label={label}>
      {bars.map((bar, i) => {
        let top = H;
        const total = bar.parts.reduce((sum, part) => sum + part.value, 0);
        const text = `${bar.label}: ${
          total === 0
            ? 'none'
            : bar.parts
                .filter((p) => p.value > 0)
                .map((p) => `${p.value} ${p.name}`)
                .join(', ')
        }`;
        return (
          <g
            key={bar.label}
            tabIndex={0}
            role="img"
            aria-label={text}
            data-bar={bar.label}
            className="outline-none focus:opacity-80"
          >
            <title>{text}</title>
            {bar.parts.map((part) => {
              const height = (part.value / max) * (H - 6);
              top -= height;
              return part.value > 0 ? (
                <rect
                  key={part.name}
                  x={i * slot + slot * 0.15}
                  y={top}
                  width={slot * 0.7}
                  height={height}
                  fill={part.colour}
                />
              ) : null;
            })}
            <text x={i * slot + slot / 2} y={H + 12} fontSize={10} textAnchor="middle" fill="#475569">
              {bar.label}
            </text>
          </g>
        );
      })}
    </svg>
  );
}
