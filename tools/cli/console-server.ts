import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import { buildConsoleAssets } from '../local/console/assets';
import { consoleRoutes } from '../local/console/routes';
import { ConsoleSessions } from '../local/console/session';
import { foreignRequest } from '../local/guard';
import { readBody, sendJson } from '../local/http';
import { ApiError, call } from './client';
import type { Target } from './target';

const METHODS = new Set(['GET', 'POST', 'PUT', 'DELETE']);

/**
 * `queue-admin console --url <deployed API>`: the console's pages served on this machine (loopback only,
 * signed in with a one-time link), their /admin/* calls forwarded to the stage's admin API signed with
 * SigV4 as the CLI signs its own. Traces stay in X-Ray: the pages link there.
 */
export async function serveConsole(target: Target, port = 0): Promise<{ url: string; loginUrl: () => string; close(): Promise<void> }> {
  const sessions = new ConsoleSessions();
  const assets = await buildConsoleAssets();
  // Known once the server listens (its port is picked then); requests come only after that.
  const at: { url: string; pages?: ReturnType<typeof consoleRoutes> } = { url: '' };
  const forward = async (req: IncomingMessage, res: ServerResponse, u: URL): Promise<void> => {
    const method = req.method ?? 'GET';
    const refuse = (status: number, message: string) => {
      req.resume();
      sendJson(res, status, { message });
    };
    if (!sessions.signedIn(req)) return refuse(403, 'sign in to the console first');
    if (ConsoleSessions.changeWithoutOrigin(req)) return refuse(403, 'a change must come from the console page');
    if (!METHODS.has(method)) return refuse(405, `${method} is not an admin method`);
    // Read only once the request is allowed.
    const { body } = await readBody(req, 64 * 1024);
    try {
      const text = body.toString('utf8');
      const answer = await call(
        target,
        method as 'GET' | 'POST' | 'PUT' | 'DELETE',
        u.pathname,
        Object.fromEntries(u.searchParams),
        text ? (JSON.parse(text) as unknown) : undefined,
      );
      sendJson(res, 200, answer);
    } catch (error) {
      if (error instanceof ApiError)
        sendJson(res, error.status || 502, { message: error.message, ...(error.field ? { field: error.field } : {}) });
      else sendJson(res, 400, { message: 'the request body is not JSON' });
    }
  };
  const server = createServer((req, res) => {
    const refused = foreignRequest(req, (server.address() as { port: number }).port);
    if (refused) return void (req.resume(), sendJson(res, 403, { message: refused }));
    const u = new URL(req.url ?? '/', at.url);
    if (u.pathname.startsWith('/admin/')) return void forward(req, res, u).catch(() => res.destroy());
    if (!at.pages!(req, res, u, u.pathname)) {
      req.resume();
      sendJson(res, 404, { message: `no route ${u.pathname}` });
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  at.url = url;
  at.pages = consoleRoutes({ assets, sessions, adminToken: randomBytes(24).toString('base64url'), url, mode: 'remote' });
  return {
    url,
    loginUrl: () => sessions.loginUrl(url),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
