#pragma once
// A three-organization consortium executed in memory by the real executor: for tests of the
// membership and credential-revocation rules without a node.

#include <map>
#include <string>

#include "codec/did_key.hpp"
#include "ledger/executor.hpp"
#include "ledger/genesis.hpp"
#include "ledger/org_proposal.hpp"

namespace pv::testing {

class MemoryState : public StateView {
 public:
  std::optional<Bytes> get(const std::string& key) const override {
    auto it = values_.find(key);
    if (it == values_.end()) return std::nullopt;
    return it->second;
  }
  void apply(const std::vector<StateChange>& changes) {
    for (const auto& c : changes) {
      if (c.value)
        values_[c.key] = *c.value;
      else
        values_.erase(c.key);
    }
  }

 private:
  std::map<std::string, Bytes> values_;
};

struct TestParty {
  SigningKey key = SigningKey::generate();
  std::string did = did_key_from_public_key(key.public_key());
};

// Hospital (provider, runs the only node, admin a1), insurer (admins b1 and b2), regulator
// (admin c1). The organizations' own DIDs are separate keys from their admins.
class Consortium {
 public:
  static constexpr std::uint64_t kGenesisMs = 1'800'000'000'000;

  Consortium() {
    genesis.network = "pv-org-test";
    genesis.time_ms = kGenesisMs;
    genesis.organizations = {
        {hospital.did, "Hospital", "provider", {node.key.public_key()}, {a1.did}},
        {insurer.did, "Insurer", "insurer", {}, {b1.did, b2.did}},
        {regulator.did, "Regulator", "regulator", {}, {c1.did}},
    };
    network = genesis_network_id(genesis);
    state.apply(genesis_state_changes(genesis));
  }

  MembershipProposal add_proposal(const std::string& did, const std::string& role,
                                  std::vector<std::string> admins,
                                  std::vector<PublicKey> node_keys = {}) {
    MembershipProposal p;
    p.action = OrgAction::add;
    p.membership_version = version();
    p.expires_ms = now_ms + 3'600'000;
    p.did = did;
    p.organization = {"Clinic " + did.substr(did.size() - 4), role, std::move(admins),
                      std::move(node_keys)};
    return p;
  }

  MembershipProposal remove_proposal(const std::string& did) {
    MembershipProposal p;
    p.action = OrgAction::remove;
    p.membership_version = version();
    p.expires_ms = now_ms + 3'600'000;
    p.did = did;
    return p;
  }

  MembershipApproval approve(const MembershipProposal& p, const TestParty& admin) {
    return approve_proposal(network, p, admin.did, admin.key);
  }

  Bytes transaction(TxType type, const TestParty& signer, Bytes payload) {
    Transaction tx;
    tx.type = type;
    tx.signer = signer.did;
    tx.nonce = ++nonce_;
    tx.created_ms = now_ms;
    tx.payload = std::move(payload);
    sign_transaction(network, signer.key, tx);
    return encode_transaction(tx);
  }

  Bytes change(const MembershipProposal& p, std::vector<MembershipApproval> approvals) {
    return transaction(20, submitter, encode_membership_change({p, std::move(approvals)}));
  }

  // Executes one transaction as the next block; returns "valid" or "<code>: <reason>".
  std::string execute(const Bytes& encoded) {
    std::vector<Bytes> txs{encoded};
    ExecutionInput in{network, ++height, now_ms, txs};
    BlockExecution out = execute_block(builtin_tx_registry(), state, in);
    state.apply(out.changes);
    now_ms += 1000;
    const TxResult& r = out.results[0];
    return r.code == TxCode::valid ? "valid" : std::string(tx_code_name(r.code)) + ": " + r.reason;
  }

  std::uint64_t version() const { return load_membership(state)->version; }

  TestParty hospital, insurer, regulator, node, a1, b1, b2, c1, submitter;
  Genesis genesis;
  NetworkId network;
  MemoryState state;
  std::uint64_t height = 0;
  std::uint64_t now_ms = kGenesisMs + 60'000;

 private:
  std::uint64_t nonce_ = 0;
};

}  // namespace pv::testing
