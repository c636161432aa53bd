#pragma once
// A consented read as the node performs it (docs/consent.md, "The contract" and "Access
// events"): decide at the current height with the consent contract, write the decision to the
// ledger as an access event signed by this node's key, and only once that event is committed
// hand back what the reader is served (the record's CID and the one wrapped key it can open).
//
// Invariant (DESIGN.md 6): every decision this returns, permit or refusal, is on the ledger
// first. If the event cannot be committed the read fails and nothing is served.

#include <chrono>
#include <memory>
#include <optional>

#include "ledger/consent_contract.hpp"
#include "node/node.hpp"

namespace pv {

// The node's committed state as the contract's StateView.
class NodeStateView final : public StateView {
 public:
  explicit NodeStateView(Node& node) : node_(node) {}
  std::optional<Bytes> get(const std::string& key) const override { return node_.read_state(key); }

 private:
  Node& node_;
};

struct RecordAccessResult {
  AccessDecision decision;
  std::uint64_t decided_height = 0;  // the height whose state the decision read
  TxId event;                        // the access-event transaction
  CommittedTx event_committed;       // where it sits in the ledger
  // Permitted: the CID and the reader's wrap. Unset on refusal; on a permit it can still be
  // unset when the ledger holds no key this reader can open (`keys_problem` says why).
  std::optional<ReaderKeys> keys;
  std::string keys_problem;
};

class RecordAccess {
 public:
  // `contract` defaults to the consent contract on the EVM (ledger/consent_evm.hpp). `node` must
  // outlive this.
  explicit RecordAccess(Node& node, std::shared_ptr<const ConsentContract> contract = nullptr,
                        std::chrono::milliseconds commit_timeout = std::chrono::seconds(10));

  // Where the keys of version-2 anchors and grants are read (ledger/record_key_envelope.hpp):
  // the node's content store. Without it such keys are not served (`keys_problem` says why).
  void read_key_envelopes_with(KeyEnvelopeReader read) { read_envelope_ = std::move(read); }

  // Decides `request` (its time_ms is set here, from this node's clock), writes the access
  // event and waits for it to commit. Errors: the event could not be submitted or did not
  // commit as valid in time (Errc::unavailable), which means nothing may be served.
  //
  // `emergency_credential`: a break-glass claim (node/emergency_claim.hpp), checked here at the
  // same state the decision reads. A credential that fails is no claim: the read is decided
  // without it, and a refusal names what failed in the credential.
  [[nodiscard]] Result<RecordAccessResult> read(
      AccessRequest request, std::optional<std::string> emergency_credential = std::nullopt);

 private:
  Node& node_;
  std::shared_ptr<const ConsentContract> contract_;
  std::chrono::milliseconds commit_timeout_;
  KeyEnvelopeReader read_envelope_;
};

}  // namespace pv
