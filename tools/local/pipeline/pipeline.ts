import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { parseAppConfig } from '../../../shared/config';
import { parseLocalConfig, type LocalConfig } from '../config';
import { ensureRedis, redactUrl } from '../ensure-redis';
import { apiGateway } from '../gateway';
import { GatewaySampler } from '../gateway/trace-header';
import { hasDotSegment } from '../../../shared/http/request';
import { foreignRequest } from '../guard';
import { sendJson } from '../http';
import { createLambdaInvokeApi } from '../lambda';
import { closeServer, listen } from '../lambda/server';
import { buildConsoleAssets } from '../console/assets';
import { consoleRoutes } from '../console/routes';
import { ConsoleSessions } from '../console/session';
import { otlpReceiver } from '../otlp/receiver';
import { traceRoutes } from '../traces/routes';
import { TraceStore } from '../traces/store';
import { localEnvironment } from './env';
import { loadUserProcessors, type UserProcessors } from './processors';
import { loadFunctions, type LoadedFunction } from './functions';
import { LOCAL_FUNCTIONS, LOCAL_INVOKE_KEY_ID } from './names';
import { scheduledEvent, startScheduler, type Scheduler } from './scheduler';
import { readState, removeState, writeState } from './state-file';

export interface LocalPipeline {
  /** `http://127.0.0.1:<port>`: the API, the traces, the Lambda API and the OTLP receiver. */
  readonly url: string;
  /** With any password masked: for printing. */
  readonly redisUrl: string;
  /** A throwaway redis-server was started (none answered at the configured URL). */
  readonly ownRedis: boolean;
  /** Where traces go: this pipeline's `/v1/traces`, or the TRACING_ENDPOINT the user set. */
  readonly tracesTo: string;
  readonly ownReceiver: boolean;
  readonly config: LocalConfig;
  /** A fresh one-time link that signs a browser in to the console. */
  loginUrl(): string;
  /** Clean stop: no new pollers or requests, running jobs finish (bounded), traces flushed, connections closed. */
  stop(): Promise<void>;
}

export interface LocalPipelineOptions {
  readonly log?: (line: string) => void;
}

const HOST = '127.0.0.1';

/**
 * Runs the whole system in this process, on loopback: the deployed handler modules behind a local API
 * Gateway, Lambda's Invoke API, EventBridge-like schedules, and an OTLP receiver with a trace viewer.
 * Settings come from the same environment (and CONFIG_FILE) as the functions'; the local defaults are
 * given to the functions, each built with its own (process.env is left alone).
 */
export async function startLocalPipeline(options: LocalPipelineOptions = {}): Promise<LocalPipeline> {
  const log = options.log ?? ((line: string) => console.error(line));
  const config = parseLocalConfig();
  const app = parseAppConfig();
  // One pipeline per state file: a second would take over the file queue-admin reads the first from.
  const running = readState(config.stateFile);
  if (running && running.pid !== process.pid) {
    throw new Error(
      `another local pipeline (pid ${running.pid}) is running at ${running.url} and owns ${config.stateFile}; ` +
        'stop it, or give this one a LOCAL_STATE_FILE (and PORT) of its own',
    );
  }
  // Built beside Redis's start and the functions' loading, not after them; awaited where a failure is cleaned up.
  const assetsBuilt = buildConsoleAssets();
  assetsBuilt.catch(() => undefined); // an early failure below is the one reported
  const redis = await ensureRedis(app.redis.url, log);
  const adminToken = config.adminToken ?? randomBytes(24).toString('base64url');

  const sessions = new ConsoleSessions();
  const store = new TraceStore({ maxTraces: config.tracesMax, maxSpansPerTrace: config.traceSpansMax });
  const otlp = otlpReceiver(store);
  const invokeCredentials = { accessKeyId: LOCAL_INVOKE_KEY_ID, secretAccessKey: adminToken };
  const api = createLambdaInvokeApi({ region: app.lambda.region, log, credentials: invokeCredentials });
  let stopping = false;
  let ready = false;
  const server = createServer((req, res) => {
    (ready ? routes(req, res) : Promise.resolve(sendJson(res, 503, { message: 'starting' }))).catch((error: unknown) => {
      log(`[local] ${req.method} ${req.url}: ${(error as Error)?.message ?? String(error)}`);
      if (!res.headersSent) sendJson(res, 500, { message: 'Internal error' });
      else res.destroy();
    });
  });
  await listen(server, config.port, HOST).catch((error: NodeJS.ErrnoException) => {
    void redis.own?.stop();
    throw error.code === 'EADDRINUSE' ? new Error(`port ${config.port} is in use: set PORT to another (PORT=0 picks a free one)`) : error;
  });
  const port = (server.address() as { port: number }).port;
  const url = `http://${HOST}:${port}`;

  const environment = localEnvironment(process.env, url, redis.url);
  // The functions' settings: the user's, the local defaults, and the key pair the local Invoke API
  // accepts, where Lambda would put the function role's. This process's own environment is left alone.
  const functionEnv: Record<string, string | undefined> = {
    ...process.env,
    ...environment.defaults,
    AWS_ACCESS_KEY_ID: invokeCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: invokeCredentials.secretAccessKey,
  };
  let functions: LoadedFunction[];
  let userProcessors: UserProcessors | undefined;
  let assets: Awaited<typeof assetsBuilt>;
  try {
    userProcessors = config.processors ? await loadUserProcessors(config.processors, log) : undefined;
    // POST /jobs accepts the module's types too (unless JOB_TYPES says otherwise).
    if (userProcessors && !functionEnv.JOB_TYPES) functionEnv.JOB_TYPES = userProcessors.types.join(',');
    functions = loadFunctions(functionEnv, userProcessors?.current);
    assets = await assetsBuilt;
  } catch (error) {
    userProcessors?.close();
    await closeServer(server);
    await redis.own?.stop();
    throw error;
  }
  for (const fn of functions) api.register(fn);
  // Where the functions really export, as their own tracing config resolved it (env, file or OTEL_*).
  const tracesTo = functions[0]!.tracing.config.endpoints.traces;
  const gateway = apiGateway({
    api,
    functions: { enqueue: LOCAL_FUNCTIONS.enqueue, admin: LOCAL_FUNCTIONS.admin },
    adminToken,
    sampler: new GatewaySampler(config.gatewaySamplingRate),
    sessions,
  });
  const traces = traceRoutes(store, () => tracesTo);
  const consoleRoute = consoleRoutes({ assets, sessions, adminToken, url });

  const routes = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const refused = foreignRequest(req, port);
    if (refused) {
      req.resume();
      return sendJson(res, 403, { message: refused });
    }
    // Routed on the path as received: URL parsing would resolve `%2e%2e` and `..` into another route.
    const target = req.url ?? '/';
    const path = target.startsWith('/') ? target.split('?', 1)[0]! : '';
    if (!path || hasDotSegment(path)) {
      req.resume();
      return sendJson(res, 400, { message: 'the path must be absolute, without . or .. segments', field: 'path' });
    }
    // Joined, not resolved against the base: a target of `//host/…` is a path here, not another host.
    let u: URL;
    try {
      u = new URL(`${url}${target}`);
    } catch {
      req.resume();
      return sendJson(res, 400, { message: 'the path is not a valid URL path', field: 'path' });
    }
    if (path.startsWith('/2015-03-31/functions/')) return api.handle(req, res);
    if (path === '/v1/traces' || path === '/v1/metrics') return otlp.handle(req, res, path === '/v1/traces' ? 'traces' : 'metrics');
    if (consoleRoute(req, res, u, path)) return;
    if (path === '/traces' || path.startsWith('/traces/')) return traces(req, res, u);
    if (stopping && (path.startsWith('/jobs') || path.startsWith('/admin/'))) {
      req.resume();
      return sendJson(res, 503, { message: 'the local pipeline is shutting down' }, { Connection: 'close' });
    }
    if (await gateway(req, res, u, path)) return;
    req.resume();
    sendJson(res, 404, {
      message: `no route ${req.method} ${path}`,
      routes: [
        'GET / (the console; sign in with the login link npm start printed)',
        'POST /jobs',
        'POST /jobs/batch',
        'GET|POST /admin/… (Authorization: Bearer <admin token>)',
        'GET /traces',
        'GET /traces/{traceId}',
        'POST /v1/traces',
        'POST /2015-03-31/functions/{name}/invocations',
      ],
    });
  };

  const region = app.lambda.region;
  const scheduler: Scheduler = startScheduler(
    [
      {
        name: 'worker-poller',
        everyMs: config.pollerEveryMs,
        immediately: true,
        run: () => invokeScheduled(LOCAL_FUNCTIONS['worker-poller'], 'tq-local-poller-schedule'),
      },
      {
        name: 'dlq-sweep',
        everyMs: config.dlqSweepEveryMs,
        immediately: false,
        run: () => invokeScheduled(LOCAL_FUNCTIONS.dlq, 'tq-local-dlq-sweep'),
      },
    ],
    log,
  );
  async function invokeScheduled(name: string, rule: string): Promise<void> {
    const outcome = await api.invoke(name, scheduledEvent(rule, region), { type: 'RequestResponse' });
    if (!outcome.ok) log(`[scheduler] ${name} failed: ${outcome.error.errorType}: ${outcome.error.errorMessage}`);
  }

  ready = true;
  writeState(config.stateFile, { url, adminToken, pid: process.pid, startedAt: new Date().toISOString() });

  let stopped: Promise<void> | undefined;
  const stop = () =>
    (stopped ??= (async () => {
      stopping = true;
      scheduler.stop();
      api.drain();
      // Running pollers take no new jobs and let theirs finish; async invocations (dlq, fan-out) end too.
      const settled = Promise.all([scheduler.settled(), api.idle()]);
      let timer: NodeJS.Timeout | undefined;
      const timedOut = await Promise.race([
        settled.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(resolve, config.stopTimeoutMs, true))),
      ]);
      clearTimeout(timer);
      if (timedOut)
        log(`[local] jobs still running after ${config.stopTimeoutMs} ms are left to their leases: they run again once those expire`);
      // Spans go to this process's own receiver, so the server stays up until they are flushed.
      await Promise.all(functions.map((fn) => fn.tracing.shutdown().catch(() => undefined)));
      await Promise.all(functions.map((fn) => fn.runtime?.close()));
      await closeServer(server);
      userProcessors?.close();
      removeState(config.stateFile);
      await redis.own?.stop();
    })());

  return {
    url,
    redisUrl: redactUrl(redis.url),
    ownRedis: redis.own !== undefined,
    tracesTo,
    ownReceiver: environment.ownReceiver,
    config,
    loginUrl: () => sessions.loginUrl(url),
    stop,
  };
}
