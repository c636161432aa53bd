#pragma once
// Acting as a wallet identity: the one place where a `pv` command turns `--wallet`, `--as` and a
// passphrase into an Actor that signs transactions and HTTP requests.
//
// How a command uses it (this is the whole API other commands need):
//
//   struct MyOptions { ActingOptions acting; std::string node; bool json = false; ... };
//   add_acting_options(*cmd, o->acting);          // --wallet, --passphrase-file, --as
//   add_node_url_option(*cmd, o->node);
//   ...
//   auto client = api::NodeClient::connect(o.node, node_trust());            // Result<NodeClient>
//   auto actor = act_as(o.acting, *client);                    // Result<Actor>
//   // From here on every request `client` sends is signed by the actor (RFC 9421): use the
//   // typed methods or client->call("POST", "/v1/your-route", body) for new routes.
//   auto info = client->info();
//   Bytes tx = actor->sign_transaction(info->network_id, kTxTypeSomething, payload);
//   auto committed = client->submit_and_commit(tx, std::chrono::seconds(30));
//
// Flags and environment (docs/cli.md, docs/wallet.md):
//   --wallet DIR            PV_WALLET            default $XDG_CONFIG_HOME/pv/wallet,
//                                                else ~/.config/pv/wallet
//   --passphrase-file FILE  PV_PASSPHRASE_FILE   else PV_PASSPHRASE, else a /dev/tty prompt
//   --as NAME|DID           PV_AS                may be left out when the wallet holds exactly
//                                                one identity
// Identities are referred to by local name or by DID everywhere (Wallet::find).
//
// The signer id (transaction envelope signer and RFC 9421 keyid): for a did:key the DID itself;
// for a did:pv the key URL "did:pv:...#key-N" of the wallet's current key, looked up in the
// DID's current document on the node (GET /v1/did/{did}). A did:pv whose current key is no
// longer in its document (rotated out elsewhere, removed) or that is deactivated cannot act:
// act_as fails with an error that says so and what to do.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/client.hpp"
#include "identity/passphrase.hpp"
#include "identity/wallet.hpp"
#include "ledger/did_pv_rules.hpp"

namespace pv::cli {

struct ActingOptions {
  std::string wallet;           // directory; see default_wallet_dir()
  std::string passphrase_file;  // empty: PV_PASSPHRASE, then the terminal
  std::string as;               // NAME or DID; empty: the wallet's only identity
};

// $XDG_CONFIG_HOME/pv/wallet, else $HOME/.config/pv/wallet, else ./pv-wallet.
std::string default_wallet_dir();

// --wallet and --passphrase-file (for commands that manage the wallet itself).
void add_wallet_options(CLI::App& cmd, ActingOptions& options);
// --wallet, --passphrase-file and --as (for commands that act for an identity).
void add_acting_options(CLI::App& cmd, ActingOptions& options);

// The Argon2id cost for files pv writes (wallet identities, the node key): MODERATE, or
// libsodium's INTERACTIVE when PV_WALLET_KDF=interactive (faster, weaker against guessing; for
// tests and small machines). Reading always uses the cost stored in the file.
[[nodiscard]] Result<KdfParams> kdf_from_environment();
// Opens (creating if needed) the wallet directory, writing with kdf_from_environment().
[[nodiscard]] Result<Wallet> open_wallet(const ActingOptions& options);
// The passphrase for `identity_name`, from the sources in the header comment. `confirm` asks
// twice on a terminal (new secrets).
[[nodiscard]] Result<Passphrase> wallet_passphrase(const ActingOptions& options,
                                                   const std::string& identity_name,
                                                   bool confirm = false);

// The current state of a did:pv as the node resolves it.
struct DidPvOnNode {
  std::uint64_t version = 0;
  bool deactivated = false;
  std::vector<DidKeyEntry> keys;  // id without '#', key
  nlohmann::json resolution;      // the whole W3C DID Resolution result
  // The id ("key-2") of `key` in this document; nullopt if it is not an active key.
  std::optional<std::string> key_id_of(const PublicKey& key) const;
};
[[nodiscard]] Result<DidPvOnNode> resolve_did_pv_on_node(api::NodeClient& client,
                                                         const std::string& did);

// An unlocked identity ready to sign.
class Actor {
 public:
  // `active` is the key that signs: the current key, or for a did:pv whose rotation was
  // interrupted, the device key the DID document lists.
  Actor(IdentityMetadata identity, IdentitySecrets secrets, std::string signer_id,
        SigningKey active)
      : identity_(std::move(identity)),
        secrets_(std::move(secrets)),
        signer_id_(std::move(signer_id)),
        active_(std::move(active)) {}

  const IdentityMetadata& identity() const { return identity_; }
  const IdentitySecrets& secrets() const { return secrets_; }
  const std::string& did() const { return identity_.did; }
  const std::string& name() const { return identity_.name; }
  // Envelope signer and RFC 9421 keyid (see the header comment).
  const std::string& signer_id() const { return signer_id_; }
  const SigningKey& key() const { return active_; }

  api::RequestSigner request_signer() const { return {active_, signer_id_}; }
  // Makes `client` sign every request as this identity.
  void sign_requests_of(api::NodeClient& client) const { client.set_signer(request_signer()); }

  // A signed, encoded transaction from this identity: signer = signer_id(), nonce = microseconds
  // since the epoch (strictly increasing across runs while the clock does not step back),
  // created_ms = now.
  Bytes sign_transaction(const NetworkId& network, TxType type, Bytes payload) const;

 private:
  IdentityMetadata identity_;
  IdentitySecrets secrets_;
  std::string signer_id_;
  SigningKey active_;
};

// Picks the identity (--as, or the only one), unlocks it, works out its signer id (asking
// `client` for a did:pv) and makes `client` sign as it. Errors name the identity and say what
// to do (wrong passphrase, unknown name, several identities and no --as, key no longer active).
[[nodiscard]] Result<Actor> act_as(const ActingOptions& options, api::NodeClient& client);
// The same for an explicitly named identity, without signing a client's requests. `client` may
// be null for a did:key identity.
[[nodiscard]] Result<Actor> unlock_actor(const ActingOptions& options,
                                         const std::string& name_or_did, api::NodeClient* client);

// Microseconds / milliseconds since the Unix epoch.
std::uint64_t unix_micros();
std::uint64_t unix_millis();

}  // namespace pv::cli
