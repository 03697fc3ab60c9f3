#!/usr/bin/env node
// `npx queue-admin`: the TypeScript CLI run through tsx's CommonJS hook, so there is no build step.
require('tsx/cjs');
require('./main.ts')
  .main(process.argv.slice(2))
  .then(
    (code) => (process.exitCode = code),
    (error) => {
      console.error(`queue-admin: ${error && error.stack ? error.stack : String(error)}`);
      process.exitCode = 1;
    },
  );
