import type { Cluster, Redis } from 'ioredis';
import { slotGuardKey } from '../keys';
import { luaScripts } from './generated';

export type RedisClient = Redis | Cluster;
export type ScriptName = keyof typeof luaScripts;
export type ScriptArg = string | number;

const registered = new WeakSet<RedisClient>();

/**
 * Registers every script on a client once, under its versioned name. ioredis sends EVAL the first time
 * per connection and EVALSHA after, so a script's text crosses the wire once per connection.
 */
export function registerScripts(client: RedisClient): void {
  if (registered.has(client)) return;
  for (const script of Object.values(luaScripts)) {
    client.defineCommand(script.name, { numberOfKeys: script.numberOfKeys + 1, lua: script.lua }); // + the slot guard
  }
  registered.add(client);
}

type ScriptCommand = (args: ScriptArg[]) => Promise<unknown>;

export function runScript(client: RedisClient, name: ScriptName, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
  const script = luaScripts[name];
  if (keys.length !== script.numberOfKeys) {
    throw new Error(`script ${name} takes ${script.numberOfKeys} keys, got ${keys.length}`);
  }
  // One array argument: ioredis flattens it, and large batches avoid a huge spread call.
  const command = (client as unknown as Record<string, ScriptCommand>)[script.name]!;
  return command.call(client, [...keys, slotGuardKey(keys[0]!), ...args]);
}
