/**
 * sudo as Save as Root uses it, for every root action the user chose: first without a password
 * (a NOPASSWD rule, or a sudo timestamp still valid), then with the password asked in a password
 * box, again after a wrong one, until sudo takes it or the user presses Escape. The password goes
 * to sudo's standard input only.
 */

import { window } from 'vscode';

/** `attempt(undefined)` first; on 'password-required', asks and retries; undefined when the user gave up. */
export async function withSudoPassword<Outcome extends { readonly kind: string }>(
  title: string,
  prompt: (retry: boolean) => string,
  attempt: (password?: string) => Promise<Outcome>,
): Promise<Outcome | undefined> {
  const first = await attempt();
  if (first.kind !== 'password-required') return first;
  for (let retry = false; ; retry = true) {
    const password = await window.showInputBox({ title, prompt: prompt(retry), password: true, ignoreFocusOut: true });
    if (password === undefined) return undefined;
    const outcome = await attempt(password);
    if (outcome.kind !== 'wrong-password') return outcome;
  }
}
