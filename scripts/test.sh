#!/bin/sh
# Builds and runs every test twice: a normal build, then under
# AddressSanitizer and UndefinedBehaviorSanitizer. Then fuzzes the scan's
# file parser for PROVCTL_FUZZ_SECONDS (default 60, scripts/fuzz.sh).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
jobs=$(nproc 2>/dev/null || echo 2)

# A throwaway PostgreSQL for the registry tests, stopped and removed on exit.
pgdir=$(mktemp -d "${TMPDIR:-/tmp}/provctl-pg.XXXXXX")
trap 'scripts/pg-test-server.sh stop "$pgdir"' EXIT
trap 'exit 1' INT TERM
PROVCTL_TEST_PG_URL=$(scripts/pg-test-server.sh start "$pgdir")
export PROVCTL_TEST_PG_URL

scripts/build.sh build
(cd build && ctest --output-on-failure -j "$jobs")

scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DPROVCTL_SANITIZE=ON
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
(cd build-asan && ctest --output-on-failure -j "$jobs")

scripts/fuzz.sh build-fuzz
echo "all tests passed (normal and sanitizer builds, fuzzing)"
