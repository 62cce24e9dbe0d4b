import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { placementOptions, type NamedProvider } from '../../../src/cli/placement-options.js';
import type { PlacementFlag } from '../../../src/index.js';
import { namedProvider } from '../../fakes/environs.js';

/** A provider that declares `flags` and applies none of them. */
function declaring(name: string, flags: PlacementFlag[]): NamedProvider {
  return { name, info: { ...namedProvider(name), placementFlags: { flags, apply: ({ config }) => ({ ok: true, config, placements: [] }) } } };
}

function bootstrapCommand(): Command {
  const program = new Command('envboot').option('--config <file>').exitOverride();
  program.command('bootstrap').option('--zone <zone>').option('--json').action(() => undefined);
  return program;
}

describe('placementOptions', () => {
  it('declares each provider’s flags once, keeps every value, and tells who takes each flag', async () => {
    const program = bootstrapCommand();
    const bootstrap = program.commands[0] as Command;
    const flags = placementOptions(bootstrap, 'bootstrap');
    const rack = declaring('acme', [{ name: 'rack', value: 'name', repeatable: true, help: 'a rack' }, { name: 'spot', help: { bootstrap: 'spot controller', 'add-machine': 'spot machines' } }]);
    flags.declare([rack, declaring('rival', [{ name: 'rack', value: 'id', help: 'a rival rack' }])]);
    flags.declare([rack]);
    assert.equal(bootstrap.options.filter((o) => o.long === '--rack').length, 1);
    assert.match(bootstrap.helpInformation(), /Provider flags:\n {2}--rack <name> +acme provider: a rack; rival provider: a rival rack\n {2}--spot +acme provider: spot controller/);
    await program.parseAsync(['bootstrap', '--rack', 'r1', '--spot', '--rack', 'r2', '--json'], { from: 'user' });
    const given = flags.given();
    assert.deepEqual(given.values, { rack: ['r1', 'r2'], spot: true });
    assert.deepEqual(given.takers, new Map([['rack', ['acme', 'rival']], ['spot', ['acme']]]));
    assert.deepEqual(given.clashes, new Map());
  });

  it('declares no flag a command or the program already has, nor one another provider declares the other way, and says why', async () => {
    const program = bootstrapCommand();
    const bootstrap = program.commands[0] as Command;
    const flags = placementOptions(bootstrap, 'bootstrap');
    flags.declare([declaring('acme', [{ name: 'spot', help: 's' }])]);
    flags.declare([declaring('odd', [{ name: 'zone', value: 'z', help: 'z' }, { name: 'config', value: 'c', help: 'c' }, { name: 'help', help: 'h' }, { name: 'spot', value: 'kind', help: 's' }, { name: 'fine', help: 'f' }])]);
    await program.parseAsync(['bootstrap', '--zone', 'a', '--fine'], { from: 'user' });
    const given = flags.given();
    assert.deepEqual(given.values, { fine: true }, '--zone stays bootstrap’s own');
    assert.deepEqual(given.clashes.get('odd'), [
      '--zone is already an option of "envboot bootstrap"',
      '--config is already an option of "envboot bootstrap"',
      '--help is already an option of "envboot bootstrap"',
      '--spot takes a value, which is a switch for the acme provider',
    ]);
  });
});
