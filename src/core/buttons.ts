/** Card buttons do what commands do: a button id such as `task.claim:12` names one command. */
import type { NamedCommand } from './parse-command.js';

/** The raw command a button stands for (`handle` checks it), or undefined for an id Ostrom did not make. */
export function buttonCommand(id: string): NamedCommand | undefined {
  const m = /^([a-z]+)\.([a-z]+):(\d+)$/.exec(id);
  if (!m) return undefined;
  const [, kind, action, n] = m as unknown as [string, string, string, string];
  const number = Number(n);
  switch (`${kind}.${action}`) {
    case 'task.claim':
      return { name: 'task claim', options: { task: number } };
    case 'task.submit':
      return { name: 'task submit', options: { task: number } };
    case 'review.approve':
    case 'review.object':
      return { name: 'review', options: { task: number, verdict: action } };
    case 'vote.yes':
    case 'vote.no':
    case 'vote.abstain':
      return { name: 'vote', options: { proposal: number, choice: action } };
    default:
      return undefined;
  }
}
