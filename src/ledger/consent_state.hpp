#pragma once
// Records, consents, category keys and access events as the ledger state holds them
// (docs/consent.md, "State"). Written only by the rules in ledger/consent_rules.hpp; read by
// them, by the consent contract and by the node's read routes.
//
// State keys (ids in lower-case hex, sequence numbers as 16 hex digits):
//   "rec/<record id>"                  RecordState
//   "con/<consent id>"                 ConsentState
//   "catkey/<patient>/<category>"      CategoryKeyState (the current epoch)
//   "catkeyv/<patient>/<category>/<epoch, 8 hex>"  CategoryKeyState of every epoch
//   "catsec/<consent id>/<epoch, 8 hex>"  WrappedKey: that epoch's category secret for the grantee
//   "ix/<index>/<owner...>"            u64 count of an append-only list
//   "ix/<index>/<owner...>/<seq>"      its entries (32-byte ids), seq from 0; an empty value is
//                                      a removed entry (erasure, docs/erasure.md): the count and
//                                      the other entries' numbers stay, the id is gone
// Lists: rec-patient/<patient>, con-patient/<patient>, con-grantee/<grantee>,
// con-pair/<patient>/<grantee>, con-category/<patient>/<category>, acc-patient/<patient>,
// acc-reader/<reader>, acc-record/<record id hex> (access-event transaction ids; acc-record only
// for anchored records: the erasure finds the record's entries in acc-patient through it).

#include <optional>
#include <string>
#include <vector>

#include "ledger/consent_payloads.hpp"

namespace pv {

struct RecordState {
  RecordAnchor anchor;
  std::string author;         // the signer's DID (without key fragment)
  std::uint64_t height = 0;   // block that anchored it
  std::uint64_t time_ms = 0;  // that block's time
};

struct ConsentState {
  ConsentGrant grant;
  std::string patient;  // the signer's DID
  std::uint64_t height = 0, time_ms = 0;
  bool revoked = false;
  std::uint64_t revoked_height = 0, revoked_time_ms = 0;
};

struct CategoryKeyState {
  std::uint32_t epoch = 0;
  FixedBytes<32> public_key;
  std::uint64_t height = 0;
};

std::string record_state_key(const RecordId& id);
std::string consent_state_key(const ConsentId& id);
std::string category_key_state_key(const std::string& patient, const std::string& category);
std::string category_key_version_state_key(const std::string& patient, const std::string& category,
                                           std::uint32_t epoch);
std::string category_secret_state_key(const ConsentId& consent, std::uint32_t epoch);

Bytes encode_record_state(const RecordState& r);
[[nodiscard]] Result<RecordState> decode_record_state(ByteView b);
Bytes encode_consent_state(const ConsentState& c);
[[nodiscard]] Result<ConsentState> decode_consent_state(ByteView b);
Bytes encode_category_key_state(const CategoryKeyState& k);
[[nodiscard]] Result<CategoryKeyState> decode_category_key_state(ByteView b);

// nullopt when absent; Errc::corruption when present and undecodable.
[[nodiscard]] Result<std::optional<RecordState>> load_record(const StateView& state,
                                                             const RecordId& id);
[[nodiscard]] Result<std::optional<ConsentState>> load_consent(const StateView& state,
                                                               const ConsentId& id);
[[nodiscard]] Result<std::optional<CategoryKeyState>> load_category_key(
    const StateView& state, const std::string& patient, const std::string& category,
    std::optional<std::uint32_t> epoch = {});

// Append-only id lists in state.
std::string index_key(std::string_view index, std::initializer_list<std::string_view> owners);
void index_append(StateOverlay& state, const std::string& list, const Hash32& id);
// Removes every entry equal to `id` from `list` by emptying its slot; returns how many.
std::uint64_t index_remove(StateOverlay& state, const std::string& list, const Hash32& id);
// Removes every entry of `list` found in `ids` in one pass; returns how many.
std::uint64_t index_remove_all(StateOverlay& state, const std::string& list,
                               const std::vector<Hash32>& ids);
// Deletes the list: its count and every entry.
void index_delete(StateOverlay& state, const std::string& list);
// Every entry of `list`, oldest first (at most `limit`, from entry `from`); removed entries are
// skipped (a page may then hold fewer than `limit`).
[[nodiscard]] Result<std::vector<Hash32>> index_read(const StateView& state,
                                                     const std::string& list,
                                                     std::uint64_t from = 0,
                                                     std::uint64_t limit = UINT64_MAX);
std::uint64_t index_size(const StateView& state, const std::string& list);

// A consent is in force at `time_ms` when not revoked and not_before <= time_ms < not_after.
bool consent_in_force(const ConsentState& c, std::uint64_t time_ms);

}  // namespace pv
