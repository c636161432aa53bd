#pragma once
// `--verify` for records, consents and access events: each entry a command shows is a ledger
// transaction, and the patient checks here, without trusting the node, that exactly those bytes
// are in the log under a checkpoint signed by the node's checkpoint key (cli/proof_check.hpp).
// The command then compares what it shows with the proven transaction, so a node that lies in
// its JSON views is caught as surely as one that forges a proof.

#include <nlohmann/json.hpp>

#include "cli/proof_check.hpp"
#include "ledger/transaction.hpp"

namespace pv::cli {

struct ProvenTx {
  Transaction tx;          // decoded from the proven bytes
  CheckedInclusion proof;  // log index and the signed checkpoint it was checked against
  nlohmann::json
      summary;  // {"verified": true, "logIndex", "treeSize", "rootHash", "checkpointKeyName"}
};

class LedgerProver {
 public:
  // Trusts `pinned_key_hex` when given (it must match the node's), else the key the node
  // announces (trust on first use, as `pv tx get --proof`).
  [[nodiscard]] static Result<LedgerProver> create(api::NodeClient& client,
                                                   const std::string& pinned_key_hex);

  // Fetches transaction `id` and its inclusion proof and checks both; the transaction must be
  // committed valid and of type `expected_type`.
  [[nodiscard]] Result<ProvenTx> prove(const TxId& id, TxType expected_type);

  const TrustedKey& key() const { return key_; }

 private:
  LedgerProver(api::NodeClient& client, TrustedKey key) : client_(&client), key_(std::move(key)) {}
  api::NodeClient* client_;
  TrustedKey key_;
};

}  // namespace pv::cli
