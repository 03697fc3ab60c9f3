/**
 * Shell quoting for the copy and open commands. Commands are for POSIX `sh` on macOS and Linux and for
 * PowerShell on Windows (cmd.exe is avoided: `%VAR%` and `^` act even inside its double quotes).
 */

/** Quotes one argument for POSIX `sh`: inside single quotes nothing is special except `'` itself. */
export function posixQuote(s: string): string {
  assertNoNul(s);
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * Quotes one argument for PowerShell: inside single quotes only quote characters are special, and
 * PowerShell counts the typographic ones (U+2018–U+201B) as quotes too; doubling escapes each.
 */
export function powerShellQuote(s: string): string {
  assertNoNul(s);
  return `'${s.replace(/['\u2018\u2019\u201a\u201b]/g, '$&$&')}'`;
}

/**
 * Characters a URL may contain before it goes into a command: RFC 3986 unreserved and reserved
 * characters minus `'` and `$`, and `%` only as a percent-escape. With no quote of any kind it cannot end
 * the single quotes around it; refusing `$`, backticks, `\`, whitespace, control characters and non-ASCII
 * as well keeps it inert if a person re-pastes it between double quotes.
 */
const SHELL_SAFE_URL = /^(?:[A-Za-z0-9\-._~:/?#[\]@!&()*+,;=]|%[0-9A-Fa-f]{2})+$/;

export function isShellSafeUrl(url: string): boolean {
  return SHELL_SAFE_URL.test(url);
}

function assertNoNul(s: string): void {
  // An argument can never hold NUL; quoting it would silently truncate.
  if (s.includes('\0')) throw new TypeError('a shell argument cannot contain NUL');
}
