// Loaded with `node --import` into a measured process: at exit it appends the process's
// CPU time and its wall time since Node started to the file ENVBOOT_BENCH_REPORT names.
// CPU time holds still when the machine's other tenants steal cycles; wall time does not.
import { appendFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const file = process.env['ENVBOOT_BENCH_REPORT'];
if (file !== undefined) {
  process.on('exit', () => {
    const { user, system } = process.cpuUsage();
    appendFileSync(file, `${JSON.stringify({ cpuMs: (user + system) / 1000, wallMs: performance.now() })}\n`);
  });
}
