import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { formatAddress, generateSshKeyPair, waitSSH, type Address } from '../../../src/index.js';
import { seededRandom } from '../../cloudinit/random-inputs.js';
import { deadAddresses, loopback, machineWithTwins, scriptedInstance, type MachineWithTwins } from './fixtures.js';

const races = 500;
const concurrency = 10;
const seed = Number(process.env['ENVBOOT_RACE_SEED'] ?? 4242);
const client = generateSshKeyPair();
let machines: MachineWithTwins[] = [];
let dead: Awaited<ReturnType<typeof deadAddresses>>;

before(async () => {
  machines = await Promise.all([0, 1, 2].map((i) => machineWithTwins(client, i)));
  dead = await deadAddresses();
});
after(async () => {
  await Promise.all(machines.map((m) => m.stop()));
  await dead.stop();
});

function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

describe('waitSSH randomized races', () => {
  it(`${races} races among every kind of wrong machine pick the right one every time (seed ${seed})`, async () => {
    const random = seededRandom(seed);
    const plan = Array.from({ length: races }, () => {
      const target = machines[Math.floor(random() * machines.length)] as MachineWithTwins;
      const wrong: Address[] = [dead.refused, dead.tarpit];
      for (const m of machines) {
        for (const host of [m.wrongNonce, m.noNonce, m.refusesKey, m.impostor, ...(m === target ? [] : [m.right])]) {
          if (random() < 0.15) wrong.push(loopback(host));
        }
      }
      const addresses = shuffle([...wrong, loopback(target.right)], random);
      const split = Math.floor(random() * addresses.length);
      return { target, early: addresses.slice(0, split), late: addresses.slice(split), lateAfterMs: Math.floor(random() * 40) };
    });
    const wrongWinners: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < plan.length; i = next++) {
        const race = plan[i] as (typeof plan)[number];
        const instance = scriptedInstance({ status: 'running', addresses: race.early });
        const timer = setTimeout(() => (instance.view = { status: 'running', addresses: [...race.early, ...race.late] }), race.lateAfterMs);
        const result = await waitSSH({
          instance,
          user: 'root',
          privateKey: client.privateKey,
          hostKeys: [race.target.hostKey.publicKey],
          nonce: race.target.nonce,
          timeoutMs: 15_000,
          tunables: { connectTimeoutMs: 2_000, refreshMinMs: 10, refreshMaxMs: 20 },
        });
        clearTimeout(timer);
        result.connection.close();
        if (formatAddress(result.address) !== formatAddress(loopback(race.target.right))) {
          wrongWinners.push(`race ${i}: won by ${formatAddress(result.address)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    assert.deepEqual(wrongWinners, [], `replay with ENVBOOT_RACE_SEED=${seed}`);
  });
});
