import type { IncomingMessage, ServerResponse } from 'node:http';
import { bearerMatches, firstHeader, sendJson } from '../http';
import type { ConsoleAssets } from './assets';
import { sessionCookie, type ConsoleSessions } from './session';

export interface ConsoleOptions {
  readonly assets: ConsoleAssets;
  readonly sessions: ConsoleSessions;
  readonly adminToken: string;
  /** This server's base URL, for login links. */
  readonly url: string;
  /** `remote`: the pages read a deployed stage's admin API (queue-admin console); its traces are in X-Ray. */
  readonly mode?: 'local' | 'remote';
}

/** No script, style or connection but our own; never framed; nothing cached or sent as referrer. */
const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

const shell = (mode: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="tq-mode" content="${mode}">
<title>traced-queue console</title><link rel="icon" href="data:,"><link rel="stylesheet" href="/console/assets/app.css"></head>
<body><noscript>The console needs JavaScript.</noscript><script src="/console/assets/app.js"></script></body></html>
`;

const signInPage = (why: string) => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>traced-queue console: sign in</title></head>
<body><h1>Sign in to the console</h1><p>${why}</p>
<p>Open the login link <code>npm start</code> printed, or get a new one with <code>npm run -s queue-admin -- console</code>.</p></body></html>
`;

function send(res: ServerResponse, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  res
    .writeHead(status, { ...SECURITY_HEADERS, ...headers, 'Content-Type': type, 'Content-Length': String(Buffer.byteLength(body)) })
    .end(body);
}

/** A browser asking for a page (curl and fetch calls ask for `*` or JSON, and keep getting JSON). */
export const wantsHtml = (req: IncomingMessage) => /\btext\/html\b/.test(firstHeader(req, 'accept') ?? '');

const PAGE = /^\/(console(\/.*)?)?$/;

/**
 * The console's routes: `/login?code=` (a one-time code for a session cookie), `POST /console/login`
 * (the admin token mints a login link: queue-admin console), the pages (`/`, `/console/…`, and `/traces…`
 * when a browser asks for HTML) and their assets. Never open: without a session, 401 and how to sign in.
 * Returns false for other requests.
 */
export function consoleRoutes(options: ConsoleOptions) {
  const { sessions } = options;
  return (req: IncomingMessage, res: ServerResponse, url: URL, path: string): boolean => {
    const method = req.method ?? 'GET';
    if (path === '/login' && method === 'GET') {
      const session = sessions.redeem(url.searchParams.get('code') ?? '');
      if (!session) {
        send(res, 401, 'text/html; charset=utf-8', signInPage('That login link was already used or has expired.'));
        return true;
      }
      send(res, 303, 'text/plain', 'signed in', { Location: '/', 'Set-Cookie': sessionCookie(session) });
      return true;
    }
    if (path === '/console/login') {
      req.resume();
      if (method !== 'POST') sendJson(res, 405, { message: 'POST with the admin token' }, { Allow: 'POST' });
      else if (!bearerMatches(firstHeader(req, 'authorization'), options.adminToken))
        sendJson(res, 403, { message: 'Missing or wrong admin token' });
      else sendJson(res, 200, { url: sessions.loginUrl(options.url) });
      return true;
    }
    const asset = path === '/console/assets/app.js' ? 'js' : path === '/console/assets/app.css' ? 'css' : undefined;
    const page = asset === undefined && (PAGE.test(path) || ((path === '/traces' || path.startsWith('/traces/')) && wantsHtml(req)));
    if (!asset && !page) return false;
    req.resume();
    if (method !== 'GET' && method !== 'HEAD') {
      sendJson(res, 405, { message: 'the console pages are read with GET' }, { Allow: 'GET' });
      return true;
    }
    if (!sessions.signedIn(req)) {
      if (asset) sendJson(res, 401, { message: 'sign in to the console first' });
      else send(res, 401, 'text/html; charset=utf-8', signInPage('This console needs the local admin token, like /admin/*.'));
      return true;
    }
    if (asset === 'js') send(res, 200, 'text/javascript; charset=utf-8', options.assets.js);
    else if (asset === 'css') send(res, 200, 'text/css; charset=utf-8', options.assets.css);
    else send(res, 200, 'text/html; charset=utf-8', shell(options.mode ?? 'local'));
    return true;
  };
}
