#!/bin/sh
# vmcbench performance driver: the same script, in the same Debian tree, on every platform.
#
# Settings: key=value arguments (process, container), else vmcb.key=value words on
# /proc/cmdline (VM). Each benchmark's raw tool output is framed by
#   VMCB-BEGIN bench=<name> tool=<tool> [k=v ...]
#   ...raw output...
#   VMCB-END bench=<name> rc=<exit code> elapsed_ms=<wall ms>
# and parsed on the host (collector/workloads/perf_output.py). Ready marker first, done marker last.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin LANG=C LC_ALL=C

# defaults: the CI profile ("a few seconds per benchmark")
t=2                     # seconds per fixed-time benchmark
threads=2               # threads for the multi-threaded runs (same on every platform)
cpu_prime=10000         # sysbench cpu --cpu-max-prime
cpu_events=0            # >0: fixed work (--events, no time limit) instead of fixed time
mem_block=64M           # sysbench memory block (per-thread buffer; > L3 so DRAM is reached)
mem_total=1000G         # upper bound; the time limit ends the run
syscall_bytes=200000    # dd bs=1: 2 syscalls per byte (fixed work)
fio_size=64M            # fio file size
fio_depth=16            # fio iodepth (libaio)
fio_ramp=0              # fio --ramp_time seconds (not counted)
scratch=/vmcbench/scratch
redis_n=2000            # redis-benchmark requests per test (fixed work)
redis_cap=60            # seconds before redis-benchmark is killed (TCG guests can be ~100x slower)
redis_c=10              # redis-benchmark clients
redis_tests=ping_inline,set,get
only=                   # comma list of benchmarks to run (empty = all)

apply() { for kv in "$@"; do case $kv in *=*) k=${kv%%=*}; v=${kv#*=}
  case $k in *[!a-z_]*|'') ;; *) eval "$k=\$v" ;; esac ;; esac; done; }
apply "$@"
if [ $# -eq 0 ] && [ -r /proc/cmdline ]; then
  set --; for w in $(cat /proc/cmdline); do case $w in vmcb.*=*) set -- "$@" "${w#vmcb.}" ;; esac; done
  apply "$@"
fi
[ "$$" = 1 ] && echo 1 > /proc/sys/kernel/printk 2>/dev/null   # VM: keep kernel messages off the console

echo "VMCBENCH-READY"
echo "VMCB-INFO nproc=$(nproc) kernel=$(uname -r) t=$t threads=$threads mem_block=$mem_block fio_size=$fio_size fio_ramp=$fio_ramp redis_n=$redis_n scratch=$scratch"
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
want() { [ -z "$only" ] && return 0; case ",$only," in *",$1,"*) return 0 ;; esac; return 1; }
failed=0; ran=0
run() {  # run <bench> <tool> <extra k=v> -- command...
  b=$1 tool=$2 extra=$3; shift 3
  want "$b" || return 0
  echo "VMCB-BEGIN bench=$b tool=$tool $extra"
  s=$(now_ms); "$@" 2>&1; rc=$?; e=$(now_ms)
  echo "VMCB-END bench=$b rc=$rc elapsed_ms=$((e - s))"
  ran=$((ran + 1)); [ $rc -eq 0 ] || failed=$((failed + 1))
  return $rc
}
sb_limit() { if [ "$cpu_events" -gt 0 ]; then echo "--events=$cpu_events --time=0"; else echo "--events=0 --time=$t"; fi; }

# --- CPU
run cpu_single sysbench "threads=1" sysbench cpu --threads=1 --cpu-max-prime=$cpu_prime $(sb_limit) run
run cpu_multi sysbench "threads=$threads" sysbench cpu --threads=$threads --cpu-max-prime=$cpu_prime $(sb_limit) run
# --- memory (read bandwidth; rnd = random 8-byte reads inside each thread's block)
for mode in seq rnd; do
  run mem_$mode sysbench "threads=1 block=$mem_block" sysbench memory --threads=1 --memory-block-size=$mem_block \
    --memory-total-size=$mem_total --memory-oper=read --memory-access-mode=$mode --time=$t --events=0 run
done
# --- scheduler / syscalls
run threads sysbench "threads=$threads" sysbench threads --threads=$threads --thread-yields=100 --thread-locks=4 \
  --time=$t --events=0 run
pingpong() { perl -e '
  my $t = shift; pipe(R1, W1) or die; pipe(R2, W2) or die;
  my $pid = fork(); die unless defined $pid;
  if (!$pid) { close W1; close R2; my $b; while (sysread(R1, $b, 1)) { syswrite(W2, $b, 1) } exit 0 }
  close R1; close W2; my ($b, $n, $stop) = ("", 0, 0);
  $SIG{ALRM} = sub { $stop = 1 }; alarm $t;          # fixed time: no Time::HiRes in perl-base
  until ($stop) { syswrite(W1, "x", 1); my $r = sysread(R2, $b, 1); last if $stop; $r == 1 or die "read: $!"; $n++ }
  close W1; waitpid($pid, 0); print "roundtrips=$n seconds=$t\n";' "$t"; }
run pipe_pingpong perl "seconds=$t" pingpong
run syscalls dd "bytes=$syscall_bytes" dd if=/dev/zero of=/dev/null bs=1 count=$syscall_bytes
# --- disk: fio on the instance's own storage, O_DIRECT (falls back to buffered where refused)
kib() {  # a size (1024, 64k, 64M, 1G) in KiB; fails on anything else
  case $1 in
    *[!0-9kKmMgG]*|'') return 1 ;;
    *[gG]) echo $(( ${1%?} * 1048576 )) ;; *[mM]) echo $(( ${1%?} * 1024 )) ;; *[kK]) echo ${1%?} ;;
    *) echo $(( $1 / 1024 )) ;;
  esac; }
fio_job() {  # fio_job <bench> <rw> <bs>
  f=$scratch/fio.dat
  free=$(df -kP "$scratch" | awk 'NR==2{print $4}')
  # the previous job's file is rewritten in place, so its room counts as free (wc -c: gVisor refuses statx)
  if [ -f "$f" ]; then have=$(wc -c < "$f") && free=$((free + have / 1024)); fi
  want_kib=$(kib "$fio_size") || { echo "fio_size=$fio_size is not a size (e.g. 64M, 1G)"; return 2; }
  [ "$want_kib" -le $((free / 2)) ] || { echo "fio_size=$fio_size exceeds half the free ${free} KiB of $scratch"; return 2; }
  for direct in 1 0; do
    echo "VMCB-TRY direct=$direct"
    fio --name=$1 --filename=$f --size=$fio_size --rw=$2 --bs=$3 --direct=$direct --ioengine=libaio \
      --iodepth=$fio_depth --runtime=$t --time_based --ramp_time=$fio_ramp --numjobs=1 --group_reporting \
      --output-format=json && return 0
    [ $direct = 1 ] || return 1
  done
}
if want disk_randread || want disk_randwrite || want disk_seqread || want disk_seqwrite; then
  mkdir -p "$scratch"; rm -f "$scratch/fio.dat"; echo "VMCB-INFO scratch_fs=$(stat -f -c %T "$scratch" 2>/dev/null) scratch_free_kib=$(df -kP "$scratch" | awk 'NR==2{print $4}')"
fi
run disk_seqwrite fio "bs=1M" fio_job disk_seqwrite write 1M
run disk_seqread fio "bs=1M" fio_job disk_seqread read 1M
run disk_randread fio "bs=4k" fio_job disk_randread randread 4k
run disk_randwrite fio "bs=4k" fio_job disk_randwrite randwrite 4k
rm -f "$scratch/fio.dat"
# --- network on loopback (127.0.0.1 inside the instance)
listening() {  # listening <port>: wait until 127.0.0.1:<port> is in LISTEN state (no ss/netstat in minbase)
  hex=$(printf '%04X' "$1"); n=0
  until grep -q "^ *[0-9]*: 0100007F:$hex 00000000:0000 0A" /proc/net/tcp; do
    n=$((n + 1)); [ $n -gt 200 ] && return 1; sleep 0.1; done
}
iperf() {
  iperf3 -s -B 127.0.0.1 -p 5201 -1 >/dev/null 2>&1 & sp=$!
  listening 5201 && iperf3 -c 127.0.0.1 -p 5201 -t "$t" -i 0 -J; rc=$?
  kill $sp 2>/dev/null; wait $sp 2>/dev/null; return $rc
}
run net_tcp iperf3 "" iperf
sockpp() {
  sockperf sr --tcp -i 127.0.0.1 -p 11111 >/dev/null 2>&1 & sp=$!
  listening 11111 && sockperf pp --tcp -i 127.0.0.1 -p 11111 -m 64 -t "$t"; rc=$?
  kill $sp 2>/dev/null; wait $sp 2>/dev/null; return $rc
}
run net_pingpong sockperf "proto=tcp msg=64" sockpp
# --- a real application: redis on loopback
redis() {
  redis-server --bind 127.0.0.1 --port 6379 --save '' --appendonly no --dir /tmp --daemonize no \
    --logfile '' --loglevel warning >/dev/null 2>&1 & rp=$!
  listening 6379 || { kill $rp; return 1; }
  timeout -k 2 "$redis_cap" redis-benchmark -h 127.0.0.1 -p 6379 -n "$redis_n" -c "$redis_c" -t "$redis_tests" --csv --precision 3; rc=$?
  redis-cli -h 127.0.0.1 -p 6379 shutdown nosave >/dev/null 2>&1; wait $rp 2>/dev/null; return $rc
}
run redis redis-benchmark "clients=$redis_c requests=$redis_n" redis

echo "VMCB-DONE ran=$ran failed=$failed"
if [ "$$" = 1 ]; then sync; echo o > /proc/sysrq-trigger; sleep 10; fi   # VM: power off (QEMU exits)
exit 0
