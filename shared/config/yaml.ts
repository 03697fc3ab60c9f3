import { createRequire } from 'node:module';
import { ConfigError } from './errors';

/**
 * The YAML parser (js-yaml), required on first use. Only a named CONFIG_FILE needs it and the deployed
 * functions name none, so their bundles leave it out and carry it beside them in `node_modules`, read
 * only when a file is named (see BUNDLE_EXTERNALS in scripts/build.ts).
 */
let yaml: typeof import('js-yaml') | undefined;

export function parseYaml(text: string): unknown {
  yaml ??= parser();
  return yaml.load(text);
}

function parser(): typeof import('js-yaml') {
  try {
    return requireHere('js-yaml') as typeof import('js-yaml');
  } catch {
    throw new ConfigError('CONFIG_FILE', 'needs the YAML parser beside the bundle (node_modules/js-yaml), which this build left out');
  }
}

// In a CommonJS bundle `require` is the bundle's own (resolving beside it); sources run as ES modules make one.
const requireHere: NodeJS.Require = typeof require === 'function' ? require : createRequire(import.meta.url);
