#!/bin/sh
# Installs what provctl needs to build and test on Debian 12. Idempotent.
# groff-base, bash-completion, zsh and fish: the man page and completion script checks.
# postgresql: the server scripts/pg-test-server.sh starts for the registry tests.
# python3-botocore: the local cloud test server checks SigV4 with botocore's own signer;
# curl: that server's self-check signs requests with curl --aws-sigv4.
# clang and libclang-rt-14-dev (libFuzzer's runtime): scripts/fuzz.sh.
set -eu
packages="build-essential cmake ninja-build pkg-config git openssl
  libssl-dev libcli11-dev nlohmann-json3-dev libyaml-cpp-dev libcurl4-openssl-dev
  libp11-dev libp11-kit-dev libsqlite3-dev libpq-dev libgtest-dev googletest
  softhsm2 opensc curl python3 python3-botocore groff-base bash-completion zsh fish postgresql clang libclang-rt-14-dev"
missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
