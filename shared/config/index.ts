export { APP_SETTINGS, parseAppConfig, type AppConfig } from './app';
export { ConfigError } from './errors';
export { invocationStopSignal, invocationTraceHeader } from './lambda-env';
export { LOCAL_SETTINGS, parseLocalConfig, type LocalConfig } from './local';
