#!/bin/sh
# Builds the libFuzzer target for the expiry scanner's file parser with clang
# into build-fuzz/ (or $1) and runs it for PROVCTL_FUZZ_SECONDS (default 60).
# Extra args go to libFuzzer. Exits non-zero when it finds a crash, a leak or
# a timeout; the input that caused it is left in BUILD_DIR/fuzz/artifacts/.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-build-fuzz}
[ $# -gt 0 ] && shift
case $dir in /*) ;; *) dir=$root/$dir ;; esac
seconds=${PROVCTL_FUZZ_SECONDS:-60}

CC=clang CXX=clang++ cmake -S "$root" -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DPROVCTL_WERROR=ON -DPROVCTL_BUILD_TESTS=OFF -DPROVCTL_FUZZ=ON >/dev/null
cmake --build "$dir" --target scan_parse_fuzz

# Seeds are made fresh each run and never kept in the repository. The corpus
# libFuzzer grows from them stays in the build folder, so later runs start further on.
work=$dir/fuzz
seeds=$work/seeds
rm -rf "$seeds"
mkdir -p "$seeds" "$work/corpus" "$work/artifacts"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/provctl-fuzz.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM
# openssl's chatter goes to a log that is shown only when a seed fails.
set +e
(
  set -e
  cd "$tmp"
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem \
    -subj "/C=DE/O=Fuzz Seeds/CN=Seed CA" -days 30
  # Past 2049 the validity is a GeneralizedTime; a multi-valued RDN and UTF-8 take the slow name path.
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr \
    -utf8 -subj "$(printf '/O=Gr\303\274\303\237e/OU=a+CN=Seed, Leaf')"
  openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -set_serial -4660 -days 20000 -out leaf.pem
  openssl x509 -in leaf.pem -outform DER -out leaf.der
  # The same certificate with an indefinite outer length, which only d2i_X509 reads. Its DER
  # header is 30 82 and two length bytes: a P-256 certificate is 256 to 65535 bytes long.
  { printf '\060\200'; tail -c +5 leaf.der; printf '\000\000'; } > leaf.ber
  openssl x509 -in ca.pem -outform DER -out ca.der
  cat leaf.pem ca.pem > chain.pem
  cat leaf.der ca.der > chain.der
  openssl x509 -in ca.pem -trustout -addtrust serverAuth -out trusted.pem
  openssl crl2pkcs7 -nocrl -certfile chain.pem -out chain.p7b
  openssl crl2pkcs7 -nocrl -certfile chain.pem -outform DER -out chain.p7b.der
  sed 's/PKCS7-----/CMS-----/' chain.p7b > chain.cms.pem
  # Streaming writes indefinite lengths throughout: the BER path.
  printf 'seed\n' > msg.txt
  openssl cms -sign -in msg.txt -signer ca.pem -inkey ca.key -certfile leaf.pem -nodetach -stream \
    -outform DER -out signed.ber
  openssl pkcs12 -export -in leaf.pem -inkey leaf.key -certfile ca.pem -passout pass: -out empty-pass.p12
  openssl pkcs12 -export -in leaf.pem -inkey leaf.key -keypbe NONE -certpbe NONE -nomac -passout pass: \
    -out no-mac.p12
  openssl pkcs12 -export -in leaf.pem -inkey leaf.key -passout pass:secret -out password.p12
  openssl pkcs12 -export -in leaf.pem -inkey leaf.key -certpbe PBE-SHA1-3DES -keypbe PBE-SHA1-3DES \
    -macalg sha1 -passout pass: -out legacy-pbe.p12
) >"$tmp/openssl.log" 2>&1
made=$?
set -e
[ "$made" -eq 0 ] || { cat "$tmp/openssl.log" >&2; echo "$0: openssl could not make the seeds" >&2; exit 1; }
for f in leaf.pem leaf.der leaf.ber chain.pem chain.der trusted.pem chain.p7b chain.p7b.der chain.cms.pem \
  signed.ber empty-pass.p12 no-mac.p12 password.p12 legacy-pbe.p12; do
  cp "$tmp/$f" "$seeds/seed-$f"
done

# A few of the odd real-world certificates from the shared test data (time
# encodings, serials, names the parser must report rather than trip over),
# linked so they are read where they are.
zlint=$(cd "$root/.." && pwd)/shared/testdata/certs-zlint
if [ -d "$zlint" ]; then
  for f in utcHasSeconds utcNoSeconds utcNotZulu generalizedHasSeconds generalizedNoSeconds \
    generalizedNotZulu generalizedAfter2050 validityNegative serialNumberNegative serialNumberZero \
    serialNumberLarge serialNumberLargeDueToSignedMSB SubjectDNCountryNotPrintableString \
    SubjectDNSerialNumberTooLong IANDNSNull basic_constr_invalid_der_ko cert_ext_invalid_der_ko_01; do
    if [ -f "$zlint/$f.pem" ]; then ln -s "$zlint/$f.pem" "$seeds/zlint-$f.pem"; fi
  done
fi

export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}"
cd "$work"
./scan_parse_fuzz -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$work/artifacts/" "$@" "$work/corpus" "$seeds"
