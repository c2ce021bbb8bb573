/** The options a command-line tool accepts: those followed by a value, and flags without one. */
export interface ToolOptions {
  usage: string;
  /** Options taking a value (`--repo <dir>`); a name may repeat on the command line. */
  values: readonly string[];
  /** Of those, the ones whose value must be a number. */
  numbers?: readonly string[];
  /** Of those, the ones the tool cannot run without. */
  required?: readonly string[];
  flags?: readonly string[];
}

/**
 * What is wrong with `argv` for a tool: 'help' for --help or -h, a sentence naming the first
 * unknown option, missing value, non-numeric number or stray argument, or null when it is fine.
 */
export function optionProblem(argv: readonly string[], options: ToolOptions): 'help' | string | null {
  if (argv.includes('--help') || argv.includes('-h')) return 'help';
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) return `unexpected argument "${arg}"`;
    const name = arg.slice(2);
    if (options.flags?.includes(name)) continue;
    if (!options.values.includes(name)) return `unknown option ${arg}`;
    const value = argv[++i];
    if (value === undefined || value.startsWith('--')) return `${arg} needs a value`;
    if (options.numbers?.includes(name) && !Number.isFinite(Number(value)))
      return `${arg} needs a number, not "${value}"`;
  }
  const missing = options.required?.find((name) => !argv.includes(`--${name}`));
  return missing ? `--${missing} is required` : null;
}

/** Each option's last value on a command line checkOptions accepted (a flag's value is 'true'). */
export function optionValues(argv: readonly string[], options: ToolOptions): Record<string, string> {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i]!.slice(2);
    values[name] = options.flags?.includes(name) ? 'true' : argv[++i]!;
  }
  return values;
}

/**
 * Checks the tool's command line before it does anything: --help prints the usage and exits 0;
 * a wrong command line prints what is wrong and the usage, and exits 2 (a typo must not run the
 * tool on its defaults, e.g. evaluate the project itself instead of the repository meant).
 */
export function checkOptions(options: ToolOptions, argv: readonly string[] = process.argv.slice(2)): void {
  const problem = optionProblem(argv, options);
  if (problem === null) return;
  if (problem === 'help') {
    console.log(options.usage);
    process.exit(0);
  }
  console.error(`${problem}\n\n${options.usage}`);
  process.exit(2);
}

/** A wrong command line: the tool's entry prints its message (which carries the usage) and exits 2. */
export class UsageError extends Error {}
