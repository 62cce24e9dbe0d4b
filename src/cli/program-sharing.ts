import type { Command } from 'commander';
import { helpText } from './help-text.js';
import type { JsonOption } from './option-parsers.js';
import type { Execute } from './program.js';

/** The commands that share an environment between clients: attach, authorize, revoke, rotate-client-key, clients. */
export function defineSharingCommands(program: Command, execute: Execute): void {
  program
    .command('attach')
    .summary('register an environment another client bootstrapped, with a new client key of its own')
    .argument('<env>', 'environment name, as the client that bootstrapped it named it')
    .option('--provider <name>', 'the provider it lives on (not needed when environments.yaml defines it)')
    .option('--region <region>', "the provider's region option (ec2: where its machines are)")
    .option('--bucket <bucket>', "the provider's bucket option (ec2: the S3 bucket of its provider-state)")
    .option('--prefix <prefix>', "the provider's prefix option (ec2: the key prefix in the bucket, e.g. team/)")
    .option('--option <key=value>', 'any other provider option, as environments.yaml writes it, e.g. profile=ops (repeat)', (value: string, previous: string[] | undefined) => [
      ...(previous ?? []),
      value,
    ])
    .option('--data-dir <dir>', 'local, qemu, manual: the environment directory of the client that bootstrapped it, on this host')
    .option('--label <label>', "the comment of this client's new key, what authorize lists it as (default: user@host)")
    .option('--json', 'the outcome as one JSON result line')
    .addHelpText('after', helpText.attach)
    .action((env: string, options: AttachOptions, command: Command) =>
      execute('attach', command, options.json === true, async (context) => {
        const { runAttach } = await import('./commands/attach.js');
        return runAttach(context, {
          environment: env,
          provider: options.provider,
          region: options.region,
          bucket: options.bucket,
          prefix: options.prefix,
          option: options.option,
          dataDir: options.dataDir,
          label: options.label,
        });
      }),
    );

  program
    .command('authorize')
    .summary("let another client's public key log in to every machine of the environment")
    .argument('<env>', 'environment name')
    .argument('<key>', 'the public key line ("ssh-ed25519 AAAA… comment", quoted), or a .pub file holding it')
    .option('--label <name>', "what the key is listed as (default: the key's comment)")
    .option('--json', 'the outcome as one JSON result line')
    .addHelpText('after', helpText.authorize)
    .action((env: string, key: string, options: AuthorizeOptions, command: Command) =>
      execute('authorize', command, options.json === true, async (context) => {
        const { runAuthorize } = await import('./commands/authorize.js');
        return runAuthorize(context, { environment: env, key, label: options.label });
      }),
    );

  program
    .command('revoke')
    .summary("take a client's key off every machine of the environment")
    .argument('<env>', 'environment name')
    .argument('<key>', 'the key: its line or .pub file, its fingerprint (SHA256:…), or its label')
    .option('--json', 'the outcome as one JSON result line')
    .addHelpText('after', helpText.revoke)
    .action((env: string, key: string, options: JsonOption, command: Command) =>
      execute('revoke', command, options.json === true, async (context) => {
        const { runRevoke } = await import('./commands/revoke.js');
        return runRevoke(context, { environment: env, key });
      }),
    );

  program
    .command('rotate-client-key')
    .summary("replace this client's key for the environment on every machine")
    .argument('<env>', 'environment name')
    .option('--undo', 'take back the new key of a rotation that stopped before switching keys')
    .option('--json', 'the outcome as one JSON result line')
    .addHelpText('after', helpText.rotateClientKey)
    .action((env: string, options: RotateOptions, command: Command) =>
      execute('rotate-client-key', command, options.json === true, async (context) => {
        const { runRotateClientKey } = await import('./commands/rotate-client-key.js');
        return runRotateClientKey(context, { environment: env, undo: options.undo });
      }),
    );

  program
    .command('clients')
    .summary('list the client keys authorized for the environment, with fingerprints')
    .argument('<env>', 'environment name')
    .option('--json', 'the list as one JSON result line')
    .addHelpText('after', helpText.clients)
    .action((env: string, options: JsonOption, command: Command) =>
      execute('clients', command, options.json === true, async (context) => {
        const { runClients } = await import('./commands/clients.js');
        return runClients(context, { environment: env });
      }),
    );
}

interface AttachOptions extends JsonOption {
  readonly provider?: string;
  readonly region?: string;
  readonly bucket?: string;
  readonly prefix?: string;
  readonly option?: string[];
  readonly dataDir?: string;
  readonly label?: string;
}

interface AuthorizeOptions extends JsonOption {
  readonly label?: string;
}

interface RotateOptions extends JsonOption {
  readonly undo?: boolean;
}
