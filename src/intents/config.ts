import { z } from 'zod';
import { ApiError } from '../errors';
import { intVar, optionalVar, varsSection } from '../lib/vars';
import { buildPolicy, type IntentPolicy } from './policy-schema';
import type { RepoRef } from '../github/client';

export interface IntentsConfig {
  policy: IntentPolicy;
  /** Which repository intents act on; the connection (token, API root) is the shared GitHub client's. */
  github: { kind: 'configured'; repo: RepoRef } | { kind: 'unconfigured' };
  /** How long an execution may stay unconfirmed (dispatch sent, no run found) before it is recorded as failed. */
  dispatchConfirmSeconds: number;
}

export const intentsVars = varsSection(
  'Intents',
  z.object({
    INTENT_POLICY: optionalVar.describe(
      'JSON policy: who may propose, approve and execute which kinds and targets, and the workflow per target.',
    ),
    GITHUB_TOKEN: optionalVar.describe(
      'GitHub token (secret); with GITHUB_REPO it enables GitHub visibility, deploy dispatch and indexing.',
    ),
    GITHUB_REPO: optionalVar
      .pipe(
        z
          .string()
          .regex(/^[A-Za-z0-9._-]+\/[A-Za-z0-9._-]+$/, 'GITHUB_REPO must be owner/name')
          .optional(),
      )
      .describe('The default repository, owner/name.'),
    INTENT_DISPATCH_CONFIRM_SECONDS: intVar(900, 30, 86_400).describe(
      'How long an execution may stay unconfirmed (dispatch sent, no run found) before it is recorded as failed.',
    ),
  }),
  (v): IntentsConfig => {
    let policy: IntentPolicy;
    try {
      policy = buildPolicy(v.INTENT_POLICY === undefined ? {} : JSON.parse(v.INTENT_POLICY));
    } catch (error) {
      const why = error instanceof SyntaxError ? 'not valid JSON' : (error as Error).message;
      throw new ApiError('misconfigured', `Service configuration is invalid: INTENT_POLICY ${why}`);
    }
    if ((v.GITHUB_TOKEN === undefined) !== (v.GITHUB_REPO === undefined)) {
      throw new ApiError(
        'misconfigured',
        'Service configuration is invalid: GITHUB_TOKEN and GITHUB_REPO must be set together',
      );
    }
    const [owner, repo] = v.GITHUB_REPO?.split('/') ?? [];
    const config: IntentsConfig = {
      policy,
      github:
        v.GITHUB_TOKEN && owner && repo
          ? { kind: 'configured', repo: { owner, name: repo, full: `${owner}/${repo}` } }
          : { kind: 'unconfigured' },
      dispatchConfirmSeconds: v.INTENT_DISPATCH_CONFIRM_SECONDS,
    };
    return config;
  },
);

/** Parse the intents area's variables once per env object; a bad value fails loudly naming the variable. */
export const intentsConfig = (vars: Record<string, unknown>): IntentsConfig => intentsVars.parse(vars);
