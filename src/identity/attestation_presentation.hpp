#pragma once
// A presentation of an attestation to a verifier (docs/zk.md section 10, docs/attestations.md):
// the patient proves claims about committed attributes in zero knowledge, bound to the
// attestation, the verifier's DID, the verifier's nonce and the patient's key, and signs it with
// that key. The file is JSON; binary parts are base64url (unpadded).
//
// zk context = Var("PatientVault-attestation-presentation-v1") ‖ Var(attestation id)
//              ‖ Var(verifier DID) ‖ Var(nonce) ‖ Var(patient key)      (Var = LE32 length ‖ bytes)
// signature  = Ed25519 by the patient key over
//              "PV-PRESENTATION-V1" ‖ SHA-256(zk instance) ‖ SHA-256(zk proof)

#include <optional>
#include <string>
#include <vector>

#include "identity/attestation_claim.hpp"
#include "ledger/attestation_state.hpp"

namespace pv {

inline constexpr std::string_view kPresentationFormat = "pv-presentation-v1";
inline constexpr std::size_t kMaxNonceBytes = 256;
inline constexpr std::size_t kMaxPresentationFileBytes = 1 << 20;

// The attestation transaction and its RFC 9162 inclusion proof under a signed checkpoint, for
// verifiers without a node (offline).
struct CarriedInclusion {
  Bytes transaction;       // the signed encoding of the attestation-issue transaction
  std::string checkpoint;  // the signed note
  std::uint64_t log_index = 0;
  std::vector<Hash32> hashes;
};

struct PresentationFile {
  AttestationId attestation;
  std::string patient;    // the attestation's patient DID
  PublicKey patient_key;  // the key that signed
  std::string verifier;   // the verifier's DID
  std::string nonce;      // the verifier's nonce, as the verifier gave it
  std::vector<AttestationClaim> claims;
  Bytes proof;          // the zk presentation proof
  Signature signature;  // by patient_key (see the file comment)
  std::optional<CarriedInclusion> inclusion;
};

std::string presentation_file_json(const PresentationFile& p, std::string_view schema);
// Strict: the format name, every field present and well formed, sizes bounded.
[[nodiscard]] Result<PresentationFile> parse_presentation_file(std::string_view text);

// The zk context (see the file comment).
Bytes presentation_context(const AttestationId& id, std::string_view verifier,
                           std::string_view nonce, const PublicKey& patient_key);
// The statement the proof is about: the attestation's commitments and the claims.
[[nodiscard]] Result<zk::Statement> presentation_statement(const AttestationIssue& attestation,
                                                           const PresentationFile& p);
Bytes presentation_signing_message(const zk::Statement& statement, ByteView proof);

struct PresentationInput {
  const AttestationIssue& attestation;  // read from the ledger, or from the carried transaction
  std::vector<AttestationClaim> claims;
  std::string verifier, nonce;
  const SigningKey& patient_key;
};
// Proves and signs. Refuses (Errc::invalid_argument, naming the claim) a claim that is false for
// the opened value, and openings that do not open the attestation's commitments.
[[nodiscard]] Result<PresentationFile> make_presentation(const PresentationInput& in,
                                                         const AttestationId& id,
                                                         std::span<const zk::Opening> openings);

// What the verifier knows of the attestation.
struct AttestationFacts {
  AttestationIssue issue;
  std::string issuer;       // the issuer of record (a member organization)
  std::string attested_by;  // the practitioner who signed with a ledger credential, or empty
  std::uint64_t height = 0;
  bool revocation_known = true;  // false offline: the log cannot say "not revoked"
  bool revoked = false;
  std::uint64_t revoked_height = 0;
  // The patient DID's current keys; empty when unknown (offline did:pv).
  std::vector<PublicKey> patient_keys;
};

// The facts from ledger state (a node's, or a test's): Errc::not_found when no attestation
// has that id.
[[nodiscard]] Result<AttestationFacts> attestation_facts_from_state(const StateView& state,
                                                                    const AttestationId& id);

struct PresentationVerdict {
  bool valid = false;
  std::string reason;               // why not, or "valid"
  std::vector<std::string> claims;  // the claims in words, as verified
};

// Every check of docs/attestations.md "Verification", in order: the attestation id, revoked,
// the nonce and the verifier the caller expects, the patient key among the patient's current
// keys, the claims against the attestation's attributes, the zero-knowledge proof, the
// patient's signature. The first failure is the verdict's reason.
[[nodiscard]] PresentationVerdict check_presentation(const PresentationFile& p,
                                                     const AttestationFacts& facts,
                                                     std::string_view expected_nonce,
                                                     std::string_view expected_verifier);

}  // namespace pv
