#!/usr/bin/env bash
# Set up a fresh Debian 12 machine for vmcbench. Idempotent: installs only what is missing.
#   scripts/setup.sh report   apt packages to render reports + the venv (no Docker, no QEMU)
#   scripts/setup.sh test     everything the tests need: a running Docker daemon with the crun and runsc
#                             runtimes, Podman's API service, and (only if crun needs it) a cgroup fix
# Host changes beyond packages and daemons are printed and recorded in /run/vmcbench-host-changes,
# which the collector's host fingerprint reads (host_changes).
set -euo pipefail
mode=${1:-test}
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"

report_pkgs=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 poppler-utils)
engine_pkgs=(docker.io qemu-system-x86 busybox-static hyperfine e2fsprogs debootstrap crun runsc podman)
browser_pkgs=(chromium)

need=()
want=("${report_pkgs[@]}")
[ "$mode" = test ] && want+=("${engine_pkgs[@]}" "${browser_pkgs[@]}")
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
done
if [ ${#need[@]} -gt 0 ]; then
  echo "setup: apt-get install ${need[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if [ "$mode" = test ] && ! apt-cache depends linux-image-cloud-amd64 2>/dev/null | grep -q 'Depends: linux-image'; then
  apt-get update -qq   # the VM platform fetches Debian's cloud kernel with apt
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv || { apt-get install -y -qq python3-venv >/dev/null && python3 -m venv .venv; }
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [ ! -f "$stamp" ]; then
  echo "setup: installing the project into .venv"
  .venv/bin/pip install -q --upgrade pip >/dev/null
  .venv/bin/pip install -q -e '.[test]'
  rm -f .venv/.installed-*; touch "$stamp"
fi

if [ "$mode" = test ]; then
  . scripts/engines.sh
  cgroup_fix_for_crun
  start_docker
  start_podman
fi
echo "setup: ready ($mode)"
