# shellcheck shell=bash
# Shared helpers of the benchmark scripts (sourced, not run). Every process started through
# `start_bg` is stopped by PID when the sourcing script exits; every load is bounded in time
# (dnsperf -l) and rate (dnsperf -Q).
#
# Knobs (environment):
#   BENCH_SECONDS          length of each throughput run, seconds (default 10)
#   BENCH_MAX_QPS          dnsperf -Q ceiling of a throughput run (default 1000000)
#   BENCH_CLIENTS          dnsperf -c (default 4)
#   BENCH_OUTSTANDING      dnsperf -q, queries in flight (default 200)
#   BENCH_LATENCY_QPS      fixed rate of the latency run (default 20000)
#   BENCH_LATENCY_SECONDS  length of the latency run, seconds (default 3)
#   BENCH_SERVER_CPU       core the servers are pinned to (default 0)
#   BENCH_LOAD_CPU         core dnsperf is pinned to (default 1)
#   BENCH_RESULTS          TSV file rows are appended to (default: stdout only)
#   BENCH_TCP_CLIENTS      TCP connections of a TCP throughput run (dnsperf -m tcp -c;
#                          default 400); its queries in flight are twice that
#   BENCH_PERF_DIR         if set, `perf record -g` of the server during each throughput run
#                          is written there (perf-BENCH-SERVER.data); profiling costs CPU, so
#                          the CPU figures of such a run are not comparable

BENCH_SECONDS=${BENCH_SECONDS:-10}
BENCH_MAX_QPS=${BENCH_MAX_QPS:-1000000}
BENCH_CLIENTS=${BENCH_CLIENTS:-4}
BENCH_OUTSTANDING=${BENCH_OUTSTANDING:-200}
BENCH_LATENCY_QPS=${BENCH_LATENCY_QPS:-20000}
BENCH_LATENCY_SECONDS=${BENCH_LATENCY_SECONDS:-3}
BENCH_SERVER_CPU=${BENCH_SERVER_CPU:-0}
BENCH_LOAD_CPU=${BENCH_LOAD_CPU:-1}
BENCH_TCP_CLIENTS=${BENCH_TCP_CLIENTS:-400}
CLK_TCK=$(getconf CLK_TCK)

bench_pids=()
bench_work=$(mktemp -d /tmp/holdfast-bench.XXXXXX)

bench_cleanup() {
  local pid
  for pid in "${bench_pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${bench_pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  if [ -z "${BENCH_KEEP_WORK:-}" ]; then
    rm -rf "$bench_work"
  fi
}
trap bench_cleanup EXIT

bench_require() {
  local tool
  for tool in "$@"; do
    if ! command -v "$tool" >/dev/null && [ ! -x "/usr/sbin/$tool" ]; then
      echo "bench: $tool is missing (run bench/install-deps)" >&2
      exit 2
    fi
  done
  if ip route show default 2>/dev/null | grep -q .; then
    echo "bench: run inside scripts/in-netns (a default route exists here)" >&2
    exit 2
  fi
}

# start_bg LOG CMD...: starts CMD pinned to the server core, output to LOG; sets $bg_pid.
start_bg() {
  local log=$1
  shift
  taskset -c "$BENCH_SERVER_CPU" "$@" >"$log" 2>&1 &
  bg_pid=$!
  bench_pids+=("$bg_pid")
}

# stop_bg PID: stops one process this script started, and waits for it.
stop_bg() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

# The process and all its descendants (NSD forks its serving processes).
process_tree() {
  local pid=$1 child
  echo "$pid"
  for child in $(pgrep -P "$pid" 2>/dev/null); do
    process_tree "$child"
  done
}

# CPU ticks (user+system, all threads) of a process tree.
cpu_ticks() {
  local total=0 p fields
  for p in $(process_tree "$1"); do
    if fields=$(cut -d')' -f2- "/proc/$p/stat" 2>/dev/null); then
      # After the ")" field 1 is state (stat field 3): utime is stat 14, stime 15.
      total=$((total + $(echo "$fields" | awk '{print $12 + $13}')))
    fi
  done
  echo "$total"
}

# Proportional set size in KiB of a process tree (pages shared after fork counted once).
pss_kib() {
  smaps_kib Pss "$1"
}

# smaps_kib FIELD PID: one smaps_rollup field (Pss, Pss_Anon, ...) in KiB, summed over the
# process tree of PID. Pss_Anon leaves out file pages (the binary and shared libraries, which PSS
# counts in full when no other process maps them), so it compares the data servers hold.
smaps_kib() {
  local field=$1 total=0 p v
  for p in $(process_tree "$2"); do
    v=$(awk -v f="$field:" '$1 == f {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || echo 0)
    total=$((total + ${v:-0}))
  done
  echo "$total"
}

# wait_answer PORT NAME TYPE LIMIT_SECONDS [ADDRESS]: polls the server on ADDRESS (default
# 127.0.0.1) until it answers NAME with NOERROR and at least one answer record; prints the
# seconds waited, fails after the limit. Queries go without RD unless WAIT_RECURSE=1.
wait_answer() {
  local port=$1 name=$2 type=$3 limit=$4 address=${5:-127.0.0.1} start now out
  start=$(date +%s.%N)
  while true; do
    # Query only once the port is bound: a query sent before that waits out kdig's timeout.
    if ! ss -Hlun "sport = :$port" 2>/dev/null | grep -q .; then
      now=$(date +%s.%N)
      if awk -v a="$start" -v b="$now" -v l="$limit" 'BEGIN {exit !(b - a > l)}'; then
        echo "bench: nothing listens on UDP port $port after ${limit}s" >&2
        return 1
      fi
      sleep 0.01
      continue
    fi
    out=$(kdig "@$address" -p "$port" "$([ -n "${WAIT_RECURSE:-}" ] && echo +rec || echo +norec)" +time=1 +retry=0 "$name" "$type" 2>/dev/null || true)
    if echo "$out" | grep -q 'status: NOERROR' && echo "$out" | grep -Eq 'ANSWER: [1-9]'; then
      now=$(date +%s.%N)
      awk -v a="$start" -v b="$now" 'BEGIN {printf "%.3f\n", b - a}'
      return 0
    fi
    now=$(date +%s.%N)
    if awk -v a="$start" -v b="$now" -v l="$limit" 'BEGIN {exit !(b - a > l)}'; then
      echo "bench: no answer for $name on port $port within ${limit}s" >&2
      return 1
    fi
    sleep 0.01
  done
}

# measure_udp BENCH SERVER PID PORT QUERIES THREADS: one throughput run and one latency run
# against the server on 127.0.0.1:PORT whose process tree is PID; prints one TSV row:
#   bench server threads qps lost_pct cpu_us_per_answer p50_us p99_us p999_us resp_bytes
#   server_cores load_cores
measure_udp() {
  measure_dns udp -c "$BENCH_CLIENTS" -q "$BENCH_OUTSTANDING" -- "$@"
}

# measure_tcp BENCH SERVER PID PORT QUERIES THREADS: the same over TCP, with BENCH_TCP_CLIENTS
# connections open at once for the throughput run (one for the latency run).
measure_tcp() {
  measure_dns tcp -c "$BENCH_TCP_CLIENTS" -q "$((BENCH_TCP_CLIENTS * 2))" -- "$@"
}

# measure_dns MODE DNSPERF_LOAD_FLAGS... -- BENCH SERVER PID PORT QUERIES THREADS
measure_dns() {
  local mode=$1 load_flags=()
  shift
  while [ "$1" != "--" ]; do
    load_flags+=("$1")
    shift
  done
  shift
  local bench=$1 server=$2 pid=$3 port=$4 queries=$5 threads=$6
  local out before after qps sent completed lost cpu resp lat row

  # Warm up (caches, page faults), bounded.
  taskset -c "$BENCH_LOAD_CPU" dnsperf -m "$mode" -s 127.0.0.1 -p "$port" -d "$queries" -l 1 \
    "${load_flags[@]}" -Q "$BENCH_MAX_QPS" >/dev/null 2>&1 || true

  local perf_pid=
  if [ -n "${BENCH_PERF_DIR:-}" ]; then
    mkdir -p "$BENCH_PERF_DIR"
    perf record -q -g -e cpu-clock \
      -o "$BENCH_PERF_DIR/perf-$bench-$server.data" -p "$pid" \
      -- sleep "$BENCH_SECONDS" >/dev/null 2>&1 &
    perf_pid=$!
  fi
  before=$(cpu_ticks "$pid")
  out=$(taskset -c "$BENCH_LOAD_CPU" dnsperf -m "$mode" -s 127.0.0.1 -p "$port" -d "$queries" \
    -l "$BENCH_SECONDS" "${load_flags[@]}" -Q "$BENCH_MAX_QPS" 2>&1)
  after=$(cpu_ticks "$pid")
  if [ -n "$perf_pid" ]; then
    wait "$perf_pid" || true
  fi
  echo "$out" >"$bench_work/dnsperf-$bench-$server.txt"
  qps=$(echo "$out" | awk '/Queries per second/ {print $4}')
  sent=$(echo "$out" | awk '/Queries sent/ {print $3}')
  completed=$(echo "$out" | awk '/Queries completed/ {print $3}')
  lost=$(echo "$out" | awk '/Queries lost/ {print $3}')
  resp=$(echo "$out" | awk '/Average packet size/ {print $7}')
  cpu=$(awk -v t="$((after - before))" -v hz="$CLK_TCK" -v n="$completed" \
    'BEGIN {if (n > 0) printf "%.2f", t / hz * 1e6 / n; else print "-"}')
  lost=$(awk -v l="$lost" -v s="$sent" 'BEGIN {if (s > 0) printf "%.2f", 100 * l / s; else print "-"}')

  # Latency at a fixed rate well below saturation: every answer's round trip (dnsperf -v).
  lat=$(taskset -c "$BENCH_LOAD_CPU" dnsperf -m "$mode" -s 127.0.0.1 -p "$port" -d "$queries" \
    -l "$BENCH_LATENCY_SECONDS" -c 1 -Q "$BENCH_LATENCY_QPS" -v 2>/dev/null |
    awk '$1 == ">" {print $NF}' | sort -g | awk '
      {v[NR] = $1}
      END {
        if (NR == 0) {print "- - -"; exit}
        printf "%.0f %.0f %.0f\n", v[int(NR * 0.50) + 1] * 1e6, v[int(NR * 0.99) + 1] * 1e6,
               v[int(NR * 0.999) + 1] * 1e6
      }')
  # shellcheck disable=SC2086  # $lat is three fields
  row=$(printf '%s\t%s\t%s\t%.0f\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$bench" "$server" "$threads" \
    "${qps:-0}" "$lost" "$cpu" $lat "${resp%,}" "$BENCH_SERVER_CPU" "$BENCH_LOAD_CPU")
  echo "$row"
  if [ -n "${BENCH_RESULTS:-}" ]; then
    echo "$row" >>"$BENCH_RESULTS"
  fi
}

# upstream_knotd WORK DOMAIN TTL NAMES NET: writes WORK/DOMAIN.zone with NAMES A records
# (h0..hN under DOMAIN, addresses in NET.x.y, record TTL and SOA minimum TTL), and starts knotd
# on 127.0.0.5:5300 serving it, with no outbound traffic (no notify, no transfers).
upstream_knotd() {
  local work=$1 domain=$2 ttl=$3 names=$4 net=$5 i
  {
    echo "\$ORIGIN $domain."
    echo "\$TTL $ttl"
    echo "@ IN SOA ns.$domain. hostmaster.$domain. 1 3600 600 86400 $ttl"
    echo '@ IN NS ns'
    echo 'ns IN A 127.0.0.1'
    for i in $(seq 0 $((names - 1))); do
      echo "h$i IN A $net.$((i / 256)).$((i % 256))"
    done
  } >"$work/$domain.zone"
  mkdir -p "$work/knotdb" "$work/knotrun"
  cat >"$work/knot.conf" <<CONF
server:
    rundir: "$work/knotrun"
    listen: 127.0.0.5@5300
database:
    storage: "$work/knotdb"
template:
  - id: default
    storage: "$work"
    file: "%s.zone"
    zonefile-sync: -1
    journal-content: none
zone:
  - domain: $domain
log:
  - target: stderr
    any: error
CONF
  start_bg "$work/knot.log" /usr/sbin/knotd -c "$work/knot.conf"
}
