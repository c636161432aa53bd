#pragma once
// The registry of transaction types. Each type brings its own payload check and its own
// deterministic state transition; the core (executor, committer, API) knows none of them by name.
// Later issues register more types here without touching the core.

#include <functional>
#include <map>
#include <string>

#include "ledger/state.hpp"
#include "ledger/transaction.hpp"

namespace pv {

// What a type's rule sees and may change while one transaction executes.
struct TxContext {
  StateOverlay& state;
  const NetworkId& network;
  const Transaction& tx;
  const TxId& id;
  std::uint64_t height;
  std::uint64_t block_time_ms;
};

struct TxTypeRules {
  TxType type = 0;
  std::string name;  // stable, lower-case, e.g. "anchor"
  // Stateless: does the payload decode and make sense on its own? Checked at submission and
  // again by the executor.
  std::function<Status(const Transaction&)> check_form;
  // Deterministic state transition. An error refuses the transaction (TxCode::rejected with the
  // error's message as reason); the rule must then have written nothing.
  std::function<Status(TxContext&)> apply;
  // Optional: for types whose signer's key is not yet in state (a DID's creation, a recovery),
  // the key the signature must verify under, taken from the payload and checked against state.
  // An error makes the transaction's signature invalid (no nonce is spent).
  std::function<Result<PublicKey>(const NetworkId&, const Transaction&, const StateView&)> signer_key;
};

class TxRegistry {
 public:
  // Fails if the type id or name is taken.
  [[nodiscard]] Status add(TxTypeRules rules);
  const TxTypeRules* find(TxType type) const;
  const std::map<TxType, TxTypeRules>& types() const { return types_; }

 private:
  std::map<TxType, TxTypeRules> types_;
};

// The registry with every built-in type registered.
const TxRegistry& builtin_tx_registry();

}  // namespace pv
