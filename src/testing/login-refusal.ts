import { shellQuote } from '../../cloudinit/index.js';

/**
 * The forced command cloud-init puts on root's authorized keys when `disable_root` is on
 * (the default on every cloud image): a message naming the default user, a pause, exit
 * 142. Test hosts that behave like a cloud image run it for every root session.
 */
export function loginRefusal(defaultUser: string, pauseSeconds = 10): string {
  const message = `Please login as the user "${defaultUser}" rather than the user "root".`;
  return `echo ${shellQuote(message)}; echo; sleep ${pauseSeconds}; exit 142`;
}
