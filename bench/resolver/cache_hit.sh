#!/usr/bin/env bash
# Cache-hit benchmark of `holdfast resolver` against Unbound and dnsdist: one upstream (knotd),
# one query set of names that are all in the cache after a warm-up pass, one resolver at a
# time, pinned to one core with dnsperf on the other. Reports QPS, lost queries, resolver CPU
# time per answered query and latency percentiles (see bench/lib.sh). Not a test.
#
#   scripts/in-netns bench/resolver/cache_hit.sh [holdfast-binary]
#
# Runs only on loopback inside its own network namespace, every process it starts is stopped
# by PID, and every load is bounded (dnsperf -l and -Q). The peers' outbound habits are off: no
# root hints (all three only forward to the local knotd), dnsdist security polling off, no
# control sockets or web servers. Environment: BENCH_THREADS (resolver threads for each peer
# alike, default 1), BENCH_RESOLVERS (default "holdfast unbound dnsdist"), and bench/lib.sh's.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh

holdfast=$(realpath "${1:-build/release/src/cli/holdfast}")
threads=${BENCH_THREADS:-1}
resolvers=${BENCH_RESOLVERS:-"holdfast unbound dnsdist"}
names=1000
port=5401

bench_require knotd dnsperf unbound dnsdist kdig taskset
work=$bench_work

# The upstream: knotd serving $names names, on the server core too (it is idle once the cache
# is warm).
upstream_knotd "$work" bench.test 3600 "$names" 10.0
wait_answer 5300 bench.test SOA 30 127.0.0.5 >/dev/null

start_holdfast() {
  cat >"$work/holdfast.yaml" <<CONF
log: {level: warn, format: json}
resolver:
  listen: ["127.0.0.1:$port"]
  threads: $threads
  upstreams: ["127.0.0.5:5300"]
CONF
  start_bg "$work/holdfast.log" "$holdfast" resolver --config "$work/holdfast.yaml"
}

# Unbound: forward-only, no validation, no root hints, no control, no chroot, no privilege drop.
start_unbound() {
  cat >"$work/unbound.conf" <<CONF
server:
  interface: 127.0.0.1@$port
  port: $port
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
  # Unbound answers the special-use name test. itself (NXDOMAIN) unless told otherwise.
  local-zone: "test." nodefault
forward-zone:
  name: "."
  forward-addr: 127.0.0.5@5300
remote-control:
  control-enable: no
CONF
  start_bg "$work/unbound.log" unbound -d -c "$work/unbound.conf"
}

# dnsdist: one backend, a packet cache, no security polling, no console or web server.
start_dnsdist() {
  cat >"$work/dnsdist.conf" <<CONF
setSecurityPollSuffix("")
setLocal("127.0.0.1:$port", {reusePort=true})
for i = 2, $threads do addLocal("127.0.0.1:$port", {reusePort=true}) end
newServer({address="127.0.0.5:5300", healthCheckMode="up"})
pc = newPacketCache(100000)
getPool(""):setCache(pc)
CONF
  start_bg "$work/dnsdist.log" dnsdist --supervised --disable-syslog -C "$work/dnsdist.conf"
}

for i in $(seq 0 $((names - 1))); do
  echo "h$i.bench.test A"
done >"$work/queries"

echo "# resolver: threads $threads, resolver pinned to core $BENCH_SERVER_CPU," \
  "dnsperf to core $BENCH_LOAD_CPU, ${BENCH_SECONDS}s per run" >&2
for resolver in $resolvers; do
  "start_$resolver"
  pid=$bg_pid
  if ! WAIT_RECURSE=1 wait_answer "$port" h0.bench.test A 30 >/dev/null; then
    echo "bench: $resolver does not answer; its log:" >&2
    cat "$work/$resolver.log" >&2 || true
    exit 1
  fi
  # Warm the cache: every name twice, then measure.
  taskset -c "$BENCH_LOAD_CPU" dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries" -n 2 -c 1 \
    -Q 20000 >/dev/null 2>&1 || true
  measure_udp resolver-cache-hit "$resolver" "$pid" "$port" "$work/queries" "$threads"
  stop_bg "$pid"
  sleep 0.5
done
