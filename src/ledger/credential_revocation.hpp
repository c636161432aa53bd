#pragma once
// Revocation of role credentials on the ledger, as a transaction type (21, "credential-revoke").
// The ledger never sees a credential (it names a person's licence): only its id, the JWT "jti"
// (in practice a random urn:uuid). The envelope's signer is the issuing organization (its
// did:key, or a key URL of its did:pv), which must be a current member organization; the
// revocation is recorded under that organization. A verifier accepts a credential only if its
// issuer has not revoked its jti, so another organization revoking the same jti changes nothing
// for it: only the issuer can revoke its credential.
//
// State: "credrev/<jti>" holds every revocation of that jti, in the order they were committed.

#include <optional>
#include <string>
#include <vector>

#include "ledger/tx_registry.hpp"

namespace pv {

inline constexpr TxType kTxTypeCredentialRevoke = 21;
inline constexpr std::size_t kMaxCredentialIdBytes = 256;

struct CredentialRevocation {
  std::string issuer;  // DID of the organization that revoked
  std::uint64_t height = 0;
  std::uint64_t time_ms = 0;  // block time
  TxId tx;
  friend bool operator==(const CredentialRevocation&, const CredentialRevocation&) = default;
};

// A credential id that may be revoked: 1 to 256 bytes of printable ASCII without space, '/',
// '?', '#' or '%' (so it is also one path segment of GET /v1/credentials/{jti}/status).
[[nodiscard]] Status check_credential_id(std::string_view jti);

// Payload: u8 version (1), var jti.
Bytes encode_credential_revoke(std::string_view jti);
[[nodiscard]] Result<std::string> decode_credential_revoke(ByteView payload);

std::string credential_revocation_state_key(std::string_view jti);
Bytes encode_credential_revocations(const std::vector<CredentialRevocation>& list);
[[nodiscard]] Result<std::vector<CredentialRevocation>> decode_credential_revocations(ByteView b);

// Every revocation of `jti` (empty when none).
[[nodiscard]] Result<std::vector<CredentialRevocation>> load_credential_revocations(
    const StateView& state, std::string_view jti);
// The revocation of `jti` by `issuer`, if any.
std::optional<CredentialRevocation> revocation_by(const std::vector<CredentialRevocation>& list,
                                                  std::string_view issuer);

TxTypeRules credential_revoke_rules();

}  // namespace pv
