# bash completion for provctl                              -*- shell-script -*-
# Generated from the command tree by `provctl completion bash`; do not edit.
# Regenerate: provctl completion bash > completions/provctl.bash

# How option $2 at command path $1 takes a value: file, text, "choice WORDS",
# or nothing for a flag. The global options are accepted at every path.
_provctl_value() {
    case "$1|$2" in
        *"|--pkcs11-module") echo "file" ;;
        "ca init-root|--subject") echo "text" ;;
        "ca init-root|--key") echo "text" ;;
        "ca init-root|--key-type") echo "choice ec-p256 ec-p384 rsa-3072 rsa-4096" ;;
        "ca init-root|--path-len") echo "text" ;;
        "ca init-root|--days") echo "text" ;;
        "ca init-root|--not-before") echo "text" ;;
        "ca init-root|--not-after") echo "text" ;;
        "ca init-root|--out") echo "file" ;;
        "ca init-root|--passphrase") echo "text" ;;
        "ca init-root|--pin") echo "text" ;;
        "ca issue-intermediate|--subject") echo "text" ;;
        "ca issue-intermediate|--key") echo "text" ;;
        "ca issue-intermediate|--csr") echo "file" ;;
        "ca issue-intermediate|--key-type") echo "choice ec-p256 ec-p384 rsa-3072 rsa-4096" ;;
        "ca issue-intermediate|--passphrase") echo "text" ;;
        "ca issue-intermediate|--pin") echo "text" ;;
        "ca issue-intermediate|--issuer-cert") echo "file" ;;
        "ca issue-intermediate|--issuer-key") echo "text" ;;
        "ca issue-intermediate|--issuer-passphrase") echo "text" ;;
        "ca issue-intermediate|--issuer-pin") echo "text" ;;
        "ca issue-intermediate|--path-len") echo "text" ;;
        "ca issue-intermediate|--eku") echo "text" ;;
        "ca issue-intermediate|--permit-dns") echo "text" ;;
        "ca issue-intermediate|--exclude-dns") echo "text" ;;
        "ca issue-intermediate|--permit-dn") echo "text" ;;
        "ca issue-intermediate|--exclude-dn") echo "text" ;;
        "ca issue-intermediate|--crl-url") echo "text" ;;
        "ca issue-intermediate|--ocsp-url") echo "text" ;;
        "ca issue-intermediate|--ca-issuers-url") echo "text" ;;
        "ca issue-intermediate|--days") echo "text" ;;
        "ca issue-intermediate|--not-before") echo "text" ;;
        "ca issue-intermediate|--not-after") echo "text" ;;
        "ca issue-intermediate|--out") echo "file" ;;
        "ca issue-intermediate|--chain-out") echo "file" ;;
        "ca revoke|--device") echo "text" ;;
        "ca revoke|--serial") echo "text" ;;
        "ca revoke|--issuer-cert") echo "file" ;;
        "ca revoke|--reason") echo "text" ;;
        "ca revoke|--registry") echo "text" ;;
        "ca revoke|--operator") echo "text" ;;
        "ca revoke|--station") echo "text" ;;
        "ca crl|--issuer-cert") echo "file" ;;
        "ca crl|--issuer-key") echo "text" ;;
        "ca crl|--issuer-passphrase") echo "text" ;;
        "ca crl|--issuer-pin") echo "text" ;;
        "ca crl|--out") echo "file" ;;
        "ca crl|--next-update") echo "text" ;;
        "ca crl|--registry") echo "text" ;;
        "ca crl|--operator") echo "text" ;;
        "ca crl|--station") echo "text" ;;
        "ca ceremony run|--transcript") echo "file" ;;
        "cert sign-csr|--csr") echo "file" ;;
        "cert sign-csr|--profile") echo "choice device server" ;;
        "cert sign-csr|--device-id") echo "text" ;;
        "cert sign-csr|--id-template") echo "text" ;;
        "cert sign-csr|--dns") echo "text" ;;
        "cert sign-csr|--subject") echo "text" ;;
        "cert sign-csr|--issuer-cert") echo "file" ;;
        "cert sign-csr|--issuer-key") echo "text" ;;
        "cert sign-csr|--issuer-passphrase") echo "text" ;;
        "cert sign-csr|--issuer-pin") echo "text" ;;
        "cert sign-csr|--chain") echo "file" ;;
        "cert sign-csr|--days") echo "text" ;;
        "cert sign-csr|--not-before") echo "text" ;;
        "cert sign-csr|--not-after") echo "text" ;;
        "cert sign-csr|--out") echo "file" ;;
        "cert sign-csr|--chain-out") echo "file" ;;
        "cert inspect|--at") echo "text" ;;
        "cert verify|--cert") echo "file" ;;
        "cert verify|--untrusted") echo "file" ;;
        "cert verify|--trust") echo "file" ;;
        "cert verify|--crl") echo "file" ;;
        "cert verify|--at") echo "text" ;;
        "cert verify|--purpose") echo "choice client server any" ;;
        "cert verify|--name") echo "text" ;;
        "cert verify|--device-id") echo "text" ;;
        "cert verify|--policy") echo "text" ;;
        "csr create|--subject") echo "text" ;;
        "csr create|--key") echo "text" ;;
        "csr create|--new-key") echo "file" ;;
        "csr create|--key-type") echo "choice ec-p256 ec-p384 rsa-3072 rsa-4096" ;;
        "csr create|--passphrase") echo "text" ;;
        "csr create|--pin") echo "text" ;;
        "csr create|--out") echo "file" ;;
        "id check|--id-template") echo "text" ;;
        "id next|--id-template") echo "text" ;;
        "id next|--after") echo "text" ;;
        "id next|--seq") echo "text" ;;
        "id next|--count") echo "text" ;;
        "registry list|--registry") echo "text" ;;
        "registry list|--operator") echo "text" ;;
        "registry list|--station") echo "text" ;;
        "registry list|--state") echo "choice manufactured stocked shipped activated returned refurbished quarantined retired" ;;
        "registry list|--batch") echo "text" ;;
        "registry list|--sku") echo "text" ;;
        "registry list|--limit") echo "text" ;;
        "registry show|--registry") echo "text" ;;
        "registry show|--operator") echo "text" ;;
        "registry show|--station") echo "text" ;;
        "registry set-state|--reason") echo "text" ;;
        "registry set-state|--registry") echo "text" ;;
        "registry set-state|--operator") echo "text" ;;
        "registry set-state|--station") echo "text" ;;
        "registry export|--format") echo "choice csv jsonl" ;;
        "registry export|--out") echo "file" ;;
        "registry export|--registry") echo "text" ;;
        "registry export|--operator") echo "text" ;;
        "registry export|--station") echo "text" ;;
        "registry audit|--device") echo "text" ;;
        "registry audit|--registry") echo "text" ;;
        "registry audit|--operator") echo "text" ;;
        "registry audit|--station") echo "text" ;;
        "batch generate|--count") echo "text" ;;
        "batch generate|--start") echo "text" ;;
        "batch generate|--ids") echo "file" ;;
        "batch generate|--key-type") echo "choice ec-p256 ec-p384 rsa-3072 rsa-4096" ;;
        "batch generate|--recipient") echo "file" ;;
        "batch generate|--id-template") echo "text" ;;
        "batch generate|--issuer-cert") echo "file" ;;
        "batch generate|--issuer-key") echo "text" ;;
        "batch generate|--issuer-passphrase") echo "text" ;;
        "batch generate|--issuer-pin") echo "text" ;;
        "batch generate|--chain") echo "file" ;;
        "batch generate|--profile") echo "choice device server" ;;
        "batch generate|--subject") echo "text" ;;
        "batch generate|--days") echo "text" ;;
        "batch generate|--not-before") echo "text" ;;
        "batch generate|--not-after") echo "text" ;;
        "batch generate|--out") echo "file" ;;
        "batch generate|--batch-id") echo "text" ;;
        "batch generate|--sku") echo "text" ;;
        "batch generate|--hw-revision") echo "text" ;;
        "batch generate|--spec-version") echo "text" ;;
        "batch generate|--jobs") echo "text" ;;
        "batch generate|--registry") echo "text" ;;
        "batch generate|--operator") echo "text" ;;
        "batch generate|--station") echo "text" ;;
        "batch sign-csrs|--csr-dir") echo "text" ;;
        "batch sign-csrs|--map") echo "file" ;;
        "batch sign-csrs|--id-template") echo "text" ;;
        "batch sign-csrs|--issuer-cert") echo "file" ;;
        "batch sign-csrs|--issuer-key") echo "text" ;;
        "batch sign-csrs|--issuer-passphrase") echo "text" ;;
        "batch sign-csrs|--issuer-pin") echo "text" ;;
        "batch sign-csrs|--chain") echo "file" ;;
        "batch sign-csrs|--profile") echo "choice device server" ;;
        "batch sign-csrs|--subject") echo "text" ;;
        "batch sign-csrs|--days") echo "text" ;;
        "batch sign-csrs|--not-before") echo "text" ;;
        "batch sign-csrs|--not-after") echo "text" ;;
        "batch sign-csrs|--out") echo "file" ;;
        "batch sign-csrs|--batch-id") echo "text" ;;
        "batch sign-csrs|--sku") echo "text" ;;
        "batch sign-csrs|--hw-revision") echo "text" ;;
        "batch sign-csrs|--spec-version") echo "text" ;;
        "batch sign-csrs|--jobs") echo "text" ;;
        "batch sign-csrs|--registry") echo "text" ;;
        "batch sign-csrs|--operator") echo "text" ;;
        "batch sign-csrs|--station") echo "text" ;;
        "batch unseal|--recipient-cert") echo "file" ;;
        "batch unseal|--recipient-key") echo "text" ;;
        "batch unseal|--passphrase") echo "text" ;;
        "batch unseal|--pin") echo "text" ;;
        "batch unseal|--out") echo "file" ;;
        "batch unseal|--out-dir") echo "text" ;;
        "scan expiry|--registry") echo "text" ;;
        "scan expiry|--tls") echo "text" ;;
        "scan expiry|--warn") echo "text" ;;
        "scan expiry|--crit") echo "text" ;;
        "scan expiry|--at") echo "text" ;;
        "scan expiry|--connect-timeout") echo "text" ;;
        "scan expiry|--only") echo "choice warn crit expired" ;;
        "scan expiry|--by") echo "choice batch issuer month" ;;
        "scan expiry|--jobs") echo "text" ;;
        "device provision|--port") echo "file" ;;
        "device provision|--ports-from") echo "file" ;;
        "device provision|--baud") echo "text" ;;
        "device provision|--timeout") echo "text" ;;
        "device provision|--issuer-cert") echo "file" ;;
        "device provision|--issuer-key") echo "text" ;;
        "device provision|--issuer-passphrase") echo "text" ;;
        "device provision|--issuer-pin") echo "text" ;;
        "device provision|--chain") echo "file" ;;
        "device provision|--trust") echo "file" ;;
        "device provision|--subject") echo "text" ;;
        "device provision|--days") echo "text" ;;
        "device provision|--not-before") echo "text" ;;
        "device provision|--not-after") echo "text" ;;
        "device provision|--device-id") echo "text" ;;
        "device provision|--expect-id") echo "text" ;;
        "device provision|--id-template") echo "text" ;;
        "device provision|--id-first") echo "text" ;;
        "device provision|--slot") echo "text" ;;
        "device provision|--key-type") echo "choice ec-p256 ec-p384 rsa-3072 rsa-4096" ;;
        "device provision|--sku") echo "text" ;;
        "device provision|--hw-revision") echo "text" ;;
        "device provision|--batch") echo "text" ;;
        "device provision|--fw-version") echo "text" ;;
        "device provision|--job") echo "file" ;;
        "device provision|--fw-sha256") echo "text" ;;
        "device provision|--tries") echo "text" ;;
        "device provision|--backoff") echo "text" ;;
        "device provision|--registry") echo "text" ;;
        "device provision|--operator") echo "text" ;;
        "device provision|--station") echo "text" ;;
        "device verify|--port") echo "file" ;;
        "device verify|--ports-from") echo "file" ;;
        "device verify|--baud") echo "text" ;;
        "device verify|--timeout") echo "text" ;;
        "device verify|--trust") echo "file" ;;
        "device verify|--untrusted") echo "file" ;;
        "device verify|--slot") echo "text" ;;
        "device verify|--registry") echo "text" ;;
        "device verify|--operator") echo "text" ;;
        "device verify|--station") echo "text" ;;
        "device info|--port") echo "file" ;;
        "device info|--ports-from") echo "file" ;;
        "device info|--baud") echo "text" ;;
        "device info|--timeout") echo "text" ;;
        "device info|--slot") echo "text" ;;
        "device reprovision|--port") echo "file" ;;
        "device reprovision|--ports-from") echo "file" ;;
        "device reprovision|--baud") echo "text" ;;
        "device reprovision|--timeout") echo "text" ;;
        "device reprovision|--issuer-cert") echo "file" ;;
        "device reprovision|--issuer-key") echo "text" ;;
        "device reprovision|--issuer-passphrase") echo "text" ;;
        "device reprovision|--issuer-pin") echo "text" ;;
        "device reprovision|--chain") echo "file" ;;
        "device reprovision|--trust") echo "file" ;;
        "device reprovision|--subject") echo "text" ;;
        "device reprovision|--days") echo "text" ;;
        "device reprovision|--not-before") echo "text" ;;
        "device reprovision|--not-after") echo "text" ;;
        "device reprovision|--reason") echo "text" ;;
        "device reprovision|--slot") echo "text" ;;
        "device reprovision|--tries") echo "text" ;;
        "device reprovision|--registry") echo "text" ;;
        "device reprovision|--operator") echo "text" ;;
        "device reprovision|--station") echo "text" ;;
        "device reprovision|--aws-profile") echo "text" ;;
        "device reprovision|--aws-region") echo "text" ;;
        "device reprovision|--aws-endpoint-url") echo "text" ;;
        "device simulate|--state") echo "file" ;;
        "device simulate|--link") echo "file" ;;
        "device simulate|--hw-uid") echo "text" ;;
        "device simulate|--fw-version") echo "text" ;;
        "device simulate|--hw-rev") echo "text" ;;
        "device simulate|--keygen-ms") echo "text" ;;
        "device simulate|--sign-ms") echo "text" ;;
        "device simulate|--baud") echo "text" ;;
        "device simulate|--fault") echo "choice noise drop-response reset busy wrong-device-id bad-signature corrupt-write debug-lock-fails self-test-fails" ;;
        "cloud aws register-ca|--ca-cert") echo "file" ;;
        "cloud aws register-ca|--ca-key") echo "text" ;;
        "cloud aws register-ca|--ca-passphrase") echo "text" ;;
        "cloud aws register-ca|--ca-pin") echo "text" ;;
        "cloud aws register-ca|--jitp-template") echo "file" ;;
        "cloud aws register-ca|--role-arn") echo "text" ;;
        "cloud aws register-ca|--rate") echo "text" ;;
        "cloud aws register-ca|--tries") echo "text" ;;
        "cloud aws register-ca|--profile") echo "text" ;;
        "cloud aws register-ca|--region") echo "text" ;;
        "cloud aws register-ca|--endpoint-url") echo "text" ;;
        "cloud aws register|--device") echo "text" ;;
        "cloud aws register|--batch") echo "text" ;;
        "cloud aws register|--rate") echo "text" ;;
        "cloud aws register|--jobs") echo "text" ;;
        "cloud aws register|--tries") echo "text" ;;
        "cloud aws register|--registry") echo "text" ;;
        "cloud aws register|--operator") echo "text" ;;
        "cloud aws register|--station") echo "text" ;;
        "cloud aws register|--profile") echo "text" ;;
        "cloud aws register|--region") echo "text" ;;
        "cloud aws register|--endpoint-url") echo "text" ;;
        "cloud aws register|--ca-cert") echo "file" ;;
        "cloud aws register|--policy") echo "text" ;;
        "cloud aws register|--thing-type") echo "text" ;;
        "cloud aws register|--thing-group") echo "text" ;;
        "cloud aws register|--attributes") echo "text" ;;
        "cloud aws provisioning-template create|--name") echo "text" ;;
        "cloud aws provisioning-template create|--type") echo "choice JITP FLEET_PROVISIONING" ;;
        "cloud aws provisioning-template create|--template-body") echo "file" ;;
        "cloud aws provisioning-template create|--role-arn") echo "text" ;;
        "cloud aws provisioning-template create|--rate") echo "text" ;;
        "cloud aws provisioning-template create|--tries") echo "text" ;;
        "cloud aws provisioning-template create|--profile") echo "text" ;;
        "cloud aws provisioning-template create|--region") echo "text" ;;
        "cloud aws provisioning-template create|--endpoint-url") echo "text" ;;
        "cloud aws deactivate|--device") echo "text" ;;
        "cloud aws deactivate|--status") echo "choice INACTIVE REVOKED" ;;
        "cloud aws deactivate|--rate") echo "text" ;;
        "cloud aws deactivate|--jobs") echo "text" ;;
        "cloud aws deactivate|--tries") echo "text" ;;
        "cloud aws deactivate|--registry") echo "text" ;;
        "cloud aws deactivate|--operator") echo "text" ;;
        "cloud aws deactivate|--station") echo "text" ;;
        "cloud aws deactivate|--profile") echo "text" ;;
        "cloud aws deactivate|--region") echo "text" ;;
        "cloud aws deactivate|--endpoint-url") echo "text" ;;
        "cloud azure enroll|--device") echo "text" ;;
        "cloud azure enroll|--batch") echo "text" ;;
        "cloud azure enroll|--rate") echo "text" ;;
        "cloud azure enroll|--jobs") echo "text" ;;
        "cloud azure enroll|--tries") echo "text" ;;
        "cloud azure enroll|--registry") echo "text" ;;
        "cloud azure enroll|--operator") echo "text" ;;
        "cloud azure enroll|--station") echo "text" ;;
        "cloud azure enroll|--connection-string") echo "text" ;;
        "cloud azure enroll|--endpoint") echo "text" ;;
        "cloud azure enroll|--sas-ttl") echo "text" ;;
        "cloud azure enroll|--attestation") echo "choice x509 symmetric-key" ;;
        "cloud azure enroll|--iot-hub") echo "text" ;;
        "cloud azure enroll|--allocation") echo "choice hashed static geoLatency" ;;
        "cloud azure enroll|--initial-twin") echo "file" ;;
        "cloud azure enroll|--provisioning-status") echo "choice enabled disabled" ;;
        "cloud azure enroll-group|--id") echo "text" ;;
        "cloud azure enroll-group|--ca-cert") echo "file" ;;
        "cloud azure enroll-group|--iot-hub") echo "text" ;;
        "cloud azure enroll-group|--allocation") echo "choice hashed static geoLatency" ;;
        "cloud azure enroll-group|--provisioning-status") echo "choice enabled disabled" ;;
        "cloud azure enroll-group|--rate") echo "text" ;;
        "cloud azure enroll-group|--tries") echo "text" ;;
        "cloud azure enroll-group|--connection-string") echo "text" ;;
        "cloud azure enroll-group|--endpoint") echo "text" ;;
        "cloud azure enroll-group|--sas-ttl") echo "text" ;;
        "cloud azure disable|--device") echo "text" ;;
        "cloud azure disable|--rate") echo "text" ;;
        "cloud azure disable|--jobs") echo "text" ;;
        "cloud azure disable|--tries") echo "text" ;;
        "cloud azure disable|--registry") echo "text" ;;
        "cloud azure disable|--operator") echo "text" ;;
        "cloud azure disable|--station") echo "text" ;;
        "cloud azure disable|--connection-string") echo "text" ;;
        "cloud azure disable|--endpoint") echo "text" ;;
        "cloud azure disable|--sas-ttl") echo "text" ;;
        "cloud azure sas-token|--resource") echo "text" ;;
        "cloud azure sas-token|--key") echo "text" ;;
        "cloud azure sas-token|--policy") echo "text" ;;
        "cloud azure sas-token|--ttl") echo "text" ;;
        "cloud azure derive-key|--group-key") echo "text" ;;
        "cloud azure derive-key|--registration-id") echo "text" ;;
    esac
}

# Subcommands at command path $1.
_provctl_commands() {
    case "$1" in
        "") echo "ca cert csr id registry batch scan device manifest cloud completion" ;;
        "ca") echo "init-root issue-intermediate revoke crl ceremony" ;;
        "ca ceremony") echo "run verify" ;;
        "cert") echo "sign-csr inspect verify" ;;
        "csr") echo "create" ;;
        "id") echo "check next" ;;
        "registry") echo "list show set-state export audit" ;;
        "batch") echo "generate sign-csrs unseal" ;;
        "scan") echo "expiry" ;;
        "device") echo "provision verify info reprovision simulate" ;;
        "manifest") echo "validate" ;;
        "cloud") echo "aws azure" ;;
        "cloud aws") echo "register-ca register provisioning-template deactivate" ;;
        "cloud aws provisioning-template") echo "create" ;;
        "cloud azure") echo "enroll enroll-group disable sas-token derive-key" ;;
    esac
}

# Options at command path $1: its own and the global ones.
_provctl_options() {
    local global="--help --version --json --quiet --verbose --pkcs11-module"
    case "$1" in
        "ca") echo "" "$global" ;;
        "ca init-root") echo "--subject --key --key-type --path-len --days --not-before --not-after --out --force --passphrase --pin" "$global" ;;
        "ca issue-intermediate") echo "--subject --key --csr --key-type --passphrase --pin --issuer-cert --issuer-key --issuer-passphrase --issuer-pin --allow-extractable --path-len --eku --permit-dns --exclude-dns --permit-dn --exclude-dn --crl-url --ocsp-url --ca-issuers-url --days --not-before --not-after --out --chain-out --force" "$global" ;;
        "ca revoke") echo "--device --serial --issuer-cert --reason --registry --operator --station" "$global" ;;
        "ca crl") echo "--issuer-cert --issuer-key --issuer-passphrase --issuer-pin --allow-extractable --out --next-update --registry --operator --station --force" "$global" ;;
        "ca ceremony") echo "" "$global" ;;
        "ca ceremony run") echo "--yes --force --transcript" "$global" ;;
        "ca ceremony verify") echo "" "$global" ;;
        "cert") echo "" "$global" ;;
        "cert sign-csr") echo "--csr --profile --device-id --id-template --dns --subject --issuer-cert --issuer-key --issuer-passphrase --issuer-pin --allow-extractable --chain --days --not-before --not-after --clip-validity --out --chain-out --force" "$global" ;;
        "cert inspect") echo "--at" "$global" ;;
        "cert verify") echo "--cert --untrusted --trust --crl --at --purpose --name --device-id --policy --explicit-policy --inhibit-policy-mapping --inhibit-any-policy" "$global" ;;
        "csr") echo "" "$global" ;;
        "csr create") echo "--subject --key --new-key --key-type --passphrase --pin --out --force" "$global" ;;
        "id") echo "" "$global" ;;
        "id check") echo "--id-template" "$global" ;;
        "id next") echo "--id-template --after --seq --count" "$global" ;;
        "registry") echo "" "$global" ;;
        "registry list") echo "--registry --operator --station --state --batch --sku --limit" "$global" ;;
        "registry show") echo "--registry --operator --station" "$global" ;;
        "registry set-state") echo "--reason --registry --operator --station" "$global" ;;
        "registry export") echo "--format --out --force --registry --operator --station" "$global" ;;
        "registry audit") echo "--device --verify --registry --operator --station" "$global" ;;
        "batch") echo "" "$global" ;;
        "batch generate") echo "--count --start --ids --key-type --recipient --plaintext-keys --id-template --issuer-cert --issuer-key --issuer-passphrase --issuer-pin --allow-extractable --chain --profile --subject --days --not-before --not-after --out --batch-id --sku --hw-revision --spec-version --jobs --registry --operator --station" "$global" ;;
        "batch sign-csrs") echo "--csr-dir --map --id-template --issuer-cert --issuer-key --issuer-passphrase --issuer-pin --allow-extractable --chain --profile --subject --days --not-before --not-after --out --batch-id --sku --hw-revision --spec-version --jobs --registry --operator --station" "$global" ;;
        "batch unseal") echo "--recipient-cert --recipient-key --passphrase --pin --out --out-dir --force" "$global" ;;
        "scan") echo "" "$global" ;;
        "scan expiry") echo "--registry --tls --warn --crit --at --connect-timeout --only --by --csv --follow-symlinks --jobs" "$global" ;;
        "device") echo "" "$global" ;;
        "device provision") echo "--port --ports-from --baud --rtscts --timeout --issuer-cert --issuer-key --issuer-passphrase --issuer-pin --allow-extractable --chain --trust --subject --days --not-before --not-after --device-id --expect-id --id-template --id-first --slot --key-type --no-lock-debug --sku --hw-revision --batch --fw-version --job --fw-sha256 --tries --backoff --requeue --registry --operator --station" "$global" ;;
        "device verify") echo "--port --ports-from --baud --rtscts --timeout --trust --untrusted --slot --allow-debug --no-registry --registry --operator --station" "$global" ;;
        "device info") echo "--port --ports-from --baud --rtscts --timeout --slot" "$global" ;;
        "device reprovision") echo "--port --ports-from --baud --rtscts --timeout --issuer-cert --issuer-key --issuer-passphrase --issuer-pin --allow-extractable --chain --trust --subject --days --not-before --not-after --reason --slot --no-lock-debug --tries --yes --registry --operator --station --aws-deactivate --aws-profile --aws-region --aws-endpoint-url" "$global" ;;
        "device simulate") echo "--state --link --hw-uid --fw-version --hw-rev --keygen-ms --sign-ms --baud --fault" "$global" ;;
        "manifest") echo "" "$global" ;;
        "manifest validate") echo "" "$global" ;;
        "cloud") echo "" "$global" ;;
        "cloud aws") echo "" "$global" ;;
        "cloud aws register-ca") echo "--ca-cert --ca-key --ca-passphrase --ca-pin --jitp-template --role-arn --set-active --rate --tries --dry-run --profile --region --endpoint-url" "$global" ;;
        "cloud aws register") echo "--device --batch --rate --jobs --tries --dry-run --registry --operator --station --profile --region --endpoint-url --with-ca --without-ca --ca-cert --policy --thing-type --thing-group --attributes" "$global" ;;
        "cloud aws provisioning-template") echo "" "$global" ;;
        "cloud aws provisioning-template create") echo "--name --type --template-body --role-arn --rate --tries --dry-run --profile --region --endpoint-url" "$global" ;;
        "cloud aws deactivate") echo "--device --status --rate --jobs --tries --dry-run --registry --operator --station --profile --region --endpoint-url" "$global" ;;
        "cloud azure") echo "" "$global" ;;
        "cloud azure enroll") echo "--device --batch --rate --jobs --tries --dry-run --registry --operator --station --connection-string --endpoint --sas-ttl --attestation --iot-hub --allocation --initial-twin --provisioning-status" "$global" ;;
        "cloud azure enroll-group") echo "--id --ca-cert --symmetric-key --iot-hub --allocation --provisioning-status --rate --tries --dry-run --connection-string --endpoint --sas-ttl" "$global" ;;
        "cloud azure disable") echo "--device --rate --jobs --tries --dry-run --registry --operator --station --connection-string --endpoint --sas-ttl" "$global" ;;
        "cloud azure sas-token") echo "--resource --key --policy --ttl" "$global" ;;
        "cloud azure derive-key") echo "--group-key --registration-id" "$global" ;;
        "completion") echo "" "$global" ;;
        *) echo "$global" ;;
    esac
}

# What the arguments of command path $1 complete to.
_provctl_positional() {
    case "$1" in
        "ca ceremony run") echo "text" ;;
        "ca ceremony verify") echo "text" ;;
        "cert inspect") echo "file" ;;
        "id check") echo "text" ;;
        "registry show") echo "text" ;;
        "registry set-state") echo "text" ;;
        "batch unseal") echo "file" ;;
        "scan expiry") echo "file" ;;
        "manifest validate") echo "file" ;;
        "completion") echo "choice bash zsh fish" ;;
    esac
}

_provctl_files() {
    local IFS=$'\n'
    compopt -o filenames 2>/dev/null
    COMPREPLY=($(compgen -f -- "$1"))
}

_provctl() {
    local cur prev words cword split
    if declare -F _init_completion >/dev/null 2>&1; then
        _init_completion -s -n : || return
    else
        words=("${COMP_WORDS[@]}")
        cword=$COMP_CWORD
        cur=${COMP_WORDS[COMP_CWORD]}
        prev=${COMP_WORDS[COMP_CWORD - 1]}
    fi

    # Find the command path typed so far, stepping over option values.
    local path="" word kind i
    for ((i = 1; i < cword; i++)); do
        word=${words[i]}
        case $word in
            --*=*) ;;
            -*)
                kind=$(_provctl_value "$path" "$word")
                [[ -n $kind ]] && i=$((i + 1))
                ;;
            *)
                if [[ " $(_provctl_commands "$path") " == *" $word "* ]]; then
                    path=${path:+$path }$word
                fi
                ;;
        esac
    done

    if [[ $prev == -* ]]; then
        kind=$(_provctl_value "$path" "$prev")
        case $kind in
            file) _provctl_files "$cur"; return ;;
            choice*) COMPREPLY=($(compgen -W "${kind#choice }" -- "$cur")); return ;;
            text) COMPREPLY=(); return ;;
        esac
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$(_provctl_options "$path")" -- "$cur"))
        return
    fi
    local commands
    commands=$(_provctl_commands "$path")
    if [[ -n $commands ]]; then
        COMPREPLY=($(compgen -W "$commands" -- "$cur"))
        return
    fi
    kind=$(_provctl_positional "$path")
    case $kind in
        file) _provctl_files "$cur" ;;
        choice*) COMPREPLY=($(compgen -W "${kind#choice }" -- "$cur")) ;;
    esac
}

complete -F _provctl provctl
