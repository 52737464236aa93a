#!/usr/bin/env bash
# Outage benchmark: `holdfast resolver` and Unbound (serve-expired on) in front of the same
# upstream (knotd serving a test zone with short TTLs). Both caches are warmed, the upstream is
# killed, every cached answer expires, then each resolver in turn gets the same bounded query
# load. Prints the success rate (NOERROR answers per query sent; SERVFAIL and timeouts fail)
# and latency percentiles of the answers, side by side with ratios. Not a test.
#
#   scripts/in-netns bench/resolver/outage.sh [holdfast-binary]
#
# Loopback only inside its own network namespace; every process it starts is stopped by PID;
# the load is bounded in time (dnsperf -l) and rate (-Q). Unbound forwards only to the local
# knotd: no root hints, no outbound iteration, no control socket. Environment:
# OUTAGE_SECONDS (load per resolver, default 10), OUTAGE_QPS (default 500), OUTAGE_NAMES
# (default 200), and bench/lib.sh's.
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh

holdfast=$(realpath "${1:-build/release/src/cli/holdfast}")
seconds=${OUTAGE_SECONDS:-10}
qps=${OUTAGE_QPS:-500}
names=${OUTAGE_NAMES:-200}
ttl=2
holdfast_port=5411
unbound_port=5412

bench_require knotd dnsperf unbound kdig taskset
work=$bench_work

# The upstream: knotd with $names names whose answers expire $ttl seconds after caching.
upstream_knotd "$work" outage.test $ttl "$names" 10.1
knot_pid=$bg_pid
wait_answer 5300 outage.test SOA 30 127.0.0.5 >/dev/null

# holdfast: defaults (serve-stale on: 1.8 s client timeout, stale TTL 30 s, one-day window).
cat >"$work/holdfast.yaml" <<CONF
log: {level: warn, format: json}
resolver:
  listen: ["127.0.0.1:$holdfast_port"]
  threads: 1
  upstreams: ["127.0.0.5:5300"]
CONF
start_bg "$work/holdfast.log" "$holdfast" resolver --config "$work/holdfast.yaml"
holdfast_pid=$bg_pid

# Unbound with RFC 8767 serve-expired and the same client timeout as holdfast's default.
cat >"$work/unbound.conf" <<CONF
server:
  interface: 127.0.0.1@$unbound_port
  port: $unbound_port
  num-threads: 1
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
  serve-expired: yes
  serve-expired-ttl: 86400
  serve-expired-reply-ttl: 30
  serve-expired-client-timeout: 1800
  # "test." is one of Unbound's default local zones (RFC 6761); forward it instead.
  local-zone: "test." nodefault
forward-zone:
  name: "."
  forward-addr: 127.0.0.5@5300
remote-control:
  control-enable: no
CONF
start_bg "$work/unbound.log" unbound -d -c "$work/unbound.conf"
unbound_pid=$bg_pid

for i in $(seq 0 $((names - 1))); do
  echo "h$i.outage.test A"
done >"$work/queries"

# wait_resolves PORT: polls with recursion desired (a forwarder answers +norec queries from
# its cache only) until h0 resolves; fails after 30 s.
wait_resolves() {
  local i
  for i in $(seq 300); do
    if kdig @127.0.0.1 -p "$1" +time=1 +retry=0 h0.outage.test A 2>/dev/null |
      grep -q 'status: NOERROR'; then
      return 0
    fi
    sleep 0.1
  done
  echo "bench: nothing answers on port $1" >&2
  return 1
}

# Warm both caches with every name, and check each answers.
for port in $holdfast_port $unbound_port; do
  wait_resolves "$port"
  taskset -c "$BENCH_LOAD_CPU" dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries" -n 1 -c 1 \
    -Q 2000 >/dev/null 2>&1 || true
done

# The outage: the upstream dies; wait until every cached answer has expired.
stop_bg "$knot_pid"
sleep $((ttl + 1))

# load NAME PORT: the bounded load; prints "success_pct p50_ms p90_ms p99_ms sent".
load() {
  local name=$1 port=$2 out sent ok
  out=$(taskset -c "$BENCH_LOAD_CPU" dnsperf -s 127.0.0.1 -p "$port" -d "$work/queries" \
    -l "$seconds" -c 4 -q 100 -Q "$qps" -t 3 -v 2>&1)
  echo "$out" >"$work/dnsperf-outage-$name.txt"
  sent=$(echo "$out" | awk '/Queries sent:/ {print $3}')
  echo "$out" | awk '$1 == ">" && $2 == "NOERROR" {print $NF}' | sort -g >"$work/lat-$name"
  ok=$(wc -l <"$work/lat-$name")
  awk -v sent="${sent:-0}" -v ok="$ok" '
    {v[NR] = $1}
    END {
      if (sent == 0) {print "0 - - - 0"; exit}
      if (NR == 0) {printf "%.2f - - - %d\n", 100 * ok / sent, sent; exit}
      printf "%.2f %.3f %.3f %.3f %d\n", 100 * ok / sent, v[int(NR * 0.50) + 1] * 1e3,
             v[int(NR * 0.90) + 1] * 1e3, v[int(NR * 0.99) + 1] * 1e3, sent
    }' "$work/lat-$name"
}

read -r h_ok h_p50 h_p90 h_p99 h_sent < <(load holdfast $holdfast_port)
read -r u_ok u_p50 u_p90 u_p99 u_sent < <(load unbound $unbound_port)
stop_bg "$holdfast_pid"
stop_bg "$unbound_pid"

ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN {if (a == "-" || b == "-" || b == 0) print "-"; else printf "%.2f", a / b}'
}
echo "# upstream dead, $names names expired, ${seconds}s at up to $qps qps per resolver;"
echo "# success = NOERROR answers / queries sent; latency over NOERROR answers (ms)"
printf '%-14s %12s %12s %12s\n' metric holdfast unbound holdfast/unbound
printf '%-14s %12s %12s %12s\n' queries_sent "$h_sent" "$u_sent" "$(ratio "$h_sent" "$u_sent")"
printf '%-14s %12s %12s %12s\n' success_pct "$h_ok" "$u_ok" "$(ratio "$h_ok" "$u_ok")"
printf '%-14s %12s %12s %12s\n' p50_ms "$h_p50" "$u_p50" "$(ratio "$h_p50" "$u_p50")"
printf '%-14s %12s %12s %12s\n' p90_ms "$h_p90" "$u_p90" "$(ratio "$h_p90" "$u_p90")"
printf '%-14s %12s %12s %12s\n' p99_ms "$h_p99" "$u_p99" "$(ratio "$h_p99" "$u_p99")"
