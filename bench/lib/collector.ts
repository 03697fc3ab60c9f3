import { spawn } from 'node:child_process';

/**
 * A stand-in collector in a process of its own, as the collector layer (or the X-Ray daemon) is beside a
 * Lambda function: its work must not compete with the code being measured. It answers 200 to every OTLP
 * export, takes X-Ray daemon datagrams on UDP, and counts both, so a benchmark can show that spans really
 * left. `firstAt` is the wall-clock time (ms since the epoch, sub-ms) of the first arrival since `reset`:
 * with the spawn time of a process, spawn to first export.
 */
const SOURCE = `
const http = require('node:http');
const dgram = require('node:dgram');
const now = () => performance.timeOrigin + performance.now();
let requests = 0, bytes = 0, datagrams = 0, firstAt = null;
const arrived = () => { if (firstAt === null) firstAt = now(); };
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/count') return res.end(JSON.stringify({ requests, bytes, datagrams, firstAt }));
  if (req.method === 'POST' && req.url === '/reset') { firstAt = null; return res.end(); }
  req.on('data', (c) => { bytes += c.length; });
  req.on('end', () => { requests++; arrived(); res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(); });
});
const udp = dgram.createSocket('udp4');
udp.on('message', (m) => { datagrams++; bytes += m.length; arrived(); });
udp.bind(0, '127.0.0.1', () => server.listen(0, '127.0.0.1', () =>
  process.stdout.write(server.address().port + ' ' + udp.address().port + '\\n')));
process.stdin.on('end', () => process.exit(0)).resume();
`;

export interface CollectorCount {
  readonly requests: number;
  readonly bytes: number;
  /** X-Ray daemon datagrams. */
  readonly datagrams: number;
  /** Wall-clock ms (since the epoch) of the first arrival since `reset`, or null. */
  readonly firstAt: number | null;
}

export interface Collector {
  readonly url: string;
  /** `host:port` of the UDP (X-Ray daemon) receiver, for AWS_XRAY_DAEMON_ADDRESS. */
  readonly daemonAddress: string;
  /** Exports received so far. */
  count(): Promise<CollectorCount>;
  /** Forgets the first arrival time. */
  reset(): Promise<void>;
  stop(): void;
}

export function startCollector(): Promise<Collector> {
  const child = spawn(process.execPath, ['-e', SOURCE], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (chunk: Buffer) => {
      const [http, udp] = chunk.toString().trim().split(' ');
      const url = `http://127.0.0.1:${http}`;
      resolve({
        url,
        daemonAddress: `127.0.0.1:${udp}`,
        count: async () => (await (await fetch(`${url}/count`)).json()) as CollectorCount,
        reset: async () => void (await fetch(`${url}/reset`, { method: 'POST' })).arrayBuffer(),
        stop: () => child.stdin.end(),
      });
    });
  });
}
