import { queueKeys, type QueueKeys } from './keys';
import { resolveQueueOptions, type QueueOptions, type ResolvedQueueOptions } from './options';
import { registerScripts, type RedisClient } from './scripts';

/** What every queue-facing class shares: the caller's Redis client, resolved options, the key builder. */
export abstract class QueueClient {
  readonly options: ResolvedQueueOptions;
  readonly keys: QueueKeys;

  constructor(
    readonly redis: RedisClient,
    options: QueueOptions = {},
  ) {
    this.options = resolveQueueOptions(options);
    this.keys = queueKeys(this.options.namespace);
    registerScripts(redis);
  }
}
