#include "cli/acting.hpp"

#include <chrono>
#include <cstdlib>
#include <map>

#include "cli/config_dir.hpp"
#include "codec/did_pv.hpp"

namespace pv::cli {
namespace {

Result<IdentityMetadata> pick_identity(const Wallet& wallet, const std::string& as) {
  if (!as.empty()) {
    auto found = wallet.find(as);
    if (!found)
      return make_error(found.error().code,
                        found.error().message + " (wallet " + wallet.dir().string() +
                            "); see `pv id list` or create it with `pv id create --name NAME`");
    return found;
  }
  auto entries = wallet.list();
  if (!entries) return entries.error();
  std::vector<IdentityMetadata> readable;
  for (auto& e : *entries)
    if (e.metadata) readable.push_back(*e.metadata);
  if (readable.size() == 1) return readable.front();
  if (readable.empty())
    return make_error(Errc::not_found, "the wallet " + wallet.dir().string() +
                                           " holds no identity; create one with `pv id create "
                                           "--name NAME` or point --wallet / PV_WALLET at yours");
  std::string names;
  for (const auto& m : readable) names += (names.empty() ? "" : ", ") + m.name;
  return make_error(Errc::invalid_argument, "the wallet holds several identities (" + names +
                                                "); say which one acts with --as NAME (or PV_AS)");
}

std::string signer_error_hint(const IdentityMetadata& m) {
  return "; if it was rotated on another device, import that device's backup (`pv id import`), "
         "or take the DID back with `pv id recover " +
         m.name + "`";
}

}  // namespace

std::uint64_t unix_micros() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::microseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

std::uint64_t unix_millis() {
  return unix_micros() / 1000;
}

std::string default_wallet_dir() {
  std::string dir = config_dir();
  return dir == "." ? "./pv-wallet" : dir + "/wallet";
}

void add_wallet_options(CLI::App& cmd, ActingOptions& options) {
  options.wallet = default_wallet_dir();
  cmd.add_option("--wallet", options.wallet, "wallet directory")
      ->envname("PV_WALLET")
      ->capture_default_str();
  cmd.add_option("--passphrase-file", options.passphrase_file,
                 "read the wallet passphrase from the first line of FILE (else PV_PASSPHRASE, "
                 "else a prompt)")
      ->envname("PV_PASSPHRASE_FILE");
}

void add_acting_options(CLI::App& cmd, ActingOptions& options) {
  add_wallet_options(cmd, options);
  cmd.add_option("--as", options.as,
                 "the identity that acts: its local name or its DID (default: the wallet's only "
                 "identity)")
      ->envname("PV_AS");
}

Result<KdfParams> kdf_from_environment() {
  const char* kdf = std::getenv("PV_WALLET_KDF");
  if (kdf == nullptr || *kdf == '\0') return KdfParams::moderate();
  std::string k = kdf;
  if (k == "interactive") return KdfParams::interactive();
  if (k == "moderate") return KdfParams::moderate();
  return make_error(
      Errc::invalid_argument,
      "PV_WALLET_KDF must be \"moderate\" (default) or \"interactive\", got \"" + k + "\"");
}

Result<Wallet> open_wallet(const ActingOptions& options) {
  WalletOptions wo;
  auto kdf = kdf_from_environment();
  if (!kdf) return kdf.error();
  wo.kdf = *kdf;
  auto wallet = Wallet::open(options.wallet, wo);
  if (!wallet)
    return make_error(wallet.error().code,
                      wallet.error().message + "; pass --wallet DIR or set PV_WALLET");
  return wallet;
}

namespace {

// Passphrases typed at the terminal in this process, by identity: a command that unlocks an
// identity and then its pseudonym store (cli/record_holder.hpp) asks once. Wiped at exit.
std::map<std::string, Passphrase>& typed_passphrases() {
  static std::map<std::string, Passphrase> typed;
  return typed;
}

}  // namespace

Result<Passphrase> wallet_passphrase(const ActingOptions& options, const std::string& identity_name,
                                     bool confirm) {
  PassphraseRequest req;
  if (!options.passphrase_file.empty()) req.file = options.passphrase_file;
  req.confirm = confirm;
  req.prompt = "Passphrase for " + identity_name + ": ";
  const bool from_terminal = !req.file && std::getenv(req.env_var) == nullptr;
  auto& typed = typed_passphrases();
  if (from_terminal && !confirm)
    if (auto it = typed.find(identity_name); it != typed.end())
      return Passphrase(std::string(it->second.view()));
  auto passphrase = read_passphrase(req);
  if (passphrase && from_terminal)
    typed.insert_or_assign(identity_name, Passphrase(std::string(passphrase->view())));
  return passphrase;
}

std::optional<std::string> DidPvOnNode::key_id_of(const PublicKey& key) const {
  for (const auto& k : keys)
    if (k.key == key) return k.id;
  return std::nullopt;
}

Result<DidPvOnNode> resolve_did_pv_on_node(api::NodeClient& client, const std::string& did) {
  auto doc = client.resolve_did(did);
  if (!doc)
    return make_error(doc.error().code,
                      "cannot resolve " + did + " on " + client.url() + ": " + doc.error().message);
  auto bad = [&](const std::string& what) {
    return make_error(Errc::malformed, "the node's DID resolution result for " + did + " " + what);
  };
  DidPvOnNode out;
  out.resolution = *doc;
  const auto& meta = (*doc)["didDocumentMetadata"];
  const auto& document = (*doc)["didDocument"];
  if (!meta.is_object() || !document.is_object()) return bad("lacks its document or metadata");
  if (meta.contains("deactivated") && meta["deactivated"].is_boolean())
    out.deactivated = meta["deactivated"].get<bool>();
  if (!meta.contains("versionId") || !meta["versionId"].is_string()) return bad("has no versionId");
  try {
    out.version = std::stoull(meta["versionId"].get<std::string>());
  } catch (const std::exception&) {
    return bad("has a versionId that is not a number");
  }
  const auto& methods = document["verificationMethod"];
  if (methods.is_array()) {
    for (const auto& vm : methods) {
      if (!vm.is_object() || !vm["id"].is_string() || !vm["publicKeyMultibase"].is_string())
        return bad("has a malformed verification method");
      std::string id = vm["id"].get<std::string>();
      auto hash = id.find('#');
      if (hash == std::string::npos || id.substr(0, hash) != did)
        return bad("has a verification method of another DID");
      auto key = parse_ed25519_multibase(vm["publicKeyMultibase"].get<std::string>());
      if (!key) return bad("has a verification method whose key does not decode");
      out.keys.push_back({id.substr(hash + 1), *key});
    }
  }
  return out;
}

Bytes Actor::sign_transaction(const NetworkId& network, TxType type, Bytes payload) const {
  Transaction tx;
  tx.type = type;
  tx.signer = signer_id_;
  tx.nonce = unix_micros();
  tx.created_ms = unix_millis();
  tx.payload = std::move(payload);
  tx.signature = active_.sign(signing_message(network, tx));
  return encode_transaction(tx);
}

Result<Actor> unlock_actor(const ActingOptions& options, const std::string& name_or_did,
                           api::NodeClient* client) {
  crypto_init();
  auto wallet = open_wallet(options);
  if (!wallet) return wallet.error();
  auto identity = pick_identity(*wallet, name_or_did);
  if (!identity) return identity.error();
  auto passphrase = wallet_passphrase(options, identity->name);
  if (!passphrase) return passphrase.error();
  auto secrets = wallet->unlock(identity->name, passphrase->view());
  if (!secrets) {
    if (secrets.error().code == Errc::unauthorized)
      return make_error(Errc::unauthorized,
                        secrets.error().message +
                            "; check PV_PASSPHRASE / --passphrase-file (the wallet cannot tell a "
                            "wrong passphrase from an edited file)");
    return secrets.error();
  }
  // find() read the metadata before unlock() authenticated the file: if the file was rewritten
  // in between (a rotation elsewhere), the keys no longer match and we refuse.
  PV_TRY(check_secrets_match(*identity, *secrets));
  auto& metadata = identity;
  if (metadata->method == DidMethod::key) {
    SigningKey active = secrets->current;
    return Actor(*metadata, std::move(*secrets), metadata->did, std::move(active));
  }

  if (client == nullptr)
    return make_error(Errc::invalid_argument,
                      metadata->name + " is a did:pv identity: acting as it needs a node");
  auto state = resolve_did_pv_on_node(*client, metadata->did);
  if (!state) return state.error();
  if (state->deactivated)
    return make_error(Errc::forbidden, metadata->did + " (" + metadata->name +
                                           ") is deactivated: it can no longer sign anything");
  // The current key; else a device key the document lists (a rotation or recovery that was
  // interrupted after the ledger committed it, see cli/id_ledger.hpp).
  std::vector<const SigningKey*> candidates{&secrets->current};
  for (const auto& d : secrets->devices) candidates.push_back(&d);
  for (const SigningKey* k : candidates) {
    auto key_id = state->key_id_of(k->public_key());
    if (!key_id) continue;
    SigningKey active = *k;
    std::string signer = metadata->did + "#" + *key_id;
    return Actor(*metadata, std::move(*secrets), std::move(signer), std::move(active));
  }
  return make_error(Errc::forbidden, "the current key of " + metadata->name +
                                         " is not an active key of " + metadata->did +
                                         signer_error_hint(*metadata));
}

Result<Actor> act_as(const ActingOptions& options, api::NodeClient& client) {
  auto actor = unlock_actor(options, options.as, &client);
  if (!actor) return actor.error();
  actor->sign_requests_of(client);
  return actor;
}

}  // namespace pv::cli
