export { APP_SETTINGS, parseAppConfig, type AppConfig } from './app';
export { ConfigError } from './errors';
