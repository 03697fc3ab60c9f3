export { parseAppConfig, type AppConfig } from './app';
export { ConfigError } from './errors';
export { invocationTraceHeader } from './lambda-env';
