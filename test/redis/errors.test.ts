import { createServer, type Server, type Socket } from 'node:net';
import { errorResponse } from '../../shared/http/responses';
import { createRedisClient, isRedisUnavailable } from '../../shared/redis';
import { freePort } from '../../tools/local/redis-server';
import { captureLogs } from '../support/logs';
import { connect } from '../support/redis';

/** What a command rejects with. */
const failure = (run: () => Promise<unknown>) =>
  run().then(
    () => undefined,
    (error: unknown) => error,
  );

describe('telling an unavailable Redis from a bug', () => {
  let silent: Server;
  let silentPort: number;
  const sockets = new Set<Socket>();
  beforeAll(async () => {
    // Accepts connections and never answers: a Redis that hangs.
    silent = createServer((socket) => sockets.add(socket));
    silentPort = await freePort();
    await new Promise<void>((resolve) => silent.listen(silentPort, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => silent.close(() => resolve()));
  });

  it('counts a reply error from Redis as unavailable: the command was refused, a retry may pass', async () => {
    const redis = connect();
    const error = await failure(() => redis.call('NOSUCHCOMMAND'));
    redis.disconnect();
    expect(isRedisUnavailable(error)).toBe(true);
    expect(errorResponse(error)).toMatchObject({ statusCode: 503, headers: { 'Retry-After': '1' } });
  });

  it('counts a refused connection, a command that timed out and a closed connection as unavailable, logging an outage once', async () => {
    const port = await freePort(); // nothing listens there
    const logs = captureLogs();
    const refused = createRedisClient({ url: `redis://127.0.0.1:${port}`, failFast: true, commandTimeoutMs: 500 });
    let connectErrors = 0;
    refused.on('error', () => connectErrors++);
    const refusedError = await failure(() => refused.ping());
    refused.disconnect();
    logs.restore();
    // Every failed reconnect is an error event; the log gets one line for the outage.
    expect(connectErrors).toBeGreaterThan(1);
    expect(logs.out().filter((l) => l.message === 'redis connection lost')).toEqual([
      expect.objectContaining({ level: 'WARN', errorCode: 'ECONNREFUSED' }),
    ]);

    const hung = createRedisClient({ url: `redis://127.0.0.1:${silentPort}`, failFast: true, commandTimeoutMs: 50 });
    hung.on('error', () => undefined);
    const timedOut = await failure(() => hung.ping());
    hung.disconnect();
    expect((timedOut as Error).message).toBe('Command timed out');

    const closed = connect();
    await closed.quit();
    const closedError = await failure(() => closed.ping());
    expect((closedError as Error).message).toBe('Connection is closed.');

    for (const error of [refusedError, timedOut, closedError]) {
      expect(error).toBeInstanceOf(Error);
      expect(isRedisUnavailable(error)).toBe(true);
      expect(errorResponse(error).statusCode).toBe(503);
    }
  });

  it('leaves other errors, whatever their text says, to the 500 path', () => {
    for (const error of [new Error('boom'), new TypeError('Command timed out in my code'), 'Connection is closed.', undefined]) {
      expect(isRedisUnavailable(error)).toBe(false);
    }
    expect(errorResponse(new Error('ECONNREFUSED somewhere')).statusCode).toBe(500);
  });
});
