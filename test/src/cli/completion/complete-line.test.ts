import assert from 'node:assert/strict';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { before, describe, it } from 'node:test';
import { Argument, Command, Option } from 'commander';
import type { CompletionReply } from '../../../../src/cli/completion/candidate.js';
import { completeLine } from '../../../../src/cli/completion/complete-line.js';
import type { CliIo } from '../../../../src/cli/context.js';
import { buildProgram } from '../../../../src/cli/program.js';
import { newEnvironmentRecord, writeEnvironmentRecord } from '../../../../src/cli/records/environment-record.js';
import { writeMachineCache } from '../../../../src/cli/records/machine-cache.js';
import { tempDir } from '../../../helpers/temp-dir.js';

const io: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: {}, process };

/** The words a reply offers, or `files`/`dirs` when it leaves them to the shell. */
function offered(reply: CompletionReply): string[] | 'files' | 'dirs' {
  return reply.kind === 'words' ? reply.candidates.map((c) => c.value) : reply.kind;
}

/**
 * A program shaped like envboot's, with the things a command added later may use:
 * aliases, a hidden command, choices, an optional-value flag, a variadic machine list, a
 * value only its help says may be a file.
 */
function sampleProgram(): Command {
  const program = new Command('tool').option('--config <file>', 'the config').option('--debug', 'debug log').version('1', '-V, --version');
  program.command('copy').alias('cp').summary('copy things').argument('<env>').argument('<paths...>');
  program.command('secret', { hidden: true }).argument('<env>');
  program
    .command('tail')
    .summary('follow a log')
    .argument('<environment>')
    .argument('[machine-ids...]')
    .addOption(new Option('--format <format>', 'output format').choices(['json', 'ansible']))
    .option('--color [when]', 'colour the output')
    .option('-q, --quiet', 'say less')
    .option('-n, --lines <n>', 'how many lines')
    .option('--key <key-or-file>', 'a key line or a file of them')
    .option('--into <dir>', 'a directory');
  program.command('say').addArgument(new Argument('<shell>').choices(['bash', 'zsh']));
  program
    .command('grant')
    .argument('<env>')
    .argument('<key>', 'the key line, or a .pub file holding it')
    .option('--note <text>', 'a note, as environments.yaml writes it');
  return program;
}

// Made once for the file (removed when its tests end): the tests only read it.
const home = await tempDir('envboot-complete-line-');
const env: NodeJS.ProcessEnv = { ENVBOOT_HOME: home, HOME: home };

describe('completeLine', () => {
  before(async () => {
    await writeFile(path.join(home, 'environments.yaml'), 'default-environment: prod\nenvironments:\n  prod: { provider: ec2 }\n  "No Good": {}\n');
    const demo = path.join(home, 'data', 'environments', 'demo');
    await writeEnvironmentRecord(demo, newEnvironmentRecord({ name: 'demo', provider: 'local' }));
    await writeMachineCache(demo, [
      { id: '0', instanceId: 'local-a', status: 'running', addresses: [] },
      { id: '1', instanceId: 'local-b', addresses: [] },
    ]);
    await mkdir(path.join(home, 'data', 'environments', 'empty'));
    await writeFile(path.join(home, 'broken.yaml'), 'environments: [\n');
  });

  const complete = async (program: Command, ...words: string[]) => offered(await completeLine({ program, words, env }));

  it('reads lines of a program by its definition alone (table)', async () => {
    const cases: [string[], ReturnType<typeof offered>][] = [
      [['tool', ''], ['copy', 'cp', 'tail', 'say', 'grant', 'help']],
      [['tool', '--debug', 'c'], ['copy', 'cp', 'tail', 'say', 'grant', 'help']],
      [['tool', '-'], ['--config', '--debug', '--version', '-V', '--help', '-h']],
      [['tool', 'cp', 'demo', ''], 'files'],
      [['tool', 'copy', ''], ['demo', 'prod']],
      [['tool', 'secret', ''], ['demo', 'prod']],
      [['tool', 'nosuch', ''], []],
      [['tool', 'tail', '--format', ''], ['json', 'ansible']],
      [['tool', 'tail', '--format=a'], ['json', 'ansible']],
      [['tool', 'tail', '--key', ''], 'files'],
      [['tool', 'tail', '--into', ''], 'dirs'],
      [['tool', 'tail', '--config', ''], 'files'],
      [['tool', 'tail', '-n', ''], []],
      [['tool', 'tail', '-n', '5', ''], ['demo', 'prod']],
      [['tool', 'tail', '-n5', 'demo', ''], ['0', '1']],
      [['tool', 'tail', '--color', 'demo', ''], ['demo', 'prod']],
      [['tool', 'tail', 'demo', '0', ''], ['1']],
      [['tool', 'tail', 'demo', '--', '--quiet', ''], ['0', '1']],
      [['tool', 'say', ''], ['bash', 'zsh']],
      [['tool', 'say', 'bash', ''], ['--help', '--config', '--debug']],
      [['tool', 'tail', '-q', '--'], ['--format', '--color', '--lines', '--key', '--into', '--help', '--config', '--debug']],
      [['tool', 'tail', 'nosuch', ''], []],
      [['tool', 'tail', 'empty', ''], []],
      [['tool', 'tail', '../demo', ''], []],
      [['tool', '--config', path.join(home, 'broken.yaml'), 'copy', ''], ['demo']],
      [['tool', '--config', '=', 'x'], 'files'],
      [['tool', 'grant', 'demo', ''], 'files'],
      [['tool', 'grant', 'demo', '--note', ''], []],
    ];
    for (const [words, expected] of cases) assert.deepEqual(await complete(sampleProgram(), ...words), expected, words.join(' '));
  });

  it("describes commands by their summary, environments by their provider, machines by what the cache says", async () => {
    const commands = await completeLine({ program: sampleProgram(), words: ['tool', 'co'], env });
    assert.deepEqual(commands.kind === 'words' ? commands.candidates[0] : undefined, { value: 'copy', description: 'copy things' });
    const environments = await completeLine({ program: sampleProgram(), words: ['tool', 'copy', ''], env });
    assert.deepEqual(environments, { kind: 'words', candidates: [{ value: 'demo', description: 'local' }, { value: 'prod', description: 'ec2, default' }] });
    const machines = await completeLine({ program: sampleProgram(), words: ['tool', 'tail', 'demo', ''], env });
    assert.deepEqual(machines, { kind: 'words', candidates: [{ value: '0', description: 'controller local-a running' }, { value: '1', description: 'local-b' }] });
  });

  it("covers envboot's own commands, their flags, the provider flags and values", async () => {
    const program = () => buildProgram({ io, version: '0', run: { exitCode: 0 } });
    const has = async (words: string[], expected: string[]) => {
      const got = await complete(program(), ...words);
      assert.ok(Array.isArray(got) && expected.every((word) => got.includes(word)), `${words.join(' ')}: ${String(got)}`);
      return got;
    };
    await has(['envboot', ''], ['bootstrap', 'status', 'exec', 'completion', 'help']);
    assert.ok(!(await has(['envboot', ''], [])).includes('__complete'), 'the hidden command is not offered');
    await has(['envboot', 'bootstrap', '--'], ['--dry-run', '--cloud-config', '--config', '--log-file', '--host', '--identity', '--spot']);
    await has(['envboot', 'bootstrap', '--provider', ''], ['local', 'ec2', 'manual', 'qemu']);
    await has(['envboot', 'help', ''], ['bootstrap', 'status']);
    await has(['envboot', 'status', ''], ['demo', 'prod']);
    await has(['envboot', 'providers', '--check', ''], ['demo', 'prod']);
    await has(['envboot', 'add-machine', '-n', '2', ''], ['demo', 'prod']);
    await has(['envboot', 'exec', 'demo', ''], ['0', '1']);
    await has(['envboot', 'configure', 'demo', '0', ''], ['1']);
    assert.deepEqual(await complete(program(), 'envboot', 'bootstrap', '--identity', ''), 'files', "the manual provider's --identity takes a file");
    assert.deepEqual(await complete(program(), 'envboot', 'bootstrap', '--cloud-config=c'), 'files');
    assert.deepEqual(await complete(program(), 'envboot', 'logs', 'demo', '--output', ''), 'dirs');
    assert.deepEqual(await complete(program(), 'envboot', 'exec', 'demo', '0', '--', ''), []);
    assert.deepEqual(await complete(program(), 'envboot', 'completion', ''), ['bash', 'zsh', 'fish']);
    const switches = await complete(program(), 'envboot', 'destroy', 'demo', '--yes', '--');
    assert.ok(Array.isArray(switches) && switches.includes('--json') && !switches.includes('--yes'), 'a switch given is not offered again');
  });
});
