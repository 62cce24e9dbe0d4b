import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { configKeyword, parseSshPassthrough } from '../../../../src/cli/openssh/ssh-passthrough.js';
import { requireTool } from '../../../helpers/require-tool.js';

/** `rest` as commander leaves it and `rawArgs` as typed, for `envboot ssh demo 0 …words`. */
function typed(words: readonly string[], rest: readonly string[] = words): { rest: readonly string[]; rawArgs: readonly string[] } {
  return { rest, rawArgs: ['ssh', 'demo', '0', ...words] };
}

describe('ssh options and the command after the machine', () => {
  it('reads options until "--" or the first word that is not one, as ssh does', () => {
    const cases: [readonly string[], readonly string[], readonly string[]][] = [
      [[], [], []],
      [['-L', '8080:localhost:80', '-N'], ['-L', '8080:localhost:80', '-N'], []],
      [['-NL8080:localhost:80'], ['-NL8080:localhost:80'], []],
      [['-o', 'ServerAliveInterval=30', '-tt', 'top', '-d', '1'], ['-o', 'ServerAliveInterval=30', '-tt'], ['top', '-d', '1']],
      [['-oConnectTimeout=5', '-vvv', '-A', '-D', '1080', '-R', '9000:localhost:9000', 'uptime'], ['-oConnectTimeout=5', '-vvv', '-A', '-D', '1080', '-R', '9000:localhost:9000'], ['uptime']],
      [['uptime'], [], ['uptime']],
    ];
    for (const [words, options, command] of cases) {
      assert.deepEqual(parseSshPassthrough(typed(words)), { options, command }, words.join(' '));
    }
  });

  it('takes everything after the first "--" as the command, word for word, whether or not the parser kept the "--"', () => {
    // commander drops a "--" that no unknown option came before, and keeps it after one.
    assert.deepEqual(parseSshPassthrough(typed(['--', 'ls', '-h', '--', 'x'], ['ls', '-h', '--', 'x'])), { options: [], command: ['ls', '-h', '--', 'x'] });
    assert.deepEqual(parseSshPassthrough(typed(['-t', '--', '-v', '--debug'])), { options: ['-t'], command: ['-v', '--debug'] });
    assert.deepEqual(parseSshPassthrough(typed(['-L', '1:x:2', '--'])), { options: ['-L', '1:x:2'], command: [] });
    assert.throws(() => parseSshPassthrough(typed(['-t', 'top', '--', 'x'])), /"top" comes before "--": ssh options go after the machine and before "--"/);
  });

  it('refuses options that would loosen the pinned host key or replace the route, naming them and why', () => {
    const refused: [readonly string[], RegExp][] = [
      [['-o', 'StrictHostKeyChecking=no'], /-o StrictHostKeyChecking=no is refused: envboot pins the machine's host key/],
      [['-ostricthostkeychecking no'], /-o stricthostkeychecking no is refused/],
      [['-o', 'UserKnownHostsFile=/dev/null'], /UserKnownHostsFile=\/dev\/null is refused: envboot pins/],
      [['-o', 'GlobalKnownHostsFile /etc/ssh/other'], /GlobalKnownHostsFile \/etc\/ssh\/other is refused/],
      [['-o', 'HostKeyAlias = other'], /HostKeyAlias = other is refused/],
      [['-o', 'KnownHostsCommand=/bin/cat'], /KnownHostsCommand=\/bin\/cat is refused/],
      [['-o', 'UpdateHostKeys=yes'], /nothing may rewrite it/],
      [['-o', 'VerifyHostKeyDNS=yes'], /a DNS record must not vouch for another key/],
      [['-o', 'ProxyCommand=nc %h %p'], /ProxyCommand=nc %h %p is refused: envboot reaches the machine directly or through the environment's jump host/],
      [['-o', 'ProxyJump=bastion'], /ProxyJump=bastion is refused/],
      [['-J', 'me@bastion'], /-J me@bastion is refused: envboot reaches the machine/],
      [['-Jbastion'], /-J bastion is refused/],
      [['-F', '/tmp/config'], /-F \/tmp\/config is refused: another config file could replace the pinned known_hosts or the route/],
      [['-vF/tmp/config'], /-F \/tmp\/config is refused/],
      [['-S', '/tmp/master'], /-S \/tmp\/master is refused: a connection shared through a control socket/],
      [['-o', 'ControlPath=/tmp/%C'], /ControlPath=\/tmp\/%C is refused/],
      // Spellings OpenSSH reads as the same keyword: quoted (in part), or after a blank or "=".
      [['-o', '"ControlPath"/tmp/x'], /-o "ControlPath"\/tmp\/x is refused: a connection shared through a control socket/],
      [['-o', 'Control"Path" /tmp/x'], /is refused: a connection shared/],
      [['-o', ' = ControlPath /tmp/x'], /is refused: a connection shared/],
      [['-o="VerifyHostKeyDNS" yes'], /is refused: .*a DNS record must not vouch/],
      [['-o', '"KnownHostsCommand" /bin/cat'], /is refused: envboot pins/],
    ];
    for (const [words, says] of refused) {
      assert.throws(() => parseSshPassthrough(typed(words)), (error: Error & { code?: string }) => says.test(error.message) && error.code === 'CONFIG_INVALID' && /envboot ssh-config ENV/.test(error.message), words.join(' '));
    }
  });

  it('reads a -o keyword as OpenSSH does, which the real ssh confirms', (t) => {
    const cases: [string, string][] = [
      ['ServerAliveInterval=30', 'serveraliveinterval'],
      ['"ControlPath"/tmp/x', 'controlpath'],
      ['Control"Path" /tmp/x', 'controlpath'],
      [' = ControlPath /tmp/x', 'controlpath'],
      ['="ControlPath" /tmp/x', 'controlpath'],
      ['  ControlPath /tmp/x', 'controlpath'],
      ['"Control Path" /tmp/x', 'control path'],
    ];
    for (const [setting, keyword] of cases) assert.equal(configKeyword(setting), keyword, setting);
    const ssh = requireTool(t, 'ssh', 'ssh -G reads the settings back');
    if (ssh === undefined) return;
    for (const [setting, keyword] of cases.filter(([, k]) => k === 'controlpath')) {
      const seen = execFileSync(ssh, ['-G', '-F', '/dev/null', '-o', setting, 'example.invalid'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      assert.match(seen, /^controlpath \/tmp\/x$/m, `ssh reads "${setting}" as ${keyword}`);
    }
  });

  it('refuses options ssh does not have and options without their value', () => {
    assert.throws(() => parseSshPassthrough(typed(['-Z'])), /ssh has no option -Z \(in "-Z"\)/);
    assert.throws(() => parseSshPassthrough(typed(['-tZ'])), /ssh has no option -Z \(in "-tZ"\)/);
    assert.throws(() => parseSshPassthrough(typed(['--verbose'])), /ssh has no option --verbose: its options are single letters/);
    assert.throws(() => parseSshPassthrough(typed(['-L'])), /ssh's option -L needs a value/);
    assert.throws(() => parseSshPassthrough(typed(['-o'])), /-o ServerAliveInterval=30/);
  });
});
