#include "cli/record_holder.hpp"

namespace pv::cli {

Result<PseudonymStore> open_pseudonyms(const ActingOptions& options, const Actor& owner,
                                       bool create) {
  auto wallet = open_wallet(options);
  if (!wallet) return wallet.error();
  auto store =
      PseudonymStore::load(PseudonymStore::path_for(wallet->dir(), owner.name()), owner.did());
  if (!store) return store.error();
  if (store->entries().empty() && !create) return store;
  auto passphrase = wallet_passphrase(options, owner.name(), /*confirm=*/false);
  if (!passphrase) return passphrase.error();
  auto kdf = kdf_from_environment();
  if (!kdf) return kdf.error();
  PV_TRY(store->unlock(passphrase->view(), *kdf));
  return store;
}

Result<Actor> pseudonym_actor(const Actor& owner, const PseudonymStore& store,
                              const std::string& pseudonym_did) {
  auto key = store.key_of(pseudonym_did);
  if (!key) return key.error();
  IdentityMetadata m;
  m.name = owner.name();
  m.did = pseudonym_did;
  m.method = DidMethod::key;
  m.current_key = key->public_key();
  IdentitySecrets secrets{*key, {}, std::nullopt};
  return Actor(std::move(m), std::move(secrets), pseudonym_did, *key);
}

Status learn_pseudonym_records(api::NodeClient& client, const Actor& owner, PseudonymStore& store) {
  bool learnt = false;
  std::vector<std::string> unknown;
  for (const auto& e : store.entries())
    if (e.record.empty()) unknown.push_back(e.did);
  for (const auto& did : unknown) {
    auto actor = pseudonym_actor(owner, store, did);
    if (!actor) return actor.error();
    actor->sign_requests_of(client);
    auto records = fetch_patient_records(client, did);
    owner.sign_requests_of(client);
    if (!records) return records.error();
    if (records->empty()) continue;
    // A pseudonym names one record; a second one (a hospital reused a pool) is still the
    // patient's, found by fetch_held_records, but the cache keeps the first.
    store.set_record(did, records->front().id.hex());
    learnt = true;
  }
  return learnt ? store.save() : Status::ok();
}

Result<std::vector<HeldRecord>> fetch_held_records(api::NodeClient& client, const Actor& owner,
                                                   PseudonymStore& store,
                                                   const std::string& category) {
  std::vector<HeldRecord> out;
  auto own = fetch_patient_records(client, owner.did(), category);
  if (!own) return own.error();
  for (auto& r : *own) out.push_back({std::move(r), owner.did()});
  if (!store.unlocked()) return out;
  PV_TRY(learn_pseudonym_records(client, owner, store));
  for (const auto& e : store.entries()) {
    if (e.record.empty()) continue;
    auto actor = pseudonym_actor(owner, store, e.did);
    if (!actor) return actor.error();
    actor->sign_requests_of(client);
    auto records = fetch_patient_records(client, e.did, category);
    owner.sign_requests_of(client);
    if (!records) return records.error();
    for (auto& r : *records) out.push_back({std::move(r), e.did});
  }
  return out;
}

Result<Actor> holder_of(api::NodeClient& client, const Actor& owner, PseudonymStore& store,
                        const RecordId& record) {
  if (store.unlocked()) {
    if (!store.find_record(record.hex())) {
      // A record under her own DID answers her at once (one request); only otherwise are her
      // unused pseudonyms asked, one request each.
      owner.sign_requests_of(client);
      if (auto own = fetch_record(client, record); own && own->patient == owner.did()) return owner;
      PV_TRY(learn_pseudonym_records(client, owner, store));
    }
    if (const auto* e = store.find_record(record.hex())) {
      auto actor = pseudonym_actor(owner, store, e->did);
      if (!actor) return actor.error();
      actor->sign_requests_of(client);
      return actor;
    }
  }
  owner.sign_requests_of(client);
  return owner;
}

}  // namespace pv::cli
