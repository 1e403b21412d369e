/** The core's public face: adapters import from here only. */
export * from './shared/model.js';
export * from './shared/views.js';
export {
  Governance,
  type Inbound,
  type Outcome,
  type CommandEvent,
  type ReactionEvent,
  type ReactionsClearedEvent,
  type ReactionsSyncEvent,
  type CardRef,
  type BatchResult,
} from './governance.js';
export type { RawCommand, TypedCommand, NamedCommand } from './parse-command.js';
export { formOf, formCommand } from './forms.js';
export {
  commands,
  commandNames,
  groups,
  subcommandsOf,
  usage,
  isCommandName,
  type CommandInput,
  type CommandName,
} from './commands.js';
export type { OptionSpec, OptionKind } from './shared/command-options.js';
export type { UserErrorValue } from './shared/errors.js';
export { help } from './help.js';
export type { PlatformAdapter } from './adapter.js';
export type { Suggestion } from './platform.js';
export type { PresentReaction } from './reactions.js';
export { buttonCommand } from './buttons.js';
export { fitView } from './shared/view-limits.js';
export { voteOfEmoji, voteEmojiTable, cardVoteEmoji, type VoteEmoji } from './votes/vote-emoji.js';
