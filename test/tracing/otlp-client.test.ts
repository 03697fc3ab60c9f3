import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { OtlpHttpClient } from '../../shared/tracing/otlp-http/client';
import { ExportHttpStatusError, ExportRequestError, ExportTimeoutError } from '../../shared/tracing/otlp-http/errors';

/** What the collector stand-in saw of one request. */
interface Seen {
  readonly head: string;
  readonly body: Buffer;
  readonly connection: number;
}

/**
 * A raw TCP collector stand-in: parses each request (head and Content-Length body) and answers with
 * whatever bytes `answer` gives, written in pieces of `pieceBytes` (1: byte by byte), so every framing
 * and every misbehaviour of a real server can be played back.
 */
class RawCollector {
  readonly seen: Seen[] = [];
  connections = 0;
  answer: (seen: Seen) => string | null = () => 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
  pieceBytes = 1 << 20;
  private readonly sockets = new Set<net.Socket>();
  private readonly server = net.createServer((socket) => {
    const connection = ++this.connections;
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = Buffer.alloc(0);
    socket.on('data', (chunk) => {
      buffered = Buffer.concat([buffered, chunk]);
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = buffered.subarray(0, end).toString('latin1');
        const length = Number(/content-length: (\d+)/i.exec(head)?.[1] ?? 0);
        if (buffered.length < end + 4 + length) return;
        const seen = { head, body: buffered.subarray(end + 4, end + 4 + length), connection };
        buffered = buffered.subarray(end + 4 + length);
        this.seen.push(seen);
        const reply = this.answer(seen);
        if (reply === null) continue; // never answers
        void this.write(socket, Buffer.from(reply, 'latin1'));
      }
    });
  });

  private async write(socket: net.Socket, bytes: Buffer): Promise<void> {
    for (let i = 0; i < bytes.length; i += this.pieceBytes) {
      socket.write(bytes.subarray(i, i + this.pieceBytes));
      if (this.pieceBytes < bytes.length) await new Promise((resolve) => setImmediate(resolve));
    }
    if (bytes.includes('Connection: close')) socket.end();
  }

  async start(): Promise<URL> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return new URL(`http://127.0.0.1:${(this.server.address() as net.AddressInfo).port}/v1/traces`);
  }

  /** Closes the connections the client keeps idle, as a collector's idle timeout does. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  stop(): Promise<void> {
    this.dropConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

const collector = new RawCollector();
let url: URL;
const clients: OtlpHttpClient[] = [];
const client = (headers: Record<string, string> = {}) => {
  const c = new OtlpHttpClient(url, headers);
  clients.push(c);
  return c;
};
const body = (text: string) => new Uint8Array(Buffer.from(text));

beforeAll(async () => {
  url = await collector.start();
});
afterEach(() => {
  for (const c of clients.splice(0)) c.close();
  collector.seen.length = 0;
  collector.pieceBytes = 1 << 20;
  collector.answer = () => 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
});
afterAll(() => collector.stop());

describe('OtlpHttpClient', () => {
  it('POSTs each body whole with its path, content type and headers, over one kept-alive connection', async () => {
    const c = client({ 'x-api-key': 'k1', Authorization: 'Bearer abc' });
    const before = collector.connections;
    for (const text of ['first', 'second', 'third']) await c.post(body(text), 1000);
    expect(collector.seen.map((s) => s.body.toString())).toEqual(['first', 'second', 'third']);
    expect(new Set(collector.seen.map((s) => s.connection)).size).toBe(1);
    expect(collector.connections - before).toBe(1);
    const head = collector.seen[0]!.head;
    expect(head).toMatch(/^POST \/v1\/traces HTTP\/1\.1\r\n/);
    expect(head).toContain(`Host: ${url.host}`);
    expect(head).toContain('Content-Type: application/x-protobuf');
    expect(head).toContain('Content-Length: 5');
    expect(head).toContain('x-api-key: k1');
    expect(head).toContain('Authorization: Bearer abc');
  });

  it.each([
    ['Content-Length with a body', 'HTTP/1.1 200 OK\r\nContent-Type: application/x-protobuf\r\nContent-Length: 4\r\n\r\n\x0a\x02\x08\x01'],
    [
      'chunked with extensions and a trailer',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;x=y\r\nabc\r\n2\r\nde\r\n0\r\nX-Trailer: 1\r\n\r\n',
    ],
    ['an interim 100 Continue first', 'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'],
    ['204 without a body', 'HTTP/1.1 204 No Content\r\n\r\n'],
    ['HTTP/1.0 asking to keep the connection', 'HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 1\r\n\r\nx'],
  ])('reads an answer framed by %s, even a byte at a time, and reuses the connection', async (_name, answer) => {
    collector.answer = () => answer;
    collector.pieceBytes = 1;
    const c = client();
    await c.post(body('a'), 2000);
    await c.post(body('b'), 2000);
    expect(collector.seen).toHaveLength(2);
    expect(collector.seen[0]!.connection).toBe(collector.seen[1]!.connection);
  });

  it('does not reuse a connection that any of its Connection headers says to close', async () => {
    collector.answer = () => 'HTTP/1.1 200 OK\r\nConnection: close\r\nConnection: x-other\r\nContent-Length: 0\r\n\r\n';
    const c = client();
    await c.post(body('a'), 1000);
    await c.post(body('b'), 1000);
    expect(collector.seen[0]!.connection).not.toBe(collector.seen[1]!.connection);
  });

  it('fails an export still waiting when the client is closed, and never sends it again', async () => {
    const c = client();
    await c.post(body('first'), 1000); // the connection is now a kept one
    collector.answer = () => null;
    const waiting = c.post(body('second'), 2000).catch((e: unknown) => e);
    await vi.waitFor(() => expect(collector.seen).toHaveLength(2));
    c.close();
    expect(await waiting).toBeInstanceOf(ExportRequestError);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(collector.seen.map((s) => s.body.toString())).toEqual(['first', 'second']);
  });

  it('reads an answer that runs until the connection closes, then opens a new connection', async () => {
    collector.answer = () => 'HTTP/1.0 200 OK\r\nConnection: close\r\n\r\nwhatever';
    const c = client();
    await c.post(body('a'), 1000);
    await c.post(body('b'), 1000);
    expect(collector.seen.map((s) => s.body.toString())).toEqual(['a', 'b']);
    expect(collector.seen[0]!.connection).not.toBe(collector.seen[1]!.connection);
  });

  it('rejects a non-2xx answer with its status, and keeps the connection for the next export', async () => {
    collector.answer = (seen) =>
      seen.body.toString() === 'busy'
        ? 'HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy'
        : 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
    const c = client();
    const error = await c.post(body('busy'), 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportHttpStatusError);
    expect((error as ExportHttpStatusError).status).toBe(503);
    await c.post(body('fine'), 1000);
    expect(collector.seen[0]!.connection).toBe(collector.seen[1]!.connection);
  });

  it.each([
    ['not HTTP at all', 'SSH-2.0-OpenSSH\r\n\r\n'],
    ['a header line without a colon', 'HTTP/1.1 200 OK\r\nContent-Length 0\r\n\r\n'],
    ['two different lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx'],
  ])('rejects an answer that is %s, then recovers on a new connection', async (_name, bad) => {
    collector.answer = (seen) => (seen.body.toString() === 'bad' ? bad : 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n');
    const c = client();
    const error = await c.post(body('bad'), 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportRequestError);
    expect((error as ExportRequestError).code).toBe('HPE_INVALID');
    await c.post(body('good'), 1000);
    expect(collector.seen[0]!.connection).not.toBe(collector.seen[1]!.connection);
  });

  it('sends an export on a new connection when the collector closed the idle one, exactly once', async () => {
    const c = client();
    await c.post(body('one'), 1000);
    collector.dropConnections();
    await c.post(body('two'), 1000);
    expect(collector.seen.map((s) => s.body.toString())).toEqual(['one', 'two']);
  });

  it('fails at once with the connection error when the collector is down', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as net.AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const c = new OtlpHttpClient(new URL(`http://127.0.0.1:${port}/v1/traces`), {});
    clients.push(c);
    const error = await c.post(body('x'), 5000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportRequestError);
    expect((error as ExportRequestError).code).toBe('ECONNREFUSED');
  });

  it.each([
    ['never answers', () => null],
    ['sends half an answer', () => 'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\npartial'],
  ])('gives up with a timeout on a collector that %s, and uses a new connection next', async (_name, answer) => {
    collector.answer = answer;
    const c = client();
    const error = await c.post(body('x'), 100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportTimeoutError);
    collector.answer = () => 'HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n';
    await c.post(body('y'), 1000);
    expect(collector.seen[0]!.connection).not.toBe(collector.seen[1]!.connection);
  });

  it('refuses a header it cannot send, naming it but not its value, and sends nothing', async () => {
    const c = client({ 'x-token': 'secret\r\nInjected: 1' });
    const error = await c.post(body('x'), 1000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportRequestError);
    expect(String((error as Error).message)).toContain('x-token');
    expect(String((error as Error).message)).not.toContain('secret');
    expect(collector.seen).toHaveLength(0);
  });

  it('connects ahead of the first export when asked, and sends that export on the connection made', async () => {
    const before = collector.connections;
    const c = client();
    c.preconnect();
    await vi.waitFor(() => expect(collector.connections - before).toBe(1));
    await c.post(body('first'), 1000);
    expect(collector.connections - before).toBe(1);
    expect(collector.seen.map((s) => s.body.toString())).toEqual(['first']);
  });

  it('carries overlapping exports on connections of their own, and all arrive', async () => {
    collector.pieceBytes = 1; // slow answers, so the exports overlap
    const c = client();
    await Promise.all(['a', 'b', 'c'].map((t) => c.post(body(t), 2000)));
    expect(collector.seen.map((s) => s.body.toString()).sort()).toEqual(['a', 'b', 'c']);
    expect(new Set(collector.seen.map((s) => s.connection)).size).toBe(3);
  });
});

describe('OtlpHttpClient over TLS', () => {
  const dir = mkdtempSync(join(tmpdir(), 'otlp-tls-'));
  let server: https.Server;
  let tlsUrl: string;
  const posted: Buffer[] = [];

  beforeAll(async () => {
    // A certificate for localhost that no CA signed: trusted only where the test says so.
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=DNS:localhost',
        '-keyout',
        join(dir, 'key.pem'),
        '-out',
        join(dir, 'cert.pem'),
      ],
      { stdio: 'ignore' },
    );
    server = https.createServer({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        posted.push(Buffer.concat(chunks));
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    tlsUrl = `https://localhost:${(server.address() as net.AddressInfo).port}/v1/traces`;
  });
  afterAll(() => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // Async: the server answering it lives in this process.
  const postFrom = async (env: NodeJS.ProcessEnv) =>
    (
      await promisify(execFile)(process.execPath, ['--import', 'tsx', join(import.meta.dirname, '../support/otlp-post.ts'), tlsUrl], {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      })
    ).stdout.trim();

  it('refuses a collector whose certificate it cannot verify, and sends nothing', async () => {
    const c = new OtlpHttpClient(new URL(tlsUrl), {});
    clients.push(c);
    const error = await c.post(body('x'), 5000).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExportRequestError);
    expect((error as ExportRequestError).code).toBe('DEPTH_ZERO_SELF_SIGNED_CERT');
    expect(posted).toHaveLength(0);
  });

  it('exports over TLS to a collector whose certificate is trusted (NODE_EXTRA_CA_CERTS)', async () => {
    expect(await postFrom({ NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') })).toBe('ok');
    expect(posted.map((b) => [...b])).toEqual([[1, 2, 3]]);
  });
});
