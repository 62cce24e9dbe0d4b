import type { CloudConfig } from '../model.js';
import { aptMirrorStep, aptProxyStep } from './apt-proxy-steps.js';
import { printfTemplate, quote, rooted } from './shell-quote.js';
import type { Step } from './step.js';
import { writeBytesLines } from './write-bytes.js';

/**
 * apt's proxy, mirrors and sources (cloud-init's apt_configure), then package update,
 * upgrade and install (package_update_upgrade_install): the proxy is in place before apt
 * fetches anything. Installing packages implies updating the index first, as cloud-init
 * does. apt-get waits for the dpkg lock and is retried.
 */
export function aptSteps(config: CloudConfig): Step[] {
  const steps: Step[] = [];
  if (config.apt !== undefined) steps.push(aptProxyStep(config.apt));
  if (config.apt?.primary !== undefined || config.apt?.security !== undefined) steps.push(aptMirrorStep(config.apt));
  for (const [name, source] of Object.entries(config.apt?.sources ?? {})) {
    const lines: string[] = [];
    if (source.source !== undefined) {
      const file = `/etc/apt/sources.list.d/${source.filename ?? `${name}.list`}`;
      if (source.source.includes('$RELEASE')) {
        lines.push('envboot_release=$(. /etc/os-release && printf \'%s\' "${VERSION_CODENAME:-}")');
      }
      lines.push(
        'mkdir -p -- "$ENVBOOT_ROOT"/etc/apt/sources.list.d',
        `{ ${printfTemplate(source.source.trim(), { RELEASE: '"$envboot_release"' })}; printf '\\n'; } > ${rooted(file)}`,
      );
    }
    if (source.key !== undefined) {
      lines.push(
        'mkdir -p -- "$ENVBOOT_ROOT"/etc/apt/trusted.gpg.d',
        ...writeBytesLines(rooted(`/etc/apt/trusted.gpg.d/${name}.asc`), source.key),
      );
    }
    steps.push({ name: `apt.sources ${name}`, lines });
  }
  const packages = (config.packages ?? []).map((p) => (typeof p === 'string' ? p : `${p[0]}=${p[1]}`));
  if (config.package_update === true || config.package_upgrade === true || packages.length > 0) {
    steps.push({ name: 'package_update', lines: ['envboot_apt update'] });
  }
  if (config.package_upgrade === true) steps.push({ name: 'package_upgrade', lines: ['envboot_apt dist-upgrade'] });
  if (packages.length > 0) {
    steps.push({ name: 'packages', lines: [`envboot_apt install ${packages.map(quote).join(' ')}`] });
  }
  return steps;
}
