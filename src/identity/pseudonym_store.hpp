#pragma once
// A patient's record pseudonyms (docs/erasure.md, "Pseudonymous records"): one fresh Ed25519 key
// per record, drawn at random (never derived, so destroying it is final). A pseudonymous record's
// anchor names did:key(pseudonym) as its patient and the ledger never learns whose it is; the
// patient's client signs everything about that record (reads, consent, erasure) with it.
//
// Stored beside the owner's identity file as `<wallet>/<owner>.pseudonyms` (mode 0600, atomic
// rewrites): the public part (each pseudonym's DID and, once seen on the ledger, its record) in
// the clear and authenticated; the seeds sealed with XChaCha20-Poly1305 under an Argon2id key of
// the wallet passphrase (identity/wallet_crypto.hpp). Destroying a pseudonym rewrites the file
// without it; its seed then exists nowhere.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "crypto/ed25519.hpp"
#include "identity/wallet_crypto.hpp"

namespace pv {

inline constexpr std::size_t kMaxPseudonyms = 2048;

struct PseudonymEntry {
  std::string did;     // did:key:z6Mk...
  PublicKey key;
  std::string record;  // hex record id once the patient's client saw it anchored, else empty
  friend bool operator==(const PseudonymEntry&, const PseudonymEntry&) = default;
};

// A record erased under one of the owner's pseudonyms: kept after the pseudonym's key is
// destroyed, so her access log can still show (and prove) the erasure. Her device only.
struct ErasedUnderPseudonym {
  std::string record;  // hex
  std::string pseudonym;
  friend bool operator==(const ErasedUnderPseudonym&, const ErasedUnderPseudonym&) = default;
};

class PseudonymStore {
 public:
  static std::filesystem::path path_for(const std::filesystem::path& wallet_dir,
                                        std::string_view owner_name);

  // Reads the public part (no passphrase). A missing file is an empty store. A file of another
  // owner, or one that does not parse, is an error that names the file.
  [[nodiscard]] static Result<PseudonymStore> load(std::filesystem::path path,
                                                   std::string owner_did);

  const std::string& owner() const { return owner_; }
  const std::vector<PseudonymEntry>& entries() const { return entries_; }
  bool unlocked() const { return key_.size() != 0; }

  // Derives the file key and opens the seeds (an empty store only derives its key, with `kdf`).
  // A wrong passphrase or any edit of the file gives Errc::unauthorized.
  [[nodiscard]] Status unlock(std::string_view passphrase, const KdfParams& kdf);

  // Draws `count` new pseudonyms (needs unlock); returns them. Not saved until save().
  [[nodiscard]] Result<std::vector<PseudonymEntry>> issue(std::size_t count);
  // The entry and signing key of `did`, if this store holds it (needs unlock for the key).
  const PseudonymEntry* find(std::string_view did) const;
  const PseudonymEntry* find_record(std::string_view record_hex) const;
  [[nodiscard]] Result<SigningKey> key_of(std::string_view did) const;
  void set_record(std::string_view did, std::string record_hex);
  // Forgets the pseudonym and its seed (needs unlock) and notes that its record was erased;
  // false if it was not here.
  bool destroy(std::string_view did);
  const std::vector<ErasedUnderPseudonym>& erased() const { return erased_; }

  // Writes the file atomically (needs unlock): a fresh nonce, the same salt and key.
  [[nodiscard]] Status save() const;

 private:
  std::filesystem::path path_;
  std::string owner_;
  std::vector<PseudonymEntry> entries_;
  std::vector<ErasedUnderPseudonym> erased_;
  SecretBytes seeds_;  // 32 bytes per entry, same order, once unlocked
  KdfParams kdf_;
  WalletSalt salt_;
  Bytes sealed_;
  WalletNonce nonce_;
  WalletFileKey key_;
  bool on_disk_ = false;
};

}  // namespace pv
