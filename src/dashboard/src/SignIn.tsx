import { useState, type FormEvent } from 'react';
import { api } from './api';
import { buttonClass } from './ui';

/** Checks the key against a human-only endpoint before keeping it (in sessionStorage only). */
export function SignIn({ onSignedIn, notice }: { onSignedIn(key: string): void; notice?: string }) {
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const result = await api(key.trim(), '/ai/queries?limit=1');
    setBusy(false);
    if (result.ok) return onSignedIn(key.trim());
    if (result.status === 0) setError('The service did not answer. Is it running?');
    else if (result.status === 401) setError('This key is not recognised.');
    else if (result.status === 403) setError('This key belongs to another client; the dashboard needs a human key.');
    else setError(result.problem.detail ?? `The service answered ${result.status}.`);
  };

  return (
    <main className="mx-auto flex min-h-screen max-w-md flex-col justify-center px-4">
      <form onSubmit={submit} className="space-y-4 rounded-xl border border-slate-200 bg-white p-6 shadow-sm">
        <div>
          <h1 className="text-xl font-semibold text-slate-900">Hezlep Ops dashboard</h1>
          <p className="mt-1 text-sm text-slate-700">
            Sign in with your human API key. It is kept only in this browser tab and forgotten when you close it.
          </p>
        </div>
        {notice && (
          <p role="status" className="rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-950">
            Cloudflare Access sign-in could not be checked: {notice}
          </p>
        )}
        <label className="block text-sm font-medium text-slate-800" htmlFor="api-key">
          API key
        </label>
        <input
          id="api-key"
          type="password"
          autoComplete="off"
          required
          value={key}
          onChange={(e) => setKey(e.target.value)}
          className="w-full rounded-md border border-slate-300 px-3 py-2 font-mono text-sm text-slate-900 focus-visible:outline-2 focus-visible:outline-sky-600"
        />
        {error && (
          <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy || !key.trim()} className={`${buttonClass.primary} w-full`}>
          {busy ? 'Checking…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
