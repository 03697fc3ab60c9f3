import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { sameSecret } from '../http';

export const SESSION_COOKIE = 'tq_console';
/** A login link is good once, for this long. */
const CODE_TTL_MS = 10 * 60_000;

/**
 * The console's sign-in: a browser cannot send the admin token as a bearer header, so a one-time login
 * code (printed by `npm start`, or minted with the admin token by `queue-admin console`) is exchanged for
 * a session cookie — HttpOnly (no script reads it), SameSite=Strict (no other site's page sends it).
 * Sessions live as long as this process.
 */
export class ConsoleSessions {
  private readonly codes = new Map<string, number>();
  private readonly sessions = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A fresh one-time code. */
  /** A one-time sign-in link to the console served at `base`. */
  loginUrl(base: string): string {
    return `${base}/login?code=${this.mint()}`;
  }

  mint(): string {
    const code = randomBytes(18).toString('base64url');
    this.codes.set(code, this.now() + CODE_TTL_MS);
    return code;
  }

  /** Exchanges a code (once) for a session id; undefined for an unknown, used or expired code. */
  redeem(code: string): string | undefined {
    for (const [known, expires] of this.codes) {
      if (expires < this.now()) this.codes.delete(known);
      else if (sameSecret(code, known)) {
        this.codes.delete(known);
        const session = randomBytes(32).toString('base64url');
        this.sessions.add(session);
        return session;
      }
    }
    return undefined;
  }

  /** The request carries a session cookie of ours. */
  signedIn(req: IncomingMessage): boolean {
    const value = cookieOf(req, SESSION_COOKIE);
    return value !== undefined && this.sessions.has(value);
  }

  /**
   * A cookie-authenticated request that changes something (not GET or HEAD) must say it comes from our own
   * page: true when one does not. A present Origin is ours: foreignRequest already refused any other.
   */
  static changeWithoutOrigin(req: IncomingMessage): boolean {
    return req.method !== 'GET' && req.method !== 'HEAD' && req.headers.origin === undefined;
  }
}

export function cookieOf(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return part.slice(at + 1).trim();
  }
  return undefined;
}

export function sessionCookie(session: string): string {
  return `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`;
}
