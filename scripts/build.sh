#!/bin/sh
# Builds provctl into build/ (or $1) with warnings as errors. Extra args go to cmake.
set -eu
dir=${1:-build}
[ $# -gt 0 ] && shift
cmake -S "$(dirname "$0")/.." -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPROVCTL_WERROR=ON "$@" >/dev/null
cmake --build "$dir"
