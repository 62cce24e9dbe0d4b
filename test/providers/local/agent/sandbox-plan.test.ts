import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMountOp, planMounts } from '../../../../providers/local/agent/sandbox-plan.js';

describe('planMounts', () => {
  const everywhere = (): boolean => true;
  const ops = (fsDir: string, hide?: string[]): string[] => planMounts({ fsDir, hide, isDirectory: everywhere }).map(formatMountOp);

  it('gives a machine a view of the environment\'s snapshot of /etc, a /var skeleton, views of /usr/local, /opt and /srv, and its own /home, /root, /tmp, /run and /dev', () => {
    assert.deepEqual(ops('/data/m/fs'), [
      'snapshot,copy:0755:/etc',
      'var:0755:/var',
      'overlay,own:0755:/usr/local',
      'overlay,own:0755:/opt',
      'overlay,own:0755:/srv',
      'own:0755:/home',
      'own:0700:/root',
      'own:1777:/tmp',
      'tmpfs:0755:/run',
      'dev:0755:/dev',
      'tmpfs:1777:/dev/shm',
      'devpts:0620:/dev/pts',
    ]);
  });

  it('mounts the directory that contains the machine last, never as an overlay', () => {
    assert.deepEqual(ops('/srv/envboot/m/fs').slice(-1), ['own:0755:/srv']);
    assert.deepEqual(ops('/home/u/.local/share/envboot/m/fs').slice(-1), ['own:0755:/home']);
    assert.deepEqual(ops('/tmp/x/m/fs').slice(-1), ['own:1777:/tmp']);
    assert.deepEqual(ops('/run/user/1000/envboot/m/fs').slice(-1), ['tmpfs:0755:/run']);
    assert.deepEqual(ops('/var/lib/envboot/m/fs').slice(-1), ['var:0755:/var']);
  });

  it('hides the client directories after everything else, each once', () => {
    const planned = ops('/srv/envboot/m/fs', ['/srv/envboot', '/etc/envboot', '/srv/envboot']);
    assert.deepEqual(planned.slice(-3), ['own:0755:/srv', 'hide:0755:/srv/envboot', 'hide:0755:/etc/envboot']);
  });

  it('avoids overlays for a path overlayfs options cannot carry, and skips directories the host lacks', () => {
    assert.ok(ops('/data/a,b/fs').every((op) => !op.startsWith('overlay') && !op.startsWith('snapshot')));
    const noSrv = planMounts({ fsDir: '/data/fs', isDirectory: (dir) => dir !== '/srv' }).map((op) => op.target);
    assert.ok(!noSrv.includes('/srv'));
  });
});
