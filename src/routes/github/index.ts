import { createRouter } from '../router';
import { getGitHubRepo, getGitHubRepoRoute } from './get-repo';
import { listGitHubCommits, listGitHubCommitsRoute } from './list-commits';
import { listGitHubRuns, listGitHubRunsRoute } from './list-runs';
import { getGitHubRun, getGitHubRunRoute } from './get-run';
import { listGitHubPulls, listGitHubPullsRoute } from './list-pulls';
import { searchGitHubCode, searchGitHubCodeRoute } from './search-code';
import { getGitHubActivity, getGitHubActivityRoute } from './get-activity';

export function githubRouter() {
  return createRouter()
    .openapi(getGitHubRepoRoute, getGitHubRepo)
    .openapi(listGitHubCommitsRoute, listGitHubCommits)
    .openapi(listGitHubRunsRoute, listGitHubRuns)
    .openapi(getGitHubRunRoute, getGitHubRun)
    .openapi(listGitHubPullsRoute, listGitHubPulls)
    .openapi(searchGitHubCodeRoute, searchGitHubCode)
    .openapi(getGitHubActivityRoute, getGitHubActivity);
}
