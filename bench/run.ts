/**
 * `npm run bench`: runs every benchmark in one process and prints medians and ratios
 * side by side. Pass names to run only some: `npm run bench -- zones`.
 */
import { benchCli } from './cli.bench.js';
import { benchCompletion } from './completion.bench.js';
import { benchEc2 } from './ec2.bench.js';
import { benchEc2Options } from './ec2-options.bench.js';
import { benchLocal } from './local.bench.js';
import { benchQemu } from './qemu.bench.js';
import { benchResume } from './resume.bench.js';
import { benchUserData } from './user-data.bench.js';
import { benchWaitSsh } from './waitssh.bench.js';
import { benchZones } from './zones.bench.js';

const benches: Record<string, () => Promise<void>> = {
  zones: benchZones,
  'user-data': benchUserData,
  waitssh: () => benchWaitSsh(),
  local: () => benchLocal(),
  cli: benchCli,
  completion: benchCompletion,
  ec2: benchEc2,
  'ec2-options': benchEc2Options,
  resume: benchResume,
  qemu: () => benchQemu(),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in benches));
if (unknown.length > 0) {
  console.error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${Object.keys(benches).join(', ')}`);
  process.exit(2);
}
console.log(`envboot benchmarks on node ${process.version}, ${process.platform}/${process.arch}`);
for (const [name, bench] of Object.entries(benches)) {
  if (wanted.length === 0 || wanted.includes(name)) await bench();
}
