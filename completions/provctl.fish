# fish completion for provctl.
# Generated from the command tree by `provctl completion fish`; do not edit.
# Regenerate: provctl completion fish > completions/provctl.fish

# Every command path.
function __provctl_paths
    echo 'ca'
    echo 'ca init-root'
    echo 'ca issue-intermediate'
    echo 'ca revoke'
    echo 'ca crl'
    echo 'ca ceremony'
    echo 'ca ceremony run'
    echo 'ca ceremony verify'
    echo 'cert'
    echo 'cert sign-csr'
    echo 'cert inspect'
    echo 'cert verify'
    echo 'csr'
    echo 'csr create'
    echo 'id'
    echo 'id check'
    echo 'id next'
    echo 'registry'
    echo 'registry list'
    echo 'registry show'
    echo 'registry set-state'
    echo 'registry export'
    echo 'registry audit'
    echo 'batch'
    echo 'batch generate'
    echo 'batch sign-csrs'
    echo 'batch unseal'
    echo 'scan'
    echo 'scan expiry'
    echo 'device'
    echo 'device provision'
    echo 'device verify'
    echo 'device info'
    echo 'device reprovision'
    echo 'device simulate'
    echo 'manifest'
    echo 'manifest validate'
    echo 'cloud'
    echo 'cloud aws'
    echo 'cloud aws register-ca'
    echo 'cloud aws register'
    echo 'cloud aws provisioning-template'
    echo 'cloud aws provisioning-template create'
    echo 'cloud aws deactivate'
    echo 'cloud azure'
    echo 'cloud azure enroll'
    echo 'cloud azure enroll-group'
    echo 'cloud azure disable'
    echo 'cloud azure sas-token'
    echo 'cloud azure derive-key'
    echo 'completion'
end

# Whether option $argv[2] at command path $argv[1] takes a value.
function __provctl_takes_value
    switch "$argv[1]|$argv[2]"
        case '*|--pkcs11-module'
            return 0
        case 'ca init-root|--subject'
            return 0
        case 'ca init-root|--key'
            return 0
        case 'ca init-root|--key-type'
            return 0
        case 'ca init-root|--path-len'
            return 0
        case 'ca init-root|--days'
            return 0
        case 'ca init-root|--not-before'
            return 0
        case 'ca init-root|--not-after'
            return 0
        case 'ca init-root|--out'
            return 0
        case 'ca init-root|--passphrase'
            return 0
        case 'ca init-root|--pin'
            return 0
        case 'ca issue-intermediate|--subject'
            return 0
        case 'ca issue-intermediate|--key'
            return 0
        case 'ca issue-intermediate|--csr'
            return 0
        case 'ca issue-intermediate|--key-type'
            return 0
        case 'ca issue-intermediate|--passphrase'
            return 0
        case 'ca issue-intermediate|--pin'
            return 0
        case 'ca issue-intermediate|--issuer-cert'
            return 0
        case 'ca issue-intermediate|--issuer-key'
            return 0
        case 'ca issue-intermediate|--issuer-passphrase'
            return 0
        case 'ca issue-intermediate|--issuer-pin'
            return 0
        case 'ca issue-intermediate|--path-len'
            return 0
        case 'ca issue-intermediate|--eku'
            return 0
        case 'ca issue-intermediate|--permit-dns'
            return 0
        case 'ca issue-intermediate|--exclude-dns'
            return 0
        case 'ca issue-intermediate|--permit-dn'
            return 0
        case 'ca issue-intermediate|--exclude-dn'
            return 0
        case 'ca issue-intermediate|--crl-url'
            return 0
        case 'ca issue-intermediate|--ocsp-url'
            return 0
        case 'ca issue-intermediate|--ca-issuers-url'
            return 0
        case 'ca issue-intermediate|--days'
            return 0
        case 'ca issue-intermediate|--not-before'
            return 0
        case 'ca issue-intermediate|--not-after'
            return 0
        case 'ca issue-intermediate|--out'
            return 0
        case 'ca issue-intermediate|--chain-out'
            return 0
        case 'ca revoke|--device'
            return 0
        case 'ca revoke|--serial'
            return 0
        case 'ca revoke|--issuer-cert'
            return 0
        case 'ca revoke|--reason'
            return 0
        case 'ca revoke|--registry'
            return 0
        case 'ca revoke|--operator'
            return 0
        case 'ca revoke|--station'
            return 0
        case 'ca crl|--issuer-cert'
            return 0
        case 'ca crl|--issuer-key'
            return 0
        case 'ca crl|--issuer-passphrase'
            return 0
        case 'ca crl|--issuer-pin'
            return 0
        case 'ca crl|--out'
            return 0
        case 'ca crl|--next-update'
            return 0
        case 'ca crl|--registry'
            return 0
        case 'ca crl|--operator'
            return 0
        case 'ca crl|--station'
            return 0
        case 'ca ceremony run|--transcript'
            return 0
        case 'cert sign-csr|--csr'
            return 0
        case 'cert sign-csr|--profile'
            return 0
        case 'cert sign-csr|--device-id'
            return 0
        case 'cert sign-csr|--id-template'
            return 0
        case 'cert sign-csr|--dns'
            return 0
        case 'cert sign-csr|--subject'
            return 0
        case 'cert sign-csr|--issuer-cert'
            return 0
        case 'cert sign-csr|--issuer-key'
            return 0
        case 'cert sign-csr|--issuer-passphrase'
            return 0
        case 'cert sign-csr|--issuer-pin'
            return 0
        case 'cert sign-csr|--chain'
            return 0
        case 'cert sign-csr|--days'
            return 0
        case 'cert sign-csr|--not-before'
            return 0
        case 'cert sign-csr|--not-after'
            return 0
        case 'cert sign-csr|--out'
            return 0
        case 'cert sign-csr|--chain-out'
            return 0
        case 'cert inspect|--at'
            return 0
        case 'cert verify|--cert'
            return 0
        case 'cert verify|--untrusted'
            return 0
        case 'cert verify|--trust'
            return 0
        case 'cert verify|--crl'
            return 0
        case 'cert verify|--at'
            return 0
        case 'cert verify|--purpose'
            return 0
        case 'cert verify|--name'
            return 0
        case 'cert verify|--device-id'
            return 0
        case 'cert verify|--policy'
            return 0
        case 'csr create|--subject'
            return 0
        case 'csr create|--key'
            return 0
        case 'csr create|--new-key'
            return 0
        case 'csr create|--key-type'
            return 0
        case 'csr create|--passphrase'
            return 0
        case 'csr create|--pin'
            return 0
        case 'csr create|--out'
            return 0
        case 'id check|--id-template'
            return 0
        case 'id next|--id-template'
            return 0
        case 'id next|--after'
            return 0
        case 'id next|--seq'
            return 0
        case 'id next|--count'
            return 0
        case 'registry list|--registry'
            return 0
        case 'registry list|--operator'
            return 0
        case 'registry list|--station'
            return 0
        case 'registry list|--state'
            return 0
        case 'registry list|--batch'
            return 0
        case 'registry list|--sku'
            return 0
        case 'registry list|--limit'
            return 0
        case 'registry show|--registry'
            return 0
        case 'registry show|--operator'
            return 0
        case 'registry show|--station'
            return 0
        case 'registry set-state|--reason'
            return 0
        case 'registry set-state|--registry'
            return 0
        case 'registry set-state|--operator'
            return 0
        case 'registry set-state|--station'
            return 0
        case 'registry export|--format'
            return 0
        case 'registry export|--out'
            return 0
        case 'registry export|--registry'
            return 0
        case 'registry export|--operator'
            return 0
        case 'registry export|--station'
            return 0
        case 'registry audit|--device'
            return 0
        case 'registry audit|--registry'
            return 0
        case 'registry audit|--operator'
            return 0
        case 'registry audit|--station'
            return 0
        case 'batch generate|--count'
            return 0
        case 'batch generate|--start'
            return 0
        case 'batch generate|--ids'
            return 0
        case 'batch generate|--key-type'
            return 0
        case 'batch generate|--recipient'
            return 0
        case 'batch generate|--id-template'
            return 0
        case 'batch generate|--issuer-cert'
            return 0
        case 'batch generate|--issuer-key'
            return 0
        case 'batch generate|--issuer-passphrase'
            return 0
        case 'batch generate|--issuer-pin'
            return 0
        case 'batch generate|--chain'
            return 0
        case 'batch generate|--profile'
            return 0
        case 'batch generate|--subject'
            return 0
        case 'batch generate|--days'
            return 0
        case 'batch generate|--not-before'
            return 0
        case 'batch generate|--not-after'
            return 0
        case 'batch generate|--out'
            return 0
        case 'batch generate|--batch-id'
            return 0
        case 'batch generate|--sku'
            return 0
        case 'batch generate|--hw-revision'
            return 0
        case 'batch generate|--spec-version'
            return 0
        case 'batch generate|--jobs'
            return 0
        case 'batch generate|--registry'
            return 0
        case 'batch generate|--operator'
            return 0
        case 'batch generate|--station'
            return 0
        case 'batch sign-csrs|--csr-dir'
            return 0
        case 'batch sign-csrs|--map'
            return 0
        case 'batch sign-csrs|--id-template'
            return 0
        case 'batch sign-csrs|--issuer-cert'
            return 0
        case 'batch sign-csrs|--issuer-key'
            return 0
        case 'batch sign-csrs|--issuer-passphrase'
            return 0
        case 'batch sign-csrs|--issuer-pin'
            return 0
        case 'batch sign-csrs|--chain'
            return 0
        case 'batch sign-csrs|--profile'
            return 0
        case 'batch sign-csrs|--subject'
            return 0
        case 'batch sign-csrs|--days'
            return 0
        case 'batch sign-csrs|--not-before'
            return 0
        case 'batch sign-csrs|--not-after'
            return 0
        case 'batch sign-csrs|--out'
            return 0
        case 'batch sign-csrs|--batch-id'
            return 0
        case 'batch sign-csrs|--sku'
            return 0
        case 'batch sign-csrs|--hw-revision'
            return 0
        case 'batch sign-csrs|--spec-version'
            return 0
        case 'batch sign-csrs|--jobs'
            return 0
        case 'batch sign-csrs|--registry'
            return 0
        case 'batch sign-csrs|--operator'
            return 0
        case 'batch sign-csrs|--station'
            return 0
        case 'batch unseal|--recipient-cert'
            return 0
        case 'batch unseal|--recipient-key'
            return 0
        case 'batch unseal|--passphrase'
            return 0
        case 'batch unseal|--pin'
            return 0
        case 'batch unseal|--out'
            return 0
        case 'batch unseal|--out-dir'
            return 0
        case 'scan expiry|--registry'
            return 0
        case 'scan expiry|--tls'
            return 0
        case 'scan expiry|--warn'
            return 0
        case 'scan expiry|--crit'
            return 0
        case 'scan expiry|--at'
            return 0
        case 'scan expiry|--connect-timeout'
            return 0
        case 'scan expiry|--only'
            return 0
        case 'scan expiry|--by'
            return 0
        case 'scan expiry|--jobs'
            return 0
        case 'device provision|--port'
            return 0
        case 'device provision|--ports-from'
            return 0
        case 'device provision|--baud'
            return 0
        case 'device provision|--timeout'
            return 0
        case 'device provision|--issuer-cert'
            return 0
        case 'device provision|--issuer-key'
            return 0
        case 'device provision|--issuer-passphrase'
            return 0
        case 'device provision|--issuer-pin'
            return 0
        case 'device provision|--chain'
            return 0
        case 'device provision|--trust'
            return 0
        case 'device provision|--subject'
            return 0
        case 'device provision|--days'
            return 0
        case 'device provision|--not-before'
            return 0
        case 'device provision|--not-after'
            return 0
        case 'device provision|--device-id'
            return 0
        case 'device provision|--expect-id'
            return 0
        case 'device provision|--id-template'
            return 0
        case 'device provision|--id-first'
            return 0
        case 'device provision|--slot'
            return 0
        case 'device provision|--key-type'
            return 0
        case 'device provision|--sku'
            return 0
        case 'device provision|--hw-revision'
            return 0
        case 'device provision|--batch'
            return 0
        case 'device provision|--fw-version'
            return 0
        case 'device provision|--job'
            return 0
        case 'device provision|--fw-sha256'
            return 0
        case 'device provision|--tries'
            return 0
        case 'device provision|--backoff'
            return 0
        case 'device provision|--registry'
            return 0
        case 'device provision|--operator'
            return 0
        case 'device provision|--station'
            return 0
        case 'device verify|--port'
            return 0
        case 'device verify|--ports-from'
            return 0
        case 'device verify|--baud'
            return 0
        case 'device verify|--timeout'
            return 0
        case 'device verify|--trust'
            return 0
        case 'device verify|--untrusted'
            return 0
        case 'device verify|--slot'
            return 0
        case 'device verify|--registry'
            return 0
        case 'device verify|--operator'
            return 0
        case 'device verify|--station'
            return 0
        case 'device info|--port'
            return 0
        case 'device info|--ports-from'
            return 0
        case 'device info|--baud'
            return 0
        case 'device info|--timeout'
            return 0
        case 'device info|--slot'
            return 0
        case 'device reprovision|--port'
            return 0
        case 'device reprovision|--ports-from'
            return 0
        case 'device reprovision|--baud'
            return 0
        case 'device reprovision|--timeout'
            return 0
        case 'device reprovision|--issuer-cert'
            return 0
        case 'device reprovision|--issuer-key'
            return 0
        case 'device reprovision|--issuer-passphrase'
            return 0
        case 'device reprovision|--issuer-pin'
            return 0
        case 'device reprovision|--chain'
            return 0
        case 'device reprovision|--trust'
            return 0
        case 'device reprovision|--subject'
            return 0
        case 'device reprovision|--days'
            return 0
        case 'device reprovision|--not-before'
            return 0
        case 'device reprovision|--not-after'
            return 0
        case 'device reprovision|--reason'
            return 0
        case 'device reprovision|--slot'
            return 0
        case 'device reprovision|--tries'
            return 0
        case 'device reprovision|--registry'
            return 0
        case 'device reprovision|--operator'
            return 0
        case 'device reprovision|--station'
            return 0
        case 'device reprovision|--aws-profile'
            return 0
        case 'device reprovision|--aws-region'
            return 0
        case 'device reprovision|--aws-endpoint-url'
            return 0
        case 'device simulate|--state'
            return 0
        case 'device simulate|--link'
            return 0
        case 'device simulate|--hw-uid'
            return 0
        case 'device simulate|--fw-version'
            return 0
        case 'device simulate|--hw-rev'
            return 0
        case 'device simulate|--keygen-ms'
            return 0
        case 'device simulate|--sign-ms'
            return 0
        case 'device simulate|--baud'
            return 0
        case 'device simulate|--fault'
            return 0
        case 'cloud aws register-ca|--ca-cert'
            return 0
        case 'cloud aws register-ca|--ca-key'
            return 0
        case 'cloud aws register-ca|--ca-passphrase'
            return 0
        case 'cloud aws register-ca|--ca-pin'
            return 0
        case 'cloud aws register-ca|--jitp-template'
            return 0
        case 'cloud aws register-ca|--role-arn'
            return 0
        case 'cloud aws register-ca|--rate'
            return 0
        case 'cloud aws register-ca|--tries'
            return 0
        case 'cloud aws register-ca|--profile'
            return 0
        case 'cloud aws register-ca|--region'
            return 0
        case 'cloud aws register-ca|--endpoint-url'
            return 0
        case 'cloud aws register|--device'
            return 0
        case 'cloud aws register|--batch'
            return 0
        case 'cloud aws register|--rate'
            return 0
        case 'cloud aws register|--jobs'
            return 0
        case 'cloud aws register|--tries'
            return 0
        case 'cloud aws register|--registry'
            return 0
        case 'cloud aws register|--operator'
            return 0
        case 'cloud aws register|--station'
            return 0
        case 'cloud aws register|--profile'
            return 0
        case 'cloud aws register|--region'
            return 0
        case 'cloud aws register|--endpoint-url'
            return 0
        case 'cloud aws register|--ca-cert'
            return 0
        case 'cloud aws register|--policy'
            return 0
        case 'cloud aws register|--thing-type'
            return 0
        case 'cloud aws register|--thing-group'
            return 0
        case 'cloud aws register|--attributes'
            return 0
        case 'cloud aws provisioning-template create|--name'
            return 0
        case 'cloud aws provisioning-template create|--type'
            return 0
        case 'cloud aws provisioning-template create|--template-body'
            return 0
        case 'cloud aws provisioning-template create|--role-arn'
            return 0
        case 'cloud aws provisioning-template create|--rate'
            return 0
        case 'cloud aws provisioning-template create|--tries'
            return 0
        case 'cloud aws provisioning-template create|--profile'
            return 0
        case 'cloud aws provisioning-template create|--region'
            return 0
        case 'cloud aws provisioning-template create|--endpoint-url'
            return 0
        case 'cloud aws deactivate|--device'
            return 0
        case 'cloud aws deactivate|--status'
            return 0
        case 'cloud aws deactivate|--rate'
            return 0
        case 'cloud aws deactivate|--jobs'
            return 0
        case 'cloud aws deactivate|--tries'
            return 0
        case 'cloud aws deactivate|--registry'
            return 0
        case 'cloud aws deactivate|--operator'
            return 0
        case 'cloud aws deactivate|--station'
            return 0
        case 'cloud aws deactivate|--profile'
            return 0
        case 'cloud aws deactivate|--region'
            return 0
        case 'cloud aws deactivate|--endpoint-url'
            return 0
        case 'cloud azure enroll|--device'
            return 0
        case 'cloud azure enroll|--batch'
            return 0
        case 'cloud azure enroll|--rate'
            return 0
        case 'cloud azure enroll|--jobs'
            return 0
        case 'cloud azure enroll|--tries'
            return 0
        case 'cloud azure enroll|--registry'
            return 0
        case 'cloud azure enroll|--operator'
            return 0
        case 'cloud azure enroll|--station'
            return 0
        case 'cloud azure enroll|--connection-string'
            return 0
        case 'cloud azure enroll|--endpoint'
            return 0
        case 'cloud azure enroll|--sas-ttl'
            return 0
        case 'cloud azure enroll|--attestation'
            return 0
        case 'cloud azure enroll|--iot-hub'
            return 0
        case 'cloud azure enroll|--allocation'
            return 0
        case 'cloud azure enroll|--initial-twin'
            return 0
        case 'cloud azure enroll|--provisioning-status'
            return 0
        case 'cloud azure enroll-group|--id'
            return 0
        case 'cloud azure enroll-group|--ca-cert'
            return 0
        case 'cloud azure enroll-group|--iot-hub'
            return 0
        case 'cloud azure enroll-group|--allocation'
            return 0
        case 'cloud azure enroll-group|--provisioning-status'
            return 0
        case 'cloud azure enroll-group|--rate'
            return 0
        case 'cloud azure enroll-group|--tries'
            return 0
        case 'cloud azure enroll-group|--connection-string'
            return 0
        case 'cloud azure enroll-group|--endpoint'
            return 0
        case 'cloud azure enroll-group|--sas-ttl'
            return 0
        case 'cloud azure disable|--device'
            return 0
        case 'cloud azure disable|--rate'
            return 0
        case 'cloud azure disable|--jobs'
            return 0
        case 'cloud azure disable|--tries'
            return 0
        case 'cloud azure disable|--registry'
            return 0
        case 'cloud azure disable|--operator'
            return 0
        case 'cloud azure disable|--station'
            return 0
        case 'cloud azure disable|--connection-string'
            return 0
        case 'cloud azure disable|--endpoint'
            return 0
        case 'cloud azure disable|--sas-ttl'
            return 0
        case 'cloud azure sas-token|--resource'
            return 0
        case 'cloud azure sas-token|--key'
            return 0
        case 'cloud azure sas-token|--policy'
            return 0
        case 'cloud azure sas-token|--ttl'
            return 0
        case 'cloud azure derive-key|--group-key'
            return 0
        case 'cloud azure derive-key|--registration-id'
            return 0
    end
    return 1
end

# The command path typed so far ("ca init-root"), stepping over option values.
function __provctl_path
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l path ''
    set -l skip 0
    for token in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        switch $token
            case '--*=*'
            case '-*'
                if __provctl_takes_value "$path" $token
                    set skip 1
                end
            case '*'
                set -l next $token
                if test -n "$path"
                    set next "$path $token"
                end
                if contains -- $next (__provctl_paths)
                    set path $next
                end
        end
    end
    echo $path
end

function __provctl_at
    set -l path (__provctl_path)
    test "$path" = "$argv[1]"
end

complete -c provctl -f

# Global options, accepted after any subcommand too.
complete -c provctl -s h -l help -d 'Print this help message and exit'
complete -c provctl -l version -d 'Display program version information and exit'
complete -c provctl -l json -d 'Print one JSON document on stdout (shapes in docs/json.md)'
complete -c provctl -s q -l quiet -d 'Print nothing but errors on stderr'
complete -c provctl -s v -l verbose -d 'Print extra diagnostics on stderr'
complete -c provctl -l pkcs11-module -r -F -d 'PKCS#11 module for pkcs11: URIs without module-path (default: $PROVCTL_PKCS11_MODULE)'

# provctl: subcommands
complete -c provctl -n '__provctl_at ""' -a 'ca' -d 'Certificate authority ceremonies: roots, intermediates, revocation and CRLs'
complete -c provctl -n '__provctl_at ""' -a 'cert' -d 'Issue, inspect and verify certificates'
complete -c provctl -n '__provctl_at ""' -a 'csr' -d 'Make certificate signing requests'
complete -c provctl -n '__provctl_at ""' -a 'id' -d 'Device IDs with check characters: check and make them'
complete -c provctl -n '__provctl_at ""' -a 'registry' -d 'The device registry: devices, certificates, audit log'
complete -c provctl -n '__provctl_at ""' -a 'batch' -d 'Certificates for many devices at once, with registry rows'
complete -c provctl -n '__provctl_at ""' -a 'scan' -d 'Scan files, the registry and TLS endpoints for expiring certificates'
complete -c provctl -n '__provctl_at ""' -a 'device' -d 'Provision and verify devices over a serial port'
complete -c provctl -n '__provctl_at ""' -a 'manifest' -d 'Check provisioning job and ceremony files'
complete -c provctl -n '__provctl_at ""' -a 'cloud' -d 'Register CAs, certificates and devices with AWS IoT and Azure DPS'
complete -c provctl -n '__provctl_at ""' -a 'completion' -d 'Print a shell completion script for bash, zsh or fish'

# provctl ca: subcommands
complete -c provctl -n '__provctl_at "ca"' -a 'init-root' -d 'Create a root CA: a new key and its self-signed certificate'
complete -c provctl -n '__provctl_at "ca"' -a 'issue-intermediate' -d 'Create an issuing CA signed by a root (or another CA)'
complete -c provctl -n '__provctl_at "ca"' -a 'revoke' -d 'Mark a certificate revoked in the registry (for the next CRL)'
complete -c provctl -n '__provctl_at "ca"' -a 'crl' -d 'Write a signed CRL of the issuer\'s revoked certificates in the registry'
complete -c provctl -n '__provctl_at "ca"' -a 'ceremony' -d 'Run and audit ceremonies described in YAML'

# provctl ca init-root
complete -c provctl -n '__provctl_at "ca init-root"' -l subject -x -d 'Subject, RFC 4514 (CN=Root CA,O=Acme) or /O=Acme/CN=Root CA'
complete -c provctl -n '__provctl_at "ca init-root"' -l key -x -d 'Where the new key is made: file:PATH (encrypted PKCS#8) or a pkcs11: URI'
complete -c provctl -n '__provctl_at "ca init-root"' -l key-type -x -a 'ec-p256 ec-p384 rsa-3072 rsa-4096' -d 'Key type: ec-p256, ec-p384, rsa-3072, rsa-4096'
complete -c provctl -n '__provctl_at "ca init-root"' -l path-len -x -d 'basicConstraints path length (default: none)'
complete -c provctl -n '__provctl_at "ca init-root"' -l days -x -d 'Validity in days from now'
complete -c provctl -n '__provctl_at "ca init-root"' -l not-before -x -d 'Start of validity (RFC 3339 or YYYY-MM-DD, UTC)'
complete -c provctl -n '__provctl_at "ca init-root"' -l not-after -x -d 'End of validity (RFC 3339 or YYYY-MM-DD, UTC)'
complete -c provctl -n '__provctl_at "ca init-root"' -l out -r -F -d 'Where to write the certificate (PEM)'
complete -c provctl -n '__provctl_at "ca init-root"' -l force -d 'Replace existing output files'
complete -c provctl -n '__provctl_at "ca init-root"' -l passphrase -x -d 'Passphrase source for the new key file: env:NAME or file:PATH (default: prompt)'
complete -c provctl -n '__provctl_at "ca init-root"' -l pin -x -d 'PIN source for the new token: env:NAME or file:PATH (default: pin-source= or prompt)'

# provctl ca issue-intermediate
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l subject -x -d 'Subject, RFC 4514 or /O=.../CN=... (default with --csr: the CSR\'s)'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l key -x -d 'Where the new key is made: file:PATH or a pkcs11: URI'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l csr -r -F -d 'Certify the key of this CSR instead of making one'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l key-type -x -a 'ec-p256 ec-p384 rsa-3072 rsa-4096' -d 'Key type for --key: ec-p256, ec-p384, rsa-3072, rsa-4096'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l passphrase -x -d 'Passphrase source for the new key file: env:NAME or file:PATH (default: prompt)'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l pin -x -d 'PIN source for the new token: env:NAME or file:PATH (default: pin-source= or prompt)'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l issuer-cert -r -F -d 'Issuer certificate (PEM; may be followed by its chain)'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l issuer-key -x -d 'Issuer key: file:PATH or a pkcs11: URI'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l issuer-passphrase -x -d 'Passphrase source for the issuer key file: env:NAME or file:PATH (default: prompt)'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l issuer-pin -x -d 'PIN source for the issuer token: env:NAME or file:PATH (default: pin-source= or prompt)'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l allow-extractable -d 'Sign with an issuer token key even if it can be read out of the token (CKA_EXTRACTABLE true or CKA_SENSITIVE false). Dangerous: every copy of such a key can sign as this CA'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l path-len -x -d 'basicConstraints path length'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l eku -x -d 'Extended key usage to allow (clientAuth, serverAuth, ...); repeatable'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l permit-dns -x -d 'Name constraint: permitted DNS subtree; repeatable'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l exclude-dns -x -d 'Name constraint: excluded DNS subtree; repeatable'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l permit-dn -x -d 'Name constraint: permitted directory name; repeatable'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l exclude-dn -x -d 'Name constraint: excluded directory name; repeatable'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l crl-url -x -d 'CRL distribution point URL; repeatable'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l ocsp-url -x -d 'Authority information access: OCSP URL; repeatable'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l ca-issuers-url -x -d 'Authority information access: caIssuers URL; repeatable'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l days -x -d 'Validity in days from now'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l not-before -x -d 'Start of validity (RFC 3339 or YYYY-MM-DD, UTC)'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l not-after -x -d 'End of validity (RFC 3339 or YYYY-MM-DD, UTC)'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l out -r -F -d 'Where to write the certificate (PEM)'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l chain-out -r -F -d 'Also write the certificate followed by its issuer chain'
complete -c provctl -n '__provctl_at "ca issue-intermediate"' -l force -d 'Replace existing output files'

# provctl ca revoke
complete -c provctl -n '__provctl_at "ca revoke"' -l device -x -d 'Revoke this device\'s active certificate'
complete -c provctl -n '__provctl_at "ca revoke"' -l serial -x -d 'Revoke the certificate with this serial (hex; colons allowed)'
complete -c provctl -n '__provctl_at "ca revoke"' -l issuer-cert -r -F -d 'With --serial: the issuing CA certificate, needed when the serial is in the registry for more than one issuer'
complete -c provctl -n '__provctl_at "ca revoke"' -l reason -x -d 'RFC 5280 reason: unspecified, keyCompromise, cACompromise, affiliationChanged, superseded, cessationOfOperation, certificateHold, privilegeWithdrawn, aACompromise'
complete -c provctl -n '__provctl_at "ca revoke"' -l registry -x -d 'Registry URL: sqlite:PATH or postgresql://... (default: $PROVCTL_REGISTRY, else sqlite:provctl.db)'
complete -c provctl -n '__provctl_at "ca revoke"' -l operator -x -d 'Operator recorded in audit entries (default: $USER)'
complete -c provctl -n '__provctl_at "ca revoke"' -l station -x -d 'Station recorded in audit entries (default: the host name)'

# provctl ca crl
complete -c provctl -n '__provctl_at "ca crl"' -l issuer-cert -r -F -d 'The CA certificate the CRL is for (PEM)'
complete -c provctl -n '__provctl_at "ca crl"' -l issuer-key -x -d 'Its key: file:PATH or a pkcs11: URI'
complete -c provctl -n '__provctl_at "ca crl"' -l issuer-passphrase -x -d 'Passphrase source for the issuer key file: env:NAME or file:PATH (default: prompt)'
complete -c provctl -n '__provctl_at "ca crl"' -l issuer-pin -x -d 'PIN source for the issuer token: env:NAME or file:PATH (default: pin-source= or prompt)'
complete -c provctl -n '__provctl_at "ca crl"' -l allow-extractable -d 'Sign with an issuer token key even if it can be read out of the token (CKA_EXTRACTABLE true or CKA_SENSITIVE false). Dangerous: every copy of such a key can sign as this CA'
complete -c provctl -n '__provctl_at "ca crl"' -l out -r -F -d 'Where to write the CRL (PEM)'
complete -c provctl -n '__provctl_at "ca crl"' -l next-update -x -d 'When the next CRL is due, from now: e.g. 12h, 7d, 2w'
complete -c provctl -n '__provctl_at "ca crl"' -l registry -x -d 'Registry URL: sqlite:PATH or postgresql://... (default: $PROVCTL_REGISTRY, else sqlite:provctl.db)'
complete -c provctl -n '__provctl_at "ca crl"' -l operator -x -d 'Operator recorded in audit entries (default: $USER)'
complete -c provctl -n '__provctl_at "ca crl"' -l station -x -d 'Station recorded in audit entries (default: the host name)'
complete -c provctl -n '__provctl_at "ca crl"' -l force -d 'Replace an existing output file'

# provctl ca ceremony: subcommands
complete -c provctl -n '__provctl_at "ca ceremony"' -a 'run' -d 'Run a root or intermediate CA ceremony described in a YAML file'
complete -c provctl -n '__provctl_at "ca ceremony"' -a 'verify' -d 'Check a ceremony transcript\'s hash chain and the outputs it records'

# provctl ca ceremony run
complete -c provctl -n '__provctl_at "ca ceremony run"' -l yes -d 'Confirm every step without asking (scripts; no terminal needed)'
complete -c provctl -n '__provctl_at "ca ceremony run"' -l force -d 'Replace existing output files and transcript'
complete -c provctl -n '__provctl_at "ca ceremony run"' -l transcript -r -F -d 'Write the transcript here instead of the file\'s outputs.transcript'

# provctl ca ceremony verify

# provctl cert: subcommands
complete -c provctl -n '__provctl_at "cert"' -a 'sign-csr' -d 'Issue a leaf certificate from a PKCS#10 request'
complete -c provctl -n '__provctl_at "cert"' -a 'inspect' -d 'Show what certificates and signing requests say'
complete -c provctl -n '__provctl_at "cert"' -a 'verify' -d 'Validate a certificate\'s path to a trust anchor (RFC 5280)'

# provctl cert sign-csr
complete -c provctl -n '__provctl_at "cert sign-csr"' -l csr -r -F -d 'The request (PEM or DER); its signature is checked first'
complete -c provctl -n '__provctl_at "cert sign-csr"' -l profile -x -a 'device server' -d 'device (clientAuth, device ID in CN and SAN) or server (serverAuth, DNS SANs)'
complete -c provctl -n '__provctl_at "cert sign-csr"' -l device-id -x -d 'Device ID for the device profile (CN and SAN URI urn:dev:serial:ID)'
complete -c provctl -n '__provctl_at "cert sign-csr"' -l id-template -x -d 'Refuse a --device-id that does not match this template and its check character, e.g. SN-{seq:08}{check}'
complete -c provctl -n '__provctl_at "cert sign-csr"' -l dns -x -d 'DNS name for the SAN; repeatable (server profile: at least one)'
complete -c provctl -n '__provctl_at "cert sign-csr"' -l subject -x -d 'Subject to use instead of the request\'s'
complete -c provctl -n '__provctl_at "cert sign-csr"' -l issuer-cert -r -F -d 'Issuing CA certificate (PEM; may be followed by its chain)'
complete -c provctl -n '__provctl_at "cert sign-csr"' -l issuer-key -x -d 'Issuing CA key: file:PATH or a pkcs11: URI'
complete -c provctl -n '__provctl_at "cert sign-csr"' -l issuer-passphrase -x -d 'Passphrase source for the issuer key file: env:NAME or file:PATH (default: prompt)'
complete -c provctl -n '__provctl_at "cert sign-csr"' -l issuer-pin -x -d 'PIN source for the issuer token: env:NAME or file:PATH (default: pin-source= or prompt)'
complete -c provctl -n '__provctl_at "cert sign-csr"' -l allow-extractable -d 'Sign with an issuer token key even if it can be read out of the token (CKA_EXTRACTABLE true or CKA_SENSITIVE false). Dangerous: every copy of such a key can sign as this CA'
complete -c provctl -n '__provctl_at "cert sign-csr"' -l chain -r -F -d 'Certificates above the issuer, for --chain-out'
complete -c provctl -n '__provctl_at "cert sign-csr"' -l days -x -d 'Validity in days from now'
complete -c provctl -n '__provctl_at "cert sign-csr"' -l not-before -x -d 'Start of validity (RFC 3339 or YYYY-MM-DD, UTC)'
complete -c provctl -n '__provctl_at "cert sign-csr"' -l not-after -x -d 'End of validity (RFC 3339 or YYYY-MM-DD, UTC)'
complete -c provctl -n '__provctl_at "cert sign-csr"' -l clip-validity -d 'Shorten validity to end with the issuer\'s instead of refusing'
complete -c provctl -n '__provctl_at "cert sign-csr"' -l out -r -F -d 'Where to write the certificate (PEM)'
complete -c provctl -n '__provctl_at "cert sign-csr"' -l chain-out -r -F -d 'Also write the certificate followed by its issuer chain'
complete -c provctl -n '__provctl_at "cert sign-csr"' -l force -d 'Replace existing output files'

# provctl cert inspect
complete -c provctl -n '__provctl_at "cert inspect"' -l at -x -d 'Count days left from this time instead of now (RFC 3339 or YYYY-MM-DD, UTC)'
complete -c provctl -n '__provctl_at "cert inspect"' -F

# provctl cert verify
complete -c provctl -n '__provctl_at "cert verify"' -l cert -r -F -d 'The certificate to check (PEM or DER); certificates after the first in the file are used like --untrusted'
complete -c provctl -n '__provctl_at "cert verify"' -l untrusted -r -F -d 'Intermediate CA certificates (PEM bundle or DER) to build the path from; repeatable'
complete -c provctl -n '__provctl_at "cert verify"' -l trust -r -F -d 'Trust anchors: self-signed roots (PEM bundle or DER); repeatable'
complete -c provctl -n '__provctl_at "cert verify"' -l crl -r -F -d 'CRLs (PEM or DER), delta CRLs included; with any --crl, every certificate of the path needs a current CRL; repeatable'
complete -c provctl -n '__provctl_at "cert verify"' -l at -x -d 'Validate at this time instead of now (RFC 3339 or YYYY-MM-DD, UTC)'
complete -c provctl -n '__provctl_at "cert verify"' -l purpose -x -a 'client server any' -d 'client (TLS client auth), server (TLS server auth) or any (no extended key usage check)'
complete -c provctl -n '__provctl_at "cert verify"' -l name -x -d 'DNS name the certificate must hold as a SAN (the subject CN is not used)'
complete -c provctl -n '__provctl_at "cert verify"' -l device-id -x -d 'Device ID the certificate must carry: SAN URI urn:dev:serial:ID or subject CN ID'
complete -c provctl -n '__provctl_at "cert verify"' -l policy -x -d 'Acceptable certificate policy OID (RFC 5280 user-initial-policy-set); repeatable; default: anyPolicy (2.5.29.32.0)'
complete -c provctl -n '__provctl_at "cert verify"' -l explicit-policy -d 'Require the path to be valid for an acceptable policy (initial-explicit-policy; default off)'
complete -c provctl -n '__provctl_at "cert verify"' -l inhibit-policy-mapping -d 'Ignore policy mappings of CAs (initial-policy-mapping-inhibit; default off)'
complete -c provctl -n '__provctl_at "cert verify"' -l inhibit-any-policy -d 'Do not let anyPolicy in CA certificates match other policies (initial-any-policy-inhibit; default off)'

# provctl csr: subcommands
complete -c provctl -n '__provctl_at "csr"' -a 'create' -d 'Make a PKCS#10 certificate signing request'

# provctl csr create
complete -c provctl -n '__provctl_at "csr create"' -l subject -x -d 'Subject, RFC 4514 or /O=.../CN=...'
complete -c provctl -n '__provctl_at "csr create"' -l key -x -d 'Existing key: file:PATH or a pkcs11: URI'
complete -c provctl -n '__provctl_at "csr create"' -l new-key -r -F -d 'Make a new unencrypted key here (mode 0600), for lab use'
complete -c provctl -n '__provctl_at "csr create"' -l key-type -x -a 'ec-p256 ec-p384 rsa-3072 rsa-4096' -d 'Key type for --new-key: ec-p256, ec-p384, rsa-3072, rsa-4096'
complete -c provctl -n '__provctl_at "csr create"' -l passphrase -x -d 'Passphrase source for the existing key file: env:NAME or file:PATH (default: prompt)'
complete -c provctl -n '__provctl_at "csr create"' -l pin -x -d 'PIN source for the existing token: env:NAME or file:PATH (default: pin-source= or prompt)'
complete -c provctl -n '__provctl_at "csr create"' -l out -r -F -d 'Where to write the request (PEM)'
complete -c provctl -n '__provctl_at "csr create"' -l force -d 'Replace existing output files'

# provctl id: subcommands
complete -c provctl -n '__provctl_at "id"' -a 'check' -d 'Check device IDs against a template and its check character'
complete -c provctl -n '__provctl_at "id"' -a 'next' -d 'Print the next device IDs of a template, with their check characters'

# provctl id check
complete -c provctl -n '__provctl_at "id check"' -l id-template -x -d 'ID template, e.g. SN-{seq:08}{check} (see docs/device-ids.md)'

# provctl id next
complete -c provctl -n '__provctl_at "id next"' -l id-template -x -d 'ID template, e.g. SN-{seq:08}{check} (see docs/device-ids.md)'
complete -c provctl -n '__provctl_at "id next"' -l after -x -d 'Start right after this ID (checked against the template)'
complete -c provctl -n '__provctl_at "id next"' -l seq -x -d 'Start at this sequence number (default 1)'
complete -c provctl -n '__provctl_at "id next"' -l count -x -d 'How many IDs to print (1 to 100000)'

# provctl registry: subcommands
complete -c provctl -n '__provctl_at "registry"' -a 'list' -d 'List devices in the registry'
complete -c provctl -n '__provctl_at "registry"' -a 'show' -d 'Show a device with its certificates and audit entries'
complete -c provctl -n '__provctl_at "registry"' -a 'set-state' -d 'Move a device to another lifecycle state'
complete -c provctl -n '__provctl_at "registry"' -a 'export' -d 'Export every device as CSV or JSON Lines'
complete -c provctl -n '__provctl_at "registry"' -a 'audit' -d 'List audit entries; --verify checks the hash chain'

# provctl registry list
complete -c provctl -n '__provctl_at "registry list"' -l registry -x -d 'Registry URL: sqlite:PATH or postgresql://... (default: $PROVCTL_REGISTRY, else sqlite:provctl.db)'
complete -c provctl -n '__provctl_at "registry list"' -l operator -x -d 'Operator recorded in audit entries (default: $USER)'
complete -c provctl -n '__provctl_at "registry list"' -l station -x -d 'Station recorded in audit entries (default: the host name)'
complete -c provctl -n '__provctl_at "registry list"' -l state -x -a 'manufactured stocked shipped activated returned refurbished quarantined retired' -d 'Only devices in this lifecycle state'
complete -c provctl -n '__provctl_at "registry list"' -l batch -x -d 'Only devices of this batch'
complete -c provctl -n '__provctl_at "registry list"' -l sku -x -d 'Only devices of this SKU'
complete -c provctl -n '__provctl_at "registry list"' -l limit -x -d 'At most this many devices (0: all)'

# provctl registry show
complete -c provctl -n '__provctl_at "registry show"' -l registry -x -d 'Registry URL: sqlite:PATH or postgresql://... (default: $PROVCTL_REGISTRY, else sqlite:provctl.db)'
complete -c provctl -n '__provctl_at "registry show"' -l operator -x -d 'Operator recorded in audit entries (default: $USER)'
complete -c provctl -n '__provctl_at "registry show"' -l station -x -d 'Station recorded in audit entries (default: the host name)'

# provctl registry set-state
complete -c provctl -n '__provctl_at "registry set-state"' -l reason -x -d 'Why, recorded in the audit entry'
complete -c provctl -n '__provctl_at "registry set-state"' -l registry -x -d 'Registry URL: sqlite:PATH or postgresql://... (default: $PROVCTL_REGISTRY, else sqlite:provctl.db)'
complete -c provctl -n '__provctl_at "registry set-state"' -l operator -x -d 'Operator recorded in audit entries (default: $USER)'
complete -c provctl -n '__provctl_at "registry set-state"' -l station -x -d 'Station recorded in audit entries (default: the host name)'

# provctl registry export
complete -c provctl -n '__provctl_at "registry export"' -l format -x -a 'csv jsonl' -d 'csv (one row per device, active certificate) or jsonl (all certificates)'
complete -c provctl -n '__provctl_at "registry export"' -l out -r -F -d 'Write to this file (atomically) instead of stdout'
complete -c provctl -n '__provctl_at "registry export"' -l force -d 'Replace an existing --out file'
complete -c provctl -n '__provctl_at "registry export"' -l registry -x -d 'Registry URL: sqlite:PATH or postgresql://... (default: $PROVCTL_REGISTRY, else sqlite:provctl.db)'
complete -c provctl -n '__provctl_at "registry export"' -l operator -x -d 'Operator recorded in audit entries (default: $USER)'
complete -c provctl -n '__provctl_at "registry export"' -l station -x -d 'Station recorded in audit entries (default: the host name)'

# provctl registry audit
complete -c provctl -n '__provctl_at "registry audit"' -l device -x -d 'Only entries about this device ID'
complete -c provctl -n '__provctl_at "registry audit"' -l verify -d 'Walk the whole hash chain; exit 3 naming the first broken entry'
complete -c provctl -n '__provctl_at "registry audit"' -l registry -x -d 'Registry URL: sqlite:PATH or postgresql://... (default: $PROVCTL_REGISTRY, else sqlite:provctl.db)'
complete -c provctl -n '__provctl_at "registry audit"' -l operator -x -d 'Operator recorded in audit entries (default: $USER)'
complete -c provctl -n '__provctl_at "registry audit"' -l station -x -d 'Station recorded in audit entries (default: the host name)'

# provctl batch: subcommands
complete -c provctl -n '__provctl_at "batch"' -a 'generate' -d 'Make keys and certificates for many devices, with registry rows'
complete -c provctl -n '__provctl_at "batch"' -a 'sign-csrs' -d 'Issue certificates for a folder of device CSRs, with registry rows'
complete -c provctl -n '__provctl_at "batch"' -a 'unseal' -d 'Open device keys sealed to this station (PKCS#8, mode 0600)'

# provctl batch generate
complete -c provctl -n '__provctl_at "batch generate"' -l count -x -d 'Number of devices, named by --id-template from --start on'
complete -c provctl -n '__provctl_at "batch generate"' -l start -x -d 'First sequence number for --id-template'
complete -c provctl -n '__provctl_at "batch generate"' -l ids -r -F -d 'File of device IDs, one per line: DEVICE_ID[,HARDWARE_SERIAL]'
complete -c provctl -n '__provctl_at "batch generate"' -l key-type -x -a 'ec-p256 ec-p384 rsa-3072 rsa-4096' -d 'Device key type: ec-p256, ec-p384, rsa-3072, rsa-4096'
complete -c provctl -n '__provctl_at "batch generate"' -l recipient -r -F -d 'Station certificate the device keys are sealed to (CMS EnvelopedData)'
complete -c provctl -n '__provctl_at "batch generate"' -l plaintext-keys -d 'Write device keys unencrypted (lab use only; warns)'
complete -c provctl -n '__provctl_at "batch generate"' -l id-template -x -d 'Device ID template with check character, e.g. SN-{seq:08}{check} (docs/device-ids.md)'
complete -c provctl -n '__provctl_at "batch generate"' -l issuer-cert -r -F -d 'Issuing CA certificate (PEM; may be followed by its chain)'
complete -c provctl -n '__provctl_at "batch generate"' -l issuer-key -x -d 'Issuing CA key: file:PATH or a pkcs11: URI'
complete -c provctl -n '__provctl_at "batch generate"' -l issuer-passphrase -x -d 'Passphrase source for the issuer key file: env:NAME or file:PATH (default: prompt)'
complete -c provctl -n '__provctl_at "batch generate"' -l issuer-pin -x -d 'PIN source for the issuer token: env:NAME or file:PATH (default: pin-source= or prompt)'
complete -c provctl -n '__provctl_at "batch generate"' -l allow-extractable -d 'Sign with an issuer token key even if it can be read out of the token (CKA_EXTRACTABLE true or CKA_SENSITIVE false). Dangerous: every copy of such a key can sign as this CA'
complete -c provctl -n '__provctl_at "batch generate"' -l chain -r -F -d 'Certificates above the issuer, for chain.pem'
complete -c provctl -n '__provctl_at "batch generate"' -l profile -x -a 'device server' -d 'Certificate profile: device (clientAuth, device ID in CN and SAN)'
complete -c provctl -n '__provctl_at "batch generate"' -l subject -x -d 'Fixed part of every subject, e.g. \'O=Acme,OU=Widgets\' (CN is the device ID)'
complete -c provctl -n '__provctl_at "batch generate"' -l days -x -d 'Validity in days from now'
complete -c provctl -n '__provctl_at "batch generate"' -l not-before -x -d 'Start of validity (RFC 3339 or YYYY-MM-DD, UTC)'
complete -c provctl -n '__provctl_at "batch generate"' -l not-after -x -d 'End of validity (RFC 3339 or YYYY-MM-DD, UTC)'
complete -c provctl -n '__provctl_at "batch generate"' -l out -r -F -d 'Batch folder: devices/, chain.pem, mapping.csv, mapping.jsonl'
complete -c provctl -n '__provctl_at "batch generate"' -l batch-id -x -d 'Batch name recorded with every device'
complete -c provctl -n '__provctl_at "batch generate"' -l sku -x -d 'SKU recorded with every device'
complete -c provctl -n '__provctl_at "batch generate"' -l hw-revision -x -d 'Hardware revision recorded with every device'
complete -c provctl -n '__provctl_at "batch generate"' -l spec-version -x -d 'Provisioning spec version recorded with every device'
complete -c provctl -n '__provctl_at "batch generate"' -l jobs -x -d 'Parallel workers (default: one per core)'
complete -c provctl -n '__provctl_at "batch generate"' -l registry -x -d 'Registry URL: sqlite:PATH or postgresql://... (default: $PROVCTL_REGISTRY, else sqlite:provctl.db)'
complete -c provctl -n '__provctl_at "batch generate"' -l operator -x -d 'Operator recorded in audit entries (default: $USER)'
complete -c provctl -n '__provctl_at "batch generate"' -l station -x -d 'Station recorded in audit entries (default: the host name)'

# provctl batch sign-csrs
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l csr-dir -x -d 'Folder of CSRs (*.csr, *.pem, *.der, *.req); each signature is checked'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l map -r -F -d 'CSR_FILE,DEVICE_ID[,HARDWARE_SERIAL] per line (default: each CSR\'s CN)'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l id-template -x -d 'Device ID template with check character, e.g. SN-{seq:08}{check} (docs/device-ids.md)'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l issuer-cert -r -F -d 'Issuing CA certificate (PEM; may be followed by its chain)'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l issuer-key -x -d 'Issuing CA key: file:PATH or a pkcs11: URI'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l issuer-passphrase -x -d 'Passphrase source for the issuer key file: env:NAME or file:PATH (default: prompt)'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l issuer-pin -x -d 'PIN source for the issuer token: env:NAME or file:PATH (default: pin-source= or prompt)'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l allow-extractable -d 'Sign with an issuer token key even if it can be read out of the token (CKA_EXTRACTABLE true or CKA_SENSITIVE false). Dangerous: every copy of such a key can sign as this CA'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l chain -r -F -d 'Certificates above the issuer, for chain.pem'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l profile -x -a 'device server' -d 'Certificate profile: device (clientAuth, device ID in CN and SAN)'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l subject -x -d 'Fixed part of every subject, e.g. \'O=Acme,OU=Widgets\' (CN is the device ID)'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l days -x -d 'Validity in days from now'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l not-before -x -d 'Start of validity (RFC 3339 or YYYY-MM-DD, UTC)'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l not-after -x -d 'End of validity (RFC 3339 or YYYY-MM-DD, UTC)'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l out -r -F -d 'Batch folder: devices/, chain.pem, mapping.csv, mapping.jsonl'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l batch-id -x -d 'Batch name recorded with every device'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l sku -x -d 'SKU recorded with every device'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l hw-revision -x -d 'Hardware revision recorded with every device'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l spec-version -x -d 'Provisioning spec version recorded with every device'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l jobs -x -d 'Parallel workers (default: one per core)'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l registry -x -d 'Registry URL: sqlite:PATH or postgresql://... (default: $PROVCTL_REGISTRY, else sqlite:provctl.db)'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l operator -x -d 'Operator recorded in audit entries (default: $USER)'
complete -c provctl -n '__provctl_at "batch sign-csrs"' -l station -x -d 'Station recorded in audit entries (default: the host name)'

# provctl batch unseal
complete -c provctl -n '__provctl_at "batch unseal"' -l recipient-cert -r -F -d 'The station certificate the keys were sealed to'
complete -c provctl -n '__provctl_at "batch unseal"' -l recipient-key -x -d 'The station key: file:PATH or a pkcs11: URI'
complete -c provctl -n '__provctl_at "batch unseal"' -l passphrase -x -d 'Passphrase source for the station key file: env:NAME or file:PATH (default: prompt)'
complete -c provctl -n '__provctl_at "batch unseal"' -l pin -x -d 'PIN source for the station token: env:NAME or file:PATH (default: pin-source= or prompt)'
complete -c provctl -n '__provctl_at "batch unseal"' -l out -r -F -d 'Where to write the key (one FILE)'
complete -c provctl -n '__provctl_at "batch unseal"' -l out-dir -x -d 'Folder for the keys, each named after its sealed file'
complete -c provctl -n '__provctl_at "batch unseal"' -l force -d 'Replace existing output files'
complete -c provctl -n '__provctl_at "batch unseal"' -F

# provctl scan: subcommands
complete -c provctl -n '__provctl_at "scan"' -a 'expiry' -d 'Find certificates that are expired or about to expire'

# provctl scan expiry
complete -c provctl -n '__provctl_at "scan expiry"' -l registry -x -d 'Also scan every active certificate in this registry (sqlite:PATH or postgresql://...)'
complete -c provctl -n '__provctl_at "scan expiry"' -l tls -x -d 'Also scan the chain a TLS server presents (HOST:PORT; repeat for more)'
complete -c provctl -n '__provctl_at "scan expiry"' -l warn -x -d 'Warning window before not_after (s, m, h, d, w)'
complete -c provctl -n '__provctl_at "scan expiry"' -l crit -x -d 'Critical window before not_after (s, m, h, d, w)'
complete -c provctl -n '__provctl_at "scan expiry"' -l at -x -d 'Classify as of this time (RFC 3339 or YYYY-MM-DD; default now)'
complete -c provctl -n '__provctl_at "scan expiry"' -l connect-timeout -x -d 'Bound on connecting to and handshaking with each TLS endpoint'
complete -c provctl -n '__provctl_at "scan expiry"' -l only -x -a 'warn crit expired' -d 'List only what needs action: warn (warning or worse), crit (critical or worse), expired'
complete -c provctl -n '__provctl_at "scan expiry"' -l by -x -a 'batch issuer month' -d 'Fleet view: certificates running out per month, by batch, issuer or month'
complete -c provctl -n '__provctl_at "scan expiry"' -l csv -d 'Print CSV (one row per certificate or problem) instead of a table'
complete -c provctl -n '__provctl_at "scan expiry"' -l follow-symlinks -d 'Follow symbolic links in folders (a folder reached twice is read once)'
complete -c provctl -n '__provctl_at "scan expiry"' -l jobs -x -d 'Files read in parallel (default: one per core)'
complete -c provctl -n '__provctl_at "scan expiry"' -F

# provctl device: subcommands
complete -c provctl -n '__provctl_at "device"' -a 'provision' -d 'Provision new units: key on the device, certificate, proof, debug lock'
complete -c provctl -n '__provctl_at "device"' -a 'verify' -d 'Check a provisioned unit: chain, key possession, debug lock, registry'
complete -c provctl -n '__provctl_at "device"' -a 'info' -d 'Show what a unit reports: IDs, firmware, lifecycle, certificate'
complete -c provctl -n '__provctl_at "device"' -a 'reprovision' -d 'Give a returned unit a new key and certificate; revoke the old one'
complete -c provctl -n '__provctl_at "device"' -a 'simulate' -d 'Simulate a device with a secure element on a pseudo-terminal'

# provctl device provision
complete -c provctl -n '__provctl_at "device provision"' -l port -r -F -d 'Serial port of a unit; repeat for units in parallel, one worker per port'
complete -c provctl -n '__provctl_at "device provision"' -l ports-from -r -F -d 'File with one port per line, optionally followed by the unit\'s expected device ID'
complete -c provctl -n '__provctl_at "device provision"' -l baud -x -d 'Serial speed'
complete -c provctl -n '__provctl_at "device provision"' -l rtscts -d 'Use RTS/CTS hardware flow control'
complete -c provctl -n '__provctl_at "device provision"' -l timeout -x -d 'Time allowed for each request, e.g. 500ms or 5s'
complete -c provctl -n '__provctl_at "device provision"' -l issuer-cert -r -F -d 'Manufacturing CA certificate (PEM; may be followed by its chain)'
complete -c provctl -n '__provctl_at "device provision"' -l issuer-key -x -d 'Manufacturing CA key: file:PATH or a pkcs11: URI'
complete -c provctl -n '__provctl_at "device provision"' -l issuer-passphrase -x -d 'Passphrase source for the issuer key file: env:NAME or file:PATH (default: prompt)'
complete -c provctl -n '__provctl_at "device provision"' -l issuer-pin -x -d 'PIN source for the issuer token: env:NAME or file:PATH (default: pin-source= or prompt)'
complete -c provctl -n '__provctl_at "device provision"' -l allow-extractable -d 'Sign with an issuer token key even if it can be read out of the token (CKA_EXTRACTABLE true or CKA_SENSITIVE false). Dangerous: every copy of such a key can sign as this CA'
complete -c provctl -n '__provctl_at "device provision"' -l chain -r -F -d 'Certificates above the issuer, written to the device with its certificate (repeatable)'
complete -c provctl -n '__provctl_at "device provision"' -l trust -r -F -d 'Trust anchor the device\'s chain must reach (repeatable; default: the chain\'s last)'
complete -c provctl -n '__provctl_at "device provision"' -l subject -x -d 'Fixed part of every subject, e.g. \'O=Acme\' (CN is the device ID)'
complete -c provctl -n '__provctl_at "device provision"' -l days -x -d 'Validity in days from now'
complete -c provctl -n '__provctl_at "device provision"' -l not-before -x -d 'Start of validity (RFC 3339 or YYYY-MM-DD, UTC)'
complete -c provctl -n '__provctl_at "device provision"' -l not-after -x -d 'End of validity (RFC 3339 or YYYY-MM-DD, UTC)'
complete -c provctl -n '__provctl_at "device provision"' -l device-id -x -d 'Give the unit this device ID (one port)'
complete -c provctl -n '__provctl_at "device provision"' -l expect-id -x -d 'The scanned barcode: the unit must already report this device ID'
complete -c provctl -n '__provctl_at "device provision"' -l id-template -x -d 'Assign IDs from this template to units that have none, e.g. SN-{seq:08}{check}'
complete -c provctl -n '__provctl_at "device provision"' -l id-first -x -d 'First sequence number --id-template hands out'
complete -c provctl -n '__provctl_at "device provision"' -l slot -x -d 'Key slot on the device (0-3)'
complete -c provctl -n '__provctl_at "device provision"' -l key-type -x -a 'ec-p256 ec-p384 rsa-3072 rsa-4096' -d 'Key the device makes: ec-p256 or ec-p384'
complete -c provctl -n '__provctl_at "device provision"' -l no-lock-debug -d 'Leave the debug port open (engineering samples only)'
complete -c provctl -n '__provctl_at "device provision"' -l sku -x -d 'SKU recorded with each unit'
complete -c provctl -n '__provctl_at "device provision"' -l hw-revision -x -d 'Hardware revision the units must report; recorded'
complete -c provctl -n '__provctl_at "device provision"' -l batch -x -d 'Registry batch for the units (default: line)'
complete -c provctl -n '__provctl_at "device provision"' -l fw-version -x -d 'Firmware version the units must report'
complete -c provctl -n '__provctl_at "device provision"' -l job -r -F -d 'Provisioning job manifest (docs/provisioning-job.md); options given here win'
complete -c provctl -n '__provctl_at "device provision"' -l fw-sha256 -x -d 'SHA-256 of the firmware the units must report'
complete -c provctl -n '__provctl_at "device provision"' -l tries -x -d 'Tries per step before a unit is quarantined'
complete -c provctl -n '__provctl_at "device provision"' -l backoff -x -d 'Wait before the first retry, doubling each time'
complete -c provctl -n '__provctl_at "device provision"' -l requeue -d 'Try units again that an earlier run quarantined'
complete -c provctl -n '__provctl_at "device provision"' -l registry -x -d 'Registry URL: sqlite:PATH or postgresql://... (default: $PROVCTL_REGISTRY, else sqlite:provctl.db)'
complete -c provctl -n '__provctl_at "device provision"' -l operator -x -d 'Operator recorded in audit entries (default: $USER)'
complete -c provctl -n '__provctl_at "device provision"' -l station -x -d 'Station recorded in audit entries (default: the host name)'

# provctl device verify
complete -c provctl -n '__provctl_at "device verify"' -l port -r -F -d 'Serial port of a unit; repeat for units in parallel, one worker per port'
complete -c provctl -n '__provctl_at "device verify"' -l ports-from -r -F -d 'File with one port per line, optionally followed by the unit\'s expected device ID'
complete -c provctl -n '__provctl_at "device verify"' -l baud -x -d 'Serial speed'
complete -c provctl -n '__provctl_at "device verify"' -l rtscts -d 'Use RTS/CTS hardware flow control'
complete -c provctl -n '__provctl_at "device verify"' -l timeout -x -d 'Time allowed for each request, e.g. 500ms or 5s'
complete -c provctl -n '__provctl_at "device verify"' -l trust -r -F -d 'Trust anchor the unit\'s chain must reach (repeatable)'
complete -c provctl -n '__provctl_at "device verify"' -l untrusted -r -F -d 'Extra intermediate certificates, besides the unit\'s stored chain'
complete -c provctl -n '__provctl_at "device verify"' -l slot -x -d 'Key slot on the device (0-3)'
complete -c provctl -n '__provctl_at "device verify"' -l allow-debug -d 'Do not require the debug port to be locked'
complete -c provctl -n '__provctl_at "device verify"' -l no-registry -d 'Skip the registry agreement check'
complete -c provctl -n '__provctl_at "device verify"' -l registry -x -d 'Registry URL: sqlite:PATH or postgresql://... (default: $PROVCTL_REGISTRY, else sqlite:provctl.db)'
complete -c provctl -n '__provctl_at "device verify"' -l operator -x -d 'Operator recorded in audit entries (default: $USER)'
complete -c provctl -n '__provctl_at "device verify"' -l station -x -d 'Station recorded in audit entries (default: the host name)'

# provctl device info
complete -c provctl -n '__provctl_at "device info"' -l port -r -F -d 'Serial port of a unit; repeat for units in parallel, one worker per port'
complete -c provctl -n '__provctl_at "device info"' -l ports-from -r -F -d 'File with one port per line, optionally followed by the unit\'s expected device ID'
complete -c provctl -n '__provctl_at "device info"' -l baud -x -d 'Serial speed'
complete -c provctl -n '__provctl_at "device info"' -l rtscts -d 'Use RTS/CTS hardware flow control'
complete -c provctl -n '__provctl_at "device info"' -l timeout -x -d 'Time allowed for each request, e.g. 500ms or 5s'
complete -c provctl -n '__provctl_at "device info"' -l slot -x -d 'Key slot whose certificate to show (0-3)'

# provctl device reprovision
complete -c provctl -n '__provctl_at "device reprovision"' -l port -r -F -d 'Serial port of a unit; repeat for units in parallel, one worker per port'
complete -c provctl -n '__provctl_at "device reprovision"' -l ports-from -r -F -d 'File with one port per line, optionally followed by the unit\'s expected device ID'
complete -c provctl -n '__provctl_at "device reprovision"' -l baud -x -d 'Serial speed'
complete -c provctl -n '__provctl_at "device reprovision"' -l rtscts -d 'Use RTS/CTS hardware flow control'
complete -c provctl -n '__provctl_at "device reprovision"' -l timeout -x -d 'Time allowed for each request, e.g. 500ms or 5s'
complete -c provctl -n '__provctl_at "device reprovision"' -l issuer-cert -r -F -d 'Manufacturing CA certificate (PEM; may be followed by its chain)'
complete -c provctl -n '__provctl_at "device reprovision"' -l issuer-key -x -d 'Manufacturing CA key: file:PATH or a pkcs11: URI'
complete -c provctl -n '__provctl_at "device reprovision"' -l issuer-passphrase -x -d 'Passphrase source for the issuer key file: env:NAME or file:PATH (default: prompt)'
complete -c provctl -n '__provctl_at "device reprovision"' -l issuer-pin -x -d 'PIN source for the issuer token: env:NAME or file:PATH (default: pin-source= or prompt)'
complete -c provctl -n '__provctl_at "device reprovision"' -l allow-extractable -d 'Sign with an issuer token key even if it can be read out of the token (CKA_EXTRACTABLE true or CKA_SENSITIVE false). Dangerous: every copy of such a key can sign as this CA'
complete -c provctl -n '__provctl_at "device reprovision"' -l chain -r -F -d 'Certificates above the issuer, written to the device with its certificate (repeatable)'
complete -c provctl -n '__provctl_at "device reprovision"' -l trust -r -F -d 'Trust anchor the device\'s chain must reach (repeatable; default: the chain\'s last)'
complete -c provctl -n '__provctl_at "device reprovision"' -l subject -x -d 'Fixed part of every subject, e.g. \'O=Acme\' (CN is the device ID)'
complete -c provctl -n '__provctl_at "device reprovision"' -l days -x -d 'Validity in days from now'
complete -c provctl -n '__provctl_at "device reprovision"' -l not-before -x -d 'Start of validity (RFC 3339 or YYYY-MM-DD, UTC)'
complete -c provctl -n '__provctl_at "device reprovision"' -l not-after -x -d 'End of validity (RFC 3339 or YYYY-MM-DD, UTC)'
complete -c provctl -n '__provctl_at "device reprovision"' -l reason -x -d 'Why the unit is re-provisioned (rma, repair...), recorded in the audit log'
complete -c provctl -n '__provctl_at "device reprovision"' -l slot -x -d 'Key slot on the device (0-3)'
complete -c provctl -n '__provctl_at "device reprovision"' -l no-lock-debug -d 'Leave the debug port open (engineering samples only)'
complete -c provctl -n '__provctl_at "device reprovision"' -l tries -x -d 'Tries per step'
complete -c provctl -n '__provctl_at "device reprovision"' -l yes -d 'Do not ask for confirmation (scripts)'
complete -c provctl -n '__provctl_at "device reprovision"' -l registry -x -d 'Registry URL: sqlite:PATH or postgresql://... (default: $PROVCTL_REGISTRY, else sqlite:provctl.db)'
complete -c provctl -n '__provctl_at "device reprovision"' -l operator -x -d 'Operator recorded in audit entries (default: $USER)'
complete -c provctl -n '__provctl_at "device reprovision"' -l station -x -d 'Station recorded in audit entries (default: the host name)'
complete -c provctl -n '__provctl_at "device reprovision"' -l aws-deactivate -d 'Then set the old certificate REVOKED in AWS IoT (with the --aws-* options)'
complete -c provctl -n '__provctl_at "device reprovision"' -l aws-profile -x -d 'AWS profile in ~/.aws/credentials and ~/.aws/config (default: $AWS_PROFILE)'
complete -c provctl -n '__provctl_at "device reprovision"' -l aws-region -x -d 'AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION, the profile\'s)'
complete -c provctl -n '__provctl_at "device reprovision"' -l aws-endpoint-url -x -d 'Send to this endpoint instead of https://iot.REGION.amazonaws.com'

# provctl device simulate
complete -c provctl -n '__provctl_at "device simulate"' -l state -r -F -d 'State file: the board\'s flash, keys included (created 0600 on first use)'
complete -c provctl -n '__provctl_at "device simulate"' -l link -r -F -d 'Also make this symbolic link to the port (a stale one is replaced)'
complete -c provctl -n '__provctl_at "device simulate"' -l hw-uid -x -d 'Hardware UID (hex) of a new state file (default: 8 random bytes)'
complete -c provctl -n '__provctl_at "device simulate"' -l fw-version -x -d 'Firmware version hello reports'
complete -c provctl -n '__provctl_at "device simulate"' -l hw-rev -x -d 'Hardware revision hello reports'
complete -c provctl -n '__provctl_at "device simulate"' -l keygen-ms -x -d 'Time gen_key and rotate take (ms)'
complete -c provctl -n '__provctl_at "device simulate"' -l sign-ms -x -d 'Time get_csr and sign_challenge take (ms)'
complete -c provctl -n '__provctl_at "device simulate"' -l baud -x -d 'Pace the wire like a UART at this speed, 8N1 (0: no pacing)'
complete -c provctl -n '__provctl_at "device simulate"' -l fault -x -a 'noise drop-response reset busy wrong-device-id bad-signature corrupt-write debug-lock-fails self-test-fails' -d 'Fault switch NAME[@CMD][:COUNT]; repeat for more. NAME: noise, drop-response, reset, busy, wrong-device-id, bad-signature, corrupt-write, debug-lock-fails, self-test-fails'

# provctl manifest: subcommands
complete -c provctl -n '__provctl_at "manifest"' -a 'validate' -d 'Check provisioning job and ceremony files, reporting every problem'

# provctl manifest validate
complete -c provctl -n '__provctl_at "manifest validate"' -F

# provctl cloud: subcommands
complete -c provctl -n '__provctl_at "cloud"' -a 'aws' -d 'AWS IoT Core: CAs, certificates, things, policies, provisioning templates'
complete -c provctl -n '__provctl_at "cloud"' -a 'azure' -d 'Azure Device Provisioning Service: enrollments, groups, SAS tokens'

# provctl cloud aws: subcommands
complete -c provctl -n '__provctl_at "cloud aws"' -a 'register-ca' -d 'Register a CA certificate with AWS IoT (verification certificate made here)'
complete -c provctl -n '__provctl_at "cloud aws"' -a 'register' -d 'Register devices\' certificates and things with AWS IoT'
complete -c provctl -n '__provctl_at "cloud aws"' -a 'provisioning-template' -d 'AWS IoT provisioning templates (JITP, fleet provisioning)'
complete -c provctl -n '__provctl_at "cloud aws"' -a 'deactivate' -d 'Set a revoked or retired device\'s certificate INACTIVE or REVOKED'

# provctl cloud aws register-ca
complete -c provctl -n '__provctl_at "cloud aws register-ca"' -l ca-cert -r -F -d 'The CA certificate'
complete -c provctl -n '__provctl_at "cloud aws register-ca"' -l ca-key -x -d 'The CA\'s key: file:PATH or a pkcs11: URI'
complete -c provctl -n '__provctl_at "cloud aws register-ca"' -l ca-passphrase -x -d 'Passphrase source for the CA key file: env:NAME or file:PATH (default: prompt)'
complete -c provctl -n '__provctl_at "cloud aws register-ca"' -l ca-pin -x -d 'PIN source for the CA token: env:NAME or file:PATH (default: pin-source= or prompt)'
complete -c provctl -n '__provctl_at "cloud aws register-ca"' -l jitp-template -r -F -d 'Provisioning template for just-in-time provisioning'
complete -c provctl -n '__provctl_at "cloud aws register-ca"' -l role-arn -x -d 'Role AWS IoT assumes for just-in-time provisioning'
complete -c provctl -n '__provctl_at "cloud aws register-ca"' -l set-active -d 'Register the CA as ACTIVE (default INACTIVE)'
complete -c provctl -n '__provctl_at "cloud aws register-ca"' -l rate -x -d 'Requests per second for each API, e.g. 5/s (default: below the provider\'s limits)'
complete -c provctl -n '__provctl_at "cloud aws register-ca"' -l tries -x -d 'Tries per request on throttling, 5xx and connection errors'
complete -c provctl -n '__provctl_at "cloud aws register-ca"' -l dry-run -d 'Print the requests as JSON (no credentials), send nothing, change nothing'
complete -c provctl -n '__provctl_at "cloud aws register-ca"' -l profile -x -d 'AWS profile in ~/.aws/credentials and ~/.aws/config (default: $AWS_PROFILE)'
complete -c provctl -n '__provctl_at "cloud aws register-ca"' -l region -x -d 'AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION, the profile\'s)'
complete -c provctl -n '__provctl_at "cloud aws register-ca"' -l endpoint-url -x -d 'Send to this endpoint instead of https://iot.REGION.amazonaws.com'

# provctl cloud aws register
complete -c provctl -n '__provctl_at "cloud aws register"' -l device -x -d 'Device ID from the registry (repeatable)'
complete -c provctl -n '__provctl_at "cloud aws register"' -l batch -x -d 'Every device of this batch that holds an active certificate'
complete -c provctl -n '__provctl_at "cloud aws register"' -l rate -x -d 'Requests per second for each API, e.g. 5/s (default: below the provider\'s limits)'
complete -c provctl -n '__provctl_at "cloud aws register"' -l jobs -x -d 'Devices worked on at once'
complete -c provctl -n '__provctl_at "cloud aws register"' -l tries -x -d 'Tries per request on throttling, 5xx and connection errors'
complete -c provctl -n '__provctl_at "cloud aws register"' -l dry-run -d 'Print the requests as JSON (no credentials), send nothing, change nothing'
complete -c provctl -n '__provctl_at "cloud aws register"' -l registry -x -d 'Registry URL: sqlite:PATH or postgresql://... (default: $PROVCTL_REGISTRY, else sqlite:provctl.db)'
complete -c provctl -n '__provctl_at "cloud aws register"' -l operator -x -d 'Operator recorded in audit entries (default: $USER)'
complete -c provctl -n '__provctl_at "cloud aws register"' -l station -x -d 'Station recorded in audit entries (default: the host name)'
complete -c provctl -n '__provctl_at "cloud aws register"' -l profile -x -d 'AWS profile in ~/.aws/credentials and ~/.aws/config (default: $AWS_PROFILE)'
complete -c provctl -n '__provctl_at "cloud aws register"' -l region -x -d 'AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION, the profile\'s)'
complete -c provctl -n '__provctl_at "cloud aws register"' -l endpoint-url -x -d 'Send to this endpoint instead of https://iot.REGION.amazonaws.com'
complete -c provctl -n '__provctl_at "cloud aws register"' -l with-ca -d 'RegisterCertificate under the CA given by --ca-cert (the default)'
complete -c provctl -n '__provctl_at "cloud aws register"' -l without-ca -d 'RegisterCertificateWithoutCA (multi-account registration)'
complete -c provctl -n '__provctl_at "cloud aws register"' -l ca-cert -r -F -d 'The CA certificate registered with register-ca'
complete -c provctl -n '__provctl_at "cloud aws register"' -l policy -x -d 'AWS IoT policy to attach to each certificate'
complete -c provctl -n '__provctl_at "cloud aws register"' -l thing-type -x -d 'Thing type of each new thing'
complete -c provctl -n '__provctl_at "cloud aws register"' -l thing-group -x -d 'Thing group to add each thing to'
complete -c provctl -n '__provctl_at "cloud aws register"' -l attributes -x -d 'Thing attributes k=v,... (over sku, hw_revision, batch)'

# provctl cloud aws provisioning-template: subcommands
complete -c provctl -n '__provctl_at "cloud aws provisioning-template"' -a 'create' -d 'Create a provisioning template'

# provctl cloud aws provisioning-template create
complete -c provctl -n '__provctl_at "cloud aws provisioning-template create"' -l name -x -d 'Template name'
complete -c provctl -n '__provctl_at "cloud aws provisioning-template create"' -l type -x -a 'JITP FLEET_PROVISIONING' -d 'JITP or FLEET_PROVISIONING'
complete -c provctl -n '__provctl_at "cloud aws provisioning-template create"' -l template-body -r -F -d 'The template (JSON)'
complete -c provctl -n '__provctl_at "cloud aws provisioning-template create"' -l role-arn -x -d 'Role AWS IoT assumes to provision devices'
complete -c provctl -n '__provctl_at "cloud aws provisioning-template create"' -l rate -x -d 'Requests per second for each API, e.g. 5/s (default: below the provider\'s limits)'
complete -c provctl -n '__provctl_at "cloud aws provisioning-template create"' -l tries -x -d 'Tries per request on throttling, 5xx and connection errors'
complete -c provctl -n '__provctl_at "cloud aws provisioning-template create"' -l dry-run -d 'Print the requests as JSON (no credentials), send nothing, change nothing'
complete -c provctl -n '__provctl_at "cloud aws provisioning-template create"' -l profile -x -d 'AWS profile in ~/.aws/credentials and ~/.aws/config (default: $AWS_PROFILE)'
complete -c provctl -n '__provctl_at "cloud aws provisioning-template create"' -l region -x -d 'AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION, the profile\'s)'
complete -c provctl -n '__provctl_at "cloud aws provisioning-template create"' -l endpoint-url -x -d 'Send to this endpoint instead of https://iot.REGION.amazonaws.com'

# provctl cloud aws deactivate
complete -c provctl -n '__provctl_at "cloud aws deactivate"' -l device -x -d 'Device ID (repeatable)'
complete -c provctl -n '__provctl_at "cloud aws deactivate"' -l status -x -a 'INACTIVE REVOKED' -d 'INACTIVE or REVOKED'
complete -c provctl -n '__provctl_at "cloud aws deactivate"' -l rate -x -d 'Requests per second for each API, e.g. 5/s (default: below the provider\'s limits)'
complete -c provctl -n '__provctl_at "cloud aws deactivate"' -l jobs -x -d 'Devices worked on at once'
complete -c provctl -n '__provctl_at "cloud aws deactivate"' -l tries -x -d 'Tries per request on throttling, 5xx and connection errors'
complete -c provctl -n '__provctl_at "cloud aws deactivate"' -l dry-run -d 'Print the requests as JSON (no credentials), send nothing, change nothing'
complete -c provctl -n '__provctl_at "cloud aws deactivate"' -l registry -x -d 'Registry URL: sqlite:PATH or postgresql://... (default: $PROVCTL_REGISTRY, else sqlite:provctl.db)'
complete -c provctl -n '__provctl_at "cloud aws deactivate"' -l operator -x -d 'Operator recorded in audit entries (default: $USER)'
complete -c provctl -n '__provctl_at "cloud aws deactivate"' -l station -x -d 'Station recorded in audit entries (default: the host name)'
complete -c provctl -n '__provctl_at "cloud aws deactivate"' -l profile -x -d 'AWS profile in ~/.aws/credentials and ~/.aws/config (default: $AWS_PROFILE)'
complete -c provctl -n '__provctl_at "cloud aws deactivate"' -l region -x -d 'AWS region (default: $AWS_REGION, $AWS_DEFAULT_REGION, the profile\'s)'
complete -c provctl -n '__provctl_at "cloud aws deactivate"' -l endpoint-url -x -d 'Send to this endpoint instead of https://iot.REGION.amazonaws.com'

# provctl cloud azure: subcommands
complete -c provctl -n '__provctl_at "cloud azure"' -a 'enroll' -d 'Enroll devices from the registry with DPS (individual enrollments)'
complete -c provctl -n '__provctl_at "cloud azure"' -a 'enroll-group' -d 'Create a DPS enrollment group (CA certificate or symmetric keys)'
complete -c provctl -n '__provctl_at "cloud azure"' -a 'disable' -d 'Disable a revoked or retired device\'s DPS enrollment'
complete -c provctl -n '__provctl_at "cloud azure"' -a 'sas-token' -d 'Make a SharedAccessSignature token for a resource'
complete -c provctl -n '__provctl_at "cloud azure"' -a 'derive-key' -d 'Device keys of a symmetric-key enrollment group'

# provctl cloud azure enroll
complete -c provctl -n '__provctl_at "cloud azure enroll"' -l device -x -d 'Device ID from the registry (repeatable)'
complete -c provctl -n '__provctl_at "cloud azure enroll"' -l batch -x -d 'Every device of this batch that holds an active certificate'
complete -c provctl -n '__provctl_at "cloud azure enroll"' -l rate -x -d 'Requests per second for each API, e.g. 5/s (default: below the provider\'s limits)'
complete -c provctl -n '__provctl_at "cloud azure enroll"' -l jobs -x -d 'Devices worked on at once'
complete -c provctl -n '__provctl_at "cloud azure enroll"' -l tries -x -d 'Tries per request on throttling, 5xx and connection errors'
complete -c provctl -n '__provctl_at "cloud azure enroll"' -l dry-run -d 'Print the requests as JSON (no credentials), send nothing, change nothing'
complete -c provctl -n '__provctl_at "cloud azure enroll"' -l registry -x -d 'Registry URL: sqlite:PATH or postgresql://... (default: $PROVCTL_REGISTRY, else sqlite:provctl.db)'
complete -c provctl -n '__provctl_at "cloud azure enroll"' -l operator -x -d 'Operator recorded in audit entries (default: $USER)'
complete -c provctl -n '__provctl_at "cloud azure enroll"' -l station -x -d 'Station recorded in audit entries (default: the host name)'
complete -c provctl -n '__provctl_at "cloud azure enroll"' -l connection-string -x -d 'DPS connection string: env:NAME or file:PATH (default: $AZURE_DPS_CONNECTION_STRING)'
complete -c provctl -n '__provctl_at "cloud azure enroll"' -l endpoint -x -d 'Send to this endpoint instead of https://HOST from the connection string'
complete -c provctl -n '__provctl_at "cloud azure enroll"' -l sas-ttl -x -d 'Lifetime of each request\'s SharedAccessSignature'
complete -c provctl -n '__provctl_at "cloud azure enroll"' -l attestation -x -a 'x509 symmetric-key' -d 'x509 (the registry\'s certificate) or symmetric-key (keys made by DPS)'
complete -c provctl -n '__provctl_at "cloud azure enroll"' -l iot-hub -x -d 'IoT hub host the devices may be assigned to (repeatable)'
complete -c provctl -n '__provctl_at "cloud azure enroll"' -l allocation -x -a 'hashed static geoLatency' -d 'hashed, static or geoLatency (default: the service\'s)'
complete -c provctl -n '__provctl_at "cloud azure enroll"' -l initial-twin -r -F -d 'Initial device twin (JSON)'
complete -c provctl -n '__provctl_at "cloud azure enroll"' -l provisioning-status -x -a 'enabled disabled' -d 'enabled or disabled'

# provctl cloud azure enroll-group
complete -c provctl -n '__provctl_at "cloud azure enroll-group"' -l id -x -d 'Enrollment group ID'
complete -c provctl -n '__provctl_at "cloud azure enroll-group"' -l ca-cert -r -F -d 'Signing certificate of the group\'s devices'
complete -c provctl -n '__provctl_at "cloud azure enroll-group"' -l symmetric-key -d 'Symmetric-key attestation (DPS makes the group keys)'
complete -c provctl -n '__provctl_at "cloud azure enroll-group"' -l iot-hub -x -d 'IoT hub host (repeatable)'
complete -c provctl -n '__provctl_at "cloud azure enroll-group"' -l allocation -x -a 'hashed static geoLatency' -d 'hashed, static or geoLatency'
complete -c provctl -n '__provctl_at "cloud azure enroll-group"' -l provisioning-status -x -a 'enabled disabled' -d 'enabled or disabled'
complete -c provctl -n '__provctl_at "cloud azure enroll-group"' -l rate -x -d 'Requests per second for each API, e.g. 5/s (default: below the provider\'s limits)'
complete -c provctl -n '__provctl_at "cloud azure enroll-group"' -l tries -x -d 'Tries per request on throttling, 5xx and connection errors'
complete -c provctl -n '__provctl_at "cloud azure enroll-group"' -l dry-run -d 'Print the requests as JSON (no credentials), send nothing, change nothing'
complete -c provctl -n '__provctl_at "cloud azure enroll-group"' -l connection-string -x -d 'DPS connection string: env:NAME or file:PATH (default: $AZURE_DPS_CONNECTION_STRING)'
complete -c provctl -n '__provctl_at "cloud azure enroll-group"' -l endpoint -x -d 'Send to this endpoint instead of https://HOST from the connection string'
complete -c provctl -n '__provctl_at "cloud azure enroll-group"' -l sas-ttl -x -d 'Lifetime of each request\'s SharedAccessSignature'

# provctl cloud azure disable
complete -c provctl -n '__provctl_at "cloud azure disable"' -l device -x -d 'Device ID (repeatable)'
complete -c provctl -n '__provctl_at "cloud azure disable"' -l rate -x -d 'Requests per second for each API, e.g. 5/s (default: below the provider\'s limits)'
complete -c provctl -n '__provctl_at "cloud azure disable"' -l jobs -x -d 'Devices worked on at once'
complete -c provctl -n '__provctl_at "cloud azure disable"' -l tries -x -d 'Tries per request on throttling, 5xx and connection errors'
complete -c provctl -n '__provctl_at "cloud azure disable"' -l dry-run -d 'Print the requests as JSON (no credentials), send nothing, change nothing'
complete -c provctl -n '__provctl_at "cloud azure disable"' -l registry -x -d 'Registry URL: sqlite:PATH or postgresql://... (default: $PROVCTL_REGISTRY, else sqlite:provctl.db)'
complete -c provctl -n '__provctl_at "cloud azure disable"' -l operator -x -d 'Operator recorded in audit entries (default: $USER)'
complete -c provctl -n '__provctl_at "cloud azure disable"' -l station -x -d 'Station recorded in audit entries (default: the host name)'
complete -c provctl -n '__provctl_at "cloud azure disable"' -l connection-string -x -d 'DPS connection string: env:NAME or file:PATH (default: $AZURE_DPS_CONNECTION_STRING)'
complete -c provctl -n '__provctl_at "cloud azure disable"' -l endpoint -x -d 'Send to this endpoint instead of https://HOST from the connection string'
complete -c provctl -n '__provctl_at "cloud azure disable"' -l sas-ttl -x -d 'Lifetime of each request\'s SharedAccessSignature'

# provctl cloud azure sas-token
complete -c provctl -n '__provctl_at "cloud azure sas-token"' -l resource -x -d 'Resource URI, e.g. acme-dps.azure-devices-provisioning.net'
complete -c provctl -n '__provctl_at "cloud azure sas-token"' -l key -x -d 'Shared access key: env:NAME or file:PATH (default: prompt)'
complete -c provctl -n '__provctl_at "cloud azure sas-token"' -l policy -x -d 'Policy name (skn), e.g. provisioningserviceowner'
complete -c provctl -n '__provctl_at "cloud azure sas-token"' -l ttl -x -d 'How long the token lasts, e.g. 1h or 7d'

# provctl cloud azure derive-key
complete -c provctl -n '__provctl_at "cloud azure derive-key"' -l group-key -x -d 'The group\'s key: env:NAME or file:PATH (default: prompt)'
complete -c provctl -n '__provctl_at "cloud azure derive-key"' -l registration-id -x -d 'Registration ID of a device (repeatable)'

# provctl completion
complete -c provctl -n '__provctl_at "completion"' -x -a 'bash zsh fish'
