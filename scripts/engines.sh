# Sourced by scripts/setup.sh test: start the engines vmcbench measures, on a fresh machine or a used one.
#   Docker Engine with the runtimes crun and runsc (gVisor; Debian's build needs --network=none),
#   Podman's Docker-compatible API service, and the cgroup fix crun needs on a hybrid layout.
# Daemon settings live in /etc/vmcbench (copied from scripts/), so a daemon started from one checkout
# keeps working when another checkout runs setup, and a reload reads the same file.

conf_dir=/etc/vmcbench
daemon_config=$conf_dir/docker-daemon.json
podman_config=$conf_dir/containers.conf
podman_sock=/run/vmcbench-podman.sock
dockerd_args=(--bridge=none --iptables=false --config-file "$daemon_config")

# Run a daemon in the background without the caller's open files: a daemon inherits every descriptor,
# so one started under `flock LOCK scripts/setup.sh` (CI, or the integration lock) would hold LOCK for
# as long as it lives and every later `flock LOCK` would wait forever.
detached() {
  (
    for fd in $(ls /proc/$BASHPID/fd); do [ "$fd" -gt 2 ] && eval "exec $fd>&-"; done
    exec nohup "$@" </dev/null
  ) &
}

record_change() { echo "setup: HOST CHANGE: $*"; echo "$(date -u +%FT%TZ) $*" >> /run/vmcbench-host-changes; }

install_configs() {
  mkdir -p "$conf_dir"
  for f in docker-daemon.json containers.conf; do
    cmp -s "scripts/$f" "$conf_dir/$f" || { cp "scripts/$f" "$conf_dir/$f"; echo "setup: wrote $conf_dir/$f"; }
  done
}

# crun 1.8 refuses a hybrid cgroup layout whose cgroup2 mount holds controllers ("cgroups in hybrid mode
# not supported, drop all controllers from cgroupv2"). On a host where cgroup2 (not at /sys/fs/cgroup)
# holds hugetlb because v1 has no hugetlb hierarchy, mount hugetlb as a v1 hierarchy, as systemd's
# hybrid layout does. Only when crun would refuse; printed, and recorded for the fingerprint.
cgroup_fix_for_crun() {
  local v2 ctrls
  v2=$(awk '$3=="cgroup2"{print $2; exit}' /proc/mounts)
  [ -n "$v2" ] && [ "$v2" != /sys/fs/cgroup ] || return 0        # pure v1 or pure v2: nothing to do
  ctrls=$(cat "$v2/cgroup.controllers" 2>/dev/null || true)
  [ -z "$ctrls" ] && return 0
  for c in $ctrls; do
    if [ "$c" = hugetlb ] && ! grep -q ' /sys/fs/cgroup/hugetlb cgroup ' /proc/mounts; then
      mkdir -p /sys/fs/cgroup/hugetlb
      mount -t cgroup -o rw,nosuid,nodev,noexec,relatime,hugetlb cgroup /sys/fs/cgroup/hugetlb \
        && record_change "mounted cgroup v1 hierarchy hugetlb at /sys/fs/cgroup/hugetlb (moved off $v2, for crun)"
    fi
  done
  ctrls=$(cat "$v2/cgroup.controllers" 2>/dev/null || true)
  [ -z "$ctrls" ] || echo "setup: warning: $v2 still holds '$ctrls'; crun will refuse to run (doctor says so)" >&2
}

docker_has_runtimes() {
  local rt; rt=$(docker info --format '{{json .Runtimes}}' 2>/dev/null) || return 1
  [[ "$rt" == *'"crun"'* && "$rt" == *'"runsc"'*'--network=none'* ]]
}

wait_docker() {
  for _ in $(seq 60); do docker version >/dev/null 2>&1 && return 0; sleep 1; done
  echo "setup: dockerd did not come up; see /var/log/vmcbench-dockerd.log" >&2; return 1
}

launch_dockerd() {
  echo "setup: starting dockerd ${dockerd_args[*]}"
  detached dockerd "${dockerd_args[@]}" >>/var/log/vmcbench-dockerd.log 2>&1
  wait_docker
}

# No daemon: start one with our config. Ours with the config file: reload it (SIGHUP re-reads the runtimes;
# no container is touched). Ours from an older setup (same arguments, no config file): restart it, but only
# while no container runs (a restart kills them: no live-restore). Anything else is not ours: say what to do.
start_docker() {
  install_configs
  if ! docker version >/dev/null 2>&1; then launch_dockerd; return; fi
  docker_has_runtimes && return 0
  local pid cmd
  pid=$(cat /var/run/docker.pid 2>/dev/null || pgrep -xo dockerd || true)
  cmd=$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null || true)
  if [[ "$cmd" == *"--config-file $daemon_config"* ]]; then
    echo "setup: reloading dockerd (pid $pid, SIGHUP) to read $daemon_config"
    kill -HUP "$pid"; sleep 2
  elif [[ "$cmd" == "dockerd --bridge=none --iptables=false " ]] && [ -z "$(docker ps -q)" ]; then
    echo "setup: restarting dockerd (pid $pid, started by an older setup) with --config-file $daemon_config"
    kill -TERM "$pid"
    for _ in $(seq 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    launch_dockerd
  else
    echo "setup: warning: the running dockerd (pid ${pid:-?}: $cmd) lacks the runtimes crun/runsc and is not" \
         "ours to restart (or containers are running); restart it with: dockerd ${dockerd_args[*]}" >&2
    return 0
  fi
  docker_has_runtimes || echo "setup: warning: dockerd still lacks crun/runsc; crun and gvisor will be unusable" >&2
}

# Podman's API, rootful, on a socket of our own (no systemd here, so no podman.socket unit).
start_podman() {
  command -v podman >/dev/null || return 0
  curl -sf --unix-socket "$podman_sock" http://d/_ping >/dev/null 2>&1 && return 0
  echo "setup: starting podman system service --time=0 unix://$podman_sock"
  CONTAINERS_CONF="$podman_config" detached podman system service --time=0 "unix://$podman_sock" \
    >>/var/log/vmcbench-podman.log 2>&1
  for _ in $(seq 30); do curl -sf --unix-socket "$podman_sock" http://d/_ping >/dev/null 2>&1 && return 0; sleep 1; done
  echo "setup: warning: Podman's API did not answer at $podman_sock; see /var/log/vmcbench-podman.log" >&2
}
