/** The examples and notes shown under each command's `--help`. */
export const helpText = {
  program: `
Environments are defined in environments.yaml ($ENVBOOT_HOME/environments.yaml, else
$XDG_CONFIG_HOME/envboot/environments.yaml); a name no file defines is a local environment.

Examples:
  $ envboot bootstrap demo                 # a local controller, no cloud needed
  $ envboot add-machine demo -n 3
  $ envboot status demo
  $ envboot exec demo 0 -- uname -a
  $ envboot destroy demo --yes

Exit codes: 0 ok, 1 failed, 2 bad input, 3 credentials, 130 interrupted.
Environment: ENVBOOT_HOME (config and data in one directory), NO_COLOR, XDG_CONFIG_HOME, XDG_DATA_HOME.`,
  bootstrap: `
Examples:
  $ envboot bootstrap demo
  $ envboot bootstrap prod --constraints "cores=2 mem=4G" --zone us-east-1b
  $ envboot bootstrap demo --cloud-config controller.yaml --timeout 15m --json
  $ envboot bootstrap prod --dry-run             # the plan: nothing is created or written
  $ envboot bootstrap prod --resume              # go on where an unfinished one stopped

Ctrl-C stops the bootstrap and removes what it created; a second Ctrl-C stops the
clean-up and lists what was left ("envboot destroy ENV" removes it). A bootstrap that
did not finish (killed, interrupted with --keep-broken, failed with --keep-broken) is
continued by --resume: a recorded controller that still runs is reached again and
configured, one that is gone is replaced; never a second controller.`,
  addMachine: `
Examples:
  $ envboot add-machine demo
  $ envboot add-machine demo -n 5 --constraints "mem=8G"
  $ envboot add-machine demo -n 2 --zone local-a --zone local-b --cloud-config app.yaml
  $ envboot add-machine prod -n 3 --dry-run       # types, prices, zones; nothing created`,
  configure: `
Applies the controller's cloud-config (controller-cloud-config, for machine 0) or the
one given with --cloud-config (needed for other machines) to each machine again over
SSH, with its host key pinned, up to 4 at once, streaming the output as bootstrap does.
Steps that are idempotent stay so; runcmd runs again. A machine kept with --keep-broken
that is configured is no longer reported failed. Exit status 1 when a machine's
configuration failed (the others are configured all the same), 2 for bad input (nothing
runs), 130 on Ctrl-C (the scripts are stopped). --timeout is per machine.

Examples:
  $ envboot configure demo                           # machine 0, the controller config
  $ envboot configure demo 1 2 --cloud-config app.yaml`,
  adopt: `
Records instances that carry the environment's ownership tag but that provider-state does
not list (a run killed between starting and recording them; "envboot status" lists them)
as machines, once each is proven: its host key and nonce from its user-data where the
provider can read it back, or a host key given with --host-key (a key line, or a file of
lines as "ssh-keyscan" prints them: take it from the machine's console or through a path
nobody can stand in between). Each becomes the machine its tag names, or the next free
id when another machine has that one. Ids that are recorded already or name no instance
of the environment exit 2 and nothing is adopted; an instance that cannot be proven is
refused with the reason (exit 1, the others adopted): "envboot remove-machine ENV
INSTANCE" stops it. Machine 0 of a bootstrap that did not finish is "bootstrap --resume"'s.

Examples:
  $ envboot adopt demo local-5f0c2a91
  $ envboot adopt prod i-0abc123 --host-key ./i-0abc123.pub`,
  removeMachine: `
An instance that carries the environment's tag but was never recorded (a run killed
between starting and recording it) is listed by "envboot status" and removed by its
instance id. Ids that match nothing are refused, and nothing is stopped.

Examples:
  $ envboot remove-machine demo 3
  $ envboot remove-machine demo 1 2 4
  $ envboot remove-machine demo local-5f0c2a91      # an unrecorded instance from status`,
  expose: `
Opens the ports on every machine of the environment, those added later included, through
the provider's firewall (on ec2, the environment's security group). PORTS are 443,
8000-8100, 53/udp, or all. envboot's own SSH (ssh-cidr) is listed as reserved and stays as
configured. Opening what is open already is fine. Providers without a firewall (local,
qemu, manual) refuse it: exit 2.

Examples:
  $ envboot expose prod 443
  $ envboot expose prod 80 443 --from 203.0.113.0/24 --from 2001:db8::/32
  $ envboot expose prod 60000-61000/udp`,
  unexpose: `
Closes port ranges from the given sources, or from every source. A range is closed whole:
8050 of an open 8000-8100 is refused (exit 2); close 8000-8100 and open what should stay.
envboot's own SSH sources are never closed. What is not open is reported, not an error.

Examples:
  $ envboot unexpose prod 443
  $ envboot unexpose prod 80 --from 203.0.113.0/24`,
  status: `
Examples:
  $ envboot status
  $ envboot status demo --json | jq '.result.machines[].addresses'`,
  exec: `
The command runs over SSH with the machine's host key pinned; its exit status is envboot's.
One argument is a shell command line; several are passed as separate, quoted arguments.

Examples:
  $ envboot exec demo 0 -- uname -a
  $ envboot exec demo 1 -- 'systemctl status | head -n 5'
  $ echo hello | envboot exec demo 0 -- cat`,
  ssh: `
Runs the OpenSSH client with the environment's key and its own known_hosts file
(~/.ssh/known_hosts is never read or written).

Examples:
  $ envboot ssh demo 0
  $ envboot ssh demo 2 -- uptime`,
  logs: `
Sections: the provider's console (--console), envboot's configure log (--configure),
cloud-init's output log, result.json and status.json (--cloud-init); all of them when
none is chosen. Files are read over SSH as the machine's user (host key pinned), through
"sudo -n" only for those it cannot read. A machine SSH cannot reach still shows its
console. Everything is made printable and redacted (private keys, #cloud-config bodies,
the nonce). Exit status 1 only when nothing at all could be collected.

Examples:
  $ envboot logs demo                       # machine 0, the last 100 lines of each
  $ envboot logs demo 2 --configure -n 20
  $ envboot logs demo 0 -f                  # follow the configure log; Ctrl-C stops
  $ envboot logs demo 1 --output ./logs     # ./logs/demo-machine-1/*.log for CI to keep`,
  destroy: `
Stops every machine the environment owns (found from provider-state and by tag), removes
its shared resources and storage, and forgets it. Asks first on a terminal; without one,
--yes is required. Safe to run again after a failure.

Examples:
  $ envboot destroy demo
  $ envboot destroy demo --yes --json`,
  cleanup: `
Finds every resource envboot tagged in the account and region (instances, volumes,
security groups) whose environment is gone: its provider-state, where the resource's tags
say it lives, is missing or belongs to a newer environment. With --older-than, resources
older than that go too, whatever their environment. With --expired, so do environments
whose expiry (bootstrap --ttl, or ttl: in environments.yaml) has passed: every resource
whose envboot-expires-at tag is past, and then the environment's provider-state; a
resource without an expiry is never removed by it. Needs no environments.yaml. An
environment whose provider-state cannot be read is kept and reported.

Examples:
  $ envboot cleanup --provider ec2 --region eu-west-1 --dry-run
  $ envboot cleanup --provider ec2 --older-than 2h --yes
  $ envboot cleanup --provider ec2 --region eu-west-1 --expired --yes`,
  environments: `
Examples:
  $ envboot environments
  $ envboot environments --json`,
  providers: `
--check ENV runs the environment's provider preflight, which creates nothing, and shows
each check: credentials and region (ec2), sandbox support (local), identity and enrolled
hosts (manual). A failed check exits as bootstrap would (3 for refused credentials).

Examples:
  $ envboot providers --json
  $ envboot providers --check prod`,
} as const;
