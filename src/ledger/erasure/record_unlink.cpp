#include "ledger/erasure/record_unlink.hpp"

#include <algorithm>

#include "ledger/consent_evm.hpp"
#include "ledger/emergency_state.hpp"
#include "ledger/erasure/access_unlink.hpp"
#include "ledger/record_key_envelope.hpp"

namespace pv {
namespace {

// Removes the record's key grant (and, for a records consent, the record itself) from one
// consent. Returns whether the consent named the record; one whose records list named it is
// added to `listing` (the consent contract marked the record covered by it).
Result<bool> strip_consent(StateOverlay& state, const ConsentId& id, const RecordId& record,
                           const std::string& patient, UnlinkCounts& counts,
                           std::vector<ConsentId>& listing) {
  auto loaded = load_consent(state, id);
  if (!loaded) return loaded.error();
  if (!*loaded) return false;  // already removed by an earlier erasure
  ConsentState c = std::move(**loaded);
  auto& keys = c.grant.record_keys;
  auto& records = c.grant.records;
  const std::size_t keys_before = keys.size(), records_before = records.size();
  for (const auto& k : keys)
    if (k.record == record && !k.key_envelope.empty())
      counts.key_envelopes.push_back(k.key_envelope);
  keys.erase(std::remove_if(keys.begin(), keys.end(),
                            [&](const RecordKeyGrant& k) { return k.record == record; }),
             keys.end());
  records.erase(std::remove(records.begin(), records.end(), record), records.end());
  if (keys.size() == keys_before && records.size() == records_before) return false;
  if (records.size() != records_before) listing.push_back(id);
  counts.key_slots += static_cast<std::uint32_t>(keys_before - keys.size());
  if (c.grant.scope == ScopeKind::records && records.empty()) {
    // A records consent for nothing: it goes, and so do its entries in the patient's, the
    // grantee's and the pair's lists (the grantee's list would link grantee and record).
    state.erase(consent_state_key(id));
    counts.index_entries += static_cast<std::uint32_t>(
        index_remove(state, index_key("con-patient", {patient}), id) +
        index_remove(state, index_key("con-grantee", {c.grant.grantee}), id) +
        index_remove(state, index_key("con-pair", {patient, c.grant.grantee}), id));
    ++counts.consents_removed;
    counts.removed_consents.push_back(id);
    return true;
  }
  state.put(consent_state_key(id), encode_consent_state(c));
  return true;
}

Status remove_emergency_events(StateOverlay& state, const RecordId& record, UnlinkCounts& counts) {
  auto events = index_read(state, emergency_events_list());
  if (!events) return events.error();
  for (const auto& event : *events) {
    auto e = load_emergency_event(state, event);
    if (!e) return e.error();
    if (!*e || (*e)->record != record) continue;
    state.erase(emergency_event_state_key(event));
    for (std::uint8_t share = 1; share <= kMaxCustodians; ++share) {
      const std::string key = emergency_release_state_key(event, share);
      auto held = state.get(key);
      if (!held) continue;
      // A version-2 release's re-sealed share is in a key envelope: erased with the record.
      auto released = decode_emergency_release_state(*held);
      if (!released) return released.error();
      if (!released->release.sealed_envelope.empty())
        counts.key_envelopes.push_back(released->release.sealed_envelope);
      state.erase(key);
      ++counts.key_slots;
    }
    counts.index_entries +=
        static_cast<std::uint32_t>(index_remove(state, emergency_events_list(), event));
  }
  return Status::ok();
}

}  // namespace

Result<UnlinkCounts> unlink_record(StateOverlay& state, const RecordId& record,
                                   const RecordState& r, std::uint64_t height,
                                   std::uint64_t time_ms) {
  UnlinkCounts counts;
  const std::string& patient = r.anchor.patient;
  // The anchor's own key slots: patient, author, category wrap, emergency shares.
  counts.key_slots += 2 + (category_epoch_of(r.anchor) != 0 ? 1 : 0) +
                      static_cast<std::uint32_t>(emergency_share_count(r.anchor));
  if (has_key_envelope(r.anchor)) counts.key_envelopes.push_back(r.anchor.key_envelope);
  state.erase(record_state_key(record));
  counts.index_entries +=
      static_cast<std::uint32_t>(index_remove(state, index_key("rec-patient", {patient}), record));
  auto consents = index_read(state, index_key("con-patient", {patient}));
  if (!consents) return consents.error();
  std::vector<ConsentId> listing;
  for (const auto& id : *consents) {
    auto stripped = strip_consent(state, id, record, patient, counts, listing);
    if (!stripped) return stripped.error();
  }
  PV_TRY(remove_emergency_events(state, record, counts));
  auto accesses = unlink_access_events(state, record, patient);
  if (!accesses) return accesses.error();
  counts.index_entries += static_cast<std::uint32_t>(*accesses);
  // The contract's copy: records[record] (patient, author, category) and covers[c][record].
  auto forgot = forget_record_in_contract(state, record, listing, counts.removed_consents,
                                          height, time_ms);
  if (!forgot) return forgot.error();
  return counts;
}

}  // namespace pv
