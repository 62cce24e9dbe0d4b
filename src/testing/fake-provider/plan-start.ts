import { formatIngressRule } from '../../firewall/index.js';
import type { EnvironmentIdentity, PlanStartParams, PlannedCall, ProviderPlan } from '../../provider/index.js';
import type { FakeCloud } from './fake-cloud.js';
import type { FakeFaults } from './faults.js';

export interface PlanFakeStartParams {
  readonly start: PlanStartParams;
  readonly cloud: FakeCloud;
  readonly environment: EnvironmentIdentity;
  readonly faults: FakeFaults;
}

/**
 * The fake cloud's plan of a start, from what it holds now and without changing any of
 * it: the environment's security group (found, or to be made by `prepare`), the Environ
 * methods a real run would call (named `fake:<method>`), and the faults that would make
 * the start fail over or fail.
 */
export function planFakeStart(params: PlanFakeStartParams): ProviderPlan {
  const { start, cloud, environment, faults } = params;
  // `ingress` reads; `securityGroup` would make one.
  const group = cloud.ingress(environment.uuid) === undefined ? undefined : 'the environment\'s security group';
  const calls: PlannedCall[] = [];
  const call = (step: PlannedCall['step'], method: string, purpose: string, writes = false): void => {
    calls.push({ step, action: `fake:${method}`, purpose, writes });
  };
  if (start.bootstrap) call('preflight', 'preflight', 'check the fake credentials');
  call('preflight', 'availabilityZones', 'list the zones');
  call('preflight', 'instanceTypes', 'read the instance-type catalogue');
  call('preflight', 'deriveZones', 'the zones the start implies (when no zone is asked)');
  if (!start.bootstrap) call('preflight', 'allInstances', 'count the machines per zone, to spread');
  if (start.bootstrap) call('prepare', 'prepare', group === undefined ? 'create the security group' : 'find the security group', true);
  if (start.bootstrap && (start.expose ?? []).length > 0) {
    call('open-ports', 'ingressRules', 'read what is open');
    call('open-ports', 'openPorts', `open ${(start.expose ?? []).map(formatIngressRule).join('; ')}`, true);
  }
  const [first] = start.zones;
  call('start-instance', 'startInstance', `start machine ${start.machineId}${start.instanceType === undefined ? '' : ` as ${start.instanceType}`}${first === undefined ? '' : ` in ${first}`}`, true);
  call('wait-ssh', 'instances', "read the machine's addresses until SSH answers");
  const full = start.zones.filter((zone) => faults.capacityZones.has(zone));
  return {
    network: { description: 'loopback: each machine is an SSH server on 127.0.0.1' },
    resources: [{ kind: 'security-group', name: `fake group of ${environment.name}`, action: group === undefined ? 'create' : 'reuse' }],
    calls,
    notes: [
      ...(full.length === 0 ? [] : [`no capacity now in ${full.join(', ')} (fault capacityZones): the start would fail over`]),
      ...(faults.quotaExceeded ? ['the start would fail: quota exceeded (fault quotaExceeded)'] : []),
    ],
  };
}
