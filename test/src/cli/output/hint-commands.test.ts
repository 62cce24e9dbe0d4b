import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { hintNamer } from '../../../../src/cli/output/hint-commands.js';

const commands = ['bootstrap', 'status', 'exec', 'ssh', 'add-machine', 'remove-machine', 'destroy', 'environments', 'help'];

describe('hintNamer: suggested commands name this envboot', () => {
  it('leaves every message as it is when envboot on the PATH is this one', () => {
    const name = hintNamer({ programName: 'envboot', commands });
    const text = 'Next: envboot status demo | envboot destroy demo';
    assert.equal(name(text), text);
  });

  const rename = hintNamer({ programName: '/srv/envboot/bin/envboot', commands });
  const cases: readonly [string, string, string][] = [
    ['a Next: line', 'Next: envboot status demo | envboot ssh demo 0', 'Next: /srv/envboot/bin/envboot status demo | /srv/envboot/bin/envboot ssh demo 0'],
    ['a quoted suggestion', 'run "envboot destroy demo --yes" first', 'run "/srv/envboot/bin/envboot destroy demo --yes" first'],
    ['a suggestion in backticks', 'see `envboot help bootstrap`', 'see `/srv/envboot/bin/envboot help bootstrap`'],
    ['a help example', '  $ envboot add-machine demo -n 3', '  $ /srv/envboot/bin/envboot add-machine demo -n 3'],
    ['--help', 'envboot --help lists them', '/srv/envboot/bin/envboot --help lists them'],
    ['the longer of two commands sharing a prefix', 'envboot remove-machine demo 2', '/srv/envboot/bin/envboot remove-machine demo 2'],
  ];
  for (const [what, text, expected] of cases) {
    it(`rewrites ${what}`, () => {
      assert.equal(rename(text), expected);
    });
  }

  const untouched: readonly [string, string][] = [
    ['prose about envboot', 'envboot keeps no machine\'s cloud-config; envboot can say so'],
    ['a tag name', 'the tag envboot-environment-uuid'],
    ['a path ending in envboot', 'the file /var/lib/envboot status'],
    ['a word that only starts with a command', 'envboot statuses'],
    ['a command this program does not have', 'envboot attach demo'],
    ['envboot inside another word', 'myenvboot status'],
  ];
  for (const [what, text] of untouched) {
    it(`leaves ${what} alone`, () => {
      assert.equal(rename(text), text);
    });
  }

  it('puts a quoted name in as it is, $ and all, and never renames its own result again', () => {
    const quoted = hintNamer({ programName: "'/home/me/my $tools/bin/envboot'", commands });
    const once = quoted('Next: envboot status demo');
    assert.equal(once, "Next: '/home/me/my $tools/bin/envboot' status demo");
    assert.equal(quoted(once), once);
    const node = hintNamer({ programName: 'node /srv/envboot/dist/src/cli/main.js', commands });
    assert.equal(node('envboot exec demo 0 -- uname'), 'node /srv/envboot/dist/src/cli/main.js exec demo 0 -- uname');
  });

  it('renames nothing without a command list', () => {
    assert.equal(hintNamer({ programName: './bin/envboot', commands: [] })('envboot status'), 'envboot status');
  });
});
