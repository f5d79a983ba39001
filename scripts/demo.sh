#!/bin/sh
# The main job on embedded defaults: a root and an intermediate ceremony from
# the example ceremony files (encrypted key files, hash-chained transcripts), a device key and CSR, a device certificate issued from
# the CSR, inspected and verified. Works in a fresh folder (default: demo-out).
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
printf '\nDemo outputs are in %s\n' "$(pwd)"
