#include "cli/consent_writer.hpp"

#include <sodium.h>

#include <algorithm>

#include "cli/consent_keys.hpp"
#include "cli/emergency_views.hpp"
#include "cli/record_content.hpp"
#include "cli/record_views.hpp"
#include "identity/emergency_shares.hpp"
#include "ledger/record_key_envelope.hpp"

namespace pv::cli {

Result<RecordAnchor> build_record_anchor(api::NodeClient& client, const Actor& author,
                                         const RecordPlan& plan, const SecretKey32& data_key) {
  auto patient_key = recipient_key_of(client, plan.patient);
  if (!patient_key) return patient_key.error();
  RecordAnchor a;
  a.patient = plan.patient;
  a.organization = plan.organization;
  a.cid = plan.cid;
  a.commitment = plan.commitment;
  a.category = plan.category;
  a.media_type = plan.media_type;
  a.size = plan.size;
  auto for_patient = wrap_for(data_key, *patient_key);
  auto for_author = wrap_for(data_key, author.key().public_key());
  if (!for_patient) return for_patient.error();
  if (!for_author) return for_author.error();
  a.for_patient = *for_patient;
  a.for_author = *for_author;
  auto category_key = fetch_category_key(client, plan.patient, plan.category);
  if (!category_key) return category_key.error();
  if (*category_key) {
    auto sealed = seal_key(data_key, (*category_key)->public_key);
    if (!sealed) return sealed.error();
    a.for_category = CategoryWrap{(*category_key)->epoch, (*category_key)->public_key, *sealed};
  }
  // The patient's emergency policy: split the key among its custodians (docs/consent.md 8.2).
  auto policy = fetch_emergency_policy(client, plan.patient);
  if (!policy) return policy.error();
  if (*policy) {
    std::vector<PublicKey> custodian_keys;
    for (const auto& c : (*policy)->custodians) {
      auto key = recipient_key_of(client, c);
      if (!key)
        return make_error(key.error().code,
                          "emergency custodian " + c + ": " + key.error().message);
      custodian_keys.push_back(*key);
    }
    auto shares =
        split_for_custodians(data_key, (*policy)->epoch, (*policy)->threshold, custodian_keys);
    if (!shares) return shares.error();
    a.emergency = std::move(*shares);
  }
  // Version 2: the keys go to the node in a key envelope, never into the transaction, so that
  // erasing the record leaves none of them in the ledger or the orderer (docs/erasure.md).
  auto envelope = upload_raw_blocks(client, {encode_record_key_envelope(a)});
  if (!envelope)
    return make_error(envelope.error().code,
                      "uploading the record's key envelope: " + envelope.error().message);
  return enveloped_anchor(std::move(a), std::move(envelope->front()));
}

namespace {

// The patient's secret of the category key now on the ledger; publishes epoch 1 (appending its
// transaction to `txs`) when there is none.
Result<std::pair<std::uint32_t, X25519KeyPair>> current_category_secret(api::NodeClient& client,
                                                                        const Actor& patient,
                                                                        const NetworkId& network,
                                                                        const std::string& category,
                                                                        std::vector<Bytes>& txs) {
  auto current = fetch_category_key(client, patient.did(), category);
  if (!current) return current.error();
  if (*current) {
    auto pair = own_category_key(patient, category, (*current)->epoch, (*current)->public_key);
    if (!pair) return pair.error();
    return std::pair{(*current)->epoch, std::move(*pair)};
  }
  auto pair = derive_category_key(patient.key(), category, 1);
  if (!pair) return pair.error();
  CategoryKeyUpdate first;
  first.category = category;
  first.epoch = 1;
  first.public_key = pair->public_key();
  txs.push_back(
      patient.sign_transaction(network, kTxTypeCategoryKey, encode_category_key_update(first)));
  return std::pair{1u, std::move(*pair)};
}

}  // namespace

Result<std::vector<Bytes>> build_grant(api::NodeClient& client, const Actor& patient,
                                       const NetworkId& network, GrantPlan plan) {
  auto grantee_key = recipient_key_of(client, plan.grantee);
  if (!grantee_key) return grantee_key.error();
  std::vector<Bytes> txs;
  ConsentGrant g;
  g.grantee_kind = plan.grantee_kind;
  g.grantee = plan.grantee;
  g.actions = plan.actions;
  std::sort(plan.purposes.begin(), plan.purposes.end());
  plan.purposes.erase(std::unique(plan.purposes.begin(), plan.purposes.end()), plan.purposes.end());
  g.purposes = plan.purposes;
  g.not_before_ms = plan.not_before_ms;
  g.not_after_ms = plan.not_after_ms;

  // The data key of `record`, opened with the patient's key and sealed to the grantee.
  auto rewrap = [&](const RecordView& record) -> Result<RecordKeyGrant> {
    if (record.patient != patient.did())
      return make_error(Errc::forbidden, "record " + record.id.hex() + " belongs to " +
                                             record.patient + ", not to " + patient.did());
    auto data_key = open_wrapped(patient, record.for_patient);
    if (!data_key) return data_key.error();
    auto wrapped = wrap_for(*data_key, *grantee_key);
    sodium_memzero(data_key->data(), data_key->size());
    if (!wrapped) return wrapped.error();
    return RecordKeyGrant{record.id, *wrapped, {}};
  };

  if (!plan.records.empty()) {
    g.scope = ScopeKind::records;
    std::sort(plan.records.begin(), plan.records.end());
    plan.records.erase(std::unique(plan.records.begin(), plan.records.end()), plan.records.end());
    g.records = plan.records;
    for (const auto& id : g.records) {
      auto record = fetch_record(client, id);
      if (!record) return record.error();
      auto k = rewrap(*record);
      if (!k) return k.error();
      g.record_keys.push_back(*k);
    }
  } else {
    g.scope = ScopeKind::category;
    g.category = plan.category;
    auto secret = current_category_secret(client, patient, network, plan.category, txs);
    if (!secret) return secret.error();
    g.category_epoch = secret->first;
    auto wrapped = wrap_for(secret->second.secret(), *grantee_key);
    if (!wrapped) return wrapped.error();
    g.category_secret = *wrapped;
    // Records of the category anchored before it had a key carry no category wrap: give the
    // grantee their keys directly.
    auto records = fetch_patient_records(client, patient.did(), plan.category);
    if (!records) return records.error();
    for (const auto& r : *records) {
      if (r.for_category || g.record_keys.size() >= kMaxConsentRecords) continue;
      auto k = rewrap(r);
      if (!k) return k.error();
      g.record_keys.push_back(*k);
    }
    std::sort(g.record_keys.begin(), g.record_keys.end(),
              [](const auto& a, const auto& b) { return a.record < b.record; });
  }
  // Version 2: each record's key for the grantee goes to the node in a key envelope of its own,
  // so erasing one record removes its key and leaves the others (docs/erasure.md).
  std::vector<Bytes> envelopes;
  for (const auto& k : g.record_keys)
    envelopes.push_back(encode_grant_key_envelope(k.record, k.key));
  auto cids = upload_raw_blocks(client, envelopes);
  if (!cids)
    return make_error(cids.error().code,
                      "uploading the grant's key envelopes: " + cids.error().message);
  for (std::size_t i = 0; i < g.record_keys.size(); ++i) {
    g.record_keys[i].key_envelope = std::move((*cids)[i]);
    g.record_keys[i].key = WrappedKey{};
  }
  txs.push_back(patient.sign_transaction(network, kTxTypeConsentGrant, encode_consent_grant(g)));
  return txs;
}

Bytes build_revoke(const Actor& patient, const NetworkId& network, const ConsentId& consent) {
  return patient.sign_transaction(network, kTxTypeConsentRevoke,
                                  encode_consent_revoke(ConsentRevoke{consent}));
}

Result<std::optional<Bytes>> build_rotation(api::NodeClient& client, const Actor& patient,
                                            const NetworkId& network, const std::string& category) {
  auto current = fetch_category_key(client, patient.did(), category);
  if (!current) return current.error();
  if (!*current) return std::optional<Bytes>();
  const std::uint32_t epoch = (*current)->epoch + 1;
  auto pair = derive_category_key(patient.key(), category, epoch);
  if (!pair) return pair.error();
  CategoryKeyUpdate next;
  next.category = category;
  next.epoch = epoch;
  next.public_key = pair->public_key();
  auto consents = fetch_bundle(
      client, "/v1/patients/" + patient.did() + "/consents?active=true&category=" + category);
  if (!consents) return consents.error();
  for (const auto& resource : *consents) {
    auto c = parse_consent_resource(resource);
    if (!c) return c.error();
    auto key = recipient_key_of(client, c->grantee);
    if (!key) return key.error();
    auto wrapped = wrap_for(pair->secret(), *key);
    if (!wrapped) return wrapped.error();
    next.grants.push_back({c->id, *wrapped});
  }
  std::sort(next.grants.begin(), next.grants.end(),
            [](const auto& a, const auto& b) { return a.consent < b.consent; });
  return std::optional<Bytes>(
      patient.sign_transaction(network, kTxTypeCategoryKey, encode_category_key_update(next)));
}

}  // namespace pv::cli
