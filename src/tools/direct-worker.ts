import { unstable_DevEnv, type unstable_startWorker } from 'wrangler';

type StartInput = Parameters<typeof unstable_startWorker>[0];
type DevEnvEvent = Parameters<InstanceType<typeof unstable_DevEnv>['dispatch']>[0];

export interface DirectWorker {
  /** The Worker's own workerd socket (not wrangler's proxy in front of it). */
  url: URL;
  /** Headers wrangler's proxy would add (the user worker's trust secret). */
  headers: Record<string, string>;
  dispose(): Promise<void>;
}

/**
 * The Worker under wrangler's dev runtime, addressed at workerd's own socket. wrangler's proxy
 * parks a GET whose forwarding failed until the Worker next reloads (its "did the Worker
 * change?" check compares the request's URL, path included, with a bare origin, so it always
 * says yes); in a measurement nothing reloads, and such a request never gets an answer: the
 * stalls of eval:search (a status poll unanswered while the run went on or had finished).
 */
export async function startDirectWorker(input: StartInput): Promise<DirectWorker> {
  const devEnv = new unstable_DevEnv();
  // The runtime tells the proxy where the Worker listens, on this bus (the proxy may be ready first).
  let found: (target: { url: URL; headers: Record<string, string> }) => void = () => undefined;
  let failed: (error: Error) => void = () => undefined;
  const target = new Promise<{ url: URL; headers: Record<string, string> }>((resolve, reject) => {
    found = resolve;
    failed = reject;
  });
  // Awaited after the proxy is ready; an early failure must not count as unhandled meanwhile.
  target.catch(() => undefined);
  const dispatch = devEnv.dispatch.bind(devEnv);
  devEnv.dispatch = (event: DevEnvEvent) => {
    if (event.type === 'reloadComplete') {
      const { protocol, hostname, port } = event.proxyData.userWorkerUrl;
      found({ url: new URL(`${protocol}//${hostname}:${port}`), headers: { ...event.proxyData.headers } });
    } else if (event.type === 'error') failed(new Error(`${event.source}: ${event.reason}`, { cause: event.cause }));
    dispatch(event);
  };
  const worker = await devEnv.startWorker(input);
  try {
    await worker.ready;
    return { ...(await target), dispose: () => worker.dispose() };
  } catch (error) {
    await worker.dispose();
    throw error;
  }
}
