export { createRedisClient, PRODUCER_COMMAND_TIMEOUT_MS, PRODUCER_ENQUEUE_DEADLINE_MS, type RedisClientOptions } from './client';
export { isRedisUnavailable, mayHaveRun } from './errors';
