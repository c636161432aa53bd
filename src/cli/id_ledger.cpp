#include "cli/id_ledger.hpp"

#include <filesystem>

#include "cli/acting.hpp"
#include "codec/did_key.hpp"
#include "codec/did_pv.hpp"
#include "ledger/did_pv_rules.hpp"

namespace pv::cli {
namespace {

Bytes signed_tx(const NetworkId& network, const std::string& signer, const SigningKey& key,
                TxType type, Bytes payload) {
  Transaction tx;
  tx.type = type;
  tx.signer = signer;
  tx.nonce = unix_micros();
  tx.created_ms = unix_millis();
  tx.payload = std::move(payload);
  tx.signature = key.sign(signing_message(network, tx));
  return encode_transaction(tx);
}

// Requests that no DID key can sign yet (a DID being created, a DID whose device keys are
// lost) are signed by the new key as a did:key: the node learns which key asks.
void sign_requests_as_did_key(api::NodeClient& client, const SigningKey& key) {
  client.set_signer(api::RequestSigner{key, did_key_from_public_key(key.public_key())});
}

std::string next_key_id(std::uint64_t version) {
  return "key-" + std::to_string(version + 1);
}

// Stores `extra` keys next to the identity's keys (as device keys) before they go to the ledger.
Result<IdentityMetadata> stage_keys(DidPvSession& s, const IdentityMetadata& identity,
                                    const IdentitySecrets& secrets,
                                    const std::vector<SigningKey>& extra) {
  IdentitySecrets staged{secrets.current, secrets.devices, secrets.recovery};
  for (const auto& k : extra) staged.devices.push_back(k);
  return s.wallet.replace_keys(identity.name, s.passphrase, staged);
}

Error with_context(const Error& e, const std::string& what) {
  return make_error(e.code, what + ": " + e.message);
}

}  // namespace

Result<IdentityMetadata> create_did_pv(DidPvSession& s, std::string_view name) {
  const NetworkId network = s.network;
  auto assign = [&network](const IdentityMetadata& m) -> Result<std::string> {
    DidCreate create{{{"key-1", m.current_key}}, sha256(m.recovery_key->view())};
    return did_pv_from_create(network, encode_did_create(create));
  };
  auto made = s.wallet.create(name, DidMethod::pv, s.passphrase, assign);
  if (!made) return made.error();
  auto secrets = s.wallet.unlock(name, s.passphrase);
  Result<CommittedTx> committed = make_error(Errc::internal, "not submitted");
  if (secrets) {
    DidCreate create{{{"key-1", made->current_key}}, sha256(made->recovery_key->view())};
    sign_requests_as_did_key(s.client, secrets->current);
    committed =
        s.client.submit_and_commit(signed_tx(s.network, made->did + "#key-1", secrets->current,
                                             kTxTypeDidCreate, encode_did_create(create)),
                                   s.timeout);
  }
  if (!secrets || !committed) {
    // The keys never controlled anything on the ledger: drop the file so the name can be reused.
    std::error_code ec;
    std::filesystem::remove(s.wallet.path_of(name), ec);
    return with_context(secrets ? committed.error() : secrets.error(),
                        "creating " + made->did + " on the ledger failed");
  }
  return made;
}

// The DID's current state and the id of the wallet's current key in it.
struct SigningState {
  DidPvOnNode state;
  std::string signer;  // did#key-N
};

Result<SigningState> current_signing_state(DidPvSession& s, const IdentityMetadata& identity,
                                           const IdentitySecrets& secrets, const char* doing) {
  auto state = resolve_did_pv_on_node(s.client, identity.did);
  if (!state) return state.error();
  if (state->deactivated)
    return make_error(Errc::forbidden,
                      identity.did + " is deactivated; it cannot " + std::string(doing));
  auto key_id = state->key_id_of(secrets.current.public_key());
  if (!key_id)
    return make_error(Errc::forbidden,
                      "the wallet's current key is not an active key of " + identity.did +
                          "; take the DID back with `pv id recover " + identity.name + "`");
  std::string signer = identity.did + "#" + *key_id;
  return SigningState{std::move(*state), std::move(signer)};
}

Status deactivate_did_pv(DidPvSession& s, const IdentityMetadata& identity,
                         const IdentitySecrets& secrets) {
  auto st = current_signing_state(s, identity, secrets, "be deactivated again");
  if (!st) return st.error();
  DidUpdate update{st->state.version, DidUpdateOp::deactivate, {}, {}};
  s.client.set_signer(api::RequestSigner{secrets.current, st->signer});
  auto committed =
      s.client.submit_and_commit(signed_tx(s.network, st->signer, secrets.current, kTxTypeDidUpdate,
                                           encode_did_update(update)),
                                 s.timeout);
  if (!committed)
    return with_context(committed.error(), "deactivating " + identity.did + " failed");
  return Status::ok();
}

Result<IdentityMetadata> rotate_did_pv(DidPvSession& s, const IdentityMetadata& identity,
                                       const IdentitySecrets& secrets) {
  auto st = current_signing_state(s, identity, secrets, "rotate");
  if (!st) return st.error();
  const DidPvOnNode& state = st->state;
  const std::string& signer = st->signer;
  SigningKey fresh = SigningKey::generate();
  auto staged = stage_keys(s, identity, secrets, {fresh});
  if (!staged) return staged.error();

  DidUpdate update{
      state.version, DidUpdateOp::rotate, {{next_key_id(state.version), fresh.public_key()}}, {}};
  s.client.set_signer(api::RequestSigner{secrets.current, signer});
  auto committed = s.client.submit_and_commit(
      signed_tx(s.network, signer, secrets.current, kTxTypeDidUpdate, encode_did_update(update)),
      s.timeout);
  if (!committed) {
    Status reverted = s.wallet.replace_keys(identity.name, s.passphrase, secrets).status();
    (void)reverted;  // the staged key is harmless if it stays
    return with_context(committed.error(), "rotating " + identity.did + " failed");
  }
  return s.wallet.replace_keys(identity.name, s.passphrase,
                               IdentitySecrets{fresh, {}, secrets.recovery});
}

Result<IdentityMetadata> recover_did_pv(DidPvSession& s, const IdentityMetadata& identity,
                                        const IdentitySecrets& secrets) {
  if (!secrets.recovery)
    return make_error(Errc::invalid_argument, identity.name + " has no recovery key");
  auto state = resolve_did_pv_on_node(s.client, identity.did);
  if (!state) return state.error();
  if (state->deactivated)
    return make_error(Errc::forbidden, identity.did + " is deactivated; it cannot be recovered");
  SigningKey device = SigningKey::generate(), next_recovery = SigningKey::generate();
  auto staged = stage_keys(s, identity, secrets, {device, next_recovery});
  if (!staged) return staged.error();

  DidRecover recover{identity.did,
                     state->version,
                     secrets.recovery->public_key(),
                     DidRecoverAction::replace_keys,
                     {{next_key_id(state->version), device.public_key()}},
                     sha256(next_recovery.public_key().view())};
  sign_requests_as_did_key(s.client, device);
  auto committed =
      s.client.submit_and_commit(signed_tx(s.network, identity.did + "#recovery", *secrets.recovery,
                                           kTxTypeDidRecover, encode_did_recover(recover)),
                                 s.timeout);
  if (!committed) {
    Status reverted = s.wallet.replace_keys(identity.name, s.passphrase, secrets).status();
    (void)reverted;
    return with_context(committed.error(), "recovering " + identity.did + " failed");
  }
  return s.wallet.replace_keys(identity.name, s.passphrase,
                               IdentitySecrets{device, {}, next_recovery});
}

}  // namespace pv::cli
