import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
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
import { PROJECT_ROOT } from '../local/service';

const HELP = `npm run setup -- --env staging|production [--apply]

Prints the wrangler commands that create what the environment's Worker binds (the R2 bucket for the
audit archive, the Vectorize index and its metadata indexes, the OAuth grants' KV namespace) and store its secrets; --apply runs them.
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
  /** Reads what wrangler printed (captured, so shown again) once the step succeeded. */
  after?: (stdout: string) => void;
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
  if (target.oauthKvId === null) {
    const title = `${target.workerName}-oauth`;
    steps.push({
      why: `KV namespace ${title} for OAuth grants and tokens (its id is written into wrangler.toml's [env.${target.env}])`,
      args: ['kv', 'namespace', 'create', title],
      after: (stdout) => recordOauthKvId(target.env, stdout),
    });
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
    const run = wrangler(step.args, { input: step.input, capture: step.after !== undefined });
    if (step.after) process.stdout.write(run.stdout);
    if (run.status === 0) step.after?.(run.stdout);
    if (run.status !== 0 && !step.mayExist)
      throw new Error(`npx wrangler ${step.args.join(' ')} exited with ${run.status}`);
    if (run.status !== 0)
      console.log('setup: wrangler refused it; when the message says it already exists, that is fine');
  }
  console.log(`\nsetup: done. Next: DATABASE_URL=… npm run deploy -- --env ${target.env}`);
}

/** Put the new namespace's id on the environment's OAUTH_KV binding, which wrangler.toml declares without one. */
function recordOauthKvId(env: string, stdout: string): void {
  const id = /\bid"?\s*[:=]\s*"([0-9a-f]{32})"/.exec(stdout)?.[1];
  if (!id)
    throw new Error('wrangler printed no namespace id; add it to wrangler.toml by hand (wrangler kv namespace list)');
  const file = join(PROJECT_ROOT, 'wrangler.toml');
  const binding = `[[env.${env}.kv_namespaces]]\nbinding = "OAUTH_KV"\n`;
  const toml = readFileSync(file, 'utf8');
  if (!toml.includes(binding)) throw new Error(`wrangler.toml has no [[env.${env}.kv_namespaces]] OAUTH_KV binding`);
  writeFileSync(file, toml.replace(binding, `${binding}id = "${id}"\n`));
  console.log(`setup: wrangler.toml [env.${env}] OAUTH_KV -> ${id} (commit it)`);
}

main().catch((error) => {
  console.error(`setup: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
