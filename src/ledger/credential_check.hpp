#pragma once
// Accepting a role credential against the ledger: the VC-JWT checks of ledger/vc_jwt.hpp plus
// what only the ledger knows (docs/credentials.md, "Against the ledger"):
//   1. the signature verifies under the issuer's key as the ledger knows it (a did:key's own key,
//      or an active key of a did:pv in its current document);
//   2. the issuer is a member organization now (not never, not removed);
//   3. the issuer's role may issue practitioner credentials (provider);
//   4. the credential's id (jti) is one the ledger can revoke (check_credential_id), and the
//      issuer has not revoked it.
// The ledger is read through CredentialLedger, so the same check runs inside a node (from its
// state) and in a client (from a node's public API).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "ledger/credential_revocation.hpp"
#include "ledger/org_state.hpp"
#include "ledger/vc_jwt.hpp"

namespace pv {

// What credential verification reads from the ledger.
class CredentialLedger {
 public:
  virtual ~CredentialLedger() = default;
  // The key named by a verification method id ("did:key:z..#z..", "did:pv:...#key-1").
  [[nodiscard]] virtual Result<PublicKey> issuer_key(std::string_view key_id) = 0;
  // The organization's record (member or removed); nullopt if it was never a member.
  [[nodiscard]] virtual Result<std::optional<OrganizationRecord>> organization(
      const std::string& did) = 0;
  // Every revocation of `jti`.
  [[nodiscard]] virtual Result<std::vector<CredentialRevocation>> revocations(
      const std::string& jti) = 0;
};

// Reads a StateView (a node's committed state, or a test's).
class StateCredentialLedger : public CredentialLedger {
 public:
  explicit StateCredentialLedger(const StateView& state) : state_(state) {}
  [[nodiscard]] Result<PublicKey> issuer_key(std::string_view key_id) override;
  [[nodiscard]] Result<std::optional<OrganizationRecord>> organization(
      const std::string& did) override;
  [[nodiscard]] Result<std::vector<CredentialRevocation>> revocations(
      const std::string& jti) override;

 private:
  const StateView& state_;
};

// A StateView over a key -> value read function (e.g. Node::read_state).
class StateReader : public StateView {
 public:
  using Read = std::function<std::optional<Bytes>(const std::string&)>;
  explicit StateReader(Read read) : read_(std::move(read)) {}
  std::optional<Bytes> get(const std::string& key) const override { return read_(key); }

 private:
  Read read_;
};

struct LedgerCredential {
  RoleCredential credential;
  OrganizationRecord issuer;  // as the ledger holds it now
};

// Errors (the first failing check, in the order of the header comment):
//   Errc::bad_signature  signature, or a key that is not the issuer's (vc_jwt);
//   Errc::unauthorized   not yet valid or expired (vc_jwt); Errc::malformed shape (vc_jwt);
//   Errc::forbidden      "issuer ... is not a member organization", "... was removed ...",
//                        "... role ... may not issue practitioner credentials",
//                        "credential ... was revoked by its issuer at height N (time)".
// Ledger read failures pass through.
[[nodiscard]] Result<LedgerCredential> verify_credential_on_ledger(
    std::string_view jwt, CredentialLedger& ledger, const RoleCredentialCheck& check);

}  // namespace pv
