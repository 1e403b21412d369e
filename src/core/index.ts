/** The core's public face: adapters import from here only. */
export * from './model.js';
export * from './views.js';
export {
  Governance,
  type Inbound,
  type Outcome,
  type CommandEvent,
  type ReactionEvent,
  type ReactionsClearedEvent,
  type ReactionsSyncEvent,
  type CardRef,
} from './governance.js';
export { parseCommandLine, readCommandLine, tokenize, type CommandLine } from './grammar.js';
export { formOf, formCommand } from './forms.js';
export {
  commands,
  commandNames,
  groups,
  subcommandsOf,
  usage,
  validateCommand,
  isCommandName,
  type CommandInput,
  type CommandName,
} from './commands.js';
export type { OptionSpec, OptionKind } from './command-options.js';
export { UserError, type UserErrorValue } from './errors.js';
export { help } from './help.js';
export type { PlatformAdapter } from './adapter.js';
export type { Suggestion } from './platform-queries.js';
export type { PresentReaction } from './reactions.js';
export { buttonCommand } from './buttons.js';
export { fitView } from './view-limits.js';
export { voteOfEmoji, voteEmojiTable, cardVoteEmoji, type VoteEmoji } from './vote-emoji.js';
