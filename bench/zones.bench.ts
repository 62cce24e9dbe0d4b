import { distributeInstances, eligibleCandidates, tallyZones, type ZoneAllocation, type ZonedEnviron } from '../src/index.js';
import { measure, printTable } from './harness.js';

const zoneCount = 6;
const candidateCount = 100_000;

/**
 * A zoned environ answering from memory with data it holds already (as a provider holds
 * a parsed API response), so that what is measured is envboot's own work.
 */
function inMemoryEnviron(placement: ReadonlyMap<string, string>): ZonedEnviron {
  const zones = Array.from({ length: zoneCount }, (_, i) => ({ name: `zone-${i}`, available: true }));
  const listing = [...placement].map(([id, zone]) => ({ id, zone, status: 'running' as const, addresses: [], tags: {} }));
  const unsupported = (): Promise<never> => Promise.reject(new Error('not used by the benchmark'));
  return {
    provider: 'bench',
    sshUser: 'ubuntu',
    capabilities: { packageInstallation: false, tags: true, maxUserDataBytes: 16_384, userDataGzip: true },
    environment: { name: 'bench', uuid: 'bench' },
    storage: () => {
      throw new Error('not used by the benchmark');
    },
    preflight: unsupported,
    prepare: unsupported,
    startInstance: unsupported,
    stopInstances: unsupported,
    instances: unsupported,
    teardown: unsupported,
    allInstances: () => Promise.resolve(listing),
    availabilityZones: () => Promise.resolve(zones),
    instanceZones: ({ ids }) => Promise.resolve(ids.map((id) => placement.get(id))),
    deriveZones: () => Promise.resolve([]),
  };
}

/**
 * The reference: Juju's approach (collect eligible ids, sort them, binary-search each
 * candidate), with its membership test corrected so both give the same answer.
 */
function sortedSearchEligible(allocations: readonly ZoneAllocation[], candidates: readonly string[]): string[] {
  const least = allocations[0]?.instances.length;
  const all: string[] = [];
  for (const a of allocations) {
    if (a.instances.length !== least) break;
    all.push(...a.instances);
  }
  all.sort();
  return candidates.filter((c) => {
    let lo = 0;
    let hi = all.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((all[mid] ?? '') < c) lo = mid + 1;
      else hi = mid;
    }
    return all[lo] === c;
  });
}

export async function benchZones(): Promise<void> {
  // Machines over 6 zones, two of them one machine short, so the eligible set is large.
  const placement = new Map<string, string>();
  for (let i = 0; i < candidateCount; i += 1) placement.set(`i-${i.toString(16).padStart(8, '0')}`, `zone-${i % zoneCount}`);
  placement.delete('i-00000004');
  placement.delete('i-00000005');
  const candidates = [...placement.keys()];
  const environ = inMemoryEnviron(placement);
  const zones = await environ.availabilityZones({});
  const allocations = tallyZones({ zones, instances: candidates, instanceZones: candidates.map((id) => placement.get(id)) });

  const expected = sortedSearchEligible(allocations, candidates);
  const got = await distributeInstances({ environ, candidates });
  if (got.length !== expected.length || got.some((id, i) => id !== expected[i])) {
    throw new Error('distributeInstances and the reference disagree; the benchmark would compare different work');
  }

  const rows = [
    await measure({ name: 'reference: sort + binary search (pure part)', runs: 25, run: () => sortedSearchEligible(allocations, candidates) }),
    await measure({ name: 'eligibleCandidates (pure part)', runs: 25, run: () => eligibleCandidates({ allocations, candidates }) }),
    await measure({ name: 'distributeInstances (allocation + selection)', runs: 25, run: () => distributeInstances({ environ, candidates }) }),
  ];
  printTable(`distributing ${candidateCount.toLocaleString('en')} candidates over ${zoneCount} zones`, rows, 'distributeInstances median < 50 ms');
}
