import type { ApplyPlacementFlagsResult, PlacementFlags, PlacementFlagValues, Problem } from '../../src/index.js';
import { parseHostSpec, publicKeyLine, type HostSpec } from '../../src/provider-config/index.js';
import type { ManualConfig } from './config.js';

// Loaded by the CLI's light descriptor: no SDK, no ssh2.

/**
 * The manual provider's flags: `--host` names the existing hosts (one machine each; the
 * placement directive `user@host:port`), `--identity`, `--host-key` and
 * `--accept-new-host-key` say how to log in to them and which key to trust, over the
 * config's `identity-file`, `host-keys` and `accept-new-host-key`.
 *
 * @example
 * manualPlacementFlags.apply({ command: 'add-machine', config, values: { host: ['ubuntu@203.0.113.8', 'ubuntu@203.0.113.9'] } });
 * // { ok: true, config, placements: ['ubuntu@203.0.113.8:22', 'ubuntu@203.0.113.9:22'] }
 */
export const manualPlacementFlags: PlacementFlags<ManualConfig> = {
  flags: [
    {
      name: 'host',
      value: 'user@host[:port]',
      repeatable: true,
      help: { bootstrap: 'the existing host to make the controller', 'add-machine': 'an existing host to enrol (repeat for several; one machine each)' },
      required: {
        bootstrap: 'the manual provider bootstraps onto an existing host: name it with --host user@host[:port]',
        'add-machine': 'the manual provider enrols existing hosts: name each with --host user@host[:port]',
      },
    },
    { name: 'identity', value: 'file', help: { bootstrap: 'the private key that logs in to the host', 'add-machine': 'the private key that logs in to the hosts' } },
    {
      name: 'host-key',
      value: 'key',
      help: { bootstrap: 'the host\'s public key ("ssh-ed25519 AAAA…"), pinned', 'add-machine': "the host's public key, pinned (with one --host)" },
    },
    {
      name: 'accept-new-host-key',
      help: {
        bootstrap: 'trust and pin the key the host presents, when nothing else knows it',
        'add-machine': 'trust and pin the key each host presents, when nothing else knows it',
      },
    },
  ],
  apply: ({ config, values }) => applyHostFlags(config, values),
};

function applyHostFlags(config: ManualConfig, values: PlacementFlagValues): ApplyPlacementFlagsResult<ManualConfig> {
  const problems: Problem[] = [];
  // `--host a,b` as well as `--host a --host b`, as add-machine's --host always took.
  const hosts = valuesOf(values['host']).flatMap((value) => value.split(','));
  const specs = hosts.flatMap((host): HostSpec[] => {
    try {
      return [parseHostSpec(host)];
    } catch (error) {
      problems.push({ path: '--host', message: error instanceof Error ? error.message : String(error) });
      return [];
    }
  });
  const [keyText] = valuesOf(values['host-key']);
  const hostKey = keyText === undefined ? undefined : publicKeyLine(keyText);
  if (keyText !== undefined && hosts.length !== 1) problems.push({ path: '', message: '--host-key pins the key of one host: give exactly one --host with it' });
  if (keyText !== undefined && hostKey === undefined) {
    problems.push({ path: '', message: '--host-key must be an OpenSSH public key line, e.g. "ssh-ed25519 AAAA…" (ssh-keyscan prints it after the host name)' });
  }
  if (problems.length > 0) return { ok: false, problems };
  const [identity] = valuesOf(values['identity']);
  const [first] = specs;
  const pinned = hostKey === undefined || first === undefined ? {} : { [`[${first.host}]:${first.port}`]: [hostKey] };
  return {
    ok: true,
    config: {
      ...config,
      ...(identity === undefined ? {} : { identityFile: identity }),
      hostKeys: { ...config.hostKeys, ...pinned },
      acceptNewHostKey: config.acceptNewHostKey || values['accept-new-host-key'] === true,
    },
    placements: specs.map((spec) => `${spec.user}@${spec.host.includes(':') ? `[${spec.host}]` : spec.host}:${spec.port}`),
  };
}

function valuesOf(given: readonly string[] | true | undefined): readonly string[] {
  return given === undefined || given === true ? [] : given;
}
