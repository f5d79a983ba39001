#!/bin/sh
# The main job on embedded defaults: a root and an intermediate ceremony from
# the example ceremony files (encrypted key files, hash-chained transcripts), a device key and CSR, a device certificate issued from
# the CSR, inspected and verified; then a batch of devices with sealed keys in a SQLite registry,
# one revocation and a CRL. Works in a fresh folder (default: demo-out).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${PROVCTL:-$root/build/provctl}
out=${1:-demo-out}
rm -rf "$out"
mkdir -p "$out"
cd "$out"

# Demo passphrases come from the environment, as they would from a vault.
ROOT_PASS=$(openssl rand -hex 16)
INT_PASS=$(openssl rand -hex 16)
export ROOT_PASS INT_PASS

step() { printf '\n== %s\n' "$*"; }

cp "$root/examples/ceremony-root.yaml" "$root/examples/ceremony-intermediate.yaml" .

step "root CA ceremony (examples/ceremony-root.yaml)"
"$bin" ca ceremony run ceremony-root.yaml --yes

step "intermediate CA ceremony (examples/ceremony-intermediate.yaml)"
"$bin" ca ceremony run ceremony-intermediate.yaml --yes

step "an auditor checks both transcripts against the files on disk"
"$bin" ca ceremony verify root-ceremony.jsonl
"$bin" ca ceremony verify widgets-ceremony.jsonl

step "a device makes its key and CSR"
"$bin" csr create --subject "CN=demo-device" --new-key device.key --out device.csr

step "device certificate from the CSR"
"$bin" cert sign-csr --csr device.csr --profile device --device-id SN-00000001 \
  --issuer-cert widgets.crt --issuer-key file:widgets.key --issuer-passphrase env:INT_PASS \
  --chain root.crt --days 365 --out device.crt --chain-out device-chain.pem

step "inspect"
"$bin" cert inspect device.crt

step "verify"
"$bin" cert verify --cert device.crt --untrusted widgets.crt --trust root.crt --purpose client --device-id SN-00000001

step "independent check with openssl"
openssl verify -x509_strict -purpose sslclient -CAfile root.crt -untrusted widgets.crt device.crt

step "a batch of 1000 devices: keys sealed to the station, registry rows, mapping files"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout station.key -out station.crt \
  -subj "/CN=Demo Station" -days 30 2>/dev/null
"$bin" batch generate --count 1000 --id-template 'SN-{seq:08}{check}' \
  --issuer-cert widgets.crt --issuer-key file:widgets.key --issuer-passphrase env:INT_PASS \
  --chain root.crt --recipient station.crt --days 365 --out batch-1 --batch-id DEMO-1 --registry sqlite:registry.db
head -3 batch-1/mapping.csv

step "the same command again: nothing to do"
"$bin" batch generate --count 1000 --id-template 'SN-{seq:08}{check}' \
  --issuer-cert widgets.crt --issuer-key file:widgets.key --issuer-passphrase env:INT_PASS \
  --chain root.crt --recipient station.crt --days 365 --out batch-1 --batch-id DEMO-1 --registry sqlite:registry.db

step "the station opens one sealed key; openssl agrees it belongs to the certificate"
"$bin" batch unseal batch-1/devices/SN-00000001Y.key.p7m --recipient-cert station.crt \
  --recipient-key file:station.key --out SN-00000001Y.key.pem
openssl pkey -in SN-00000001Y.key.pem -pubout > key.pub
openssl x509 -in batch-1/devices/SN-00000001Y.crt -pubkey -noout > cert.pub
cmp key.pub cert.pub && echo "SN-00000001Y: the unsealed key is the certificate's"
openssl verify -CAfile root.crt -untrusted widgets.crt batch-1/devices/SN-00000001Y.crt

step "revoke one device, publish a CRL, and the device no longer verifies"
"$bin" ca revoke --device SN-00000002W --reason keyCompromise --registry sqlite:registry.db
"$bin" ca crl --issuer-cert widgets.crt --issuer-key file:widgets.key --issuer-passphrase env:INT_PASS \
  --registry sqlite:registry.db --out widgets.crl
"$bin" ca crl --issuer-cert root.crt --issuer-key file:root.key --issuer-passphrase env:ROOT_PASS \
  --registry sqlite:registry.db --out root.crl
openssl crl -in widgets.crl -CAfile widgets.crt -noout -verify
"$bin" cert verify --cert batch-1/devices/SN-00000001Y.crt --untrusted widgets.crt --trust root.crt \
  --crl widgets.crl --crl root.crl
rc=0
"$bin" cert verify --cert batch-1/devices/SN-00000002W.crt --untrusted widgets.crt --trust root.crt \
  --crl widgets.crl --crl root.crl || rc=$?
[ "$rc" -eq 3 ] || { echo "expected exit 3 for the revoked device, got $rc" >&2; exit 1; }
step "a board on the line: a simulated unit provisioned with examples/job.yaml"
cp "$root/examples/job.yaml" .
"$bin" manifest validate job.yaml
"$bin" device simulate --state board.json --link "$(pwd)/board-port" --hw-rev C --keygen-ms 50 --sign-ms 50 \
  >/dev/null 2>&1 &
sim=$!
trap 'kill "$sim" 2>/dev/null || true' EXIT
while [ ! -e board-port ]; do sleep 0.05; done
"$bin" device provision --job job.yaml --port "$(pwd)/board-port" --registry sqlite:registry.db
"$bin" device verify --port "$(pwd)/board-port" --trust root.crt --registry sqlite:registry.db
kill "$sim"

"$bin" registry audit --verify --registry sqlite:registry.db | tail -1
printf '\nDemo outputs are in %s\n' "$(pwd)"
