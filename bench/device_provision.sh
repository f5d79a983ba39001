#!/bin/sh
# Units per second for `provctl device provision` against simulated boards
# (`provctl device simulate`: a pseudo-terminal paced like a 115200-baud
# UART, 50 ms key generation and 50 ms per signature by default), on one
# port and on PORTS ports in parallel, against the figures factories quote
# for manual stations: 5-30 s per unit by hand, under 3 s per unit on a
# parallel fixture.
# Usage: bench/device_provision.sh [ROUNDS] (default 5). PORTS=16,
# KEYGEN_MS=50, SIGN_MS=50, BAUD=115200 (0: unpaced) change the set-up.
set -eu
rounds=${1:-5}
ports=${PORTS:-16}
keygen=${KEYGEN_MS:-50}
sign=${SIGN_MS:-50}
baud=${BAUD:-115200}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${PROVCTL:-$root/build/provctl}
work=$(mktemp -d)
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

BENCH_PASS=$(openssl rand -hex 16)
export BENCH_PASS
"$bin" -q ca init-root --subject "CN=Bench Root" --key file:root.key --passphrase env:BENCH_PASS --out root.crt >/dev/null
"$bin" -q ca issue-intermediate --subject "CN=Bench Manufacturing" --key file:int.key --passphrase env:BENCH_PASS \
  --issuer-cert root.crt --issuer-key file:root.key --issuer-passphrase env:BENCH_PASS --out int.crt >/dev/null

now() { date +%s.%N; }

# Starts N fresh simulated boards (new state files: unprovisioned units).
start_boards() {
  n=$1
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  pids=""
  rm -f state-* port-* ports.txt
  i=1
  while [ "$i" -le "$n" ]; do
    "$bin" device simulate --state "state-$i.json" --link "$work/port-$i" \
      --keygen-ms "$keygen" --sign-ms "$sign" --baud "$baud" >/dev/null 2>&1 &
    pids="$pids $!"
    echo "$work/port-$i" >>ports.txt
    i=$((i + 1))
  done
  i=1
  while [ "$i" -le "$n" ]; do
    while [ ! -e "$work/port-$i" ]; do sleep 0.01; done
    i=$((i + 1))
  done
}

provision() {
  "$bin" -q --json device provision --ports-from ports.txt --id-template 'B-{seq:08}{check}' \
    --issuer-cert int.crt --issuer-key file:int.key --issuer-passphrase env:BENCH_PASS --chain root.crt \
    --registry sqlite:registry.db >result.json
}

# One port, ROUNDS units one after another (a fresh board each time).
single=0
r=1
while [ "$r" -le "$rounds" ]; do
  start_boards 1
  t0=$(now); provision; t1=$(now)
  single=$(awk -v s="$single" -v a="$t0" -v b="$t1" 'BEGIN { print s + (b - a) }')
  r=$((r + 1))
done
per_unit=$(awk -v s="$single" -v n="$rounds" 'BEGIN { printf "%.3f", s / n }')

# PORTS ports in parallel, ROUNDS fixtures full of fresh boards.
parallel=0
r=1
while [ "$r" -le "$rounds" ]; do
  start_boards "$ports"
  t0=$(now); provision; t1=$(now)
  passed=$(grep -o '"passed": *[0-9][0-9]*' result.json | tail -1 | grep -o '[0-9]*$')
  [ "$passed" = "$ports" ] || { echo "only $passed of $ports units passed" >&2; cat result.json >&2; exit 1; }
  parallel=$(awk -v s="$parallel" -v a="$t0" -v b="$t1" 'BEGIN { print s + (b - a) }')
  r=$((r + 1))
done
rate=$(awk -v s="$parallel" -v n="$rounds" -v p="$ports" 'BEGIN { printf "%.1f", n * p / s }')
fixture=$(awk -v s="$parallel" -v n="$rounds" 'BEGIN { printf "%.3f", s / n }')

echo "simulated boards: ${keygen} ms key generation, ${sign} ms per signature, ${baud} baud (0: unpaced)"
echo "one port:      $per_unit s per unit (whole command, process start included; mean of $rounds)"
echo "$ports ports:      $fixture s per fixture of $ports units, $rate units/s"
awk -v u="$per_unit" -v r="$rate" 'BEGIN {
  printf "vs manual station 5-30 s per unit: %.0fx-%.0fx faster per unit\n", 5 / u, 30 / u
  printf "vs a parallel fixture quoted at under 3 s per unit: %.3f s per unit here, %.0fx\n", 1 / r, 3 * r
}'
