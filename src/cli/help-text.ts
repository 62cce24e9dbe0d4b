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
(~/.ssh/known_hosts is never read or written), through the environment's jump host where
it has one. OpenSSH options go after the machine, the command after "--" (or after the
options, as ssh takes it). Options that would loosen the pinned host key or replace the
route are refused (exit 2): -F, -J, -S, and -o StrictHostKeyChecking, UserKnownHostsFile,
GlobalKnownHostsFile, HostKeyAlias, KnownHostsCommand, UpdateHostKeys, VerifyHostKeyDNS,
ProxyCommand, ProxyJump, ControlPath. Exits with ssh's exit status.

Examples:
  $ envboot ssh demo 0
  $ envboot ssh demo 2 -- uptime
  $ envboot ssh demo 0 -L 8080:localhost:80 -N       # forward a local port to the machine
  $ envboot ssh demo 1 -t -o ServerAliveInterval=30 -- sudo journalctl -f`,
  scp: `
One side is a machine path, ID:PATH (0:/tmp/, 1:/var/log/syslog; "0:" is the user's
home), the other a local path; a local name with ":" before any "/" is written ./a:b.
OpenSSH's scp copies with the original SCP protocol (-O where scp has it), so the
machine's shell reads its paths as scp's always did: globs and ~ work, and a name with
spaces is quoted again (0:"'my file'"). Pinned like "envboot ssh", through the jump host
where there is one. Exits with scp's exit status; bad paths exit 2 with nothing copied.

Examples:
  $ envboot scp demo ./app.conf 0:/tmp/
  $ envboot scp demo 1:/var/log/syslog .
  $ envboot cp demo -r ./site 2:site              # a directory, into the user's home
  $ envboot scp demo -r 0:/etc/nginx ./nginx-from-0`,
  sshConfig: `
Prints a "Host envboot-ENV-ID" block per machine: its address, port and user, the
environment's client key (IdentitiesOnly), its known_hosts under the machine's
HostKeyAlias with StrictHostKeyChecking yes, and the pinned ProxyCommand of the jump host.
The known_hosts files are rewritten first, so the pins are current. Run it again after
machines change. In ~/.ssh/config, put "Include FILE" first: OpenSSH keeps the first value
it reads, and a "Host *" block above could loosen the pins.

Examples:
  $ envboot ssh-config demo > ~/.ssh/envboot-demo.conf
  $ ssh -F ~/.ssh/envboot-demo.conf envboot-demo-0
  $ rsync -a -e "ssh -F $HOME/.ssh/envboot-demo.conf" ./site/ envboot-demo-1:site/
  $ ssh -F <(envboot ssh-config demo 0) envboot-demo-0 uptime`,
  inventory: `
--format json (the default) prints envboot's own schema (schemaVersion 1): each machine's
id, instance id, addresses, user, zone, and the OpenSSH options that reach it pinned.
--format ansible prints a YAML inventory with groups controller (machine 0) and machines,
ansible_host/port/user, the client key, and the pinning options in ansible_ssh_common_args
(keep Ansible's host_key_checking at its default). The known_hosts files are rewritten first.

Examples:
  $ envboot inventory demo | jq -r '.machines[].host'
  $ envboot inventory demo --format ansible > demo.yaml && ansible -i demo.yaml machines -m ping`,
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
  attach: `
Registers on this client an environment another client bootstrapped, found through its
provider-state, and makes this client a key of its own: no private key is copied. It
prints this client's public key and the "envboot authorize" command that an operator
whose client is authorized runs to let it in. Attaching again refreshes the machines
and host keys and keeps the key. Where environments.yaml defines ENV, its entry is used.

Examples:
  $ envboot attach prod --provider ec2 --region eu-west-1 --bucket acme-envboot --prefix team/
  $ envboot attach prod --provider ec2 --bucket acme-envboot --option profile=ops
  $ envboot attach demo --provider local --data-dir ~alice/.local/share/envboot/environments/demo
  $ envboot --config team.yaml attach prod     # prod's entry in team.yaml says where it is`,
  authorize: `
Lets another client log in to every machine of the environment with its public key (its
private key never leaves it). The key is listed in provider-state first, so machines
added later get it too, then added to each machine's login user's ~/.ssh/authorized_keys
(ubuntu or debian on a cloud image, each manual host's own user; never root's instead),
through the jump host where there is one. Running it again adds nothing twice and
finishes machines that were missed; a machine that cannot be reached is named and the
exit status is 1. Keys: ed25519, ecdsa, or rsa of 2048 bits or more, without
authorized_keys options; anything else, or a private key, exits 2 with nothing changed.

Examples:
  $ envboot authorize prod ~/bob-envboot-prod.pub --label bob@laptop
  $ envboot authorize prod "ssh-ed25519 AAAAC3Nza… ci-runner"
  $ envboot clients prod                 # who is authorized, with fingerprints`,
  revoke: `
Takes a client's key off provider-state's list and out of every machine's authorized_keys
(only the lines envboot wrote: a host user's own copy of the key stays). Name the key by
its line or .pub file, its fingerprint (SHA256:…, as "envboot clients" shows it) or its
label. This client's own key is refused ("envboot rotate-client-key" replaces it, or
another authorized client revokes it), and so is the last key: exit 2, nothing changed.

Examples:
  $ envboot revoke prod bob@laptop
  $ envboot revoke prod SHA256:3kd8K1x…`,
  rotateClientKey: `
Makes a new key pair on this client (client-key.next), authorizes it in provider-state
and on every machine, proves a login with it on every machine, and only then makes it
client-key (the old one kept as client-key.previous) and removes the old key everywhere.
When a step fails the rotation stops and says where it stands: before the switch the old
key still logs in everywhere, after it the new one does. Run the command again to go on
with the same new key, or with --undo (before the switch) to take it back out.

Examples:
  $ envboot rotate-client-key prod
  $ envboot rotate-client-key prod --undo`,
  clients: `
Lists the client keys authorized for the environment (provider-state's list): label,
fingerprint as "ssh-keygen -l" prints it, when added, and which is this client's.

Examples:
  $ envboot clients prod
  $ envboot clients prod --json`,
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
  completion: `
Completes commands, flags, environment names (from environments.yaml and this client's
records), machine ids (as this client last saw them) and file names. The script
asks the installed envboot on each Tab, so it stays right across upgrades; it reads local
files only and never prints an error into the prompt.

Install:
  bash  $ source <(envboot completion bash)           # in ~/.bashrc, or save it:
        $ envboot completion bash > ~/.local/share/bash-completion/completions/envboot
  zsh   $ envboot completion zsh > ~/.zfunc/_envboot  # a directory of $fpath, before compinit
  fish  $ envboot completion fish > ~/.config/fish/completions/envboot.fish

Examples:
  $ envboot completion bash
  $ source <(envboot completion zsh)                  # after compinit, for this shell only`,
} as const;
