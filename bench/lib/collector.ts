import { spawn } from 'node:child_process';

/**
 * A stand-in OTLP collector in a process of its own, as the collector layer is beside a Lambda function:
 * its HTTP work must not compete with the code being measured. It answers 200 to every export and
 * counts bytes, so a benchmark can show that spans really left.
 */
const SOURCE = `
const http = require('node:http');
let requests = 0, bytes = 0;
const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/count') return res.end(JSON.stringify({ requests, bytes }));
  req.on('data', (c) => { bytes += c.length; });
  req.on('end', () => { requests++; res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(); });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
process.stdin.on('end', () => process.exit(0)).resume();
`;

export interface Collector {
  readonly url: string;
  /** Exports received so far. */
  count(): Promise<{ requests: number; bytes: number }>;
  stop(): void;
}

export function startCollector(): Promise<Collector> {
  const child = spawn(process.execPath, ['-e', SOURCE], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.stdout.once('data', (chunk: Buffer) => {
      const url = `http://127.0.0.1:${chunk.toString().trim()}`;
      resolve({
        url,
        count: async () => (await (await fetch(`${url}/count`)).json()) as { requests: number; bytes: number },
        stop: () => child.stdin.end(),
      });
    });
  });
}
