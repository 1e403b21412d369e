import { Routes } from 'discord-api-types/v10';
import type { REST } from 'discord.js';
import { discordCommands } from './command-builder.js';

/** Bulk-overwrites Ostrom's commands: in one guild (instant) when given, else globally. */
export async function registerCommands(rest: REST, appId: string, guildId?: string): Promise<number> {
  const body = discordCommands();
  const route = guildId ? Routes.applicationGuildCommands(appId, guildId) : Routes.applicationCommands(appId);
  await rest.put(route, { body });
  return body.length;
}
