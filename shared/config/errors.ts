/** A configuration value that cannot be used: names the key (env variable or YAML path) and what is accepted. */
export class ConfigError extends Error {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(`${key}: ${message}`);
    this.name = 'ConfigError';
  }
}
