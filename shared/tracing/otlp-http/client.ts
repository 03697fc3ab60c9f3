import net from 'node:net';
import tls from 'node:tls';
import { ExportHttpStatusError, ExportRequestError, ExportTimeoutError } from './errors';
import { ResponseParser, type Response } from './response-parser';

/** Headers this client writes itself; a configured one of these names is ignored. */
const OWN_HEADERS = new Set(['host', 'content-type', 'content-length', 'transfer-encoding', 'connection']);
const TOKEN = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/;
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
/** Idle connections kept for the next export; more than one only while exports overlap. */
const MAX_IDLE = 4;

type Socket = net.Socket | tls.TLSSocket;

/**
 * A keep-alive HTTP/1.1 client that POSTs protobuf bodies to one OTLP endpoint. Ours, not node:http: a
 * sampled Lambda invocation exports once before it returns, and node:http's request, agent and response
 * objects cost ~150 µs of CPU per export here (profiled: more than the rest of the invocation's
 * tracing); this writes one pre-built head and the body, and reads only the status line and the framing
 * of the answer (Content-Length, chunked, or until close). A kept connection that fails before any answer
 * (the collector closed it while idle) is retried once on a new one (see `post`).
 */
export class OtlpHttpClient {
  private readonly head: string;
  private readonly invalid: ExportRequestError | undefined;
  private readonly idle: Connection[] = [];
  private readonly open = new Set<Connection>();
  private closed = false;

  constructor(
    private readonly url: URL,
    headers: Readonly<Record<string, string>>,
  ) {
    let head = `POST ${url.pathname}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\nContent-Type: application/x-protobuf\r\n`;
    for (const [name, value] of Object.entries(headers)) {
      if (!TOKEN.test(name) || INVALID_VALUE.test(value)) {
        // Named, never shown: a header value may be a secret.
        this.invalid = new ExportRequestError('ERR_INVALID_HEADER', `header ${TOKEN.test(name) ? name : '(invalid name)'} cannot be sent`);
        break;
      }
      if (!OWN_HEADERS.has(name.toLowerCase())) head += `${name}: ${value}\r\n`;
    }
    this.head = `${head}Content-Length: `;
  }

  /** Resolves on 2xx; otherwise rejects with an OtlpExportError, never later than `timeoutMs` after the call. */
  post(body: Uint8Array, timeoutMs: number): Promise<void> {
    if (this.invalid) return Promise.reject(this.invalid);
    if (this.closed) return Promise.reject(new ExportRequestError('ERR_CLOSED', 'the exporter was shut down'));
    return new Promise<void>((resolve, reject) => {
      let connection: Connection | undefined;
      let done = false;
      const settle = (error?: Error, response?: Response) => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (connection) this.release(connection, error === undefined && response?.keepAlive === true);
        if (error) reject(error);
        else if (response!.status >= 200 && response!.status < 300) resolve();
        else reject(new ExportHttpStatusError(response!.status));
      };
      const timer = setTimeout(() => settle(new ExportTimeoutError(timeoutMs)), timeoutMs);
      const send = (conn: Connection) => {
        connection = conn;
        conn.send(`${this.head}${body.length}\r\n\r\n`, body, (error, response) => {
          // A kept connection that failed before any answer: most often the collector closed it while it was
          // idle (or the sandbox was frozen), and never read this request; send it once more on a new one.
          // At least once, as OTLP retries are: a collector that read it and then dropped the connection
          // without answering gets it twice. Never after close().
          if (error && conn.reused && !conn.answered && !done && !this.closed) {
            this.drop(conn);
            send(this.connect());
          } else settle(error, response);
        });
      };
      const idle = this.idle.pop();
      idle?.socket.ref();
      send(idle ?? this.connect());
    });
  }

  /**
   * Opens a connection now, kept idle for the first post: at a cold start the connection is made while the
   * function initializes, not while its first sampled invocation waits to return. A failure only drops it.
   */
  preconnect(): void {
    if (this.invalid || this.closed || this.open.size > 0) return;
    const conn = this.connect();
    conn.reused = true; // not yet used, but idle like a reused one: a close before its first answer is retried
    conn.socket.unref();
    this.idle.push(conn);
  }

  /** Closes every connection; posts after this are refused. */
  close(): void {
    this.closed = true;
    for (const conn of this.open) conn.socket.destroy();
    this.open.clear();
    this.idle.length = 0;
  }

  private connect(): Connection {
    const port = Number(this.url.port) || (this.url.protocol === 'https:' ? 443 : 80);
    const host = this.url.hostname.replace(/^\[|\]$/g, ''); // an IPv6 literal without its brackets
    const socket: Socket =
      this.url.protocol === 'https:'
        ? tls.connect({ host, port, servername: net.isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'] })
        : net.connect({ host, port });
    socket.setNoDelay(true);
    const conn = new Connection(socket, () => this.drop(conn));
    this.open.add(conn);
    return conn;
  }

  private drop(conn: Connection): void {
    conn.socket.destroy();
    this.open.delete(conn);
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
  }

  private release(conn: Connection, keepAlive: boolean): void {
    conn.reused = true;
    if (keepAlive && !this.closed && this.idle.length < MAX_IDLE && !conn.socket.destroyed) {
      conn.socket.unref(); // an idle connection must not keep the process alive
      this.idle.push(conn);
    } else this.drop(conn);
  }
}

type Answered = (error: Error | undefined, response?: Response) => void;

/**
 * One connection and the request it carries, if any. Its listeners are added once, not per export: a
 * failure or close while idle only takes it out of the pool (`onIdleLoss`).
 */
class Connection {
  /** It carried a request before: a failure before any answer may mean the collector closed it while idle. */
  reused = false;
  answered = false;
  private parser: ResponseParser | undefined;
  private answeredBy: Answered | undefined;

  constructor(
    readonly socket: Socket,
    onIdleLoss: () => void,
  ) {
    socket.on('data', (chunk: Buffer) => {
      if (!this.parser) return onIdleLoss(); // an answer nobody asked for: do not reuse
      this.answered = true;
      try {
        const response = this.parser.push(chunk);
        if (response) this.finish(undefined, response);
      } catch (error) {
        this.finish(ExportRequestError.from(error));
      }
    });
    socket.on('end', () => {
      const response = this.answered ? this.parser?.end() : undefined;
      if (response) this.finish(undefined, response);
      else this.lost(onIdleLoss);
    });
    socket.on('error', (error: Error) => (this.answeredBy ? this.finish(ExportRequestError.from(error)) : onIdleLoss()));
    socket.on('close', () => this.lost(onIdleLoss));
  }

  send(head: string, body: Uint8Array, answered: Answered): void {
    this.parser = new ResponseParser();
    this.answered = false;
    this.answeredBy = answered;
    this.socket.cork();
    this.socket.write(head, 'latin1');
    this.socket.write(body);
    this.socket.uncork();
  }

  private lost(onIdleLoss: () => void): void {
    if (this.answeredBy) this.finish(new ExportRequestError('ECONNRESET', 'the collector closed the connection before its answer ended'));
    else onIdleLoss();
  }

  private finish(error: Error | undefined, response?: Response): void {
    const answeredBy = this.answeredBy;
    this.answeredBy = undefined;
    this.parser = undefined;
    answeredBy?.(error, response);
  }
}
