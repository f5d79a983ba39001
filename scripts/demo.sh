#!/bin/sh
# The main job on embedded defaults: a root and an intermediate ceremony with
# encrypted key files, a device key and CSR, a device certificate issued from
# the CSR, inspected and verified. Works in a fresh folder (default: demo-out).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${PROVCTL:-$root/build/provctl}
out=${1:-demo-out}
rm -rf "$out"
mkdir -p "$out"
cd "$out"

# Demo passphrases come from the environment, as they would from a vault.
PROVCTL_DEMO_ROOT_PASS=$(openssl rand -hex 16)
PROVCTL_DEMO_INT_PASS=$(openssl rand -hex 16)
export PROVCTL_DEMO_ROOT_PASS PROVCTL_DEMO_INT_PASS

step() { printf '\n== %s\n' "$*"; }

step "root CA ceremony"
"$bin" ca init-root --subject "CN=Demo Root CA,O=Demo Devices" --key file:root.key \
  --passphrase env:PROVCTL_DEMO_ROOT_PASS --key-type ec-p384 --days 7300 --path-len 1 --out root.crt

step "intermediate CA ceremony (device issuing CA, client auth only)"
"$bin" ca issue-intermediate --subject "CN=Demo Device CA 2026,O=Demo Devices" \
  --key file:devices.key --passphrase env:PROVCTL_DEMO_INT_PASS \
  --issuer-cert root.crt --issuer-key file:root.key --issuer-passphrase env:PROVCTL_DEMO_ROOT_PASS \
  --eku clientAuth --days 3650 --out devices.crt --chain-out devices-chain.pem

step "a device makes its key and CSR"
"$bin" csr create --subject "CN=demo-device" --new-key device.key --out device.csr

step "device certificate from the CSR"
"$bin" cert sign-csr --csr device.csr --profile device --device-id SN-00000001 \
  --issuer-cert devices.crt --issuer-key file:devices.key --issuer-passphrase env:PROVCTL_DEMO_INT_PASS \
  --chain root.crt --days 365 --out device.crt --chain-out device-chain.pem

step "inspect"
"$bin" cert inspect device.crt

step "verify"
"$bin" cert verify --cert device.crt --untrusted devices.crt --trust root.crt --purpose client --device-id SN-00000001

step "independent check with openssl"
openssl verify -x509_strict -purpose sslclient -CAfile root.crt -untrusted devices.crt device.crt
printf '\nDemo outputs are in %s\n' "$(pwd)"
