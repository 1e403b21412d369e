/** Card buttons do what commands do: a button id such as `task.claim:12` names one command. */
import { validateCommand, type CommandInput } from './commands.js';

/** The command a button stands for, or undefined for an id Ostrom did not make. */
export function buttonCommand(id: string): CommandInput | undefined {
  const m = /^([a-z]+)\.([a-z]+):(\d+)$/.exec(id);
  if (!m) return undefined;
  const [, kind, action, n] = m as unknown as [string, string, string, string];
  const number = Number(n);
  switch (`${kind}.${action}`) {
    case 'task.claim':
      return validateCommand('task claim', { task: number });
    case 'task.submit':
      return validateCommand('task submit', { task: number });
    case 'review.approve':
    case 'review.object':
      return validateCommand('review', { task: number, verdict: action });
    case 'vote.yes':
    case 'vote.no':
    case 'vote.abstain':
      return validateCommand('vote', { proposal: number, choice: action });
    default:
      return undefined;
  }
}
