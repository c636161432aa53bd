#pragma once
// A wallet: a directory (mode 0700) holding one encrypted file `<name>.pvid` (mode 0600) per
// identity. Public metadata is readable without the passphrase; the Ed25519 seeds are sealed
// with XChaCha20-Poly1305 under an Argon2id key (wallet_file.hpp, docs/wallet.md).
//
// Thread and process safety: every write is an atomic rename or link, so concurrent readers see
// a whole old file or a whole new one. Two concurrent writers of the same identity: the last
// rename wins (each result is a valid file). Nothing here prints or logs a secret.
//
// Metadata returned by list() and find() is NOT authenticated (no passphrase was used); only
// unlock() proves that the metadata and secrets belong together.

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "identity/wallet_crypto.hpp"
#include "identity/wallet_identity.hpp"

namespace pv {

struct WalletOptions {
  // Argon2id parameters for files this wallet writes. Default libsodium MODERATE; tests set
  // KdfParams::interactive() to stay fast. Anything weaker than INTERACTIVE is refused.
  KdfParams kdf = KdfParams::moderate();
};

// One file seen by list(): its metadata, or why it could not be read.
struct WalletEntry {
  std::filesystem::path path;
  Result<IdentityMetadata> metadata;
};

// Names a new did:pv identity: given its freshly generated keys, returns the DID the ledger will
// know it by (the caller builds the DID-create operation from these keys; see docs/wallet.md).
using DidPvAssigner = std::function<Result<std::string>(const IdentityMetadata& keys)>;

class Wallet {
 public:
  // Opens the wallet at `dir`, creating it (mode 0700) if missing. Refuses a path that is not a
  // directory.
  [[nodiscard]] static Result<Wallet> open(std::filesystem::path dir, WalletOptions options = {});

  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path path_of(std::string_view name) const;

  // Generates keys (did:key: one key; did:pv: a current key and an offline recovery key) and
  // writes `<name>.pvid`. A did:key identity's DID is its key; a did:pv identity needs
  // `assign_did` (it gets the metadata with keys filled in and the DID empty).
  // Errc::invalid_argument for a bad name or a missing assigner, Errc::conflict if the name exists.
  [[nodiscard]] Result<IdentityMetadata> create(std::string_view name, DidMethod method,
                                                std::string_view passphrase,
                                                const DidPvAssigner& assign_did = {});

  // Every `*.pvid` file, sorted by name. Needs no passphrase.
  [[nodiscard]] Result<std::vector<WalletEntry>> list() const;
  // By name, or by DID when `name_or_did` starts with "did:". Errc::not_found otherwise.
  [[nodiscard]] Result<IdentityMetadata> find(std::string_view name_or_did) const;

  // Decrypts the identity's seeds. A wrong passphrase gives Errc::unauthorized with "wrong
  // passphrase for identity NAME"; so does any edit of the file (they are indistinguishable).
  [[nodiscard]] Result<IdentitySecrets> unlock(std::string_view name,
                                               std::string_view passphrase) const;

  // Rotation: checks `passphrase`, then rewrites the file with `next` as the keys. Every public
  // key of the old file (current, device, recovery) that `next` no longer holds is appended to
  // the retired-key history with the time. A did:key identity keeps its current key (its DID is
  // that key); only its device keys can change.
  [[nodiscard]] Result<IdentityMetadata> replace_keys(std::string_view name,
                                                      std::string_view passphrase,
                                                      const IdentitySecrets& next);

  // A portable backup: the same encrypted file, copied to `dest` (mode 0600); refuses to
  // overwrite. The file is parsed first, so a damaged file is not exported.
  [[nodiscard]] Status export_identity(std::string_view name,
                                       const std::filesystem::path& dest) const;
  // Adds an exported file to this wallet under its own name after checking that `passphrase`
  // unlocks it (so a tampered backup is never imported). Refuses an existing name or DID.
  [[nodiscard]] Result<IdentityMetadata> import_identity(const std::filesystem::path& src,
                                                         std::string_view passphrase);

 private:
  Wallet(std::filesystem::path dir, WalletOptions options)
      : dir_(std::move(dir)), options_(options) {}
  std::filesystem::path dir_;
  WalletOptions options_;
};

}  // namespace pv
