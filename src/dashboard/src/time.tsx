import { useEffect, useState } from 'react';

const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;

/** Re-render every 15 s so relative times stay true without a reload. */
function useClock(): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const tick = () => setNow(Date.now());
    listeners.add(tick);
    timer ??= setInterval(() => {
      for (const l of listeners) l();
    }, 15_000);
    return () => {
      listeners.delete(tick);
      if (listeners.size === 0 && timer) {
        clearInterval(timer);
        timer = undefined;
      }
    };
  }, []);
  return now;
}

export function relative(ms: number, now: number): string {
  const diff = Math.round((ms - now) / 1000);
  const abs = Math.abs(diff);
  const future = diff > 0;
  let text: string;
  if (abs < 10) return future ? 'in a few seconds' : 'just now';
  if (abs < 60) text = `${abs} s`;
  else if (abs < 3600) text = `${Math.round(abs / 60)} min`;
  else if (abs < 86_400) text = `${Math.round(abs / 3600)} h`;
  else text = `${Math.round(abs / 86_400)} d`;
  return future ? `in ${text}` : `${text} ago`;
}

/** A timestamp as a relative time, with the exact local and UTC values on hover and for screen readers. */
export function Time({ iso, className }: { iso: string | null | undefined; className?: string }) {
  const now = useClock();
  if (!iso) return <span className={className}>—</span>;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return <span className={className}>{iso}</span>;
  const exact = `${new Date(ms).toLocaleString()} (${new Date(ms).toISOString()})`;
  return (
    <time
      dateTime={new Date(ms).toISOString()}
      title={exact}
      className={`cursor-help underline decoration-dotted decoration-slate-400 underline-offset-2 ${className ?? ''}`}
    >
      {relative(ms, now)}
    </time>
  );
}
