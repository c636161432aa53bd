#pragma once
// Role credentials: a practitioner's role at an organization, as a W3C Verifiable Credential
// (Data Model 1.1) in JWT form (the VC-JWT encoding), signed EdDSA/Ed25519 by the issuing
// organization. Shape, claims and checks are described in docs/credentials.md.
//
// Revocation and organization membership are NOT checked here: a caller that accepts a
// credential must still check `id` (the jti) against the revocation list and `issuer` against
// the consortium's organizations.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "crypto/ed25519.hpp"

namespace pv {

inline constexpr std::string_view kVcContextV1 = "https://www.w3.org/2018/credentials/v1";
inline constexpr std::string_view kVcTypeBase = "VerifiableCredential";
inline constexpr std::string_view kVcTypeRole = "PractitionerRoleCredential";
// Tolerated clock difference between issuer and verifier, in seconds, applied to nbf and exp.
inline constexpr std::int64_t kDefaultClockSkewSeconds = 60;

// What a role credential says. Times are Unix seconds (JWT NumericDate).
struct RoleCredential {
  std::string id;               // jti: "urn:uuid:..."; the handle for revocation
  std::string issuer;           // iss: the organization's DID
  std::string key_id;           // kid: the issuer's verification method that signed it
  std::string subject;          // sub == credentialSubject.id: the practitioner's DID
  std::string role;             // credentialSubject.role, e.g. "physician"
  std::string license_number;   // credentialSubject.licenseNumber
  std::string organization;     // credentialSubject.organization: the organization's name
  std::int64_t issued_at = 0;   // iat
  std::int64_t not_before = 0;  // nbf
  std::int64_t expires = 0;     // exp
};

// Signs `credential` as a VC-JWT with header {"alg":"EdDSA","kid":key_id,"typ":"JWT"}. With an
// empty license_number and organization == issuer it writes the ledger form (no licenseNumber).
// REQUIRES nothing of `credential.id`: when empty a fresh random urn:uuid is used. Fails with
// Errc::invalid_argument if a required field is empty, key_id is not a DID URL of the issuer
// ("<issuer>#<fragment>"), or expires <= not_before.
[[nodiscard]] Result<std::string> issue_role_credential(RoleCredential credential,
                                                        const SigningKey& issuer_key);

// Maps a verification method id (a DID URL such as "did:key:z6Mk...#z6Mk...") to its key.
using IssuerKeyResolver = std::function<Result<PublicKey>(std::string_view key_id)>;

// Resolver for did:key issuers: accepts only "did:key:<id>#<id>" with the same <id> twice and
// returns the key encoded in it. Anything else fails with Errc::not_found.
[[nodiscard]] Result<PublicKey> resolve_did_key_method(std::string_view key_id);

// "did:key:z6Mk...#z6Mk...": the verification method id of a did:key DID.
std::string did_key_method_id(std::string_view did_key);

// `full`: the credential a practitioner shows off the ledger (licenceNumber and the
// organization's name required). `ledger`: the form an attestation carries on the ledger
// (docs/attestations.md, "Practitioners as issuers"): credentialSubject holds only id, role and
// organization, which must be the issuer's DID; a licence number or any other claim is refused.
enum class RoleCredentialForm { full, ledger };

struct RoleCredentialCheck {
  std::int64_t now = 0;  // Unix seconds; passed in so tests and replays control the clock
  std::int64_t clock_skew = kDefaultClockSkewSeconds;
  RoleCredentialForm form = RoleCredentialForm::full;
};

// Verifies a role credential. Checks: JWS form and EdDSA signature (jws_verify_eddsa) with the
// key that `resolve` returns for the header's "kid"; typ, if present, is "JWT"; the kid is a
// DID URL of the "iss" DID; claims iss, sub, jti (strings), nbf, exp (integers), iat (integer,
// optional); the vc claim: "@context" starts with the VC v1 context, "type" contains
// VerifiableCredential and PractitionerRoleCredential, credentialSubject.id == sub, role,
// licenseNumber and organization are non-empty strings; vc.issuer and vc.id, if present, agree
// with iss and jti; nbf - skew <= now < exp + skew; iat is not in the future beyond skew.
// Errors: Errc::bad_signature (signature, or signer not the issuer), Errc::unauthorized (not
// yet valid, expired), Errc::malformed (shape), Errc::too_large; resolver errors pass through.
// What a role credential claims, read WITHOUT any check (no signature, no time): for a client to
// name the issuer, the id to revoke, or the form to verify it in. Never a basis for trust.
struct RoleCredentialHandle {
  std::string id, issuer;
  bool ledger_form = false;  // credentialSubject has no licenseNumber
};
[[nodiscard]] Result<RoleCredentialHandle> peek_role_credential(std::string_view jwt);

[[nodiscard]] Result<RoleCredential> verify_role_credential(std::string_view jwt,
                                                            const IssuerKeyResolver& resolve,
                                                            const RoleCredentialCheck& check);

}  // namespace pv
