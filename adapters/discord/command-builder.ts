/** Discord application commands built from the core's command specs, so the two cannot drift. */
import {
  ApplicationCommandOptionType,
  ApplicationCommandType,
  ChannelType,
  type APIApplicationCommandBasicOption,
  type APIApplicationCommandSubcommandOption,
  type RESTPostAPIChatInputApplicationCommandsJSONBody,
} from 'discord-api-types/v10';
import { commands, commandNames, type CommandName, type OptionSpec } from '../../src/core/index.js';

function option(name: string, o: OptionSpec): APIApplicationCommandBasicOption {
  const base = { name, description: o.description.slice(0, 100), required: o.required };
  switch (o.kind) {
    case 'int':
      return {
        ...base,
        type: ApplicationCommandOptionType.Integer,
        min_value: o.min,
        max_value: o.max === undefined ? undefined : Math.min(o.max, 2 ** 31 - 1),
        autocomplete: o.autocomplete ? true : undefined,
      };
    case 'choice':
      return {
        ...base,
        type: ApplicationCommandOptionType.String,
        choices: (o.choices ?? []).map((c) => ({ name: c, value: c })),
      };
    case 'member':
      return { ...base, type: ApplicationCommandOptionType.User };
    case 'channel':
      return {
        ...base,
        type: ApplicationCommandOptionType.Channel,
        channel_types: [ChannelType.GuildText, ChannelType.GuildAnnouncement],
      };
    case 'text':
      return { ...base, type: ApplicationCommandOptionType.String, max_length: o.maxLength };
  }
}

/** Discord wants required options first. */
function optionsOf(name: CommandName): APIApplicationCommandBasicOption[] {
  const entries = Object.entries(commands[name].options as Record<string, OptionSpec>);
  return entries
    .sort(([, a], [, b]) => Number(b.required) - Number(a.required))
    .map(([k, o]) => option(k, o));
}

const groupSummary: Record<string, string> = {
  task: 'Post, claim, submit and review tasks',
  proposal: 'List, show or withdraw proposals',
  digest: 'Digests of the task board in this channel',
  commons: 'Rules, ledger, profiles and the audit log',
};

/** Every Ostrom command as Discord chat-input commands (subcommands for the groups). */
export function discordCommands(): RESTPostAPIChatInputApplicationCommandsJSONBody[] {
  const out = new Map<string, RESTPostAPIChatInputApplicationCommandsJSONBody>();
  for (const name of commandNames) {
    const [group, sub] = name.split(' ') as [string, string | undefined];
    if (!sub) {
      out.set(group, {
        type: ApplicationCommandType.ChatInput,
        name: group,
        description: commands[name].summary.slice(0, 100),
        options: optionsOf(name),
        dm_permission: false,
      });
      continue;
    }
    const entry = out.get(group) ?? {
      type: ApplicationCommandType.ChatInput,
      name: group,
      description: groupSummary[group] ?? group,
      options: [],
      dm_permission: false,
    };
    const subcommand: APIApplicationCommandSubcommandOption = {
      type: ApplicationCommandOptionType.Subcommand,
      name: sub,
      description: commands[name].summary.slice(0, 100),
      options: optionsOf(name),
    };
    entry.options = [...(entry.options ?? []), subcommand];
    out.set(group, entry);
  }
  return [...out.values()];
}
