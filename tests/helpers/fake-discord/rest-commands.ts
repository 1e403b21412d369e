/** REST route for registering application commands (global and per guild), with Discord-like validation. */
import { ApplicationCommandType } from 'discord-api-types/v10';
import type { APIApplicationCommand, RESTPostAPIApplicationCommandsJSONBody } from 'discord-api-types/v10';
import { apiError, json, Router } from './http.js';
import { invalidForm, type RestContext } from './rest-messages.js';

export function registerCommandRoutes(router: Router, ctx: RestContext): void {
  const { store } = ctx;

  // ---------- application commands ----------

  const validateCommand = (
    cmd: RESTPostAPIApplicationCommandsJSONBody,
    index: number,
  ): object | undefined => {
    const type = cmd.type ?? ApplicationCommandType.ChatInput;
    const nameOk =
      typeof cmd.name === 'string' &&
      cmd.name.length >= 1 &&
      cmd.name.length <= 32 &&
      (type !== ApplicationCommandType.ChatInput ||
        (/^[-_\p{L}\p{N}]+$/u.test(cmd.name) && cmd.name === cmd.name.toLowerCase()));
    const errors: Record<string, unknown> = {};
    if (!nameOk)
      errors['name'] = {
        _errors: [{ code: 'APPLICATION_COMMAND_INVALID_NAME', message: 'Command name is invalid' }],
      };
    if (type === ApplicationCommandType.ChatInput) {
      const description = 'description' in cmd ? cmd.description : undefined;
      if (typeof description !== 'string' || description.length < 1 || description.length > 100) {
        errors['description'] = {
          _errors: [{ code: 'BASE_TYPE_BAD_LENGTH', message: 'Must be between 1 and 100 in length.' }],
        };
      }
      const options = ('options' in cmd ? cmd.options : undefined) ?? [];
      if (options.length > 25)
        errors['options'] = {
          _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 25 or fewer in length.' }],
        };
    }
    return Object.keys(errors).length > 0 ? { [index]: errors } : undefined;
  };

  const toCommand = (
    body: RESTPostAPIApplicationCommandsJSONBody,
    guildId: string | undefined,
    previous: APIApplicationCommand[],
  ): APIApplicationCommand => {
    const type = body.type ?? ApplicationCommandType.ChatInput;
    const same = previous.find((c) => c.name === body.name && c.type === type);
    const command = {
      ...(body as object),
      id: same?.id ?? store.ids.next(),
      application_id: store.applicationId,
      version: store.ids.next(),
      type,
      description: 'description' in body && typeof body.description === 'string' ? body.description : '',
      default_member_permissions: body.default_member_permissions ?? null,
      nsfw: body.nsfw ?? false,
    } as APIApplicationCommand;
    if (guildId !== undefined) command.guild_id = guildId;
    return command;
  };

  const commandsOf = (guildId: string | undefined) =>
    guildId === undefined ? store.globalCommands : (store.guildCommands.get(guildId) ?? []);
  const setCommandsOf = (guildId: string | undefined, list: APIApplicationCommand[]) => {
    if (guildId === undefined) store.globalCommands = list;
    else store.guildCommands.set(guildId, list);
  };
  const checkApp = (p: Record<string, string>) =>
    p['applicationId'] === store.applicationId
      ? undefined
      : apiError(403, 20012, 'You are not authorized to perform this action on this application');
  const checkGuild = (p: Record<string, string>) =>
    p['guildId'] !== undefined && !store.guilds.has(p['guildId'])
      ? apiError(403, 50001, 'Missing Access')
      : undefined;

  // Bulk overwrite, as Ostrom registers: globally, or in one guild (instant).
  for (const route of [
    '/applications/:applicationId/commands',
    '/applications/:applicationId/guilds/:guildId/commands',
  ]) {
    router.on('PUT', route, (req, p) => {
      const denied = checkApp(p) ?? checkGuild(p);
      if (denied) return denied;
      if (!Array.isArray(req.body))
        return invalidForm({ _errors: [{ code: 'BASE_TYPE_ARRAY', message: 'Must be an array.' }] });
      const bodies = req.body as RESTPostAPIApplicationCommandsJSONBody[];
      const errors = Object.assign({}, ...bodies.map((b, i) => validateCommand(b, i) ?? {})) as object;
      if (Object.keys(errors).length > 0) return invalidForm(errors);
      const previous = commandsOf(p['guildId']);
      const list = bodies.map((b) => toCommand(b, p['guildId'], previous));
      setCommandsOf(p['guildId'], list);
      return json(list);
    });
  }
}
