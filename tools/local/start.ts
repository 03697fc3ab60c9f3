/**
 * npm start: the whole pipeline on this machine (see pipeline/index.ts). Prints where everything is and a
 * curl line to try; Ctrl-C stops it cleanly, a second Ctrl-C at once.
 */
import { startLocalPipeline, type LocalPipeline } from './pipeline';

function banner(p: LocalPipeline): string {
  const lines = [
    '',
    'traced-queue is running on this machine',
    `  console             ${p.loginUrl()}   (a one-time sign-in link; npm run -s queue-admin -- console gives another)`,
    `  API (API Gateway)   ${p.url}/jobs   ${p.url}/jobs/batch   ${p.url}/admin/…`,
    `  traces              ${p.ownReceiver ? `${p.url}/traces   ${p.url}/traces/{traceId}` : `sent to ${p.tracesTo} (TRACING_ENDPOINT)`}`,
    `  Lambda Invoke API   ${p.url}/2015-03-31/functions/{name}/invocations`,
    `  OTLP receiver       ${p.url}/v1/traces`,
    `  Redis               ${p.redisUrl}${p.ownRedis ? ' (a throwaway redis-server, stopped with this process)' : ''}`,
    `  schedules           worker-poller every ${p.config.pollerEveryMs} ms, dead-letter sweep every ${p.config.dlqSweepEveryMs} ms`,
    `  admin token         in ${p.config.stateFile} (npm run -s queue-admin -- reads it)`,
    '',
    'Try:',
    `  curl -s -X POST ${p.url}/jobs -H 'content-type: application/json' -d '{"type":"sleep","payload":{"ms":200}}'`,
    `  curl -s ${p.url}/traces/<traceId from the answer>`,
    '  npm run -s queue-admin -- stats',
    '',
    'Ctrl-C stops it.',
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const pipeline = await startLocalPipeline({ log: (line) => console.error(line) });
  console.log(banner(pipeline));
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (++signals > 1) {
      console.error(`${signal} again: exiting now`);
      process.exit(130);
    }
    console.error(`${signal}: stopping — no new jobs; running jobs finish (at most ${pipeline.config.stopTimeoutMs} ms); flushing traces`);
    pipeline.stop().then(
      () => {
        console.error('stopped');
        process.exit(0);
      },
      (error: unknown) => {
        console.error(`stop failed: ${(error as Error).message}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${(error as Error).message}`);
  process.exit(1);
});
