import { existsSync, mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { buildDashboard } from '../dashboard/build';
import { MIGRATIONS_FOLDER, migrateDatabase } from './migrate';
import {
  REQUIRED_SECRETS,
  RECOMMENDED_SECRETS,
  configurationProblems,
  deployedSecretNames,
  parseDeployEnv,
  readTarget,
  wrangler,
} from './deploy/target';

const HELP = `npm run deploy [-- --env staging|production] [--dry-run] [--skip-migrations]

Deploys the Worker to one environment of wrangler.toml (default staging), in order:
  1. builds the dashboard (wrangler uploads it as static assets);
  2. checks the configuration: every cron trigger in Cloudflare's grammar, the R2 and Vectorize
     bindings, and (not in a dry run) that the Worker holds the required secrets (wrangler secret list);
  3. applies the drizzle migrations to DATABASE_URL taken from this shell's environment (the
     target's Neon database; skipped in a dry run, or with --skip-migrations);
  4. wrangler deploy --env <env> (with --dry-run: bundles and checks, uploads nothing).
Create the environment's resources and secrets first: npm run setup -- --env <env>.`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      env: { type: 'string', short: 'e' },
      'dry-run': { type: 'boolean', default: false },
      'skip-migrations': { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(HELP);
    return;
  }
  const dryRun = values['dry-run'];
  const target = readTarget(parseDeployEnv(values.env));
  const step = (line: string) => console.log(`deploy[${target.env}]: ${line}`);

  step('building the dashboard…');
  await buildDashboard();
  if (target.assetsDirectory && !existsSync(target.assetsDirectory))
    throw new Error(`the assets directory ${target.assetsDirectory} was not built`);

  const problems = configurationProblems(target);
  if (problems.length)
    throw new Error(`wrangler.toml [env.${target.env}] would not deploy:\n  ${problems.join('\n  ')}`);
  step(
    `configuration: ${target.crons.length} cron trigger(s) valid, R2 ${target.bucket}, Vectorize ${target.vectorIndex ?? '(embedded vectors)'}`,
  );

  if (dryRun) {
    step("dry run: the Worker's secrets are not checked");
  } else {
    const held = new Set(deployedSecretNames(target));
    const missing = REQUIRED_SECRETS.filter((name) => !held.has(name));
    if (missing.length)
      throw new Error(
        `the ${target.workerName} Worker lacks the secret(s) ${missing.join(', ')}: npm run setup -- --env ${target.env} --apply`,
      );
    const absent = RECOMMENDED_SECRETS.filter((name) => !held.has(name));
    step(
      `secrets: ${REQUIRED_SECRETS.join(', ')} present${absent.length ? `; not set (their areas stay unconfigured): ${absent.join(', ')}` : ''}`,
    );
  }

  const migrations = readdirSync(MIGRATIONS_FOLDER).filter((file) => file.endsWith('.sql')).length;
  if (dryRun || values['skip-migrations']) {
    step(`migrations: ${migrations} committed, not applied (${dryRun ? 'dry run' : '--skip-migrations'})`);
  } else {
    const url = process.env.DATABASE_URL;
    if (!url)
      throw new Error(
        `set DATABASE_URL to the ${target.env} database (the same value as the Worker's secret) to apply the migrations, or pass --skip-migrations`,
      );
    const started = Date.now();
    await migrateDatabase({ url });
    step(`migrations: ${migrations} committed, applied in ${Date.now() - started} ms`);
  }

  const args = ['deploy', '--env', target.env];
  const outdir = dryRun ? mkdtempSync(join(tmpdir(), 'hezlep-deploy-')) : undefined;
  if (outdir) args.push('--dry-run', '--outdir', outdir);
  step(`npx wrangler ${args.join(' ')}`);
  const run = wrangler(args);
  if (run.status !== 0) throw new Error(`wrangler deploy exited with ${run.status}`);
  if (outdir) {
    const standIns = localModules(outdir);
    if (standIns.length)
      throw new Error(`the bundle ships development stand-ins (src/local): ${standIns.slice(0, 5).join(', ')}`);
    step('bundle: no src/local module');
  }
  step(dryRun ? 'dry run passed: nothing was uploaded' : `deployed ${target.workerName}`);
}

/** The project's own src/local modules in a dry run's bundle, from its source map (dependencies excluded). */
function localModules(outdir: string): string[] {
  const maps = readdirSync(outdir).filter((file) => file.endsWith('.js.map'));
  if (!maps.length) throw new Error(`the dry run wrote no source map to ${outdir}`);
  return maps.flatMap((file) =>
    (JSON.parse(readFileSync(join(outdir, file), 'utf8')) as { sources: string[] }).sources.filter(
      (source) => !source.includes('node_modules/') && /(^|\/)src\/local\//.test(source),
    ),
  );
}

main().catch((error) => {
  console.error(`deploy: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
