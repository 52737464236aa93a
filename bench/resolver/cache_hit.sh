#!/usr/bin/env bash
# Cache-hit QPS of `holdfast resolver` against Unbound and dnsdist: one upstream (knotd), one
# query set, one machine, one run of dnsperf each, reported with ratios. Not a test.
#
#   scripts/in-netns bench/resolver/cache_hit.sh [holdfast-binary]
#
# Runs only on loopback inside its own network namespace (scripts/in-netns), every process it
# starts is stopped by PID, and every load is bounded (dnsperf -l and -Q). Needs the Debian
# packages knot, dnsperf, unbound and dnsdist; the peers' outbound habits are off (no root
# hints: both only forward; dnsdist security polling off; no control sockets or web servers).
set -euo pipefail
cd "$(dirname "$0")/../.."

holdfast=${1:-build/release/src/cli/holdfast}
seconds=${BENCH_SECONDS:-10}        # length of each measured run
max_qps=${BENCH_MAX_QPS:-500000}    # dnsperf -Q: a ceiling, so the load is always bounded
clients=${BENCH_CLIENTS:-4}         # dnsperf -c
threads=${BENCH_THREADS:-2}         # server threads for each peer alike
names=1000

for tool in knotd dnsperf unbound dnsdist; do
  if ! command -v "$tool" >/dev/null && [ ! -x "/usr/sbin/$tool" ]; then
    echo "cache_hit: $tool is missing (apt-get install knot dnsperf unbound dnsdist)" >&2
    exit 2
  fi
done
if ip route show default 2>/dev/null | grep -q .; then
  echo "cache_hit: run inside scripts/in-netns (a default route exists here)" >&2
  exit 2
fi

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT

# The upstream: knotd serving $names names.
{
  echo '$ORIGIN bench.test.'
  echo '$TTL 3600'
  echo '@ IN SOA ns.bench.test. hostmaster.bench.test. 1 3600 600 86400 300'
  echo '@ IN NS ns'
  echo 'ns IN A 127.0.0.1'
  for i in $(seq 0 $((names - 1))); do
    echo "h$i IN A 10.0.$((i / 256)).$((i % 256))"
  done
} > "$work/bench.test.zone"
cat > "$work/knot.conf" <<CONF
server:
    rundir: "$work"
    listen: 127.0.0.5@5300
database:
    storage: "$work/knotdb"
template:
  - id: default
    storage: "$work"
    file: "%s.zone"
zone:
  - domain: bench.test
log:
  - target: stderr
    any: error
CONF
/usr/sbin/knotd -c "$work/knot.conf" 2>"$work/knot.log" &
pids+=($!)

# holdfast.
cat > "$work/holdfast.yaml" <<CONF
log: {level: warn, format: json}
resolver:
  listen: ["127.0.0.1:5401"]
  threads: $threads
  upstreams: ["127.0.0.5:5300"]
CONF
"$holdfast" resolver --config "$work/holdfast.yaml" 2>"$work/holdfast.log" &
pids+=($!)

# Unbound: forward-only, no validation, no root hints, no control, no chroot, no privileges drop.
cat > "$work/unbound.conf" <<CONF
server:
  interface: 127.0.0.1@5402
  port: 5402
  num-threads: $threads
  do-daemonize: no
  chroot: ""
  username: ""
  directory: "$work"
  pidfile: "$work/unbound.pid"
  use-syslog: no
  logfile: ""
  verbosity: 0
  module-config: "iterator"
  do-not-query-localhost: no
  access-control: 127.0.0.0/8 allow
  msg-cache-size: 64m
  rrset-cache-size: 64m
  so-reuseport: yes
forward-zone:
  name: "."
  forward-addr: 127.0.0.5@5300
remote-control:
  control-enable: no
CONF
unbound -d -c "$work/unbound.conf" 2>"$work/unbound.log" &
pids+=($!)

# dnsdist: one backend, a packet cache, no security polling, no console or web server.
cat > "$work/dnsdist.conf" <<CONF
setSecurityPollSuffix("")
setLocal("127.0.0.1:5403", {reusePort=true})
for i = 2, $threads do addLocal("127.0.0.1:5403", {reusePort=true}) end
newServer({address="127.0.0.5:5300", healthCheckMode="up"})
pc = newPacketCache(100000)
getPool(""):setCache(pc)
CONF
dnsdist --supervised --disable-syslog -C "$work/dnsdist.conf" >"$work/dnsdist.log" 2>&1 &
pids+=($!)

for i in $(seq 0 $((names - 1))); do
  echo "h$i.bench.test A"
done > "$work/queries"

sleep 2
declare -A qps
for peer in holdfast:5401 unbound:5402 dnsdist:5403; do
  name=${peer%%:*}
  port=${peer##*:}
  # Warm the cache, then measure.
  dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries" -n 2 -c 1 >/dev/null 2>&1 || true
  out=$(dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries" -l "$seconds" -c "$clients" \
        -Q "$max_qps" 2>&1)
  qps[$name]=$(echo "$out" | awk '/Queries per second/ {print $4}')
  lost=$(echo "$out" | awk '/Queries lost/ {print $3}')
  echo "$name: ${qps[$name]} queries/s (lost $lost)"
done
awk -v h="${qps[holdfast]}" -v u="${qps[unbound]}" -v d="${qps[dnsdist]}" 'BEGIN {
  printf "holdfast/unbound: %.2f\nholdfast/dnsdist: %.2f\n", h / u, h / d }'
