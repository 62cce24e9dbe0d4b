import type { CloudConfig } from '../model.js';
import { assertValidCloudConfig } from '../validate.js';
import { aptSteps } from './apt-steps.js';
import { commandSteps } from './command-steps.js';
import { checkScriptEnvironment, environmentStep, exportLines, type ScriptEnvironment } from './environment-steps.js';
import { fileSteps } from './file-steps.js';
import { scriptFooter, scriptHeader } from './script-frame.js';
import { printfTemplate, quote } from './shell-quote.js';
import type { Step } from './step.js';
import { userSteps } from './user-steps.js';

export interface RenderScriptOptions {
  /**
   * Re-run through `sudo -n` when not root. The script must then be run from a file
   * (`sh /path/to/script`), not from standard input, so that sudo can read it again.
   */
  readonly sudo?: boolean;
  /**
   * Tests only: a directory under which files, apt sources, host keys and the log are
   * written instead of `/`. Users and packages still act on the machine itself.
   */
  readonly rootPrefix?: string;
  /** Where the script appends its output on the machine. Default `/var/log/envboot/configure.log`. */
  readonly logFile?: string;
  /** The user `'default'` and the top-level `ssh_authorized_keys` refer to. Default `ubuntu`. */
  readonly defaultUser?: string;
  /**
   * Variables (the machine's proxies, see `machineProxyEnvironment`) exported before the
   * first step, so every step and what it starts sees them, and kept in
   * `/etc/environment` by a first step of their own. Nothing is written when absent or empty.
   */
  readonly environment?: ScriptEnvironment | undefined;
}

/**
 * Renders a cloud-config as one POSIX `sh` script (dash and bash) that applies it over
 * SSH in cloud-init's order: (the `environment` option), bootcmd, write_files, users,
 * SSH keys, apt proxy / mirrors / sources, package update / upgrade / install, deferred
 * write_files, runcmd, final message.
 * Each step prints `envboot: [n/total] name`; the first that fails prints
 * `envboot: step NAME failed with exit status N` and the script exits with N. All output
 * is also appended to the log file on the machine (mode 0600).
 *
 * @example
 * const script = renderScript(config, { sudo: true });
 * // upload it, then: sh /tmp/envboot-configure.sh
 */
export function renderScript(config: CloudConfig, options: RenderScriptOptions = {}): string {
  const valid = assertValidCloudConfig(config);
  const environment = options.environment ?? {};
  checkScriptEnvironment(environment);
  const steps: Step[] = [
    ...(Object.keys(environment).length === 0 ? [] : [environmentStep(environment)]),
    ...commandSteps('bootcmd', valid.bootcmd),
    ...fileSteps(valid.write_files, false),
    ...userSteps(valid, options.defaultUser ?? 'ubuntu'),
    ...aptSteps(valid),
    ...fileSteps(valid.write_files, true),
    ...commandSteps('runcmd', valid.runcmd),
  ];
  if (valid.final_message !== undefined) steps.push(finalMessageStep(valid.final_message));
  const lines = scriptHeader({
    sudo: options.sudo === true,
    rootPrefix: options.rootPrefix ?? '',
    logFile: options.logFile ?? '/var/log/envboot/configure.log',
    exports: exportLines(environment),
  });
  steps.forEach((step, index) => {
    lines.push(
      '',
      `envboot_step ${index + 1}/${steps.length} ${quote(step.name)}`,
      '(',
      'set -e',
      ...step.lines,
      ')',
      'envboot_done $?',
    );
  });
  lines.push('', ...scriptFooter());
  return `${lines.join('\n')}\n`;
}

function finalMessageStep(message: string): Step {
  return {
    name: 'final_message',
    lines: [
      "envboot_uptime=$(cut -d' ' -f1 /proc/uptime 2>/dev/null || echo unknown)",
      'envboot_timestamp=$(date -R)',
      printfTemplate(message, {
        UPTIME: '"$envboot_uptime"',
        TIMESTAMP: '"$envboot_timestamp"',
        VERSION: "'envboot'",
        DATASOURCE: "'envboot'",
      }),
      "printf '\\n'",
    ],
  };
}
