/**
 * Snowflake ids for the fake Discord server.
 *
 * A Discord snowflake is a 64-bit integer: milliseconds since the Discord epoch (2015-01-01) shifted left
 * by 22 bits, then 5 bits worker id, 5 bits process id and a 12-bit increment. The generator below keeps
 * the timestamp part real (so `SnowflakeUtil.timestampFrom()` in discord.js gives a sensible date) and
 * guarantees strictly increasing values, even when many ids are minted in the same millisecond.
 */

const DISCORD_EPOCH = 1_420_070_400_000n;

export class SnowflakeGenerator {
  private last = 0n;

  constructor(private readonly workerId = 1n) {}

  next(at: number = Date.now()): string {
    const base = ((BigInt(at) - DISCORD_EPOCH) << 22n) | ((this.workerId & 0x1fn) << 17n);
    const value = base > this.last ? base : this.last + 1n;
    this.last = value;
    return value.toString();
  }
}

/** Compares two snowflakes numerically (they do not sort correctly as strings of different lengths). */
export function compareSnowflakes(a: string, b: string): number {
  const x = BigInt(a);
  const y = BigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * The shard whose gateway session gets a guild's events: `(guild_id >> 22) % shard_count`, Discord's
 * formula (the guild's creation time in milliseconds, modulo the count).
 */
export function shardOf(guildId: string, shardCount: number): number {
  return Number((BigInt(guildId) >> 22n) % BigInt(shardCount));
}

/**
 * A plausible guild id (created around `at`) that lands on `shard` out of `shardCount`, so a test can
 * put guilds on the shards it wants.
 */
export function snowflakeOnShard(shard: number, shardCount: number, at: number = Date.now()): string {
  const count = BigInt(shardCount);
  let ms = BigInt(at) - DISCORD_EPOCH;
  ms -= ms % count;
  return ((ms + BigInt(shard)) << 22n).toString();
}
