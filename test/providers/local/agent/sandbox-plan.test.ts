import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatMountOp, planMounts } from '../../../../providers/local/agent/sandbox-plan.js';

describe('planMounts', () => {
  const everywhere = (): boolean => true;
  const ops = (fsDir: string, privileged: boolean): string[] => planMounts({ fsDir, privileged, isDirectory: everywhere }).map(formatMountOp);

  it('gives real root copy-on-write views of /etc and /var, and own /home, /root, /tmp and terminals', () => {
    assert.deepEqual(ops('/srv/data/m/fs', true).slice(0, 2), ['overlay,copy:0755:/etc', 'overlay,var:0755:/var']);
    assert.deepEqual(ops('/data/m/fs', true), [
      'overlay,copy:0755:/etc',
      'overlay,var:0755:/var',
      'overlay,own:0755:/usr/local',
      'overlay,own:0755:/opt',
      'overlay,own:0755:/srv',
      'own:0755:/home',
      'own:0700:/root',
      'own:1777:/tmp',
      'tmpfs:0755:/run',
      'tmpfs:1777:/dev/shm',
      'devpts:0620:/dev/pts',
    ]);
  });

  it('copies /etc and makes a /var skeleton when unprivileged, where views would be read-only below the top', () => {
    assert.deepEqual(ops('/data/m/fs', false).slice(0, 2), ['copy:0755:/etc', 'var:0755:/var']);
  });

  it('mounts the directory that contains the machine last, never as an overlay', () => {
    assert.deepEqual(ops('/srv/envboot/m/fs', true).slice(-1), ['own:0755:/srv']);
    assert.deepEqual(ops('/home/u/.local/share/envboot/m/fs', true).slice(-1), ['own:0755:/home']);
    assert.deepEqual(ops('/tmp/x/m/fs', true).slice(-1), ['own:1777:/tmp']);
    assert.deepEqual(ops('/run/user/1000/envboot/m/fs', true).slice(-1), ['tmpfs:0755:/run']);
    assert.deepEqual(ops('/var/lib/envboot/m/fs', true).slice(-1), ['var:0755:/var']);
  });

  it('avoids overlays for a path overlayfs options cannot carry, and skips directories the host lacks', () => {
    assert.ok(ops('/data/a,b/fs', true).every((op) => !op.startsWith('overlay')));
    const noSrv = planMounts({ fsDir: '/data/fs', privileged: true, isDirectory: (dir) => dir !== '/srv' }).map((op) => op.target);
    assert.ok(!noSrv.includes('/srv'));
  });
});
