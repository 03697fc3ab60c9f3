/** What an OTLP client needs of an HTTP/1.1 answer: its status, and whether the connection can be reused. */
export interface Response {
  readonly status: number;
  readonly keepAlive: boolean;
}

const MAX_HEAD_BYTES = 16 * 1024;
const CRLF = Buffer.from('\r\n');
const HEAD_END = Buffer.from('\r\n\r\n');
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: |$)/;
const DIGITS = /^\d+$/;
const CLOSE = /\bclose\b/;
const KEEP_ALIVE = /\bkeep-alive\b/;

class MalformedResponseError extends Error {
  readonly code = 'HPE_INVALID';
  constructor(what: string) {
    super(`the collector's answer is not valid HTTP/1.1 (${what})`);
  }
}

type Body =
  | { readonly kind: 'length'; remaining: number }
  | { readonly kind: 'chunked'; state: 'size' | 'data' | 'data-end' | 'trailer'; remaining: number }
  | { readonly kind: 'until-close' };

/**
 * Reads one HTTP/1.1 response from the chunks of a socket, keeping only the head: the status line, the
 * framing headers (Content-Length, Transfer-Encoding: chunked, or until the connection closes) and
 * Connection. The body is counted and dropped; interim 1xx answers are skipped. Throws on what is not
 * HTTP/1.1, so the caller drops the connection.
 */
export class ResponseParser {
  private buffered: Buffer = Buffer.alloc(0);
  private status = 0;
  private keepAlive = true;
  private body: Body | undefined;

  /** Feeds a chunk; returns the response once it is complete. */
  push(chunk: Buffer): Response | undefined {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    while (!this.body) {
      const head = this.takeUntil(HEAD_END, 'head too long');
      if (head === undefined) return undefined;
      this.readHead(head);
    }
    return this.readBody();
  }

  /** The connection ended: completes a body that runs until close; anything else is cut short. */
  end(): Response | undefined {
    return this.body?.kind === 'until-close' ? { status: this.status, keepAlive: false } : undefined;
  }

  private readHead(head: string): void {
    const statusEnd = head.indexOf('\r\n');
    const match = STATUS_LINE.exec(statusEnd < 0 ? head : head.slice(0, statusEnd));
    if (!match) throw new MalformedResponseError('status line');
    const status = Number(match[2]);
    if (status >= 100 && status < 200 && status !== 101) return; // interim: the real answer follows
    let length: number | undefined;
    let chunked = false;
    let connection = '';
    // Line by line without splitting: only three names matter, told apart by their length first.
    for (let pos = statusEnd < 0 ? head.length : statusEnd + 2; pos < head.length;) {
      const found = head.indexOf('\r\n', pos);
      const lineEnd = found < 0 ? head.length : found;
      const colon = head.indexOf(':', pos);
      if (colon <= pos || colon > lineEnd) throw new MalformedResponseError('header line');
      const nameLength = colon - pos;
      if (nameLength === 14 || nameLength === 17 || nameLength === 10) {
        const name = head.slice(pos, colon).toLowerCase();
        const value = head.slice(colon + 1, lineEnd).trim();
        if (name === 'content-length') {
          if (!DIGITS.test(value) || (length !== undefined && Number(value) !== length)) throw new MalformedResponseError('Content-Length');
          length = Number(value);
        } else if (name === 'transfer-encoding') {
          chunked = value.toLowerCase().split(',').pop()!.trim() === 'chunked';
          if (!chunked) throw new MalformedResponseError('Transfer-Encoding');
        } else if (name === 'connection') {
          connection += `,${value.toLowerCase()}`; // every Connection header counts: one saying close is enough
        }
      }
      pos = lineEnd + 2;
    }
    this.status = status;
    this.keepAlive = match[1] === '1' ? !CLOSE.test(connection) : KEEP_ALIVE.test(connection);
    if (status === 204 || status === 304) this.body = { kind: 'length', remaining: 0 };
    else if (chunked) this.body = { kind: 'chunked', state: 'size', remaining: 0 };
    else if (length !== undefined) this.body = { kind: 'length', remaining: length };
    else {
      this.body = { kind: 'until-close' };
      this.keepAlive = false;
    }
  }

  private readBody(): Response | undefined {
    const body = this.body!;
    if (body.kind === 'until-close') {
      this.buffered = Buffer.alloc(0);
      return undefined;
    }
    if (body.kind === 'length') return this.skip(body) === 0 ? this.complete() : undefined;
    for (;;) {
      if (body.state === 'data') {
        if (this.skip(body) > 0) return undefined;
        body.state = 'data-end';
        continue;
      }
      const line = this.takeUntil(CRLF, 'chunk line too long');
      if (line === undefined) return undefined;
      if (body.state === 'data-end') {
        if (line !== '') throw new MalformedResponseError('chunk end');
        body.state = 'size';
      } else if (body.state === 'size') {
        const size = line.split(';')[0]!.trim();
        if (!/^[0-9a-fA-F]{1,8}$/.test(size)) throw new MalformedResponseError('chunk size');
        body.remaining = parseInt(size, 16);
        body.state = body.remaining === 0 ? 'trailer' : 'data';
      } else if (line === '') {
        return this.complete(); // the empty line after the last chunk's trailers
      }
    }
  }

  /** Drops up to `part.remaining` buffered body bytes; what remains to drop. */
  private skip(part: { remaining: number }): number {
    const taken = Math.min(part.remaining, this.buffered.length);
    part.remaining -= taken;
    this.buffered = this.buffered.subarray(taken);
    return part.remaining;
  }

  /** The buffered text up to `separator` (taken, with it), or undefined until it arrives. */
  private takeUntil(separator: Buffer, tooLong: string): string | undefined {
    const end = this.buffered.indexOf(separator);
    if (end < 0) {
      if (this.buffered.length > MAX_HEAD_BYTES) throw new MalformedResponseError(tooLong);
      return undefined;
    }
    const text = this.buffered.subarray(0, end).toString('latin1');
    this.buffered = this.buffered.subarray(end + separator.length);
    return text;
  }

  private complete(): Response {
    // Bytes beyond the answer were never asked for: do not reuse a connection that carries them.
    return { status: this.status, keepAlive: this.keepAlive && this.buffered.length === 0 };
  }
}
