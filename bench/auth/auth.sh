#!/usr/bin/env bash
# Authoritative UDP benchmark: `holdfast serve` against Knot DNS (knotd) and NSD with the same
# zones, queries and thread counts, one server at a time, each pinned to one core and dnsperf
# to the other. For each zone size: zone load time (start to first answer), resident memory
# (PSS of the whole process tree), QPS, lost queries, server CPU time per answered query and
# latency percentiles. Not a test.
#
#   scripts/in-netns bench/auth/auth.sh [holdfast-binary]
#
# The smallest zone is also measured over TCP with BENCH_TCP_CLIENTS connections open at once
# (bench/lib.sh; BENCH_TCP=0 leaves TCP out).
#
# Environment: BENCH_ZONES (default "10000 1000000": names per zone), BENCH_THREADS (server
# threads for each peer alike, default 1), BENCH_SERVERS (default "holdfast knot nsd"), and
# the knobs of bench/lib.sh. Rows are printed as TSV (see measure_udp) and appended to
# BENCH_RESULTS; load/memory rows to BENCH_MEM_RESULTS:
#   zone_names server load_seconds pss_kib pss_anon_kib
set -euo pipefail
cd "$(dirname "$0")/../.."
source bench/lib.sh

holdfast=$(realpath "${1:-build/release/src/cli/holdfast}")
zones=${BENCH_ZONES:-"10000 1000000"}
threads=${BENCH_THREADS:-1}
servers=${BENCH_SERVERS:-"holdfast knot nsd"}
port=5310
load_limit=300  # seconds a server may take to load a zone

bench_require knotd nsd dnsperf kdig taskset

# generate_zone NAMES FILE: bench.test. with NAMES A records h0..h<NAMES-1>.
generate_zone() {
  awk -v n="$1" 'BEGIN {
    print "$ORIGIN bench.test."
    print "$TTL 3600"
    print "@ IN SOA ns.bench.test. hostmaster.bench.test. 1 3600 600 86400 300"
    print "@ IN NS ns"
    print "ns IN A 127.0.0.1"
    for (i = 0; i < n; i++) {
      printf "h%d IN A 10.%d.%d.%d\n", i, int(i / 65536) % 256, int(i / 256) % 256, i % 256
    }
  }' >"$2"
}

# generate_queries NAMES FILE: every name once (at most 1M), in a random order.
generate_queries() {
  awk -v n="$1" 'BEGIN {for (i = 0; i < n && i < 1000000; i++) printf "h%d.bench.test A\n", i}' |
    shuf --random-source=<(yes) >"$2"
}

start_holdfast() {
  start_bg "$bench_work/holdfast.log" "$holdfast" serve --listen "127.0.0.1:$port" \
    --zone "$1" --threads "$threads" --log-level warn \
    --max-tcp-connections "$((BENCH_TCP_CLIENTS + 100))"
}

start_knot() {
  local dir="$bench_work/knot"
  rm -rf "$dir"
  mkdir -p "$dir/run" "$dir/db"
  # No outbound: no remotes, so no NOTIFY or transfers; nothing written back to the zone file
  # or a journal; affinity off, workers equal to ours.
  cat >"$dir/knot.conf" <<CONF
server:
    rundir: "$dir/run"
    listen: 127.0.0.1@$port
    udp-workers: $threads
    tcp-workers: $threads
    background-workers: 1
    socket-affinity: off
database:
    storage: "$dir/db"
template:
  - id: default
    zonefile-sync: -1
    zonefile-load: whole
    journal-content: none
    semantic-checks: off
zone:
  - domain: bench.test
    file: "$1"
log:
  - target: stderr
    any: error
CONF
  start_bg "$bench_work/knot.log" /usr/sbin/knotd -c "$dir/knot.conf"
}

start_nsd() {
  local dir="$bench_work/nsd"
  rm -rf "$dir"
  mkdir -p "$dir"
  # Response rate limiting off (Debian builds NSD with it on by default), no zone database,
  # no remote control, no transfers (no masters, no notify targets).
  cat >"$dir/nsd.conf" <<CONF
server:
    ip-address: 127.0.0.1@$port
    server-count: $threads
    reuseport: yes
    username: ""
    chroot: ""
    zonesdir: "$dir"
    database: ""
    zonelistfile: "$dir/zone.list"
    xfrdfile: "$dir/xfrd.state"
    xfrdir: "$dir"
    pidfile: "$dir/nsd.pid"
    logfile: "$dir/nsd.log"
    verbosity: 0
    rrl-ratelimit: 0
    rrl-whitelist-ratelimit: 0
    # NSD serves at most 100 TCP connections by default; the TCP run opens more.
    tcp-count: $((BENCH_TCP_CLIENTS + 100))
remote-control:
    control-enable: no
zone:
    name: bench.test
    zonefile: "$1"
CONF
  start_bg "$bench_work/nsd.out" /usr/sbin/nsd -d -c "$dir/nsd.conf"
}

echo "# auth: server threads $threads, server pinned to core $BENCH_SERVER_CPU," \
  "dnsperf to core $BENCH_LOAD_CPU, ${BENCH_SECONDS}s per run" >&2
smallest=$(printf '%s\n' $zones | sort -n | head -1)
for names in $zones; do
  zone="$bench_work/bench.test.$names.zone"
  queries="$bench_work/queries.$names"
  generate_zone "$names" "$zone"
  generate_queries "$names" "$queries"
  for server in $servers; do
    "start_$server" "$zone"
    pid=$bg_pid
    if ! load=$(wait_answer "$port" bench.test SOA "$load_limit"); then
      echo "bench: $server did not load the $names-name zone; its log:" >&2
      cat "$bench_work/$server".* >&2 || true
      exit 1
    fi
    sleep 1
    mem=$(pss_kib "$pid")
    anon=$(smaps_kib Pss_Anon "$pid")
    row=$(printf '%s\t%s\t%s\t%s\t%s' "$names" "$server" "$load" "$mem" "$anon")
    echo "$row" >&2
    if [ -n "${BENCH_MEM_RESULTS:-}" ]; then
      echo "$row" >>"$BENCH_MEM_RESULTS"
    fi
    measure_udp "auth-$names" "$server" "$pid" "$port" "$queries" "$threads"
    if [ "${BENCH_TCP:-1}" != 0 ] && [ "$names" = "$smallest" ]; then
      measure_tcp "auth-tcp-$names" "$server" "$pid" "$port" "$queries" "$threads"
    fi
    stop_bg "$pid"
    sleep 0.5
  done
done
