#include "cli/ledger_prover.hpp"

namespace pv::cli {

Result<LedgerProver> LedgerProver::create(api::NodeClient& client,
                                          const std::string& pinned_key_hex) {
  auto info = client.info();
  if (!info) return info.error();
  auto key = trusted_checkpoint_key(*info, pinned_key_hex);
  if (!key) return key.error();
  return LedgerProver(client, std::move(*key));
}

Result<ProvenTx> LedgerProver::prove(const TxId& id, TxType expected_type) {
  auto status = client_->get_tx(id);
  if (!status) return status.error();
  if (!status->committed)
    return make_error(Errc::not_found, "transaction " + id.hex() + " is not committed");
  if (status->committed->result.code != TxCode::valid)
    return make_error(Errc::corruption, "transaction " + id.hex() + " was committed invalid: " +
                                            status->committed->result.reason);
  auto proof = client_->inclusion_proof(id);
  if (!proof) return proof.error();
  auto checked = check_inclusion(id, *status, *proof, key_);
  if (!checked) return checked.error();
  auto tx = decode_transaction(status->encoded);
  if (!tx)
    return make_error(Errc::corruption,
                      "proven transaction " + id.hex() + " does not decode: " + tx.error().message);
  if (tx->type != expected_type)
    return make_error(Errc::corruption, "transaction " + id.hex() + " is of type " +
                                            std::to_string(tx->type) + ", not " +
                                            std::to_string(expected_type));
  ProvenTx out{std::move(*tx), *checked, {}};
  out.summary = {{"verified", true},
                 {"logIndex", checked->log_index},
                 {"treeSize", checked->checkpoint.size},
                 {"rootHash", checked->checkpoint.root.hex()},
                 {"checkpointKeyName", key_.name}};
  return out;
}

}  // namespace pv::cli
