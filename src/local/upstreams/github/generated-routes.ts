import type { IncomingMessage } from 'node:http';
import { DOCS, TEMPLATES, fill, generateRepo, sha, type FullScenario } from './generated-data';

/**
 * The generated repositories' visibility routes: a request becomes an answer (status, body, Link header).
 * `url` is resolved against the stand-in's origin, so `url.origin` is the API base the answers link to.
 */
export interface Answer {
  status: number;
  body?: unknown;
  link?: string;
  location?: string;
  resource?: string;
}

export function notFound(): Answer {
  return { status: 404, body: { message: 'Not Found', documentation_url: DOCS, status: '404' } };
}

/** A list answer with GitHub's page/per_page semantics and Link header. */
function paged<T>(url: URL, all: T[], wrap?: (items: T[]) => unknown): Answer {
  const perPage = Math.min(100, Math.max(1, Number(url.searchParams.get('per_page') ?? 30)));
  const page = Math.max(1, Number(url.searchParams.get('page') ?? 1));
  const items = all.slice((page - 1) * perPage, page * perPage);
  const last = Math.max(1, Math.ceil(all.length / perPage));
  const at = (p: number) => {
    const u = new URL(url.pathname + url.search, url.origin);
    u.searchParams.set('per_page', String(perPage));
    u.searchParams.set('page', String(p));
    return u.toString();
  };
  const rels: string[] = [];
  if (page > 1) rels.push(`<${at(page - 1)}>; rel="prev"`);
  if (page < last) rels.push(`<${at(page + 1)}>; rel="next"`, `<${at(last)}>; rel="last"`);
  if (page > 1) rels.push(`<${at(1)}>; rel="first"`);
  return { status: 200, body: wrap ? wrap(items) : items, ...(rels.length ? { link: rels.join(', ') } : {}) };
}

/** Answer one authenticated request for `owner/name` (whose scenario is `scenario`), or for code search. */
export function routeGenerated(
  req: IncomingMessage,
  url: URL,
  owner: string | undefined,
  name: string | undefined,
  scenario: FullScenario | null,
): Answer {
  if (req.method !== 'GET' && !(req.method === 'POST' && /\/dispatches$/.test(url.pathname))) return notFound();
  const path = url.pathname;
  if (path === '/search/code') return searchCode(url, owner, name);
  if (!owner || !name || !scenario) return notFound();
  const rest = path.slice(`/repos/${owner}/${name}`.length) || '/';
  const v = { api: url.origin, owner, repo: name };
  const data = generateRepo(url.origin, owner, name, scenario);

  if (rest === '/') return { status: 200, body: fill(TEMPLATES.repository, v) };
  if (rest === '/languages')
    return { status: 200, body: { TypeScript: 81920, JavaScript: 12288, Shell: 4096, Dockerfile: 1024 } };
  if (rest === '/releases/latest')
    return scenario.noRelease ? notFound() : { status: 200, body: fill(TEMPLATES.release, v) };
  if (rest === '/branches') {
    const branches = [
      { name: 'main', protected: true },
      { name: 'release', protected: true },
      { name: 'develop', protected: false },
    ].filter((b) => url.searchParams.get('protected') !== 'true' || b.protected);
    return paged(
      url,
      branches.map((b) => fill(TEMPLATES.branch, { ...v, ...b, sha: data.commits[0]!.sha })),
    );
  }
  const branch = /^\/branches\/([^/]+)$/.exec(rest);
  if (branch) {
    if (!['main', 'release', 'develop'].includes(branch[1]!))
      return { status: 404, body: { message: 'Branch not found', documentation_url: DOCS, status: '404' } };
    // GET one branch answers with the full commit object (tree included), unlike the list's short form.
    return {
      status: 200,
      body: {
        ...(fill(TEMPLATES.branch, {
          ...v,
          name: branch[1],
          protected: branch[1] !== 'develop',
          sha: data.commits[0]!.sha,
        }) as object),
        commit: data.commits[0]!.json,
        protection: { enabled: branch[1] !== 'develop' },
      },
    };
  }
  if (rest === '/commits') {
    const ref = url.searchParams.get('sha');
    if (ref && !['main', 'release', 'develop'].includes(ref) && !data.commits.some((c) => c.sha.startsWith(ref))) {
      return {
        status: 404,
        body: { message: `No commit found for SHA: ${ref}`, documentation_url: DOCS, status: '404' },
      };
    }
    let list = data.commits;
    const author = url.searchParams.get('author');
    const since = url.searchParams.get('since');
    const until = url.searchParams.get('until');
    const filePath = url.searchParams.get('path');
    if (author) list = list.filter((c) => c.author === author || `${c.author}@example.com` === author);
    if (since) list = list.filter((c) => Date.parse(c.date) >= Date.parse(since));
    if (until) list = list.filter((c) => Date.parse(c.date) <= Date.parse(until));
    if (filePath)
      list = list.filter((c) => c.files.some((f) => f === filePath || f.startsWith(`${filePath.replace(/\/$/, '')}/`)));
    return paged(
      url,
      list.map((c) => c.json),
    );
  }
  const compare = /^\/compare\/([^.]+)\.\.\.([^.]+)$/.exec(rest);
  if (compare) {
    // The generated history is linear, newest first: head is ahead of base when it sits before it.
    const at = (ref: string) =>
      ['main', 'release', 'develop'].includes(ref) ? 0 : data.commits.findIndex((c) => c.sha.startsWith(ref));
    const [baseAt, headAt] = [at(compare[1]!), at(compare[2]!)];
    if (baseAt < 0 || headAt < 0) return notFound();
    const between = headAt < baseAt ? data.commits.slice(headAt, baseAt).reverse() : [];
    const files = new Map<string, { additions: number; deletions: number }>();
    for (const c of between) {
      for (const file of c.files) {
        const seen = files.get(file) ?? { additions: 0, deletions: 0 };
        files.set(file, { additions: seen.additions + 3 + (c.index % 5), deletions: seen.deletions + (c.index % 3) });
      }
    }
    return {
      status: 200,
      body: {
        url: `${url.origin}/repos/${owner}/${name}/compare/${compare[1]}...${compare[2]}`,
        html_url: `https://github.com/${owner}/${name}/compare/${compare[1]}...${compare[2]}`,
        status: headAt === baseAt ? 'identical' : headAt < baseAt ? 'ahead' : 'behind',
        ahead_by: between.length,
        behind_by: headAt > baseAt ? headAt - baseAt : 0,
        total_commits: between.length,
        base_commit: data.commits[baseAt]!.json,
        merge_base_commit: data.commits[Math.max(baseAt, headAt)]!.json,
        commits: between.map((c) => c.json),
        files: [...files].map(([filename, counts]) => ({
          sha: sha(filename),
          filename,
          status: 'modified',
          ...counts,
          changes: counts.additions + counts.deletions,
        })),
      },
    };
  }
  const status = /^\/commits\/([^/]+)\/status$/.exec(rest);
  if (status) {
    const commit = data.commits.find((c) => c.sha === status[1]) ?? data.pullHeads.get(status[1]!);
    if (!commit)
      return {
        status: 404,
        body: { message: `No commit found for SHA: ${status[1]}`, documentation_url: DOCS, status: '404' },
      };
    const statuses =
      commit.index === 1
        ? [
            fill(TEMPLATES.status, {
              ...v,
              sha: commit.sha,
              state: 'pending',
              context: 'deploy/preview',
              date: commit.date,
            }),
          ]
        : [];
    return {
      status: 200,
      body: {
        ...(fill(TEMPLATES.combinedStatus, { ...v, sha: commit.sha, state: 'pending' }) as object),
        statuses,
        total_count: statuses.length,
      },
    };
  }
  const checks = /^\/commits\/([^/]+)\/check-runs$/.exec(rest);
  if (checks) {
    const commit = data.commits.find((c) => c.sha === checks[1]) ?? data.pullHeads.get(checks[1]!);
    if (!commit)
      return {
        status: 404,
        body: { message: `No commit found for SHA: ${checks[1]}`, documentation_url: DOCS, status: '404' },
      };
    const runs = commit.checks.map((c) => fill(TEMPLATES.checkRun, { ...v, sha: checks[1], date: commit.date, ...c }));
    return paged(url, runs, (items) => ({ total_count: runs.length, check_runs: items }));
  }
  if (rest === '/actions/runs' || /^\/actions\/workflows\/[^/]+\/runs$/.test(rest)) {
    let runs = data.runs;
    const workflow = /^\/actions\/workflows\/([^/]+)\/runs$/.exec(rest)?.[1];
    if (workflow) {
      const known = { 'ci.yml': 'CI', '161335': 'CI', 'deploy.yml': 'Deploy', '161336': 'Deploy' } as Record<
        string,
        string
      >;
      if (!known[workflow]) return notFound();
      runs = runs.filter((r) => r.workflowName === known[workflow]);
    }
    const branchFilter = url.searchParams.get('branch');
    const statusFilter = url.searchParams.get('status');
    if (branchFilter) runs = runs.filter((r) => r.branch === branchFilter);
    if (statusFilter) runs = runs.filter((r) => r.status === statusFilter || r.conclusion === statusFilter);
    return paged(
      url,
      runs.map((r) => r.json),
      (items) => ({ total_count: runs.length, workflow_runs: items }),
    );
  }
  const run = /^\/actions\/runs\/(\d+)$/.exec(rest);
  if (run) {
    const found = data.runs.find((r) => r.id === Number(run[1]));
    return found ? { status: 200, body: found.json } : notFound();
  }
  const jobs = /^\/actions\/runs\/(\d+)\/jobs$/.exec(rest);
  if (jobs) {
    const found = data.runs.find((r) => r.id === Number(jobs[1]));
    if (!found) return notFound();
    return paged(url, found.jobs, (items) => ({ total_count: found.jobs.length, jobs: items }));
  }
  const logs = /^\/actions\/jobs\/(\d+)\/logs$/.exec(rest);
  if (logs) {
    const exists = data.runs.some((r) => r.jobs.some((j) => (j as { id: number }).id === Number(logs[1])));
    return exists ? { status: 302, location: `${url.origin}/_blobs/job-logs/${owner}/${name}/${logs[1]}` } : notFound();
  }
  if (/^\/actions\/workflows\/[^/]+\/dispatches$/.test(rest)) return { status: 204 };
  if (rest === '/pulls') {
    const wanted = url.searchParams.get('state') ?? 'open';
    const pulls = data.pulls.filter((p) => wanted === 'all' || p.state === wanted);
    return paged(
      url,
      pulls.map((p) => p.json),
    );
  }
  const pull = /^\/pulls\/(\d+)$/.exec(rest);
  if (pull) {
    const found = data.pulls.find((p) => p.number === Number(pull[1]));
    if (!found) return notFound();
    return {
      status: 200,
      body: {
        ...found.json,
        merged: false,
        mergeable: found.number % 2 === 1 ? true : false,
        rebaseable: true,
        mergeable_state: found.number % 2 === 1 ? 'clean' : 'dirty',
        merged_by: null,
        comments: 2,
        review_comments: 1,
        maintainer_can_modify: true,
        commits: 3,
        additions: 100,
        deletions: 3,
        changed_files: 5,
      },
    };
  }
  const reviews = /^\/pulls\/(\d+)\/reviews$/.exec(rest);
  if (reviews) {
    const found = data.pulls.find((p) => p.number === Number(reviews[1]));
    if (!found) return notFound();
    return paged(url, found.reviews);
  }
  return notFound();
}

function searchCode(url: URL, owner: string | undefined, name: string | undefined): Answer {
  const q = url.searchParams.get('q') ?? '';
  const terms = q.replace(/\b(repo|path|language|in):\S+/g, '').trim();
  if (!terms)
    return {
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [{ resource: 'Search', field: 'q', code: 'missing' }],
        documentation_url: DOCS,
        status: '422',
      },
    };
  if (!owner || !name)
    return {
      status: 422,
      body: {
        message: 'Validation Failed',
        errors: [
          {
            message: 'Must include at least one user, organization, or repository',
            resource: 'Search',
            field: 'q',
            code: 'invalid',
          },
        ],
        documentation_url: DOCS,
        status: '422',
      },
    };
  const files = terms.includes('nothingmatches')
    ? []
    : ['src/auth/session.ts', 'src/routes/login.ts', 'test/routes/login.test.ts', 'src/lib/clock.ts', 'README.md'];
  const items = files
    .map((path, i) => {
      return fill(TEMPLATES.searchItem, {
        api: url.origin,
        owner,
        repo: name,
        path,
        name: path.split('/').pop(),
        sha: sha(path),
        id: i,
      }) as Record<string, unknown>;
    })
    .map((item, i) => {
      const fragment = `export function ${terms}(session: Session) {\n  return session.expiresAt > clock.now();\n}`;
      return {
        ...item,
        score: 1 - i / 10,
        text_matches: [
          {
            object_url: item.url,
            object_type: 'FileContent',
            property: 'content',
            fragment,
            matches: [{ text: terms, indices: [16, 16 + terms.length] }],
          },
        ],
      };
    });
  return {
    ...paged(url, items, (page) => ({ total_count: items.length, incomplete_results: false, items: page })),
    resource: 'code_search',
  };
}
