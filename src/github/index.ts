import type { AnswerCache } from '../cache/answer-cache';
import type { Config } from '../config';
import { ApiError } from '../errors';
import type { Logger } from '../lib/log';
import { parseGitHubConfig, type GitHubConfig } from './config';
import { GitHubService } from './service';

export { GitHubClient } from './client';
export type { RepoRef, Page, ClientStats } from './client';
export { GitHubService } from './service';
export type { GitHubSettings } from './config';

/** The GitHub section, parsed once per env object. */
export const githubConfigOf = (config: Config): GitHubConfig => parseGitHubConfig(config.vars);

/** Build the GitHub service, or refuse with 501 naming what is missing. */
export function githubServiceFor(config: Config, cache: AnswerCache | null, log: Logger): GitHubService {
  const github = githubConfigOf(config);
  if (!github.configured) {
    throw new ApiError(
      'not_configured',
      `GitHub is not configured on this deployment: set ${github.missing.join(' and ')}.`,
      { extra: { missing: github.missing } },
    );
  }
  const namespace = `hezlep:${config.projectId}:github:${fnv1a(github.settings.apiUrl)}`;
  return new GitHubService(github.settings, cache, namespace, log);
}

function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0).toString(16);
}
