#pragma once
// Azure SharedAccessSignature tokens and the device keys of DPS group
// symmetric-key enrollments, as the Azure IoT SDKs compute them:
//   string to sign  = URL-encoded resource, "\n", expiry (Unix seconds)
//   signature       = base64(HMAC-SHA256(base64decode(key), string to sign))
//   token           = SharedAccessSignature sr=<encoded resource>&sig=<encoded signature>&se=<expiry>[&skn=<policy>]
//   derived key     = base64(HMAC-SHA256(base64decode(group key), registration ID))
// The keys are secrets: nothing here logs or keeps them.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cloud {

// Percent-encoding as encodeURIComponent does it, and also ! ' ( ) *:
// everything but A-Z a-z 0-9 - _ . ~ becomes %XX with upper-case hex.
std::string url_encode(std::string_view text);

// A shared access key: standard base64, padding optional (as the SDKs read
// them). nullopt on any other character.
std::optional<std::string> decode_key(std::string_view key_b64);

// base64(HMAC-SHA256(key, message)).
std::string hmac_sha256_b64(std::string_view key, std::string_view message);

struct SasToken {
    std::string string_to_sign;
    std::string signature_b64;
    std::string token;  // the whole Authorization header value
};

// A token for `resource` (not yet encoded), e.g. "acme-dps.azure-devices-provisioning.net"
// or "0ne00000000/registrations/SN-0001". `policy` empty: no skn.
// Exit 2 (util::Error) naming --key when the key is not base64.
SasToken make_sas_token(std::string_view resource, std::string_view key_b64, std::string_view policy, int64_t expiry);

// The same for a resource already encoded by the caller (the device SDKs
// encode DPS registration resources with lower-case %2f, and the signature
// covers those exact bytes).
SasToken make_sas_token_encoded(std::string_view encoded_resource, std::string_view key_b64, std::string_view policy,
                                int64_t expiry);

// The device key of a group symmetric-key enrollment. Exit 2 naming
// --group-key when it is not base64.
std::string derive_device_key(std::string_view group_key_b64, std::string_view registration_id);

}  // namespace cloud
