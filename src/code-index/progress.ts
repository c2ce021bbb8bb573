/** Progress of an index run: files done of planned, and when it should end at the pace so far. */
export interface RunPace {
  startedAt: string;
  filesDone: number;
  filesPlanned: number;
}

/** Seconds left at the average pace since the run started; null until a file is done. */
export function etaSeconds(pace: RunPace, nowMs: number): number | null {
  if (pace.filesDone <= 0 || pace.filesPlanned <= 0) return null;
  const elapsed = Math.max(0, nowMs - Date.parse(pace.startedAt));
  const left = Math.max(0, pace.filesPlanned - pace.filesDone);
  return Math.round(((elapsed / pace.filesDone) * left) / 1000);
}

/** Lets a progress event through at most once per `intervalMs`. */
export class ProgressGate {
  private last = Number.NEGATIVE_INFINITY;
  constructor(private readonly intervalMs = 1000) {}

  due(nowMs: number): boolean {
    if (nowMs - this.last < this.intervalMs) return false;
    this.last = nowMs;
    return true;
  }
}
