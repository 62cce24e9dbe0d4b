import type { AptConfig, AptMirror } from '../model.js';
import { quote, rooted } from './shell-quote.js';
import type { Step } from './step.js';

/** cloud-init's own file for apt's proxy (cc_apt_configure's APT_PROXY_FN): the same on either path. */
export const aptProxyFile = '/etc/apt/apt.conf.d/90cloud-init-aptproxy';
/** Where the sources files are kept as they were before a mirror replaced their archive URLs. */
export const aptSourcesOriginals = '/var/lib/envboot/apt-sources';

/**
 * apt's proxies, as cloud-init's apt_configure writes them: `Acquire::http::Proxy` and
 * `Acquire::https::Proxy` in `90cloud-init-aptproxy`, or that file removed when `apt` is
 * given without a proxy.
 */
export function aptProxyStep(apt: AptConfig): Step {
  const file = rooted(aptProxyFile);
  const lines = [
    ...(apt.http_proxy === undefined ? [] : [`Acquire::http::Proxy "${apt.http_proxy}";`]),
    ...(apt.https_proxy === undefined ? [] : [`Acquire::https::Proxy "${apt.https_proxy}";`]),
  ];
  if (lines.length === 0) return { name: 'apt.proxy (none)', lines: [`rm -f -- ${file}`] };
  return {
    name: 'apt.proxy',
    lines: ['mkdir -p -- "$ENVBOOT_ROOT"/etc/apt/apt.conf.d', `printf '%s\\n' ${lines.map(quote).join(' ')} > ${file}`, `chmod 0644 ${file}`],
  };
}

/**
 * Replaces the distribution's archive URLs in the machine's sources (one-line
 * `sources.list` files and deb822 `.sources` files) with the mirrors, as cloud-init's
 * sources template would render them: the primary archive (archive.ubuntu.com and its
 * regional and EC2 names, ports.ubuntu.com, deb.debian.org and its CDN names,
 * ftp.*.debian.org) by `primary`; the security archive by `security`. Without
 * `security`, Ubuntu's security archive goes to the primary mirror as cloud-init does;
 * Debian's (a different repository, debian-security, that a mirror of debian does not
 * carry) is left as it is. The files as they were are kept once under
 * `/var/lib/envboot/apt-sources`, and every later run starts from them, so running it
 * again with another mirror replaces the first. A machine with none of these URLs is
 * left alone, with a warning.
 */
export function aptMirrorStep(apt: AptConfig): Step {
  const sources = ['sources.list', 'sources.list.d/*.list', 'sources.list.d/*.sources'].map((glob) => `"$ENVBOOT_ROOT"/etc/apt/${glob}`);
  return {
    name: `apt.${[apt.primary === undefined ? [] : ['primary'], apt.security === undefined ? [] : ['security']].flat().join('+')}`,
    lines: [
      'envboot_arch=$(dpkg --print-architecture 2>/dev/null || echo unknown)',
      ...chooseMirror('envboot_primary', apt.primary),
      ...chooseMirror('envboot_security', apt.security),
      'envboot_found=0',
      `for envboot_f in ${sources.join(' ')}; do`,
      '  [ -f "$envboot_f" ] || continue',
      `  envboot_b=${rooted(aptSourcesOriginals)}/"\${envboot_f#"$ENVBOOT_ROOT"/etc/apt/}"`,
      '  envboot_src=$envboot_f; [ -f "$envboot_b" ] && envboot_src=$envboot_b',
      '  ENVBOOT_PRIMARY=$envboot_primary ENVBOOT_SECURITY=$envboot_security ENVBOOT_UBUNTU_SECURITY=${envboot_security:-$envboot_primary} \\',
      `    awk ${quote(rewriteProgram)} "$envboot_src" > "$envboot_f.envboot-new"`,
      '  if [ "$envboot_src" = "$envboot_b" ] || ! cmp -s "$envboot_f.envboot-new" "$envboot_src"; then',
      '    [ -f "$envboot_b" ] || { mkdir -p -- "$(dirname -- "$envboot_b")" && cp -p -- "$envboot_f" "$envboot_b"; }',
      // Written through, not moved: the file keeps its owner and mode.
      '    cat -- "$envboot_f.envboot-new" > "$envboot_f"',
      '    envboot_found=1',
      '  fi',
      '  rm -f -- "$envboot_f.envboot-new"',
      'done',
      `[ "$envboot_found" = 1 ] || echo 'envboot: apt mirror: no source of the distribution archive (archive.ubuntu.com, deb.debian.org, ...) found under /etc/apt; nothing replaced' >&2`,
    ],
  };
}

/** `NAME=uri` for this machine's architecture: its own entry first, else `default`'s, else empty. */
function chooseMirror(variable: string, mirrors: readonly AptMirror[] | undefined): string[] {
  const arms: string[] = [];
  const fallback = mirrors?.find((mirror) => mirror.arches.includes('default'));
  for (const mirror of mirrors ?? []) {
    const arches = mirror.arches.filter((arch) => arch !== 'default');
    if (arches.length > 0) arms.push(`  ${arches.map(quote).join('|')}) ${variable}=${quote(mirror.uri)} ;;`);
  }
  arms.push(`  *) ${variable}=${fallback === undefined ? "''" : quote(fallback.uri)} ;;`);
  return ['case "$envboot_arch" in', ...arms, 'esac'];
}

/**
 * Rewrites each whitespace-separated field that is an archive URL; comments and lines
 * without one are printed as they are. Plain POSIX awk (mawk has no {n} or [[:classes:]]),
 * and the mirrors come from ENVIRON, which, unlike -v, leaves backslashes alone.
 */
const rewriteProgram = [
  'function mirror(u,  l) {',
  '  l = tolower(u)',
  '  if (l ~ /^https?:\\/\\/([a-z0-9-]+\\.)*(archive\\.ubuntu\\.com\\/ubuntu|ports\\.ubuntu\\.com\\/ubuntu-ports)\\/?$/) return ENVIRON["ENVBOOT_PRIMARY"]',
  '  if (l ~ /^https?:\\/\\/(([a-z0-9-]+\\.)*deb\\.debian\\.org|(ftp|httpredir)(\\.[a-z0-9-]+)?\\.debian\\.org)\\/debian\\/?$/) return ENVIRON["ENVBOOT_PRIMARY"]',
  '  if (l ~ /^https?:\\/\\/([a-z0-9-]+\\.)*security\\.ubuntu\\.com\\/ubuntu\\/?$/) return ENVIRON["ENVBOOT_UBUNTU_SECURITY"]',
  '  if (l ~ /^https?:\\/\\/(([a-z0-9-]+\\.)*deb\\.debian\\.org\\/debian-security|security\\.debian\\.org(\\/debian-security)?)\\/?$/) return ENVIRON["ENVBOOT_SECURITY"]',
  '  return ""',
  '}',
  '/^[ \\t]*#/ { print; next }',
  '{ for (i = 1; i <= NF; i++) { m = mirror($i); if (m != "") $i = m } print }',
].join('\n');
