#!/bin/sh
# Expiry scanning speed: provctl scan expiry over a folder of N certificate
# files and over one bundle of N certificates, against what a user would
# otherwise script: a loop of `openssl x509 -noout -enddate` (timed over a
# sample and extrapolated, since the whole loop takes an hour at 100,000)
# and `openssl storeutl`, which reads every certificate of one file in a
# single process. Prints certificates per second, ratios and peak memory.
#
#   bench/scan_expiry.sh [N] [BUILD_DIR]     (default 100000, build)
set -eu
n=${1:-100000}
build=${2:-build}
root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/$build/provctl"
[ -x "$bin" ] || { echo "bench: $bin not built (scripts/build.sh $build)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
cd "$work"

now() { date +%s.%N; }
rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.0f", n / s }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
peak_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

echo "making $n device certificates (provctl batch generate)..." >&2
export PROVCTL_BENCH_PASS="bench passphrase"
"$bin" -q ca init-root --subject "CN=Bench Root" --key file:root.key --passphrase env:PROVCTL_BENCH_PASS \
    --out root.crt >/dev/null
"$bin" -q ca issue-intermediate --subject "CN=Bench Devices" --key file:int.key --passphrase env:PROVCTL_BENCH_PASS \
    --issuer-cert root.crt --issuer-key file:root.key --issuer-passphrase env:PROVCTL_BENCH_PASS --out int.crt >/dev/null
"$bin" -q batch generate --count "$n" --id-template "SN-{seq:08}" --issuer-cert int.crt --issuer-key file:int.key \
    --issuer-passphrase env:PROVCTL_BENCH_PASS --plaintext-keys --days 365 --out batch --batch-id BENCH \
    --registry sqlite:registry.db >/dev/null 2>&1
mkdir files
find batch/devices -name '*.crt' -exec mv -t files {} +
find files -name '*.crt' -print0 | xargs -0 cat > bundle.pem
count=$(ls files | wc -l)
echo "files: $count certificate files, bundle: $(du -h bundle.pem | cut -f1)" >&2
sync

# Warm the page cache once so every contender reads from memory.
cat bundle.pem files/* >/dev/null 2>&1 || find files -type f -exec cat {} + >/dev/null

t0=$(now); "$bin" --json scan expiry bundle.pem >bundle.json || true; t1=$(now)
bundle_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
t0=$(now); "$bin" --json scan expiry --only warn bundle.pem >/dev/null || true; t1=$(now)
bundle_only_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
t0=$(now); "$bin" --json scan expiry files >files.json || true; t1=$(now)
files_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
t0=$(now); "$bin" --json scan expiry --jobs 1 files >/dev/null || true; t1=$(now)
files1_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
found=$(grep -c '"kind": "certificate"' bundle.json)
[ "$found" -eq "$count" ] || { echo "bench: the bundle scan listed $found of $count" >&2; exit 1; }

sample=500
t0=$(now)
ls files | head -n "$sample" | while read -r f; do openssl x509 -noout -enddate -in "files/$f" >/dev/null; done
t1=$(now)
loop_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
t0=$(now); openssl storeutl -noout -text -certs bundle.pem | grep -c "Not After" >/dev/null; t1=$(now)
store_s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')

bundle_rate=$(rate "$count" "$bundle_s")
bundle_only_rate=$(rate "$count" "$bundle_only_s")
files_rate=$(rate "$count" "$files_s")
files1_rate=$(rate "$count" "$files1_s")
loop_rate=$(rate "$sample" "$loop_s")
store_rate=$(rate "$count" "$store_s")

# Memory: the bundle listed in full, then counted only (nothing to list), at N and N/10.
head -n $(( $(wc -l <bundle.pem) / 10 )) bundle.pem > tenth.pem
rss_full=$(peak_kb "$bin" --json scan expiry bundle.pem)
rss_counted=$(peak_kb "$bin" --json scan expiry --only expired bundle.pem)
rss_counted_tenth=$(peak_kb "$bin" --json scan expiry --only expired tenth.pem)

cat <<REPORT
provctl scan expiry, $count certificates, $(nproc) cores
  bundle (one PEM file)        $bundle_rate certificates/s   ($bundle_s s, every certificate listed)
  bundle, --only warn          $bundle_only_rate certificates/s   (counted, only what needs action listed)
  folder of files, all cores   $files_rate certificates/s   ($files_s s)
  folder of files, --jobs 1    $files1_rate certificates/s
  openssl x509 -enddate loop   $loop_rate certificates/s   (timed over $sample files)
  openssl storeutl on bundle   $store_rate certificates/s
  ratio bundle / storeutl      $(ratio "$bundle_rate" "$store_rate")x
  ratio bundle / loop          $(ratio "$bundle_rate" "$loop_rate")x
  ratio folder / loop          $(ratio "$files_rate" "$loop_rate")x
  peak RSS, bundle listed whole          ${rss_full} kB
  peak RSS, bundle counted (--only expired), N     ${rss_counted} kB
  peak RSS, bundle counted (--only expired), N/10  ${rss_counted_tenth} kB
REPORT
