#pragma once
// The custodian's side of emergency access (docs/consent.md section 8.3): before releasing its
// share of a record to an emergency reader, a custodian organization checks, without trusting
// the node, that the access event is in the log under a signed checkpoint, committed valid,
// permitted with basis emergency for ETREAT, and that the record anchor (with the shares) is in
// the log too; it opens its own share with its own key and seals it, with the event id, to the
// reader. The release is a ledger transaction (type 36) signed by the custodian.

#include <chrono>
#include <nlohmann/json.hpp>

#include "cli/acting.hpp"
#include "ledger/emergency_payloads.hpp"

namespace pv::cli {

struct ShareRelease {
  TxId event;
  RecordId record;
  std::string patient, reader, reader_organization;
  std::uint8_t share = 0;
  bool already_released = false;  // this custodian's share was released before; nothing sent
  TxId tx;                        // the release transaction (when sent)
  std::uint64_t height = 0;
  nlohmann::json proof;  // {"accessEvent": summary, "record": summary}
};

// Releases `custodian`'s share for emergency access `event`. Errors: the event is no emergency
// access, its window closed, the custodian holds no share of the record (Errc::forbidden /
// not_found); a proof or the node's answer does not check out (Errc::corruption, do not trust
// the node); the ledger refused the release.
[[nodiscard]] Result<ShareRelease> release_emergency_share(
    api::NodeClient& client, const Actor& custodian, const NetworkId& network, const TxId& event,
    const std::string& checkpoint_key, std::chrono::milliseconds timeout);

}  // namespace pv::cli
