#!/usr/bin/python3
"""Local stand-in for the AWS IoT control plane and the Azure DPS service API.

Scenario tests point provctl's cloud commands at this server over loopback http
and then read back /__state, /__stats and the request log. It checks the real
authentication schemes (SigV4, recomputed with botocore's signer; SAS tokens,
recomputed independently) so that a signing bug in the client fails the test
instead of passing against a permissive fake.

    /usr/bin/python3 tests/support/cloud_server.py --config C.json --port-file P --log L

Only the stdlib and botocore; X.509 work goes through the openssl CLI so the
tests need no python3-cryptography. Secrets (secret key, session token, SAS
key, signatures, symmetric enrollment keys) are never printed or logged.
"""
import argparse
import base64
import binascii
import datetime
import hashlib
import hmac
import json
import math
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import botocore.auth
import botocore.awsrequest
import botocore.credentials

AZURE_API_VERSION = "2021-10-01"
CLOCK_SKEW_S = 300
AWS_ERROR_NS = ":http://internal.amazon.com/coral/com.amazonaws.iot/"
CERT_STATUSES = {"ACTIVE", "INACTIVE", "REVOKED", "PENDING_TRANSFER", "REGISTER_INACTIVE", "PENDING_ACTIVATION"}


class ApiError(Exception):
    """An error answer. `kind` is the AWS x-amzn-ErrorType or the Azure errorCode."""

    def __init__(self, status, kind, message, extra=None):
        super().__init__(message)
        self.status, self.kind, self.message, self.extra = status, kind, message, extra or {}


def utc_iso(ts=None):
    t = datetime.datetime.fromtimestamp(time.time() if ts is None else ts, datetime.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# ---------------------------------------------------------------------------
# X.509 through the openssl CLI

_cert_cache = {}
_cert_cache_lock = threading.Lock()


def _openssl(args, data):
    return subprocess.run(["openssl"] + args, input=data, capture_output=True, timeout=30)


def _openssl_date(text):
    # "Jan  1 00:00:00 2027 GMT" -> ISO 8601, the form DPS uses in cert info.
    t = datetime.datetime.strptime(" ".join(text.split()), "%b %d %H:%M:%S %Y %Z")
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def cert_info(pem):
    """Facts about the first certificate of a PEM text, or None when it is not one.
    Cached: the same PEMs come back many times (register, verify, enroll)."""
    if not isinstance(pem, str) or "-----BEGIN CERTIFICATE-----" not in pem:
        return None
    with _cert_cache_lock:
        if pem in _cert_cache:
            return _cert_cache[pem]
    # One openssl run per certificate (it is the server's main cost in a
    # bulk run); the DER comes from the PEM's base64 body itself.
    body = pem.split("-----BEGIN CERTIFICATE-----", 1)[1].split("-----END CERTIFICATE-----", 1)[0]
    try:
        der = base64.b64decode("".join(body.split()), validate=True)
    except (ValueError, binascii.Error):
        der = b""
    text = _openssl(["x509", "-noout", "-subject", "-issuer", "-serial", "-startdate", "-enddate",
                     "-nameopt", "RFC2253"], pem.encode())
    info = None
    if der and text.returncode == 0:
        fields = {}
        for line in text.stdout.decode("utf-8", "replace").splitlines():
            key, _, value = line.partition("=")
            fields[key.strip()] = value.strip()
        # RFC 2253 lists the leaf-most RDN first; a CN's escaped commas stay inside it.
        m = re.search(r"(?:^|,)CN=((?:[^,\\]|\\.)*)", fields.get("subject", ""))
        cn = re.sub(r"\\(.)", r"\1", m.group(1)) if m else None
        info = {
            "der": der,
            "id": hashlib.sha256(der).hexdigest(),  # AWS IoT certificate IDs
            "cn": cn,
            "subject": fields.get("subject", "").replace(",", ", "),
            "issuer": fields.get("issuer", "").replace(",", ", "),
            "serial": fields.get("serial", "").upper(),
            "not_before": _openssl_date(fields["notBefore"]),
            "not_after": _openssl_date(fields["notAfter"]),
        }
    with _cert_cache_lock:
        _cert_cache[pem] = info
    return info


def signed_by(ca_pem, cert_pem):
    """True when ca_pem verifies cert_pem (the CA need not be a self-signed root)."""
    with tempfile.TemporaryDirectory() as d:
        ca_path, cert_path = os.path.join(d, "ca.pem"), os.path.join(d, "cert.pem")
        with open(ca_path, "w") as f:
            f.write(ca_pem)
        with open(cert_path, "w") as f:
            f.write(cert_pem)
        r = _openssl(["verify", "-no-CAfile", "-no-CApath", "-partial_chain", "-CAfile", ca_path, cert_path], b"")
        return r.returncode == 0


def dps_cert_entry(pem):
    """DPS answers with facts about an attestation certificate, never the PEM itself."""
    info = cert_info(pem)
    return {"info": {
        "subjectName": info["subject"], "issuerName": info["issuer"],
        "sha1Thumbprint": hashlib.sha1(info["der"]).hexdigest().upper(),
        "sha256Thumbprint": hashlib.sha256(info["der"]).hexdigest().upper(),
        "notBeforeUtc": info["not_before"], "notAfterUtc": info["not_after"],
        "serialNumber": info["serial"], "version": 3}}


# ---------------------------------------------------------------------------
# Authentication

class _ReceivedHeadersSigV4(botocore.auth.SigV4Auth):
    """botocore's SigV4 chain, signing exactly the headers the client listed.

    SigV4Auth.headers_to_sign() drops user-agent, expect and x-amzn-trace-id and
    adds host from the URL; a client that signed one of the dropped headers
    would never verify. Everything else (canonical request, string to sign,
    HMAC chain) stays botocore's."""

    def __init__(self, credentials, service, region, signed_names):
        super().__init__(credentials, service, region)
        self._signed_names = signed_names

    def headers_to_sign(self, request):
        chosen = botocore.awsrequest.HTTPHeaders()
        for name in self._signed_names:
            for value in request.headers.get_all(name) or []:
                chosen[name] = value  # HTTPHeaders appends: repeated headers stay repeated
        return chosen


def verify_sigv4(cfg, method, raw_path, raw_query, headers, body):
    """None when the request is signed correctly, else what was wrong (never the expected signature)."""
    aws = cfg["aws"]
    auth = headers.get("authorization", "")
    parts = {}
    for item in auth[len("AWS4-HMAC-SHA256 "):].split(","):
        key, _, value = item.strip().partition("=")
        parts[key] = value
    scope = parts.get("Credential", "").split("/")
    signed = [h for h in parts.get("SignedHeaders", "").split(";") if h]
    given = parts.get("Signature", "")
    if len(scope) != 5 or scope[4] != "aws4_request" or not signed or not given:
        return "malformed Authorization header (need Credential, SignedHeaders, Signature)"
    access_key, date, region, service, _ = scope
    if access_key != aws["access_key_id"]:
        return "unknown access key id in Credential"
    if region != aws["region"]:
        return f"credential scope region '{region}' is not '{aws['region']}'"
    if service != "iot":
        return f"credential scope service '{service}' is not 'iot'"
    amz_date = headers.get("x-amz-date")
    if amz_date is None:
        return "no x-amz-date header"
    try:
        stamp = datetime.datetime.strptime(amz_date, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc)
    except ValueError:
        return "x-amz-date is not YYYYMMDDTHHMMSSZ"
    if abs(stamp.timestamp() - time.time()) > CLOCK_SKEW_S:
        return "x-amz-date is more than 5 minutes from the server clock"
    if date != amz_date[:8]:
        return "credential scope date does not match x-amz-date"
    if signed != sorted(set(signed)) or any(h != h.lower() for h in signed):
        return "SignedHeaders must be lower case, sorted and without repeats"
    if "host" not in signed:
        return "host is not in SignedHeaders"
    missing = [h for h in signed if h not in headers]
    if missing:
        return "signed header(s) not in the request: " + ", ".join(missing)
    token = aws.get("session_token")
    sent_token = headers.get("x-amz-security-token")
    if token:
        if sent_token is None:
            return "session credentials need an x-amz-security-token header"
        if not hmac.compare_digest(sent_token.encode(), token.encode()):
            return "x-amz-security-token does not match"
        if "x-amz-security-token" not in signed:
            return "x-amz-security-token is not in SignedHeaders"
    elif sent_token is not None:
        return "x-amz-security-token sent but these credentials have no session token"
    # botocore trusts a signed x-amz-content-sha256 instead of hashing the body; check it here.
    content_sha = headers.get("x-amz-content-sha256")
    if "x-amz-content-sha256" in signed and content_sha != hashlib.sha256(body).hexdigest():
        return "x-amz-content-sha256 does not match the body"

    url = "http://" + headers["host"] + raw_path + ("?" + raw_query if raw_query else "")
    request = botocore.awsrequest.AWSRequest(method=method, url=url, data=body)
    for name in signed:
        for value in headers.get_all(name):
            request.headers[name] = value
    request.context["timestamp"] = amz_date
    creds = botocore.credentials.Credentials(aws["access_key_id"], aws["secret_access_key"], token)
    signer = _ReceivedHeadersSigV4(creds, "iot", aws["region"], signed)
    canonical = signer.canonical_request(request)
    expected = signer.signature(signer.string_to_sign(request, canonical), request)
    if hmac.compare_digest(expected.encode(), given.encode()):
        return None
    # Like AWS, show the canonical request (the token value blanked) so a client bug can be found.
    shown = re.sub(r"(?m)^x-amz-security-token:.*$", "x-amz-security-token:<redacted>", canonical)
    return ("The request signature we calculated does not match the signature you provided. "
            "The canonical request should have been\n" + shown)


def verify_sas(cfg, headers):
    """None when the SharedAccessSignature is valid for the configured DPS, else the reason."""
    az = cfg["azure"]
    fields = {}
    for item in headers.get("authorization", "")[len("SharedAccessSignature "):].split("&"):
        key, _, value = item.partition("=")
        fields[key.strip()] = value.strip()
    for need in ("sr", "sig", "se", "skn"):
        if need not in fields:
            return f"SharedAccessSignature without {need}"
    if urllib.parse.unquote(fields["sr"]).lower() != az["host"].lower():
        return "sr is not this provisioning service"
    if fields["skn"] != az["policy"]:
        return "unknown policy (skn)"
    try:
        expiry = int(fields["se"])
    except ValueError:
        return "se is not a number"
    if expiry <= time.time():
        return "token expired (se)"
    try:
        key = base64.b64decode(az["key"])
    except ValueError:
        return "server key is not base64"
    # The signature covers sr exactly as sent (still URL-encoded), a newline and se.
    want = base64.b64encode(hmac.new(key, (fields["sr"] + "\n" + fields["se"]).encode(), hashlib.sha256).digest())
    if not hmac.compare_digest(want, urllib.parse.unquote(fields["sig"]).encode()):
        return "signature does not match"
    return None


# ---------------------------------------------------------------------------
# State and the APIs

ROUTES = [  # (method, path pattern, API, service); {x} is one percent-decoded segment
    ("GET", "/registrationcode", "GetRegistrationCode", "aws"),
    ("POST", "/cacertificate", "RegisterCACertificate", "aws"),
    ("POST", "/certificate/register", "RegisterCertificate", "aws"),
    ("POST", "/certificate/register-no-ca", "RegisterCertificateWithoutCA", "aws"),
    ("GET", "/certificates/{id}", "DescribeCertificate", "aws"),
    ("PUT", "/certificates/{id}", "UpdateCertificate", "aws"),
    ("POST", "/things/{name}", "CreateThing", "aws"),
    ("GET", "/things/{name}", "DescribeThing", "aws"),
    ("PUT", "/things/{name}/principals", "AttachThingPrincipal", "aws"),
    ("GET", "/things/{name}/principals", "ListThingPrincipals", "aws"),
    ("PUT", "/target-policies/{name}", "AttachPolicy", "aws"),
    ("PUT", "/thing-groups/addThingToThingGroup", "AddThingToThingGroup", "aws"),
    ("POST", "/provisioning-templates", "CreateProvisioningTemplate", "aws"),
    ("PUT", "/enrollments/{id}", "CreateOrUpdateIndividualEnrollment", "azure"),
    ("GET", "/enrollments/{id}", "GetIndividualEnrollment", "azure"),
    ("POST", "/enrollments", "RunBulkEnrollmentOperation", "azure"),
    ("PUT", "/enrollmentGroups/{id}", "CreateOrUpdateEnrollmentGroup", "azure"),
    ("GET", "/enrollmentGroups/{id}", "GetEnrollmentGroup", "azure"),
]


def route(method, raw_path):
    """(api, service, params) or (None, None, {}). Segments are split before decoding so an
    encoded '/' stays inside its name."""
    segs = [urllib.parse.unquote(s) for s in raw_path.strip("/").split("/")]
    for m, pattern, api, service in ROUTES:
        pat = pattern.strip("/").split("/")
        if m != method or len(pat) != len(segs):
            continue
        params = {}
        for p, s in zip(pat, segs):
            if p.startswith("{"):
                if not s:
                    break
                params[p[1:-1]] = s
            elif p != s:
                break
        else:
            return api, service, params
    return None, None, {}


def aws_err(status, kind, message, **extra):
    return ApiError(status, kind, message, extra)


def az_err(status, code, message):
    return ApiError(status, code, message)


class CloudState:
    def __init__(self, cfg):
        self.cfg = cfg
        self.lock = threading.RLock()
        aws = cfg["aws"]
        self.arn_prefix = f"arn:aws:iot:{aws['region']}:{aws['account']}:"
        self.registration_code = secrets.token_hex(32)
        self.cas, self.certificates, self.things, self.templates = {}, {}, {}, {}
        self.principals, self.policy_targets, self.group_members = {}, {}, {}
        self.enrollments, self.groups = {}, {}
        self.faults = [dict(f, count=f.get("count", 1)) for f in cfg.get("faults", [])]
        self.arrivals, self.rejected_auth = {}, 0
        existing = cfg.get("existing", {})
        for c in existing.get("certificates", []):
            info = cert_info(c["pem"])
            if info is None:
                raise SystemExit("config: existing certificate is not a PEM certificate")
            self._store_cert(info, c["pem"], c.get("status", "ACTIVE"), None)
        for t in existing.get("things", []):
            self._store_thing(t["thingName"], t.get("thingTypeName"), t.get("attributes") or {})
        for e in existing.get("enrollments", []):
            body = {"registrationId": e["registrationId"], "attestation": {"type": "x509", "x509": {
                "clientCertificates": {"primary": {"certificate": e["certificate"]}}}}}
            self._put_enrollment(self.enrollments, "registrationId", e["registrationId"], body, None, True)

    def snapshot(self):
        with self.lock:  # a deep copy taken under the lock: other threads keep changing the state
            return json.loads(json.dumps({
                "registration_code": self.registration_code, "cas": self.cas, "certificates": self.certificates,
                "things": self.things, "principals": self.principals, "policy_targets": self.policy_targets,
                "group_members": self.group_members, "templates": self.templates,
                "enrollments": self.enrollments, "groups": self.groups}))

    def stats(self):
        with self.lock:
            per_second, window = {}, {}
            for api, times in self.arrivals.items():
                buckets = {}
                for t in times:
                    buckets[math.floor(t)] = buckets.get(math.floor(t), 0) + 1
                per_second[api] = max(buckets.values())
                ts, best, i = sorted(times), 0, 0
                for j in range(len(ts)):  # widest run with t[j] - t[i] < 1.0
                    while ts[j] - ts[i] >= 1.0:
                        i += 1
                    best = max(best, j - i + 1)
                window[api] = best
            by_api = {api: len(times) for api, times in self.arrivals.items()}
            return {"requests": sum(by_api.values()), "rejected_auth": self.rejected_auth, "by_api": by_api,
                    "max_per_second": per_second, "max_per_second_any_window": window}

    def take_fault(self, api, haystacks):
        with self.lock:
            for f in self.faults:
                if f["count"] == 0 or f.get("api", "*") not in ("*", api):
                    continue
                if f.get("match") and not any(f["match"] in h for h in haystacks):
                    continue
                if f["count"] > 0:
                    f["count"] -= 1
                return f
        return None

    # --- AWS IoT ---------------------------------------------------------

    def _store_cert(self, info, pem, status, ca_id):
        rec = {"certificateId": info["id"], "certificateArn": self.arn_prefix + "cert/" + info["id"],
               "status": status, "pem": pem}
        if ca_id:
            rec["caCertificateId"] = ca_id
        self.certificates[info["id"]] = rec
        return rec

    def _store_thing(self, name, type_name, attributes):
        rec = {"thingName": name, "thingArn": self.arn_prefix + "thing/" + name, "thingId": str(uuid.uuid4()),
               "thingTypeName": type_name, "attributes": attributes, "version": 1}
        self.things[name] = rec
        return rec

    def GetRegistrationCode(self, p, q, b, h):
        return {"registrationCode": self.registration_code}

    def RegisterCACertificate(self, p, q, b, h):
        ca = cert_info(b.get("caCertificate"))
        verif = cert_info(b.get("verificationCertificate"))
        if ca is None or verif is None:
            raise aws_err(400, "CertificateValidationException", "Certificate is not valid")
        if verif["cn"] != self.registration_code:
            raise aws_err(400, "RegistrationCodeValidationException",
                          "The verification certificate's common name is not the registration code")
        if not signed_by(b["caCertificate"], b["verificationCertificate"]):
            raise aws_err(400, "CertificateValidationException", "The verification certificate is not signed by the CA")
        arn = self.arn_prefix + "cacert/" + ca["id"]
        with self.lock:
            if ca["id"] in self.cas:
                raise aws_err(409, "ResourceAlreadyExistsException", "The CA certificate is already registered",
                              resourceId=ca["id"], resourceArn=arn)
            self.cas[ca["id"]] = {
                "certificateId": ca["id"], "certificateArn": arn, "pem": b["caCertificate"],
                "status": "ACTIVE" if q.get("setAsActive") == "true" else "INACTIVE",
                "autoRegistrationStatus": "ENABLE" if q.get("allowAutoRegistration") == "true" else "DISABLE",
                "certificateMode": b.get("certificateMode", "DEFAULT"),
                "registrationConfig": b.get("registrationConfig")}
        return {"certificateArn": arn, "certificateId": ca["id"]}

    def _register(self, b, allow_ca):
        pem = b.get("certificatePem")
        info = cert_info(pem)
        if info is None:
            raise aws_err(400, "CertificateValidationException", "Certificate is not valid")
        status = b.get("status", "INACTIVE")
        if status not in CERT_STATUSES:
            raise aws_err(400, "InvalidRequestException", f"status '{status}' is not a certificate status")
        ca_id = None
        if allow_ca and b.get("caCertificatePem"):
            ca = cert_info(b["caCertificatePem"])
            with self.lock:
                registered = ca is not None and ca["id"] in self.cas
            if not registered:
                raise aws_err(400, "InvalidRequestException", "CA certificate is not registered")
            if not signed_by(b["caCertificatePem"], pem):
                raise aws_err(400, "CertificateValidationException", "The certificate is not signed by the CA")
            ca_id = ca["id"]
        with self.lock:
            if info["id"] in self.certificates:
                raise aws_err(409, "ResourceAlreadyExistsException",
                              "The certificate is already provisioned or registered", resourceId=info["id"],
                              resourceArn=self.certificates[info["id"]]["certificateArn"])
            rec = self._store_cert(info, pem, status, ca_id)
        return {"certificateArn": rec["certificateArn"], "certificateId": rec["certificateId"]}

    def RegisterCertificate(self, p, q, b, h):
        return self._register(b, True)

    def RegisterCertificateWithoutCA(self, p, q, b, h):
        return self._register(b, False)

    def _cert(self, cid):
        if cid not in self.certificates:
            raise aws_err(404, "ResourceNotFoundException", f"Certificate {cid} not found")
        return self.certificates[cid]

    def DescribeCertificate(self, p, q, b, h):
        with self.lock:
            c = self._cert(p["id"])
            d = {"certificateArn": c["certificateArn"], "certificateId": c["certificateId"],
                 "status": c["status"], "certificatePem": c["pem"]}
            if c.get("caCertificateId"):
                d["caCertificateId"] = c["caCertificateId"]
        return {"certificateDescription": d}

    def UpdateCertificate(self, p, q, b, h):
        new = q.get("newStatus")
        if new not in CERT_STATUSES:
            raise aws_err(400, "InvalidRequestException", "newStatus must be ACTIVE, INACTIVE or REVOKED")
        with self.lock:
            c = self._cert(p["id"])
            if c["status"] == "REVOKED" and new != "REVOKED":
                raise aws_err(400, "InvalidRequestException", "A REVOKED certificate cannot change status")
            c["status"] = new
        return None

    def _thing(self, name):
        if name not in self.things:
            raise aws_err(404, "ResourceNotFoundException", f"Thing {name} cannot be found.")
        return self.things[name]

    def CreateThing(self, p, q, b, h):
        name, type_name = p["name"], b.get("thingTypeName")
        attributes = (b.get("attributePayload") or {}).get("attributes") or {}
        with self.lock:
            t = self.things.get(name)
            if t is None:
                t = self._store_thing(name, type_name, attributes)
            elif t["thingTypeName"] != type_name or t["attributes"] != attributes:
                raise aws_err(409, "ResourceAlreadyExistsException",
                              f"Thing {name} already exists in account with different attributes",
                              resourceId=t["thingId"], resourceArn=t["thingArn"])
            return {"thingName": name, "thingArn": t["thingArn"], "thingId": t["thingId"]}

    def DescribeThing(self, p, q, b, h):
        with self.lock:
            t = self._thing(p["name"])
            d = {k: t[k] for k in ("thingName", "thingArn", "thingId")}
            if t["thingTypeName"]:
                d["thingTypeName"] = t["thingTypeName"]
            d.update(attributes=dict(t["attributes"]), version=t["version"])
        return d

    def AttachThingPrincipal(self, p, q, b, h):
        arn = h.get("x-amzn-principal")
        if not arn:
            raise aws_err(400, "InvalidRequestException", "x-amzn-principal header is required")
        with self.lock:
            self._thing(p["name"])
            known = any(c["certificateArn"] == arn for c in self.certificates.values())
            if not known:
                raise aws_err(404, "ResourceNotFoundException", "The principal is not a registered certificate")
            attached = self.principals.setdefault(p["name"], [])
            if arn not in attached:
                attached.append(arn)
        return {}

    def ListThingPrincipals(self, p, q, b, h):
        with self.lock:
            self._thing(p["name"])
            return {"principals": list(self.principals.get(p["name"], []))}

    def AttachPolicy(self, p, q, b, h):
        if p["name"] not in self.cfg["policies"]:
            raise aws_err(404, "ResourceNotFoundException", f"Policy {p['name']} does not exist")
        target = b.get("target")
        if not target:
            raise aws_err(400, "InvalidRequestException", "target is required")
        with self.lock:
            targets = self.policy_targets.setdefault(p["name"], [])
            if target not in targets:
                targets.append(target)
        return None

    def AddThingToThingGroup(self, p, q, b, h):
        group, name = b.get("thingGroupName"), b.get("thingName")
        if group not in self.cfg["thing_groups"]:
            raise aws_err(404, "ResourceNotFoundException", f"Thing group {group} does not exist")
        with self.lock:
            self._thing(name)
            members = self.group_members.setdefault(group, [])
            if name not in members:
                members.append(name)
        return {}

    def CreateProvisioningTemplate(self, p, q, b, h):
        name = b.get("templateName")
        if not name or not b.get("provisioningRoleArn"):
            raise aws_err(400, "InvalidRequestException", "templateName and provisioningRoleArn are required")
        try:
            json.loads(b.get("templateBody"))
        except (TypeError, ValueError):
            raise aws_err(400, "InvalidRequestException", "templateBody is not JSON text")
        kind = b.get("type", "FLEET_PROVISIONING")
        if kind not in ("JITP", "FLEET_PROVISIONING"):
            raise aws_err(400, "InvalidRequestException", "type must be JITP or FLEET_PROVISIONING")
        arn = self.arn_prefix + "provisioningtemplate/" + name
        with self.lock:
            if name in self.templates:
                raise aws_err(409, "ResourceAlreadyExistsException", f"Template {name} already exists",
                              resourceId=name, resourceArn=arn)
            self.templates[name] = dict(b, type=kind, enabled=b.get("enabled", False), templateArn=arn,
                                        defaultVersionId=1)
        return {"templateArn": arn, "templateName": name, "defaultVersionId": 1}

    # --- Azure DPS -------------------------------------------------------

    def _validate_enrollment(self, body, id_field, cert_field):
        """Checks one enrollment; returns the answer shape (PEMs replaced by cert info) and the PEM."""
        if not isinstance(body, dict) or not body.get(id_field):
            raise az_err(400, 400004, f"{id_field} is required")
        att = body.get("attestation") or {}
        answer, pem = json.loads(json.dumps(body)), None
        answer.pop("etag", None)
        if att.get("type") == "x509":
            certs = ((att.get("x509") or {}).get(cert_field)) or {}
            if not (certs.get("primary") or {}).get("certificate"):
                raise az_err(400, 400004, f"x509 attestation needs {cert_field}.primary.certificate")
            for slot in ("primary", "secondary"):
                if slot not in certs:
                    continue
                info = cert_info((certs[slot] or {}).get("certificate"))
                if info is None:
                    raise az_err(400, 400004, f"{slot} certificate is not a valid PEM certificate")
                if cert_field == "clientCertificates" and (info["cn"] or "").lower() != body[id_field].lower():
                    raise az_err(400, 400004, "registration ID must match the certificate's common name")
                answer["attestation"]["x509"][cert_field][slot] = dps_cert_entry(certs[slot]["certificate"])
            pem = certs["primary"]["certificate"]
        elif att.get("type") == "symmetricKey":
            keys = answer["attestation"]["symmetricKey"] = answer["attestation"].get("symmetricKey") or {}
            for slot in ("primaryKey", "secondaryKey"):
                if not keys.get(slot):  # as DPS does, make keys the caller left out
                    keys[slot] = base64.b64encode(os.urandom(64)).decode()
                try:
                    base64.b64decode(keys[slot], validate=True)
                except ValueError:
                    raise az_err(400, 400004, f"symmetricKey.{slot} is not base64")
        else:
            raise az_err(400, 400004, "attestation type must be x509 or symmetricKey")
        if body.get("allocationPolicy", "hashed") not in ("hashed", "static", "geoLatency", "custom"):
            raise az_err(400, 400004, "allocationPolicy must be hashed, static, geoLatency or custom")
        if body.get("provisioningStatus", "enabled") not in ("enabled", "disabled"):
            raise az_err(400, 400004, "provisioningStatus must be enabled or disabled")
        answer.setdefault("provisioningStatus", "enabled")
        return answer, pem

    def _put_enrollment(self, table, id_field, rid, body, if_match, create_only):
        """Create or replace under the etag rules; returns the stored answer."""
        cert_field = "clientCertificates" if table is self.enrollments else "signingCertificates"
        answer, pem = self._validate_enrollment(body, id_field, cert_field)
        with self.lock:
            old = table.get(rid)
            if old is not None:
                if create_only or if_match is None:
                    raise az_err(409, 409201, "Enrollment already exists")
                if if_match != "*" and if_match.strip('"') != old["etag"].strip('"'):
                    raise az_err(412, 412001, "Precondition failed: If-Match does not match the current etag")
            now = utc_iso()
            answer.update(etag='"' + secrets.token_hex(16) + '"',
                          createdDateTimeUtc=old["createdDateTimeUtc"] if old else now, lastUpdatedDateTimeUtc=now)
            stored = dict(answer)
            if pem:
                stored["certificatePem"] = pem  # for /__state only; DPS never returns the PEM
            table[rid] = stored
        return answer

    @staticmethod
    def _public(stored):
        return {k: v for k, v in stored.items() if k != "certificatePem"}

    def CreateOrUpdateIndividualEnrollment(self, p, q, b, h):
        if b.get("registrationId") != p["id"]:
            raise az_err(400, 400004, "registrationId in the body must equal the one in the path")
        return self._put_enrollment(self.enrollments, "registrationId", p["id"], b, h.get("if-match"), False)

    def GetIndividualEnrollment(self, p, q, b, h):
        with self.lock:
            if p["id"] not in self.enrollments:
                raise az_err(404, 404201, "Enrollment not found")
            return self._public(self.enrollments[p["id"]])

    def RunBulkEnrollmentOperation(self, p, q, b, h):
        mode, items = b.get("mode"), b.get("enrollments")
        if mode not in ("create", "update", "updateIfMatchETag", "delete") or not isinstance(items, list):
            raise az_err(400, 400004, "mode must be create, update, updateIfMatchETag or delete, with enrollments")
        if len(items) > 10:
            raise az_err(400, 400011, "too many enrollments in bulk request (maximum 10)")
        errors = []
        for item in items:
            item = item if isinstance(item, dict) else {}
            rid = item.get("registrationId")
            try:
                if mode == "delete":
                    with self.lock:
                        if self.enrollments.pop(rid, None) is None:
                            raise az_err(404, 404201, "Enrollment not found")
                    continue
                # "update" replaces whatever is there; "updateIfMatchETag" must name the current etag.
                tag = {"create": None, "update": "*"}.get(mode, item.get("etag") or "")
                self._put_enrollment(self.enrollments, "registrationId", rid, item, tag, mode == "create")
            except ApiError as e:
                errors.append({"registrationId": rid, "errorCode": e.kind, "errorStatus": e.message})
        return {"isSuccessful": not errors, "errors": errors}

    def CreateOrUpdateEnrollmentGroup(self, p, q, b, h):
        if b.get("enrollmentGroupId") != p["id"]:
            raise az_err(400, 400004, "enrollmentGroupId in the body must equal the one in the path")
        return self._put_enrollment(self.groups, "enrollmentGroupId", p["id"], b, h.get("if-match"), False)

    def GetEnrollmentGroup(self, p, q, b, h):
        with self.lock:
            if p["id"] not in self.groups:
                raise az_err(404, 404201, "Enrollment group not found")
            return self._public(self.groups[p["id"]])


# ---------------------------------------------------------------------------
# HTTP

_SECRET_FIELDS = re.compile(r'("(?:primaryKey|secondaryKey)"\s*:\s*)"[^"]*"')


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the SDKs and libcurl use it
    server_version = "provctl-cloud-test/1"

    def log_message(self, fmt, *args):  # the JSON log is the record; keep stderr quiet
        pass

    def do_GET(self):
        self.handle_any()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_GET

    def _read_body(self):
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            data = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline().strip():  # trailers
                        pass
                    return data
                data += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("content-length") or 0))

    def _send(self, status, payload=None, headers=None):
        body = b"" if payload is None else json.dumps(payload).encode()
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        return status

    def _send_error(self, service, err, retry_after=None):
        extra = {"Retry-After": str(retry_after)} if retry_after is not None else {}
        if service == "azure":
            body = {"errorCode": err.kind, "trackingId": str(uuid.uuid4()), "message": err.message,
                    "timestampUtc": utc_iso()}
            return self._send(err.status, body, extra)
        extra["x-amzn-ErrorType"] = f"{err.kind}{AWS_ERROR_NS}"
        return self._send(err.status, dict({"message": err.message}, **err.extra), extra)

    def handle_any(self):
        arrival = time.time()
        srv = self.server
        raw_path, _, raw_query = self.path.partition("?")
        path = urllib.parse.unquote(raw_path)
        body = self._read_body()
        if self.command == "GET" and path in ("/__state", "/__stats"):
            self._send(200, srv.state.snapshot() if path == "/__state" else srv.state.stats())
            return
        query = dict(urllib.parse.parse_qsl(raw_query, keep_blank_values=True))
        headers = self.headers  # case-insensitive; get_all keeps repeated headers
        api, service, params = route(self.command, raw_path)
        status, auth = 0, "none"
        try:
            if srv.cfg["delay_ms"]:
                time.sleep(srv.cfg["delay_ms"] / 1000.0)
            status, auth = self._answer(api, service, params, query, headers, body, raw_path, raw_query, arrival)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client went away (tests kill clients mid-run)
        except Exception as e:  # a bug here must fail the test visibly, not hang the client
            sys.stderr.write(f"cloud_server: {api}: {type(e).__name__}: {e}\n")
            try:
                status = self._send(500, {"message": f"test server error: {type(e).__name__}"})
            except OSError:
                self.close_connection = True
        finally:
            self._log(arrival, path, query, api, auth, headers, body, status)

    def _answer(self, api, service, params, query, headers, body, raw_path, raw_query, arrival):
        srv, state = self.server, self.server.state
        authz = headers.get("authorization", "")
        if authz.startswith("AWS4-HMAC-SHA256 "):
            scheme = "sigv4"
            problem = verify_sigv4(srv.cfg, self.command, raw_path, raw_query, headers, body)
        elif authz.startswith("SharedAccessSignature "):
            scheme = "sas"
            problem = verify_sas(srv.cfg, headers)
        else:
            scheme, problem = "none", "Missing Authentication Token"
        if service is None:  # unknown path: answer in the style of the credentials used
            service = "azure" if scheme == "sas" else "aws"
        if problem is None and (service == "aws") != (scheme == "sigv4"):
            problem = f"this API does not accept {scheme} authorization"
        if problem is not None:
            with state.lock:
                state.rejected_auth += 1
            label = "none" if scheme == "none" else "bad"
            if service == "azure":
                return self._send_error("azure", az_err(401, 401002, "Unauthorized: " + problem)), label
            kind = "MissingAuthenticationTokenException" if scheme == "none" else "InvalidSignatureException"
            return self._send_error("aws", aws_err(403, kind, problem)), label
        if api is None:
            kind = 404000 if service == "azure" else "ResourceNotFoundException"
            return self._send_error(service, ApiError(404, kind, "no such API")), scheme
        with state.lock:
            state.arrivals.setdefault(api, []).append(arrival)
        if service == "azure" and query.get("api-version") != AZURE_API_VERSION:
            return self._send_error("azure", az_err(400, 400001, f"api-version must be {AZURE_API_VERSION}")), scheme
        text = body.decode("utf-8", "replace")
        fault = state.take_fault(api, [self.path, urllib.parse.unquote(self.path), text])
        if fault is not None:
            if fault.get("drop"):
                self.close_connection = True  # no answer at all: the client sees the connection close
                return 0, scheme
            status = fault.get("status", 500)
            kind = fault.get("error_type") or ("ThrottlingException" if status == 429 else "InternalFailureException")
            if service == "azure":
                kind = status * 1000 + 1
            err = ApiError(status, kind, fault.get("message", "Injected fault"))
            return self._send_error(service, err, fault.get("retry_after")), scheme
        try:
            parsed = json.loads(text) if text.strip() else {}
            if not isinstance(parsed, dict):
                raise ValueError
        except ValueError:
            bad = az_err(400, 400004, "body is not a JSON object") if service == "azure" else \
                aws_err(400, "InvalidRequestException", "body is not a JSON object")
            return self._send_error(service, bad), scheme
        try:
            result = getattr(state, api)(params, query, parsed, headers)
        except ApiError as e:
            return self._send_error(service, e), scheme
        return self._send(200, result), scheme

    def _log(self, arrival, path, query, api, auth, headers, body, status):
        logged = {}
        for name, value in headers.items():
            name = name.lower()
            if name not in ("authorization", "x-amz-security-token"):
                logged[name] = value if name not in logged else logged[name] + ", " + value
        text = _SECRET_FIELDS.sub(r'\1"<redacted>"', body.decode("utf-8", "replace"))
        line = json.dumps({"t": arrival, "method": self.command, "path": path, "query": query, "api": api,
                           "auth": auth, "headers": logged, "body": text, "status": status})
        with self.server.log_lock:
            self.server.log_file.write(line + "\n")
            self.server.log_file.flush()


def load_config(path):
    with open(path) as f:
        cfg = json.load(f)
    aws = {"access_key_id": "AKIDEXAMPLE", "secret_access_key": "", "session_token": None,
           "region": "eu-west-1", "account": "123456789012"}
    aws.update(cfg.get("aws") or {})
    azure = {"host": "test-dps.azure-devices-provisioning.net", "policy": "provisioningserviceowner", "key": ""}
    azure.update(cfg.get("azure") or {})
    return dict(cfg, aws=aws, azure=azure, delay_ms=cfg.get("delay_ms", 0), policies=cfg.get("policies", []),
                thing_groups=cfg.get("thing_groups", []), faults=cfg.get("faults", []),
                existing=cfg.get("existing", {}))


def main():
    ap = argparse.ArgumentParser(description="Local AWS IoT / Azure DPS stand-in for provctl tests")
    ap.add_argument("--config", required=True)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--log", required=True)
    args = ap.parse_args()
    cfg = load_config(args.config)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True  # a client killed mid-request must not hold up shutdown
    server.cfg, server.state = cfg, CloudState(cfg)
    server.log_lock, server.log_file = threading.Lock(), open(args.log, "a", encoding="utf-8")

    def stop(signum, frame):
        # shutdown() waits for serve_forever() to return, so it cannot run on this (serving) thread.
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    # Publish the port only once listening, atomically, so a waiting test never reads half a number.
    port_dir = os.path.dirname(os.path.abspath(args.port_file))
    fd, tmp = tempfile.mkstemp(dir=port_dir, prefix=".port-")
    with os.fdopen(fd, "w") as f:
        f.write(f"{server.server_address[1]}\n")
    os.replace(tmp, args.port_file)

    server.serve_forever(poll_interval=0.2)
    server.server_close()
    server.log_file.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
