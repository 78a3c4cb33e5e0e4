// HS256 JSON Web Tokens: sign and verify with libjwt, for user access tokens (audience
// "microcoin-api") and gateway -> tradeledger service tokens (audience "tradeledger").
// Verification rejects every algorithm except HS256 before the signature is checked.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/money/result.h"

namespace mc::jwt {

inline constexpr std::string_view api_audience = "microcoin-api";
inline constexpr std::string_view service_audience = "tradeledger";

// Longer tokens are rejected as malformed before any decoding work.
inline constexpr std::size_t token_bytes_max = 8192;

// Default tolerance for clock skew between issuer and verifier, in seconds.
inline constexpr int64_t leeway_s_default = 5;

struct claims {
  std::string subject;     // "sub", required: user id, or the calling service's name
  std::string audience;    // "aud", required
  std::string issuer;      // "iss", optional (empty = not present)
  int64_t issued_at = 0;   // "iat", unix seconds; 0 = not present
  int64_t expires_at = 0;  // "exp", unix seconds, required
  std::string token_id;    // "jti", optional
  // Other string-valued claims (e.g. "role"). Non-string extras are ignored on verify.
  std::map<std::string, std::string> extra;

  bool operator==(const claims&) const = default;
};

enum class verify_error {
  malformed,       // not three base64url segments of JSON objects, oversized, bad claim types
  bad_algorithm,   // header alg is anything but "HS256" (including "none"), or "crit" is set
  bad_signature,   // HMAC does not match this key
  missing_claim,   // no "exp", "sub" or "aud"
  expired,         // now >= exp + leeway
  not_yet_valid,   // nbf or iat later than now + leeway
  wrong_audience,  // "aud" (string or array) does not contain the expected audience
  wrong_issuer,    // an expected issuer was given and "iss" differs
};

std::string_view to_string(verify_error e) noexcept;

// Signs `c` with HS256. Empty issuer/token_id and zero issued_at are left out of the token.
// Throws std::invalid_argument for an empty key or an `extra` name that is a registered
// claim (sub, aud, iss, iat, exp, nbf, jti); std::runtime_error if libjwt fails (no memory).
std::string sign(const claims& c, std::string_view key);

struct expectations {
  std::string_view audience;  // required match
  std::string_view issuer;    // empty = any issuer accepted
  int64_t leeway_s = leeway_s_default;
};

// Verifies signature, algorithm and claims at time `now_s` (unix seconds, injected).
// Checks run in this order: shape, algorithm, signature, required claims, time, audience,
// issuer — so nothing about an unsigned or forged token's claims is reported.
mc::result<claims, verify_error> verify(std::string_view token, std::string_view key,
                                        const expectations& expect, int64_t now_s);

mc::result<claims, verify_error> verify(std::string_view token, std::string_view key,
                                        std::string_view expected_audience, int64_t now_s,
                                        int64_t leeway_s = leeway_s_default);

}  // namespace mc::jwt
