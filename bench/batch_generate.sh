#!/bin/sh
# Device certificates per second for `provctl batch generate` (keys made,
# sealed to the station with CMS, registry rows and mapping written) against
# what users script today, with the machine's own signing rate as the ceiling:
#   - the three-command openssl loop: ecparam -genkey, req -new, x509 -req
#   - a cfssl gencert loop (Debian's golang-cfssl), when cfssl is installed
#   - openssl speed ecdsap256 on every core (signatures only: the ceiling)
# Usage: bench/batch_generate.sh [COUNT] (default 100000). LOOP=N sets how many
# certificates the script loops make (default 200); their rate is per second,
# so the figures compare. Prints figures and ratios; needs /usr/bin/time for
# the memory figure.
set -eu
count=${1:-100000}
loop=${LOOP:-200}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${PROVCTL:-$root/build/provctl}
cores=$(nproc 2>/dev/null || echo 1)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

BENCH_PASS=$(openssl rand -hex 16)
export BENCH_PASS
"$bin" -q ca init-root --subject "CN=Bench Root" --key file:root.key --passphrase env:BENCH_PASS --out root.crt >/dev/null
"$bin" -q ca issue-intermediate --subject "CN=Bench Devices" --key file:int.key --passphrase env:BENCH_PASS \
  --issuer-cert root.crt --issuer-key file:root.key --issuer-passphrase env:BENCH_PASS --out int.crt >/dev/null
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout station.key -out station.crt \
  -subj "/CN=Bench Station" -days 30 2>/dev/null

now() { date +%s.%N; }
rate() { awk -v n="$1" -v a="$2" -v b="$3" 'BEGIN { printf "%.1f", n / (b - a) }'; }

# provctl: one process for the whole batch, on every core.
timer=""
[ -x /usr/bin/time ] && timer="/usr/bin/time -f %M -o rss.txt"
t0=$(now)
# shellcheck disable=SC2086
$timer "$bin" -q batch generate --count "$count" --id-template 'SN-{seq:08}{check}' \
  --issuer-cert int.crt --issuer-key file:int.key --issuer-passphrase env:BENCH_PASS --chain root.crt \
  --recipient station.crt --days 365 --out batch --batch-id BENCH --registry sqlite:registry.db >/dev/null
t1=$(now)
ours=$(rate "$count" "$t0" "$t1")
rss="n/a"
[ -f rss.txt ] && rss="$(awk '{ printf "%.0f", $1 / 1024 }' rss.txt) MB"
# The output is real: spot-check it with openssl.
openssl verify -CAfile root.crt -untrusted int.crt batch/devices/SN-00000001Y.crt >/dev/null
openssl cms -decrypt -inform DER -in batch/devices/SN-00000001Y.key.p7m -recip station.crt -inkey station.key \
  | openssl pkey -check -noout >/dev/null

# The openssl loop users script: three processes per certificate, nothing sealed, no registry.
cat > ext.cnf <<'EXT'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
EXT
mkdir loop
t0=$(now)
i=0
while [ $i -lt "$loop" ]; do
  openssl ecparam -name prime256v1 -genkey -noout -out "loop/$i.key"
  openssl req -new -key "loop/$i.key" -subj "/CN=SN-$i" -out "loop/$i.csr"
  openssl x509 -req -in "loop/$i.csr" -CA int.crt -CAkey int.key -passin env:BENCH_PASS -CAcreateserial \
    -days 365 -sha256 -extfile ext.cnf -out "loop/$i.crt" 2>/dev/null
  i=$((i + 1))
done
t1=$(now)
theirs=$(rate "$loop" "$t0" "$t1")

# cfssl gencert, one process per certificate, when installed.
cfssl_rate=""
if command -v cfssl >/dev/null 2>&1; then
  openssl pkey -in int.key -passin env:BENCH_PASS -out int-plain.key
  cat > cfssl.json <<'JSON'
{"signing": {"default": {"expiry": "8760h", "usages": ["digital signature", "client auth"]}}}
JSON
  mkdir cf
  t0=$(now)
  i=0
  while [ $i -lt "$loop" ]; do
    echo "{\"CN\": \"SN-$i\", \"key\": {\"algo\": \"ecdsa\", \"size\": 256}}" |
      cfssl gencert -ca int.crt -ca-key int-plain.key -config cfssl.json - > "cf/$i.json" 2>/dev/null
    i=$((i + 1))
  done
  t1=$(now)
  cfssl_rate=$(rate "$loop" "$t0" "$t1")
fi

# The ceiling: P-256 signatures per second on every core.
speed=$(openssl speed -seconds 3 -multi "$cores" ecdsap256 2>/dev/null | awk '/ecdsa \(nistp256\)/ { v = $(NF-1) } END { print v }')

echo "cores: $cores   batch: $count devices   script loops: $loop certificates each"
printf "provctl batch generate        : %10s certs/s  (keys sealed with CMS, registry written; peak RSS %s)\n" "$ours" "$rss"
printf "openssl ecparam/req/x509 loop : %10s certs/s  (no sealing, no registry)\n" "$theirs"
if [ -n "$cfssl_rate" ]; then
  printf "cfssl gencert loop            : %10s certs/s  (no sealing, no registry)\n" "$cfssl_rate"
else
  echo "cfssl gencert loop            :    skipped  (install golang-cfssl)"
fi
printf "openssl speed ecdsap256       : %10s signs/s  (the signing ceiling, all cores)\n" "$speed"
awk -v o="$ours" -v t="$theirs" -v c="$cfssl_rate" -v s="$speed" 'BEGIN {
  printf "ratio provctl / openssl loop  : %10.0f\n", o / t;
  if (c != "") printf "ratio provctl / cfssl loop    : %10.0f\n", o / c;
  if (s != "") printf "provctl / signing ceiling     : %10.2f\n", o / s;
}'
