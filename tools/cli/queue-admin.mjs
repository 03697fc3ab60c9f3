#!/usr/bin/env node
// `npm run -s queue-admin --`: the TypeScript CLI run through tsx's ESM hook, so there is no build step.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('./main.ts');
try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(`queue-admin: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
