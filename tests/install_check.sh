#!/bin/sh
# `cmake --install` puts the binary, the man page and the three completion
# scripts where packagers expect them, and the installed binary runs.
set -eu
build=$1
prefix=$(mktemp -d)
trap 'rm -rf "$prefix"' EXIT
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/provctl share/man/man1/provctl.1 share/bash-completion/completions/provctl \
         share/zsh/vendor-completions/_provctl share/fish/vendor_completions.d/provctl.fish; do
  [ -s "$prefix/$f" ] || { echo "missing after install: $f" >&2; exit 1; }
done
"$prefix/bin/provctl" --version | grep -q '^provctl ' || { echo "installed binary does not run" >&2; exit 1; }
echo "install layout ok"
