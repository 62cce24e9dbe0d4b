import type { CommandResult } from '../command-result.js';

/** What `envboot attach` found and wrote, for its outcome. */
export interface AttachView {
  readonly name: string;
  readonly provider: string;
  readonly uuid: string;
  /** Where provider-state was found. */
  readonly location: string;
  /** This client knew the environment already (attached before, or bootstrapped it). */
  readonly again: boolean;
  /** This client bootstrapped it: its record was kept as it was. */
  readonly bootstrappedHere: boolean;
  readonly machines: readonly string[];
  readonly keyFile: string;
  readonly knownHosts: string;
  /** This client's public key line: the only half that leaves it. */
  readonly publicKey: string;
  /** provider-state lists this client's key (or this client bootstrapped the environment). */
  readonly authorized: boolean;
  /** The `envboot authorize` command line an authorized operator runs for this client. */
  readonly authorize: string;
}

/**
 * The outcome of `attach`: what was registered, this client's public key, and either
 * that it is authorized or the exact command that authorizes it. JSON carries the same.
 */
export function attachOutcome(view: AttachView): CommandResult {
  const json = {
    environment: { name: view.name, uuid: view.uuid, provider: view.provider },
    providerState: view.location,
    refreshed: view.again,
    machines: view.machines,
    clientKey: { file: view.keyFile, publicKey: view.publicKey },
    knownHosts: view.knownHosts,
    authorized: view.authorized,
    authorizeCommand: view.authorized ? null : view.authorize,
  };
  const machines = view.machines.length === 0 ? 'none yet' : `${view.machines.length} (${view.machines.join(', ')})`;
  const verb = view.bootstrappedHere ? 'Refreshed (bootstrapped from this client)' : view.again ? 'Attached again' : 'Attached';
  const lines = [
    `${verb}: ${view.name} (provider ${view.provider}, UUID ${view.uuid})`,
    `provider-state: ${view.location}`,
    `Machines:       ${machines}; host keys pinned from provider-state in ${view.knownHosts}`,
    `Client key:     ${view.keyFile} (public half: ${view.keyFile}.pub)`,
    '',
    ...(view.authorized
      ? [`This client's key is authorized: "envboot exec ${view.name} 0 -- hostname" reaches the controller.`]
      : [
          "This client's key is not authorized on the machines yet. An operator whose client is authorized runs:",
          `  ${view.authorize}`,
          `Then "envboot exec ${view.name} 0 -- hostname" reaches the controller. The private key stays here.`,
        ]),
  ];
  return { outcome: { json, text: lines.join('\n') } };
}
