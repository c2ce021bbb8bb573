import { redactText } from '../redaction/redact';

export interface LogTail {
  /** The last lines before (and including) the last error line, cleaned of timestamps and colour codes. */
  lines: string[];
  /** True when earlier lines exist that are not shown. */
  truncated: boolean;
}

const MAX_LINE_CHARS = 300;
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z ?/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are what this strips.
const ANSI = /\u001b\[[0-9;]*[A-Za-z]/g;

/** A line without its timestamp, carriage return and colour codes (not yet redacted). */
function stripLogLine(line: string): string {
  return line.replace(/\r$/, '').replace(TIMESTAMP, '').replace(ANSI, '');
}

const clipLine = (line: string) => (line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS - 1)}…` : line);

/** One line on its own, cleaned and redacted (a multi-line secret needs tailOfLog, which sees the whole text). */
export function cleanLogLine(line: string): string {
  return clipLine(redactText(stripLogLine(line)).value);
}

/**
 * The part of a job log that explains a failure: GitHub runs post-job cleanup after the
 * failing step, so the window ends at the last `##[error]` line when there is one,
 * otherwise at the end. `cut` says the text already lacks its beginning.
 */
export function tailOfLog(log: { text: string; cut: boolean }, maxLines: number): LogTail {
  const lines = log.text.split('\n');
  if (log.cut) lines.shift(); // the first line is probably partial
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  let end = lines.length;
  for (let i = lines.length - 1; i >= 0; i--) {
    if (lines[i]!.includes('##[error]')) {
      end = i + 1;
      break;
    }
  }
  const start = Math.max(0, end - maxLines);
  // Redacted as one text before it is cut into lines: a private key spans many of them.
  const whole = redactText(lines.map(stripLogLine).join('\n')).value.split('\n');
  return { lines: whole.slice(start, end).map(clipLine), truncated: start > 0 || log.cut };
}
