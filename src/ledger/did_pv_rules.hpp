#pragma once
// The did:pv operations as transaction types (docs/did-pv.md): create (10), update (11: add,
// remove or rotate device keys, or deactivate, signed by a current device key) and recover (12:
// signed by the offline recovery key that the document commits to).
//
// State: "did/<did>" holds the current document record; "didv/<did>/<version, 16 hex>" every
// version ever written, so past versions resolve without a replay.

#include <string>
#include <vector>

#include "ledger/tx_registry.hpp"

namespace pv {

inline constexpr TxType kTxTypeDidCreate = 10;
inline constexpr TxType kTxTypeDidUpdate = 11;
inline constexpr TxType kTxTypeDidRecover = 12;
inline constexpr std::size_t kMaxDidKeys = 16;

struct DidKeyEntry {
  std::string id;  // "key-1"
  PublicKey key;
  friend bool operator==(const DidKeyEntry&, const DidKeyEntry&) = default;
};

struct DidRecord {
  std::uint64_t version = 0;
  bool deactivated = false;
  std::uint64_t created_ms = 0, updated_ms = 0;
  std::vector<DidKeyEntry> keys;
  Hash32 recovery_commitment;  // SHA-256 of the recovery public key
  TxId last_tx;
};

enum class DidUpdateOp : std::uint8_t { add_key = 1, remove_key = 2, rotate = 3, deactivate = 4 };
enum class DidRecoverAction : std::uint8_t { replace_keys = 1, deactivate = 2 };

struct DidCreate {
  std::vector<DidKeyEntry> keys;
  Hash32 recovery_commitment;
};
struct DidUpdate {
  std::uint64_t previous_version = 0;
  DidUpdateOp op = DidUpdateOp::add_key;
  std::vector<DidKeyEntry> keys;  // add: one; rotate: the new set
  std::string key_id;             // remove
};
struct DidRecover {
  std::string did;
  std::uint64_t previous_version = 0;
  PublicKey recovery_key;  // must hash to the document's commitment
  DidRecoverAction action = DidRecoverAction::replace_keys;
  std::vector<DidKeyEntry> keys;
  Hash32 next_recovery_commitment;
};

Bytes encode_did_create(const DidCreate& c);
[[nodiscard]] Result<DidCreate> decode_did_create(ByteView b);
Bytes encode_did_update(const DidUpdate& u);
[[nodiscard]] Result<DidUpdate> decode_did_update(ByteView b);
Bytes encode_did_recover(const DidRecover& r);
[[nodiscard]] Result<DidRecover> decode_did_recover(ByteView b);

Bytes encode_did_record(const DidRecord& r);
[[nodiscard]] Result<DidRecord> decode_did_record(ByteView b);
std::string did_state_key(const std::string& did);
std::string did_version_state_key(const std::string& did, std::uint64_t version);
// The current record of `did`; Errc::not_found if it was never created.
[[nodiscard]] Result<DidRecord> load_did_record(const StateView& state, const std::string& did);

// Registers the three types.
[[nodiscard]] Status add_did_pv_rules(TxRegistry& registry);

}  // namespace pv
