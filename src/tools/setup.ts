import { parseArgs } from 'node:util';
import {
  OPTIONAL_SECRETS,
  REQUIRED_SECRETS,
  VECTORIZE_METADATA_INDEXES,
  parseDeployEnv,
  readTarget,
  wrangler,
  type DeployTarget,
} from './deploy/target';

const HELP = `npm run setup -- --env staging|production [--apply]

Prints the wrangler commands that create what the environment's Worker binds (the R2 bucket for the
audit archive, the Vectorize index and its metadata indexes) and store its secrets; --apply runs them.
Secret values are read from this shell's environment (${REQUIRED_SECRETS.join(', ')} are required;
${OPTIONAL_SECRETS.join(', ')} are stored when set) and handed to \`wrangler secret bulk\` on its
standard input: they never appear in a command line or in this output. Run \`wrangler login\` first.`;

interface Step {
  /** What the step does, for the operator. */
  why: string;
  args: string[];
  /** Sent to wrangler's standard input (secret values); never printed. */
  input?: string;
  /** A failure that only means "already exists" does not stop the setup. */
  mayExist?: boolean;
}

function planFor(target: DeployTarget, environment: NodeJS.ProcessEnv): { steps: Step[]; missing: string[] } {
  const steps: Step[] = [];
  if (target.bucket)
    steps.push({
      why: 'R2 bucket for the audit archive',
      args: ['r2', 'bucket', 'create', target.bucket],
      mayExist: true,
    });
  if (target.vectorIndex) {
    steps.push({
      why: `Vectorize index (${target.dimensions} dimensions, cosine) for the code index`,
      args: ['vectorize', 'create', target.vectorIndex, `--dimensions=${target.dimensions}`, '--metric=cosine'],
      mayExist: true,
    });
    for (const { property, type } of VECTORIZE_METADATA_INDEXES) {
      steps.push({
        why: `metadata index on ${property} (before any vector is inserted)`,
        args: [
          'vectorize',
          'create-metadata-index',
          target.vectorIndex,
          `--propertyName=${property}`,
          `--type=${type}`,
        ],
        mayExist: true,
      });
    }
  }
  const names = [...REQUIRED_SECRETS, ...OPTIONAL_SECRETS];
  const values = Object.fromEntries(
    names.filter((name) => environment[name]).map((name) => [name, environment[name]!]),
  );
  const missing = REQUIRED_SECRETS.filter((name) => !environment[name]);
  if (Object.keys(values).length) {
    steps.push({
      why: `secrets ${Object.keys(values).join(', ')} (values from this shell, on stdin)`,
      args: ['secret', 'bulk', '--env', target.env],
      input: JSON.stringify(values),
    });
  }
  return { steps, missing };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      env: { type: 'string', short: 'e' },
      apply: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const target = readTarget(parseDeployEnv(values.env));
  const { steps, missing } = planFor(target, process.env);
  console.log(`setup[${target.env}]: the ${target.workerName} Worker's resources and secrets`);
  for (const step of steps) {
    console.log(
      `\n# ${step.why}\n${step.input === undefined ? '' : '<secret values as JSON> | '}npx wrangler ${step.args.join(' ')}`,
    );
  }
  if (missing.length)
    console.log(
      `\nsetup: set ${missing.join(', ')} in this shell before --apply; the Worker refuses every request without them.`,
    );
  if (!values.apply) {
    console.log('\nsetup: nothing was run (add --apply to run these commands).');
    return;
  }
  if (missing.length) process.exit(2);
  for (const step of steps) {
    console.log(`\nsetup: ${step.why}`);
    const run = wrangler(step.args, { input: step.input });
    if (run.status !== 0 && !step.mayExist)
      throw new Error(`npx wrangler ${step.args.join(' ')} exited with ${run.status}`);
    if (run.status !== 0)
      console.log('setup: wrangler refused it; when the message says it already exists, that is fine');
  }
  console.log(`\nsetup: done. Next: DATABASE_URL=… npm run deploy -- --env ${target.env}`);
}

main().catch((error) => {
  console.error(`setup: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
