#!/bin/sh
# Devices per second for `provctl cloud aws register --batch` against the
# local AWS IoT test server (tests/support/cloud_server.py, which checks
# every SigV4 signature with botocore), against what a script would do: a
# shell loop of `curl --aws-sigv4`, one device after another, three requests
# each (RegisterCertificateWithoutCA, CreateThing, AttachThingPrincipal).
# The server waits DELAY_MS (default 40) before each answer, standing in for
# the round trip to a region. provctl runs with --jobs JOBS (default 8) and a
# --rate high enough not to bind, so the figure is what parallel requests
# buy; against real AWS IoT the per-API rates (docs/cloud.md) set the ceiling.
# Usage: bench/cloud_register.sh [DEVICES] (default 200). Needs /usr/bin/python3 with botocore.
set -eu
devices=${1:-200}
delay=${DELAY_MS:-40}
jobs=${JOBS:-8}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${PROVCTL:-$root/build/provctl}
work=$(mktemp -d)
spid=""
cleanup() {
  [ -n "$spid" ] && kill "$spid" 2>/dev/null
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
cd "$work"

BENCH_PASS=$(openssl rand -hex 16)
AWS_ACCESS_KEY_ID=AKIDBENCH
AWS_SECRET_ACCESS_KEY=$(openssl rand -hex 20)
AWS_REGION=eu-west-1
export BENCH_PASS AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_REGION
"$bin" -q ca init-root --subject "CN=Bench Root" --key file:root.key --passphrase env:BENCH_PASS --out root.crt >/dev/null
"$bin" -q ca issue-intermediate --subject "CN=Bench Devices" --key file:int.key --passphrase env:BENCH_PASS \
  --issuer-cert root.crt --issuer-key file:root.key --issuer-passphrase env:BENCH_PASS --out int.crt >/dev/null
for b in A B; do
  "$bin" -q batch generate --count "$devices" --start 1 --id-template "$b-{seq:08}{check}" --issuer-cert int.crt \
    --issuer-key file:int.key --issuer-passphrase env:BENCH_PASS --out "batch-$b" --batch-id "$b" --plaintext-keys \
    --registry "sqlite:$work/reg-$b.db" >/dev/null 2>&1
done

start_server() {
  [ -n "$spid" ] && kill "$spid" 2>/dev/null && wait "$spid" 2>/dev/null || true
  rm -f port log.jsonl
  cat >config.json <<JSON
{"aws": {"access_key_id": "$AWS_ACCESS_KEY_ID", "secret_access_key": "$AWS_SECRET_ACCESS_KEY", "region": "$AWS_REGION",
         "account": "123456789012"}, "delay_ms": $delay}
JSON
  /usr/bin/python3 "$root/tests/support/cloud_server.py" --config config.json --port-file port --log log.jsonl &
  spid=$!
  i=0
  while [ ! -s port ] && [ "$i" -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
  url="http://127.0.0.1:$(cat port)"
}
now() { date +%s.%N; }

# The script a user would write: one curl per request, devices one by one.
start_server
printf 'user = "%s:%s"\n' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >curl.conf  # not on a command line
t0=$(now)
tail -n +2 batch-A/mapping.csv | while IFS=, read -r id _ _ _ _ cert _; do
  pem=$(awk 'BEGIN { ORS = "" } { print $0 "\\n" }' "batch-A/$cert")
  arn=$(curl -s -K curl.conf --aws-sigv4 "aws:amz:$AWS_REGION:iot" -H 'content-type: application/json' \
    -X POST --data "{\"certificatePem\":\"$pem\",\"status\":\"ACTIVE\"}" "$url/certificate/register-no-ca" |
    sed 's/.*"certificateArn": *"\([^"]*\)".*/\1/')
  curl -s -o /dev/null -K curl.conf --aws-sigv4 "aws:amz:$AWS_REGION:iot" -H 'content-type: application/json' \
    -X POST --data '{}' "$url/things/$id"
  curl -s -o /dev/null -K curl.conf --aws-sigv4 "aws:amz:$AWS_REGION:iot" -H "x-amzn-principal: $arn" \
    -X PUT "$url/things/$id/principals"
done
t1=$(now)
loop=$(awk -v a="$t1" -v b="$t0" 'BEGIN { print a - b }')
loop_ok=$(curl -s "$url/__stats" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["by_api"].get("AttachThingPrincipal", 0), d["rejected_auth"])')

start_server
t0=$(now)
"$bin" cloud aws register --batch B --without-ca --rate 1000/s --jobs "$jobs" --endpoint-url "$url" \
  --registry "sqlite:$work/reg-B.db" >run.json
t1=$(now)
ours=$(awk -v a="$t1" -v b="$t0" 'BEGIN { print a - b }')
ours_ok=$(/usr/bin/python3 -c 'import json; d=json.load(open("run.json")); print(d["done"], d["failed"] + d["conflicts"])')

printf 'devices %s, server answer delay %s ms, provctl --jobs %s\n' "$devices" "$delay" "$jobs"
printf 'curl loop      %7.2f s  %7.1f devices/s  (attached %s, rejected signatures %s)\n' "$loop" \
  "$(awk -v a="$devices" -v b="$loop" 'BEGIN { print a / b }')" $loop_ok
printf 'provctl        %7.2f s  %7.1f devices/s  (done %s, failed %s)\n' "$ours" "$(awk -v a="$devices" -v b="$ours" 'BEGIN { print a / b }')" $ours_ok
printf 'speed-up       %7.1fx\n' "$(awk -v a="$loop" -v b="$ours" 'BEGIN { print a / b }')"
