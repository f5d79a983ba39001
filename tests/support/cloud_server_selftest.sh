#!/bin/sh
# Self-check for tests/support/cloud_server.py, run from the repository root:
#   sh tests/support/cloud_server_selftest.sh
# Real clients sign against the server (curl --aws-sigv4, botocore, a SAS token
# made with openssl) and must be accepted; tampered requests must be rejected.
# Then a register-certificate / create-thing / attach flow with openssl-made
# certificates, an injected 429 fault, a dropped connection and /__stats.
# Exits non-zero on any mismatch. Credentials are random per run and only
# travel in curl config files and environment variables, never on a command line.
set -u
PY=/usr/bin/python3  # Debian's python3: the one with botocore
SERVER=tests/support/cloud_server.py
[ -f "$SERVER" ] || { echo "run from the repository root" >&2; exit 2; }

T=$(mktemp -d)
PID=
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null
    rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

checks=0
fails=0
check() {  # NAME WANT GOT
    checks=$((checks + 1))
    if [ "$2" = "$3" ]; then
        echo "ok   $1"
    else
        echo "FAIL $1: want '$2', got '$3'"
        fails=$((fails + 1))
    fi
}

jget() {  # FILE KEY... : one value out of a JSON file (containers and null as JSON)
    "$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
for k in sys.argv[2:]:
    d = d[int(k)] if isinstance(d, list) else (d or {}).get(k)
print(json.dumps(d) if d is None or isinstance(d, (dict, list, bool)) else d)' "$@"
}

pem_json() {  # a PEM file as the inside of a JSON string
    awk 'BEGIN { ORS = "" } { print $0 "\\n" }' "$1"
}

der_sha256() {  # certificate ID as AWS IoT computes it
    openssl x509 -in "$1" -outform DER | sha256sum | cut -d' ' -f1
}

# --- credentials, config, certificates --------------------------------------
SK=$(openssl rand -hex 20)
TOKEN=$(openssl rand -hex 32)
AZKEY=$(openssl rand -base64 32)
DPS=test-dps.azure-devices-provisioning.net
cat > "$T/config.json" <<EOF
{"aws": {"access_key_id": "AKIDEXAMPLE", "secret_access_key": "$SK", "session_token": "$TOKEN",
         "region": "eu-west-1", "account": "123456789012"},
 "azure": {"host": "$DPS", "policy": "provisioningserviceowner", "key": "$AZKEY"},
 "policies": ["DevicePolicy"], "thing_groups": ["line-1"],
 "faults": [{"api": "DescribeThing", "match": "SN-DROP", "drop": true},
            {"api": "DescribeThing", "match": "SN-1", "status": 429, "error_type": "ThrottlingException",
             "message": "Rate exceeded", "retry_after": "1", "count": 2}]}
EOF

mkcert() {  # NAME CN ISSUER|self : EC key + certificate in $T
    if [ "$3" = self ]; then
        openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/$1.key" \
            -out "$T/$1.pem" -subj "/O=Test/CN=$2" -days 30 \
            -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
    else
        openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/$1.key" \
            -out "$T/$1.csr" -subj "/CN=$2" 2>/dev/null &&
        openssl x509 -req -in "$T/$1.csr" -CA "$T/$3.pem" -CAkey "$T/$3.key" \
            -set_serial "0x$(openssl rand -hex 8)" -days 10 -out "$T/$1.pem" 2>/dev/null
    fi || { echo "openssl could not make $1" >&2; exit 1; }
}
mkcert ca "Test Root CA" self
mkcert other "Other CA" self
mkcert dev1 SN-1 ca
mkcert stray SN-STRAY other

# --- start --------------------------------------------------------------------
"$PY" "$SERVER" --config "$T/config.json" --port-file "$T/port" --log "$T/log" &
PID=$!
i=0
while [ ! -s "$T/port" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$T/port" ] || { echo "server did not start" >&2; exit 1; }
BASE="http://127.0.0.1:$(cat "$T/port")"

# curl config files keep the secrets off the command line.
curlrc() {  # FILE USER SIGV4 [TOKEN]
    {
        echo "user = \"$2\""
        echo "aws-sigv4 = \"$3\""
        [ -n "${4:-}" ] && echo "header = \"x-amz-security-token: $4\""
    } > "$1"
}
curlrc "$T/aws.rc" "AKIDEXAMPLE:$SK" "aws:amz:eu-west-1:iot" "$TOKEN"
curlrc "$T/badsecret.rc" "AKIDEXAMPLE:wrong$SK" "aws:amz:eu-west-1:iot" "$TOKEN"
curlrc "$T/notoken.rc" "AKIDEXAMPLE:$SK" "aws:amz:eu-west-1:iot"
curlrc "$T/badregion.rc" "AKIDEXAMPLE:$SK" "aws:amz:us-east-1:iot" "$TOKEN"

call() {  # RC METHOD PATH [curl args]: prints the status; body in $T/body, headers in $T/hdr
    rc=$1 m=$2 p=$3
    shift 3
    curl -s -o "$T/body" -D "$T/hdr" -w '%{http_code}' -K "$rc" -X "$m" "$@" "$BASE$p"
}
aws() {  # METHOD PATH [curl args]
    m=$1 p=$2
    shift 2
    call "$T/aws.rc" "$m" "$p" -H "content-type: application/json" "$@"
}
header() {  # NAME: a response header of the last call
    tr -d '\r' < "$T/hdr" | awk -v n="$1" 'BEGIN { IGNORECASE = 1 } tolower($0) ~ "^" tolower(n) ":" \
        { sub(/^[^:]*:[ ]*/, ""); print; exit }'
}

# --- SigV4: curl -------------------------------------------------------------
check "curl sigv4 CreateThing" 200 "$(aws POST /things/SN-1 --data '{"attributePayload":{"attributes":{"line":"1"}}}')"
signed=$(curl -s -v -o /dev/null -K "$T/aws.rc" -H "content-type: application/json" \
    -H "x-amzn-principal: arn:aws:iot:eu-west-1:123456789012:cert/none" -X PUT "$BASE/things/SN-1/principals" 2>&1 |
    sed -n 's/.*SignedHeaders=\([^,]*\),.*/\1/p')
echo "info curl $(curl --version | head -1 | cut -d' ' -f2) SignedHeaders=$signed"
check "curl signs host and x-amz-security-token" yes \
    "$(echo ";$signed;" | grep -q ';host;.*;x-amz-security-token;' && echo yes || echo no)"
# curl signs a user-agent given with -H; botocore's signer would leave it out.
check "curl sigv4 with signed user-agent" 200 "$(aws GET /registrationcode -H 'User-Agent: provctl-test/1')"
check "curl keep-alive (second request reuses the connection)" 10 \
    "$(curl -s -o /dev/null -o /dev/null -w '%{num_connects}' -K "$T/aws.rc" "$BASE/registrationcode" \
        "$BASE/registrationcode")"
check "curl wrong secret" 403 "$(call "$T/badsecret.rc" GET /registrationcode)"
check "wrong secret error type" InvalidSignatureException "$(header x-amzn-ErrorType | cut -d: -f1)"
check "curl without session token" 403 "$(call "$T/notoken.rc" GET /registrationcode)"
check "curl wrong region" 403 "$(call "$T/badregion.rc" GET /registrationcode)"
check "curl stale x-amz-date" 403 "$(aws GET /registrationcode -H 'x-amz-date: 20200101T000000Z')"
check "unsigned request" 403 "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/registrationcode")"

# --- SigV4: botocore ---------------------------------------------------------
SK="$SK" TOKEN="$TOKEN" "$PY" - "$BASE" > "$T/boto.out" <<'EOF'
import os, sys, urllib.error, urllib.request
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

base = sys.argv[1]

def signed(method, path, body, secret=os.environ["SK"]):
    req = AWSRequest(method=method, url=base + path, data=body, headers={"Content-Type": "application/json"})
    SigV4Auth(Credentials("AKIDEXAMPLE", secret, os.environ["TOKEN"]), "iot", "eu-west-1").add_auth(req)
    return req

def send(req, body=None, auth=None):
    headers = dict(req.headers.items())
    if auth:
        headers["Authorization"] = auth
    r = urllib.request.Request(req.url, data=req.body if body is None else body, method=req.method, headers=headers)
    try:
        return urllib.request.urlopen(r).status
    except urllib.error.HTTPError as e:
        return e.code

good = signed("POST", "/things/SN-2", b'{"thingTypeName":"sensor"}')
print("good", send(good))
auth = good.headers["Authorization"]
print("flipped", send(good, auth=auth[:-1] + ("0" if auth[-1] != "0" else "1")))
print("secret", send(signed("POST", "/things/SN-3", b"{}", secret="not-the-secret")))
print("body", send(signed("POST", "/things/SN-4", b"{}"), body=b'{"thingTypeName":"x"}'))
EOF
check "botocore signed request" 200 "$(awk '$1 == "good" { print $2 }' "$T/boto.out")"
check "botocore flipped signature" 403 "$(awk '$1 == "flipped" { print $2 }' "$T/boto.out")"
check "botocore wrong secret" 403 "$(awk '$1 == "secret" { print $2 }' "$T/boto.out")"
check "botocore body changed after signing" 403 "$(awk '$1 == "body" { print $2 }' "$T/boto.out")"

# --- Azure SAS ---------------------------------------------------------------
sas() {  # KEY_B64 -> Authorization value for the DPS host, valid for an hour
    se=$(($(date +%s) + 3600))
    hex=$(printf '%s' "$1" | base64 -d | od -An -v -tx1 | tr -d ' \n')
    sig=$(printf '%s\n%s' "$DPS" "$se" | openssl dgst -sha256 -mac HMAC -macopt "hexkey:$hex" -binary |
        base64 | sed 's/+/%2B/g; s|/|%2F|g; s/=/%3D/g')
    echo "SharedAccessSignature sr=$DPS&sig=$sig&se=$se&skn=provisioningserviceowner"
}
echo "header = \"Authorization: $(sas "$AZKEY")\"" > "$T/az.rc"
echo "header = \"Authorization: $(sas "$(openssl rand -base64 32)")\"" > "$T/azbad.rc"
az() {  # RC METHOD PATH [curl args]
    call "$@" -H "content-type: application/json"
}
enrollment() {  # REGISTRATION_ID CERT (printf: dash's echo would turn the \n escapes into newlines)
    printf '%s' "{\"registrationId\": \"$1\", \"attestation\": {\"type\": \"x509\", \"x509\": {\"clientCertificates\":
        {\"primary\": {\"certificate\": \"$(pem_json "$T/$2.pem")\"}}}}, \"provisioningStatus\": \"enabled\"}"
}
V="api-version=2021-10-01"
check "sas CreateOrUpdateIndividualEnrollment" 200 \
    "$(az "$T/az.rc" PUT "/enrollments/SN-1?$V" --data "$(enrollment SN-1 dev1)")"
want=$(openssl x509 -in "$T/dev1.pem" -noout -fingerprint -sha256 | cut -d= -f2 | tr -d :)
check "enrollment sha256Thumbprint" "$want" \
    "$(jget "$T/body" attestation x509 clientCertificates primary info sha256Thumbprint)"
check "enrollment answer has no PEM" 0 "$(grep -c 'BEGIN CERTIFICATE' "$T/body")"
etag=$(jget "$T/body" etag)
check "enrollment exists without If-Match" 409 \
    "$(az "$T/az.rc" PUT "/enrollments/SN-1?$V" --data "$(enrollment SN-1 dev1)")"
check "enrollment exists errorCode" 409201 "$(jget "$T/body" errorCode)"
check "enrollment replace with If-Match" 200 \
    "$(az "$T/az.rc" PUT "/enrollments/SN-1?$V" -H "If-Match: $etag" --data "$(enrollment SN-1 dev1)")"
check "enrollment CN mismatch" 400 "$(az "$T/az.rc" PUT "/enrollments/SN-9?$V" --data "$(enrollment SN-9 dev1)")"
check "enrollment CN mismatch errorCode" 400004 "$(jget "$T/body" errorCode)"
check "sas GetIndividualEnrollment" 200 "$(az "$T/az.rc" GET "/enrollments/SN-1?$V")"
check "no api-version" 400 "$(az "$T/az.rc" GET /enrollments/SN-1)"
check "no api-version errorCode" 400001 "$(jget "$T/body" errorCode)"
check "sas wrong key" 401 "$(az "$T/azbad.rc" GET "/enrollments/SN-1?$V")"
check "sas wrong key errorCode" 401002 "$(jget "$T/body" errorCode)"

# --- AWS flow: CA, certificate, thing, principal, policy, group ---------------
check "GetRegistrationCode" 200 "$(aws GET /registrationcode)"
mkcert verif "$(jget "$T/body" registrationCode)" ca
ca_body="{\"caCertificate\": \"$(pem_json "$T/ca.pem")\", \"verificationCertificate\": \"$(pem_json "$T/verif.pem")\"}"
check "RegisterCACertificate" 200 "$(aws POST '/cacertificate?setAsActive=true' --data "$ca_body")"
check "CA certificate id" "$(der_sha256 "$T/ca.pem")" "$(jget "$T/body" certificateId)"
check "RegisterCACertificate again" 409 "$(aws POST '/cacertificate?setAsActive=true' --data "$ca_body")"
cert_body="{\"certificatePem\": \"$(pem_json "$T/dev1.pem")\", \"caCertificatePem\": \"$(pem_json "$T/ca.pem")\",
    \"status\": \"ACTIVE\"}"
check "RegisterCertificate" 200 "$(aws POST /certificate/register --data "$cert_body")"
ID=$(der_sha256 "$T/dev1.pem")
check "certificate id" "$ID" "$(jget "$T/body" certificateId)"
ARN=$(jget "$T/body" certificateArn)
check "RegisterCertificate again" 409 "$(aws POST /certificate/register --data "$cert_body")"
check "already registered resourceId" "$ID" "$(jget "$T/body" resourceId)"
check "certificate from another CA" 400 "$(aws POST /certificate/register \
    --data "{\"certificatePem\": \"$(pem_json "$T/stray.pem")\", \"caCertificatePem\": \"$(pem_json "$T/ca.pem")\"}")"
check "another CA error type" CertificateValidationException "$(header x-amzn-ErrorType | cut -d: -f1)"
check "CreateThing again, same attributes" 200 \
    "$(aws POST /things/SN-1 --data '{"attributePayload":{"attributes":{"line":"1"}}}')"
check "CreateThing again, other attributes" 409 \
    "$(aws POST /things/SN-1 --data '{"attributePayload":{"attributes":{"line":"2"}}}')"
check "AttachThingPrincipal" 200 "$(aws PUT /things/SN-1/principals -H "x-amzn-principal: $ARN")"
check "ListThingPrincipals" 200 "$(aws GET /things/SN-1/principals)"
check "principal listed" "$ARN" "$(jget "$T/body" principals 0)"
check "AttachPolicy" 200 "$(aws PUT /target-policies/DevicePolicy --data "{\"target\": \"$ARN\"}")"
check "AttachPolicy unknown policy" 404 "$(aws PUT /target-policies/NoSuchPolicy --data "{\"target\": \"$ARN\"}")"
check "AddThingToThingGroup" 200 \
    "$(aws PUT /thing-groups/addThingToThingGroup --data '{"thingGroupName": "line-1", "thingName": "SN-1"}')"
check "UpdateCertificate REVOKED" 200 "$(aws PUT "/certificates/$ID?newStatus=REVOKED")"
check "UpdateCertificate after REVOKED" 400 "$(aws PUT "/certificates/$ID?newStatus=ACTIVE")"
check "DescribeCertificate" 200 "$(aws GET "/certificates/$ID")"
check "described status" REVOKED "$(jget "$T/body" certificateDescription status)"
curl -s -o "$T/state" "$BASE/__state"
check "state: principal" "$ARN" "$(jget "$T/state" principals SN-1 0)"
check "state: group member" SN-1 "$(jget "$T/state" group_members line-1 0)"
check "state: enrollment keeps the PEM" 1 \
    "$(jget "$T/state" enrollments SN-1 certificatePem | grep -c 'BEGIN CERTIFICATE')"

# --- faults --------------------------------------------------------------------
check "dropped connection" 000 "$(aws GET /things/SN-DROP)"
check "fault 1" 429 "$(aws GET /things/SN-1)"
check "fault error type" ThrottlingException "$(header x-amzn-ErrorType | cut -d: -f1)"
check "fault Retry-After" 1 "$(header Retry-After)"
check "fault message" "Rate exceeded" "$(jget "$T/body" message)"
check "fault 2" 429 "$(aws GET /things/SN-1)"
check "after the faults" 200 "$(aws GET /things/SN-1)"

# --- stats and log ---------------------------------------------------------------
curl -s -o "$T/stats" "$BASE/__stats"
check "stats DescribeThing" 4 "$(jget "$T/stats" by_api DescribeThing)"
# A sliding one-second window always holds at least as many as any calendar second.
window=$(jget "$T/stats" max_per_second_any_window DescribeThing)
second=$(jget "$T/stats" max_per_second DescribeThing)
check "stats per-second bound" yes "$([ "$window" -ge "$second" ] && [ "$second" -ge 1 ] && echo yes || echo no)"
"$PY" - "$T/log" "$T/stats" > "$T/logcheck" <<'EOF'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
stats = json.load(open(sys.argv[2]))
ok = sum(1 for l in lines if l["api"] and l["auth"] in ("sigv4", "sas"))
print("requests", stats["requests"] == ok)
print("rejected", stats["rejected_auth"] == sum(1 for l in lines if l["auth"] in ("bad", "none")))
print("dropped", [l["status"] for l in lines if l["path"] == "/things/SN-DROP"] == [0])
print("noauth", all("authorization" not in l["headers"] and "x-amz-security-token" not in l["headers"] for l in lines))
EOF
for k in requests rejected dropped noauth; do
    check "log vs stats: $k" True "$(awk -v k="$k" '$1 == k { print $2 }' "$T/logcheck")"
done
leaks=0
for s in "$SK" "$TOKEN" "$AZKEY"; do grep -qF -- "$s" "$T/log" && leaks=$((leaks + 1)); done
grep -q 'sig=' "$T/log" && leaks=$((leaks + 1))
check "no secret in the log" 0 "$leaks"

# --- clean exit on SIGTERM -----------------------------------------------------
kill -TERM "$PID"
wait "$PID"
check "exit status after SIGTERM" 0 "$?"
PID=

echo "$((checks - fails))/$checks checks passed"
[ "$fails" -eq 0 ]
