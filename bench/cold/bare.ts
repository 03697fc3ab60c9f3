/** Cold-start baseline: a handler module with no tracing setup, serving one invocation. */
export const handler = async () => ({ statusCode: 200 });
void handler().then(() => {
  // performance.now() counts from process start: module loading included.
  process.stdout.write(`${JSON.stringify({ readyMs: performance.now(), firstResponseMs: performance.now() })}\n`);
});
