/**
 * The trivial handler for OpenTelemetry's instrumentation, exported as its docs require of a bundle:
 * CommonJS `module.exports`. esbuild turns `export const` into a getter the instrumentation cannot wrap
 * ("Cannot redefine property: handler", open-telemetry/opentelemetry-lambda#1781).
 */
import respond = require('./respond');

export = { handler: respond.respond };
