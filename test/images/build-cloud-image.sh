#!/usr/bin/env bash
# Build a small Debian 12 (bookworm) cloud-init image for envboot's qemu provider
# tests: a kernel, an initrd and an ext4 root file system (as a whole virtio disk,
# qcow2) for QEMU direct kernel boot. Debian packages only; no boot loader, no loop
# devices, no mounting. See test/images/README.md.
#
# Usage: test/images/build-cloud-image.sh [--if-built]    (run as root)
# The last line of stdout is the image folder. A finished image is reused at once.
# --if-built: never build; print the folder if the image is there, else exit 3.
#
# Environment:
#   ENVBOOT_TEST_IMAGE_DIR   cache folder (default /var/tmp/envboot-test-images)
#   ENVBOOT_DEBIAN_SOURCES   optional file with apt sources (one-line or deb822) for
#                            bookworm, used instead of the host's apt configuration
set -euo pipefail

# The folder name carries a hash of this script, so a changed recipe builds anew.
IMAGE_NAME=debian-12-cloud
SUITE=bookworm
ROOTFS_SIZE=2G
# Kernel command line for direct boot. root=/dev/vda is the first virtio-blk disk.
CMDLINE='root=/dev/vda rw console=ttyS0,115200n8'
PACKAGES=(
  linux-image-cloud-amd64 initramfs-tools udev systemd-sysv
  cloud-init openssh-server sudo
  # Networking: cloud-init 22.4 picks its ENI renderer (first in its order) when ifupdown
  # is present and writes /etc/network/interfaces.d/50-cloud-init (DHCP on the NIC);
  # networking.service brings it up with dhclient before cloud-init.service runs.
  ifupdown isc-dhcp-client netbase
  # resize2fs for cloud-init's resizefs module (a bigger overlay grows the root fs).
  e2fsprogs
)
# Units that only cost time in a short-lived test VM (all timers or housekeeping).
MASK_UNITS=(
  apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer
  e2scrub_all.timer e2scrub_reap.service fstrim.timer man-db.timer
)
# Modules the initrd needs to find and mount a virtio-blk (or virtio-scsi) root.
INITRD_MODULES=(virtio_pci virtio_blk virtio_scsi sd_mod ext4)

log() { printf '%s\n' "build-cloud-image: $*" >&2; }
die() { log "error: $*"; exit 1; }

self=$(readlink -f "${BASH_SOURCE[0]}")
recipe=$(sha256sum "$self" | cut -c1-12)
cache=${ENVBOOT_TEST_IMAGE_DIR:-/var/tmp/envboot-test-images}
out="$cache/$IMAGE_NAME-$recipe"
marker="$out/.complete"

if [[ -f "$marker" ]]; then
  printf '%s\n' "$out"
  exit 0
fi
if [[ ${1:-} == --if-built ]]; then
  log "no image for this recipe in $out"
  exit 3
fi

[[ $(id -u) -eq 0 ]] || die "must run as root (mmdebstrap --mode=root)"
missing=()
for tool in mmdebstrap:mmdebstrap mkfs.ext4:e2fsprogs qemu-img:qemu-utils flock:util-linux; do
  command -v "${tool%%:*}" >/dev/null 2>&1 || missing+=("${tool#*:}")
done
((${#missing[@]} == 0)) || die "missing host packages: ${missing[*]} (apt-get install ${missing[*]})"

[[ $cache != *["'\"\\ "]* ]] || die "ENVBOOT_TEST_IMAGE_DIR must not contain spaces or quotes: $cache"
mkdir -p "$cache"
# One build at a time per cache; a waiting caller reuses the finished image.
exec 9>"$cache/.$IMAGE_NAME.lock"
flock 9
if [[ -f "$marker" ]]; then
  printf '%s\n' "$out"
  exit 0
fi

tmp=$(mktemp -d "$cache/.$IMAGE_NAME-$recipe.XXXXXX")
chmod 755 "$tmp" # apt's _apt user downloads into the tree
cleanup() {
  # Never follow a mount left behind by an interrupted chroot build.
  if grep -qsF " $tmp/" /proc/self/mounts; then
    log "warning: mounts remain under $tmp; not removing it"
  else
    rm -rf --one-file-system "$tmp"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- apt sources: bookworm entries from this host's apt configuration ----------------
# Prints "URI SUITE SIGNED-BY" (SIGNED-BY "-" when none) for each binary ("deb") entry of
# sources.list, *.list and deb822 *.sources (disabled ones skipped). No mirror host is
# hard-coded anywhere: the image uses whatever mirrors this host's apt uses.
host_apt_entries() {
  local files=() f
  [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] && files+=("$f")
  done
  ((${#files[@]})) || return 0
  awk '
    function flush(   n, m, i, j, u, s) {
      if (types ~ /(^|[ \t])deb([ \t]|$)/ && tolower(enabled) != "no") {
        n = split(uris, u, /[ \t]+/); m = split(suites, s, /[ \t]+/)
        for (i = 1; i <= n; i++) for (j = 1; j <= m; j++)
          if (u[i] != "" && s[j] != "") print u[i], s[j], (signed == "" ? "-" : signed)
      }
      types = uris = suites = signed = enabled = ""
    }
    FNR == 1 { if (deb822) flush(); deb822 = (FILENAME ~ /\.sources$/) }
    !deb822 {
      sub(/#.*/, "")
      if ($1 != "deb") next
      line = $0; signed = "-"
      if (match(line, /\[[^]]*\]/)) {          # [ options ], possibly with spaces
        opts = substr(line, RSTART + 1, RLENGTH - 2)
        line = substr(line, 1, RSTART - 1) " " substr(line, RSTART + RLENGTH)
        if (match(opts, /signed-by=[^ \t]+/)) signed = substr(opts, RSTART + 10, RLENGTH - 10)
      }
      n = split(line, w, /[ \t]+/)
      j = 0; for (i = 1; i <= n; i++) if (w[i] != "") v[++j] = w[i]
      if (j >= 3) print v[2], v[3], signed
      next
    }
    /^[ \t]*#/ { next }
    /^[ \t]*$/ { flush(); next }
    /^[ \t]/ { next }                          # continuation (e.g. inline key block)
    {
      key = tolower($0); sub(/:.*/, "", key)
      val = $0; sub(/^[^:]*:[ \t]*/, "", val); sub(/[ \t]+$/, "", val)
      if (key == "types") types = val
      else if (key == "uris") uris = val
      else if (key == "suites") suites = val
      else if (key == "enabled") enabled = val
      else if (key == "signed-by" && val ~ /^\//) signed = val
    }
    END { if (deb822) flush() }
  ' "${files[@]}"
}

# apt sources for bookworm (updates and security included) as one-line entries. On a
# Debian host of another release, its own codename's mirrors are used for bookworm.
bookworm_sources() {
  local entries pick host_codename="" uri suite signed
  entries=$(host_apt_entries | grep -v '^cdrom:' || true)
  pick=$(awk -v w="$SUITE" '$2 == w || $2 == w "-updates" || $2 == w "-security"' <<<"$entries")
  if [[ -z "$pick" && -r /etc/os-release ]]; then
    # shellcheck disable=SC1091,SC2015
    host_codename=$(. /etc/os-release && [[ ${ID:-} == debian ]] && printf '%s' "${VERSION_CODENAME:-}" || true)
    [[ -z "$host_codename" ]] || pick=$(awk -v c="$host_codename" -v w="$SUITE" '
      $2 == c || $2 == c "-updates" || $2 == c "-security" { sub("^" c, w, $2); print }' <<<"$entries")
  fi
  while read -r uri suite signed; do
    [[ -n "$uri" ]] || continue
    # A signed-by keyring must exist on this host: mmdebstrap reads it while bootstrapping.
    if [[ $signed != - && -f $signed ]]; then
      printf 'deb [signed-by=%s] %s %s main\n' "$signed" "$uri" "$suite"
    else
      printf 'deb %s %s main\n' "$uri" "$suite"
    fi
  done <<<"$pick" | awk '!seen[$0]++'
}

sources="$tmp/sources.list"
if [[ -n "${ENVBOOT_DEBIAN_SOURCES:-}" ]]; then
  cp "$ENVBOOT_DEBIAN_SOURCES" "$sources"
else
  bookworm_sources >"$sources"
fi
[[ -s "$sources" ]] || die "no Debian $SUITE mirror in this host's apt sources; set ENVBOOT_DEBIAN_SOURCES to a sources file"
log "apt sources:"
sed 's/^/  /' "$sources" >&2

# ---- bootstrap -------------------------------------------------------------------------
start=$SECONDS
root="$tmp/root"
include=$(IFS=,; printf '%s' "${PACKAGES[*]}")
# initramfs settings go in before the kernel, so its postinst builds the small initrd once.
printf 'MODULES=list\n' >"$tmp/envboot-modules.conf"
cat >"$tmp/envboot-virtio" <<EOF
#!/bin/sh
# envboot test image: drivers for a virtio root disk (initramfs MODULES=list).
[ "\$1" = prereqs ] && exit 0
. /usr/share/initramfs-tools/hook-functions
manual_add_modules ${INITRD_MODULES[*]}
EOF
chmod 755 "$tmp/envboot-virtio"
log "mmdebstrap $SUITE into $root"
# shellcheck disable=SC2016 # "$1" in hooks is mmdebstrap's, expanded by its shell
mmdebstrap \
  --mode=root \
  --variant=apt \
  --include="$include" \
  --aptopt='Acquire::Languages "none"' \
  --dpkgopt='path-exclude=/usr/share/man/*' \
  --dpkgopt='path-exclude=/usr/share/info/*' \
  --dpkgopt='path-exclude=/usr/share/lintian/*' \
  --dpkgopt='path-exclude=/usr/share/doc/*' \
  --dpkgopt='path-include=/usr/share/doc/*/copyright' \
  --dpkgopt='path-exclude=/usr/share/locale/*' \
  --dpkgopt='path-include=/usr/share/locale/locale.alias' \
  --essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/etc/initramfs-tools/hooks"' \
  --essential-hook="cp '$tmp/envboot-modules.conf' \"\$1/etc/initramfs-tools/conf.d/\"" \
  --essential-hook="cp -p '$tmp/envboot-virtio' \"\$1/etc/initramfs-tools/hooks/\"" \
  --customize-hook="chroot \"\$1\" sh -c 'lsinitramfs /boot/initrd.img-*' >'$tmp/initrd.list'" \
  "$SUITE" "$root" - <"$sources" >&2
log "bootstrap took $((SECONDS - start)) s"

# ---- configure the tree as a cloud image would be --------------------------------------
# Drop-ins only; /etc/cloud/cloud.cfg stays Debian's (default user debian, disable_root).
cat >"$root/etc/cloud/cloud.cfg.d/90_envboot.cfg" <<'EOF'
# envboot test image. Seeds come from a NoCloud volume labelled "cidata", so
# ds-identify need not probe other clouds.
datasource_list: [ NoCloud, None ]
# /etc/hosts names the instance's hostname, so sudo and friends resolve it
# without DNS (the test network has none).
manage_etc_hosts: true
EOF
cat >"$root/etc/fstab" <<'EOF'
# <file system> <mount point> <type> <options> <dump> <pass>
/dev/vda / ext4 rw,discard,errors=remount-ro 0 0
EOF
printf 'localhost\n' >"$root/etc/hostname"
cat >"$root/etc/hosts" <<'EOF'
127.0.0.1	localhost
::1		localhost ip6-localhost ip6-loopback
ff02::1		ip6-allnodes
ff02::2		ip6-allrouters
EOF
# C.UTF-8 needs no locale-gen, so cloud-init's locale module has nothing to build.
printf 'LANG=C.UTF-8\n' >"$root/etc/default/locale"
# First-boot identity: no machine id, no host keys, no root password, no host leftovers.
: >"$root/etc/machine-id"
rm -f "$root/var/lib/dbus/machine-id" "$root"/etc/ssh/ssh_host_* "$root/etc/resolv.conf"
sed -i -E 's/^root:[^:]*:/root:*:/' "$root/etc/shadow"
for unit in "${MASK_UNITS[@]}"; do
  ln -sfn /dev/null "$root/etc/systemd/system/$unit"
  rm -f "$root"/etc/systemd/system/*.wants/"$unit"
done
rm -rf "$root"/var/lib/apt/lists/* "$root"/var/cache/apt/*.bin "$root"/var/log/*.log \
  "$root"/var/log/apt/* "$root"/var/cache/debconf/*-old "$root"/tmp/* "$root"/var/tmp/*

kernel=$(find "$root/boot" -maxdepth 1 -name 'vmlinuz-*' -printf '%f\n' | sort -V | tail -n1)
kver=${kernel#vmlinuz-}
[[ -f "$root/boot/initrd.img-$kver" ]] || die "no initrd for kernel $kver"
for m in virtio_pci virtio_blk; do
  grep -q "/$m\.ko" "$tmp/initrd.list" || die "initrd lacks $m"
done
ci_version=$(dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Version}' cloud-init)

# ---- output ------------------------------------------------------------------------------
img="$tmp/out"
mkdir -p "$img"
cp "$root/boot/vmlinuz-$kver" "$img/vmlinuz"
cp "$root/boot/initrd.img-$kver" "$img/initrd.img"
chmod 644 "$img/vmlinuz" "$img/initrd.img"
log "mkfs.ext4 -d ($ROOTFS_SIZE) and qcow2"
truncate -s "$ROOTFS_SIZE" "$tmp/rootfs.raw"
# Use the image's own mke2fs.conf so the features match bookworm's kernel and e2fsck.
MKE2FS_CONFIG="$root/etc/mke2fs.conf" mkfs.ext4 -q -F -L root -m 0 -d "$root" "$tmp/rootfs.raw"
qemu-img convert -f raw -O qcow2 "$tmp/rootfs.raw" "$img/rootfs.qcow2"
rm -f "$tmp/rootfs.raw"
printf '%s\n' "$CMDLINE" >"$img/cmdline"
dpkg-query --admindir="$root/var/lib/dpkg" -W -f='${Package} ${Version}\n' >"$img/packages.txt"
cat >"$img/image.json" <<EOF
{
  "name": "$IMAGE_NAME",
  "recipe": "$recipe",
  "distribution": "debian",
  "release": "12",
  "suite": "$SUITE",
  "arch": "amd64",
  "kernel": "vmlinuz",
  "initrd": "initrd.img",
  "rootfs": "rootfs.qcow2",
  "rootfsFormat": "qcow2",
  "rootfsSize": "$ROOTFS_SIZE",
  "cmdline": "$CMDLINE",
  "kernelVersion": "$kver",
  "cloudInitVersion": "$ci_version",
  "defaultUser": "debian",
  "datasource": "NoCloud",
  "seedLabel": "cidata",
  "disk": "virtio-blk",
  "network": "virtio-net-pci",
  "built": "$(date -u +%Y-%m-%dT%H:%M:%SZ)"
}
EOF
date -u +%Y-%m-%dT%H:%M:%SZ >"$img/.complete"

rm -rf --one-file-system "$out"
mv -T "$img" "$out"
log "built $out in $((SECONDS - start)) s"
printf '%s\n' "$out"
