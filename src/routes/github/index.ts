import { createRouter } from '../router';
import { getGitHubRepo, getGitHubRepoRoute } from './get-repo';
import { listGitHubCommits, listGitHubCommitsRoute } from './list-commits';
import { listGitHubRuns, listGitHubRunsRoute } from './list-runs';
import { getGitHubRun, getGitHubRunRoute } from './get-run';
import { listGitHubPulls, listGitHubPullsRoute } from './list-pulls';
import { searchGitHubCode, searchGitHubCodeRoute } from './search-code';
import { getGitHubActivity, getGitHubActivityRoute } from './get-activity';
import { recall, recallRoute } from './recall';
import { indexStatus, indexStatusRoute } from './get-index-status';
import { reindex, reindexRoute } from './reindex';
import { webhook, webhookRoute } from './webhook';

/** GitHub visibility and the code index's repository operations (recall, index status, re-index, webhook). */
export function githubRouter() {
  return createRouter()
    .openapi(getGitHubRepoRoute, getGitHubRepo)
    .openapi(listGitHubCommitsRoute, listGitHubCommits)
    .openapi(listGitHubRunsRoute, listGitHubRuns)
    .openapi(getGitHubRunRoute, getGitHubRun)
    .openapi(listGitHubPullsRoute, listGitHubPulls)
    .openapi(searchGitHubCodeRoute, searchGitHubCode)
    .openapi(getGitHubActivityRoute, getGitHubActivity)
    .openapi(recallRoute, recall)
    .openapi(indexStatusRoute, indexStatus)
    .openapi(reindexRoute, reindex)
    .openapi(webhookRoute, webhook);
}
