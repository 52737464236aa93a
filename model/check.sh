#!/usr/bin/env bash
# Model-checks the plan/enact protocols with spin (see model/README.md).
#
#   holdfast safety    S1 S2 S4 S5 exhaustively, two bounds          expect 0 errors
#   holdfast liveness  L1 under weak fairness (pan -a -f)            expect 0 errors
#   naive              the 2025 protocol, every property, then S1    expect an error each,
#                      alone (the empty endpoint itself)             and prints the trail
#
# Exits non-zero if a holdfast run finds an error or does not finish its search, or if a naive
# run does NOT fail. Builds in a temporary directory that it removes. Needs spin and gcc
# (scripts/install-deps installs spin).
#
# Bounds (chosen so that the whole script takes about a minute on two cores shared with other
# work; states grow roughly 5-10x per extra generation, endpoint or actor; times are pan's,
# measured at load 6-10, plus ~3 s of gcc per run):
#   safety-1   1 endpoint, generations 1..3, keep 1; planner, 3 enactors, janitor, operator
#              ~5.1M states, 11-23 s
#   safety-2   2 endpoints (one zone serial), generations 1..2, keep 0; planner, 3 enactors
#              (each runs the janitor after a publish) ~1.4M states, ~5 s
#   liveness   1 endpoint, generations 1..3, keep 1; planner, 3 enactors of which two may stop
#              for good at any attempt, operator; ~2.0M states (3.1M visited), 10-15 s
#   naive-*    2 endpoints, generations 1..3, keep 1; planner, 3 enactors; breadth-first, so
#              the trail printed is a shortest one; well under a second
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
for tool in spin gcc; do
  command -v "$tool" >/dev/null || { echo "check: $tool not found (run scripts/install-deps)"; exit 2; }
done

work="$(mktemp -d "${TMPDIR:-/tmp}/holdfast-model.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp "$here"/*.pml "$work"/
cd "$work"

MEMLIM=1024      # MB per pan run; pan stops (and this script fails) if a search needs more
failures=0

# run NAME MODEL EXPECT "SPIN -D FLAGS" "GCC -D FLAGS" "PAN FLAGS"
#   EXPECT: pass (no error, complete search) or fail (an error must be found)
run() {
  local name=$1 model=$2 expect=$3 dflags=$4 ccflags=$5 panflags=$6
  local log="$work/$name.out" t0 t1 secs stored visited transitions errors result
  echo "== $name: spin $dflags $model; pan $panflags"
  rm -f pan pan.* "$model.trail"
  # shellcheck disable=SC2086
  spin $dflags -a "$model" >"$work/$name.spin" 2>&1 || { cat "$work/$name.spin"; failures=$((failures + 1)); return; }
  # -w: pan.c is generated code; gcc's warnings on it are noise
  # shellcheck disable=SC2086
  gcc -O2 -w -DMEMLIM=$MEMLIM $ccflags -o pan pan.c
  t0=$(date +%s.%N)
  # shellcheck disable=SC2086
  ./pan $panflags >"$log" 2>&1 || true
  t1=$(date +%s.%N)
  secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
  stored=$(awk '/states, stored/ { print $1; exit }' "$log")
  visited=$(sed -n 's/.*states, stored (\([0-9.e+]*\) visited).*/\1/p' "$log")
  transitions=$(awk '/transitions \(= / { print $1; exit }' "$log")
  errors=$(sed -n 's/.*errors: \([0-9]*\).*/\1/p' "$log" | head -1)
  errors=${errors:-?}

  local incomplete=""
  if grep -q -e 'reached -DMEMLIM bound' -e 'Search not completed' -e 'max search depth too small' "$log"; then
    incomplete="yes"
  fi
  if [ "$expect" = pass ]; then
    if [ "$errors" = 0 ] && [ -z "$incomplete" ]; then result=PASS; else result=FAIL; fi
  else
    if [ "$errors" != 0 ] && [ "$errors" != "?" ]; then result=PASS; else result=FAIL; fi
  fi
  echo "   states stored: ${stored:-?}${visited:+ (visited with fairness: $visited)}, transitions: ${transitions:-?}, time: ${secs} s"
  echo "check: $name expect=$expect errors=$errors states=${stored:-?} time=${secs}s result=$result"
  if [ "$result" != PASS ]; then
    failures=$((failures + 1))
    sed -n '1,40p' "$log"
  fi
  if [ "$errors" != 0 ] && [ -f "$model.trail" ]; then
    show_trail "$model" "$dflags"
  fi
}

# The counterexample, shortened to the protocol's steps: the model's "@@" lines (printf, which
# only a replay executes) and the failed assertion with the property named in its comment.
show_trail() {
  local model=$1 dflags=$2 replay="$work/replay.out" where file line
  # shellcheck disable=SC2086
  spin $dflags -t -p "$model" >"$replay" 2>&1 || true
  echo "   counterexample (spin -t -p, protocol steps only):"
  sed -n 's/^ *@@ /     /p' "$replay"
  where=$(sed -n 's/^spin: \([a-z_]*\.pml\):\([0-9]*\), Error: assertion violated.*/\1:\2/p' "$replay" | head -1)
  if [ -n "$where" ]; then
    file=${where%%:*}
    line=${where##*:}
    echo "     => assertion violated at $where: $(sed -n "${line}p" "$file" | sed -n 's|.*/\* *\(.*\) \*/.*|\1|p')"
  elif grep -q 'acceptance cycle' "$replay" "$work"/*.out 2>/dev/null; then
    echo "     => acceptance cycle: a newer valid plan is never published (L1)"
  fi
}

t_start=$(date +%s)

run holdfast-safety-1 holdfast.pml pass "-DNE=1 -DG=3 -DK=1" "-DSAFETY -DCOLLAPSE" "-m20000 -w24"
run holdfast-safety-2 holdfast.pml pass "-DNE=2 -DG=2 -DK=0 -DNO_JANITOR -DNO_OPERATOR" \
  "-DSAFETY -DCOLLAPSE" "-m20000 -w23"
run holdfast-liveness holdfast.pml pass "-DLIVENESS -DNE=1 -DG=3 -DK=1 -DNO_JANITOR" \
  "-DNFAIR=3 -DCOLLAPSE" "-a -f -m50000 -w23"
run naive-any naive.pml fail "-DNE=2 -DG=3 -DK=1" "-DSAFETY -DBFS" ""
run naive-empty naive.pml fail "-DNE=2 -DG=3 -DK=1 -DNO_S2 -DNO_S4 -DNO_S5" "-DSAFETY -DBFS" ""

echo "check: total time $(($(date +%s) - t_start)) s"
if [ "$failures" -ne 0 ]; then
  echo "check: $failures run(s) did not give the expected result"
  exit 1
fi
echo "check: all runs gave the expected result"
