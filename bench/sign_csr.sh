#!/bin/sh
# Certificates per second for `provctl cert sign-csr` against the loop a user
# would otherwise script: `openssl x509 -req -CA ... -extfile ...`, one process
# per certificate in both cases, same CSRs, same encrypted issuer key.
# Usage: bench/sign_csr.sh [COUNT] (default 200). Prints figures and the ratio.
set -eu
count=${1:-200}
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${PROVCTL:-$root/build/provctl}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

BENCH_PASS=$(openssl rand -hex 16)
export BENCH_PASS
"$bin" -q ca init-root --subject "CN=Bench Root" --key file:root.key --passphrase env:BENCH_PASS --out root.crt >/dev/null
"$bin" -q ca issue-intermediate --subject "CN=Bench Devices" --key file:int.key --passphrase env:BENCH_PASS \
  --issuer-cert root.crt --issuer-key file:root.key --issuer-passphrase env:BENCH_PASS --out int.crt >/dev/null
mkdir csr ours theirs
i=0
while [ $i -lt "$count" ]; do
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
    -subj "/CN=dev$i" -out "csr/$i.csr" 2>/dev/null
  i=$((i + 1))
done
cat > ext.cnf <<'EXT'
basicConstraints=critical,CA:FALSE
keyUsage=critical,digitalSignature
extendedKeyUsage=clientAuth
subjectKeyIdentifier=hash
authorityKeyIdentifier=keyid:always
EXT

now() { date +%s.%N; }
t0=$(now)
i=0
while [ $i -lt "$count" ]; do
  "$bin" -q cert sign-csr --csr "csr/$i.csr" --device-id "SN-$i" --issuer-cert int.crt --issuer-key file:int.key \
    --issuer-passphrase env:BENCH_PASS --days 365 --out "ours/$i.crt" >/dev/null
  i=$((i + 1))
done
t1=$(now)
i=0
while [ $i -lt "$count" ]; do
  openssl x509 -req -in "csr/$i.csr" -CA int.crt -CAkey int.key -passin env:BENCH_PASS -CAcreateserial \
    -days 365 -sha256 -extfile ext.cnf -subj "/CN=SN-$i" -out "theirs/$i.crt" 2>/dev/null
  i=$((i + 1))
done
t2=$(now)
awk -v n="$count" -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN {
  ours = n / (b - a); theirs = n / (c - b);
  printf "certificates: %d\n", n;
  printf "provctl cert sign-csr loop : %8.1f certs/s (CSR signature check, lint, post-sign verify)\n", ours;
  printf "openssl x509 -req loop     : %8.1f certs/s\n", theirs;
  printf "ratio provctl/openssl      : %8.2f\n", ours / theirs;
}'
