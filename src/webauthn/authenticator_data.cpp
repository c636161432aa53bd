#include "webauthn/authenticator_data.hpp"

#include <algorithm>

namespace pv::webauthn {

Result<AuthenticatorDataHead> split_authenticator_data(ByteView data, std::size_t max_size) {
  if (data.size() < kAuthenticatorDataMinSize)
    return make_error(Errc::malformed, "authenticatorData is " + std::to_string(data.size()) +
                                           " bytes, shorter than 37");
  if (data.size() > max_size)
    return make_error(Errc::too_large, "authenticatorData is " + std::to_string(data.size()) +
                                           " bytes, over " + std::to_string(max_size));
  AuthenticatorDataHead head;
  std::copy_n(data.begin(), 32, head.rp_id_hash.bytes.begin());
  head.flags = data[32];
  head.sign_count = (std::uint32_t{data[33]} << 24) | (std::uint32_t{data[34]} << 16) |
                    (std::uint32_t{data[35]} << 8) | std::uint32_t{data[36]};
  head.rest = data.subspan(kAuthenticatorDataMinSize);
  return head;
}

Result<AuthenticatorDataHead> check_assertion_authenticator_data(ByteView data,
                                                                 std::string_view rp_id,
                                                                 bool require_uv) {
  auto head = split_authenticator_data(data);
  if (!head) return head.error();
  if (head->rp_id_hash != sha256(as_bytes(rp_id)))
    return make_error(Errc::forbidden, "authenticatorData rpIdHash is not SHA-256 of the RP ID \"" +
                                           std::string(rp_id) + "\"");
  if (!(head->flags & kFlagUserPresent))
    return make_error(Errc::forbidden, "authenticatorData flags lack UP (user present)");
  if (require_uv && !(head->flags & kFlagUserVerified))
    return make_error(Errc::forbidden, "authenticatorData flags lack UV (user verified)");
  if (head->flags & kFlagAttestedData)
    return make_error(Errc::malformed,
                      "authenticatorData has the AT flag: an assertion carries no attested "
                      "credential data");
  if (head->flags & kFlagExtensions)
    return make_error(Errc::malformed,
                      "authenticatorData has the ED flag: extension outputs are not accepted in "
                      "an assertion");
  if (!head->rest.empty())
    return make_error(Errc::malformed, "authenticatorData has " +
                                           std::to_string(head->rest.size()) +
                                           " trailing bytes after its 37-byte head");
  return head;
}

}  // namespace pv::webauthn
