// Pseudonymous records end to end on a real 3-node etcd cluster (docs/erasure.md, "Pseudonymous
// records"): the patient issues a pseudonym pool, a doctor anchors her record from it while she
// is away, she lists, reads and shares it and a consented doctor reads it, her access log shows
// the read; then she erases it and her wallet destroys the pseudonym. All along, a byte scan of
// every node's data directory and every etcd member's finds neither her DID nor her public key:
// the ledger never learnt whose record it was (a record anchored under her DID at the end shows
// that the scan finds her when a transaction names her). The chain still verifies on every node.
// Refused:
// a pool edited after the patient signed it, a pool signed by someone else, and a pool with no
// pseudonym left; once she runs `pv pseudonym require`, a record anchored under her DID on any
// node (until she lifts the rule with `--off`).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "cluster_process.hpp"
#include "codec/did_key.hpp"
#include "identity/pseudonym_store.hpp"
#include "identity/wallet.hpp"
#include "process.hpp"
#include "wallet_cluster.hpp"

namespace pv::e2e {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

// The files under `root` that contain `needle`.
std::vector<std::string> files_containing(const fs::path& root, const std::string& needle) {
  std::vector<std::string> where;
  for (const auto& entry : fs::recursive_directory_iterator(root))
    if (entry.is_regular_file() &&
        read_text_file(entry.path().string()).find(needle) != std::string::npos)
      where.push_back(entry.path().string());
  return where;
}

class PseudonymCluster : public WalletCluster {
 protected:
  void SetUp() override {
    WalletCluster::SetUp();
    alice_ = ids_["alice"];
  }
  Completed pv(std::vector<std::string> args, int node) { return pv_on(std::move(args), node); }
  json ok(std::vector<std::string> args, int node) {
    auto c = pv(args, node);
    EXPECT_TRUE(c.ok()) << args[0] << " " << args[1] << ": " << c.err << c.out;
    auto j = json::parse(c.out, nullptr, false);
    EXPECT_TRUE(j.is_object()) << c.out;
    return j;
  }
  // Where the cluster's directories (nodes and etcd members, logs included) name Alice.
  std::vector<std::string> where_alice_is_named() {
    auto where = files_containing(cluster_.dir(), alice_.did);
    const std::string raw(reinterpret_cast<const char*>(alice_.current_key.data()), 32);
    for (auto& f : files_containing(cluster_.dir(), raw)) where.push_back(f + " (her key)");
    return where;
  }

  IdentityMetadata alice_;
};

TEST_F(PseudonymCluster, TheLedgerNeverNamesThePatientOfAPseudonymousRecord) {
  const std::string pool = tmp_ / "alice-st-mary.pool";
  json issued = ok({"pseudonym", "issue", "--as", "alice", "--count", "2", "-o", pool}, 0);
  ASSERT_EQ(issued["pseudonyms"].size(), 2u);
  EXPECT_EQ(issued["patient"], alice_.did);

  // Refused before anything is anchored: the pool edited after Alice signed it (a pseudonym of
  // the attacker's slipped in), and a pool that Mallory signed in Alice's name.
  json tampered = json::parse(read_text_file(pool));
  tampered["pseudonyms"][0] = did_key_from_public_key(SigningKey::generate().public_key());
  std::ofstream(tmp_ / "tampered.pool") << tampered.dump();
  std::ofstream(tmp_ / "lab.json") << R"({"resourceType":"Observation","status":"final",)"
                                      R"("code":{"text":"HbA1c"},"valueQuantity":{"value":6.1}})";
  auto forged = pv({"record", "add", tmp_ / "lab.json", "--as", "dr-ben", "--pseudonyms",
                    tmp_ / "tampered.pool", "--org", org_},
                   0);
  EXPECT_FALSE(forged.ok());
  EXPECT_NE((forged.err + forged.out).find("not signed by " + alice_.did), std::string::npos)
      << forged.err;
  json mallorys =
      ok({"pseudonym", "issue", "--as", "mallory", "--count", "1", "-o", tmp_ / "mallory.pool"}, 0);
  json in_alices_name = json::parse(read_text_file(tmp_ / "mallory.pool"));
  in_alices_name["patient"] = alice_.did;
  std::ofstream(tmp_ / "impostor.pool") << in_alices_name.dump();
  auto impostor = pv({"record", "add", tmp_ / "lab.json", "--as", "dr-ben", "--pseudonyms",
                      tmp_ / "impostor.pool", "--org", org_},
                     0);
  EXPECT_FALSE(impostor.ok());
  EXPECT_NE((impostor.err + impostor.out).find("not signed by"), std::string::npos);

  // Dr Ben anchors Alice's record from her pool while she is away.
  json added = ok(
      {"record", "add", tmp_ / "lab.json", "--as", "dr-ben", "--pseudonyms", pool, "--org", org_},
      0)["record"];
  const std::string id = added["id"], pseudonym = added["pseudonym"];
  EXPECT_EQ(added["patient"], alice_.did);  // the hospital knows; the ledger does not
  EXPECT_EQ(pseudonym, issued["pseudonyms"][0]);
  EXPECT_EQ(added["pseudonymsLeft"], 1);
  EXPECT_EQ(json::parse(read_text_file(pool))["used"], json::array({pseudonym}));

  // Alice finds it through another node, reads it, and lets Dr Cara read it.
  json listed;
  for (int t = 0; t < 50; ++t) {  // node 2 may not have applied the anchor yet
    listed = ok({"record", "list", "--as", "alice"}, 1);
    if (listed["records"].size() == 1) break;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_EQ(listed["records"].size(), 1u);
  EXPECT_EQ(listed["records"][0]["id"], id);
  EXPECT_EQ(listed["records"][0]["pseudonym"], pseudonym);
  EXPECT_EQ(listed["records"][0]["keyOpens"], true);
  json mine = ok({"record", "get", id, "--as", "alice", "--purpose", "TREAT", "-o",
                  tmp_ / "mine.json", "--verify"},
                 1);
  EXPECT_EQ(mine["basis"], "patient");
  EXPECT_EQ(read_text_file(tmp_ / "mine.json"), read_text_file(tmp_ / "lab.json"));
  json granted = ok({"consent", "grant", "--as", "alice", "--to", "dr-cara", "--record", id,
                     "--purpose", "TREAT", "--days", "30"},
                    1)["consent"];
  EXPECT_EQ(granted["pseudonym"], pseudonym);
  Completed cara;
  for (int t = 0; t < 50; ++t) {
    cara =
        pv({"record", "get", id, "--as", "dr-cara", "--purpose", "TREAT", "-o", tmp_ / "cara.json"},
           2);
    if (cara.ok()) break;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_TRUE(cara.ok()) << cara.err;
  EXPECT_EQ(read_text_file(tmp_ / "cara.json"), read_text_file(tmp_ / "lab.json"));
  json log = ok({"access-log", "--as", "alice"}, 2);
  bool saw_cara = false;
  for (const auto& e : log["entries"])
    saw_cara |= e.value("reader", "") != "" && e.value("record", "") == id &&
                e.value("outcome", "") == "permitted" && e.value("consent", "") != "";
  EXPECT_TRUE(saw_cara) << log.dump();

  // Nothing the cluster holds names her: not the anchor, the consent, the reads, etcd's log.
  auto named = where_alice_is_named();
  EXPECT_TRUE(named.empty()) << named.front();
  EXPECT_FALSE(files_containing(cluster_.dir(), pseudonym).empty());  // the scan does find things

  // She erases it; her wallet destroys the pseudonym's key.
  json erased = ok({"record", "erase", id, "--as", "alice"}, 0);
  ASSERT_EQ(erased["erased"].size(), 1u);
  EXPECT_EQ(erased["erased"][0]["pseudonymDestroyed"], pseudonym);
  auto store = PseudonymStore::load(PseudonymStore::path_for(tmp_ / "wallet", "alice"), alice_.did);
  ASSERT_TRUE(store) << store.error().message;
  EXPECT_EQ(store->find(pseudonym), nullptr);  // neither the pseudonym nor its key is held
  ASSERT_EQ(store->erased().size(), 1u);       // only her note of the erasure, for her log
  EXPECT_EQ(store->erased()[0].record, id);
  EXPECT_EQ(store->erased()[0].pseudonym, pseudonym);
  json status;
  for (int t = 0; t < 150; ++t) {
    status = ok({"record", "erasure-status", id, "--as", "dr-ben"}, 1);
    if (status["receipts"].size() == 3) break;
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_EQ(status["receipts"].size(), 3u) << status.dump();
  EXPECT_EQ(status["tombstone"]["by"]["kind"], "holder");
  named = where_alice_is_named();
  EXPECT_TRUE(named.empty()) << named.front();
  // Her access log still shows the erasure, from her wallet's note, proven against a checkpoint.
  json after = ok({"access-log", "--as", "alice", "--verify"}, 1);
  bool saw_erasure = false;
  for (const auto& e : after["entries"])
    if (e.value("kind", "") == "erasure" && e.value("record", "") == id) {
      saw_erasure = true;
      EXPECT_EQ(e["signer"], pseudonym);
      EXPECT_EQ(e["proof"]["verified"], true);
    }
  EXPECT_TRUE(saw_erasure) << after.dump();
  // Her list no longer has it; the ledger still verifies on every node.
  EXPECT_EQ(ok({"record", "list", "--as", "alice"}, 2)["records"].size(), 0u);
  for (int i = 0; i < 3; ++i) {
    // Each node signs checkpoints with its own key: one verifier state file per node.
    auto verified = pv({"verify", "--state", tmp_ / ("verify-" + std::to_string(i) + ".json")}, i);
    EXPECT_TRUE(verified.ok()) << "node " << i << ": " << verified.err << verified.out;
  }

  // The hospital registers the pool once; `--patient alice` then takes its last pseudonym, and
  // with the pool used up it must ask her for a new one (or anchor under her DID on purpose).
  json imported = ok({"pseudonym", "import", pool}, 0);
  EXPECT_EQ(imported["unused"], 1);
  json second = ok(
      {"record", "add", tmp_ / "lab.json", "--as", "dr-ben", "--patient", "alice", "--org", org_},
      0)["record"];
  EXPECT_EQ(second["pseudonym"], issued["pseudonyms"][1]);
  EXPECT_EQ(second["pseudonymsLeft"], 0);
  auto empty = pv(
      {"record", "add", tmp_ / "lab.json", "--as", "dr-ben", "--patient", "alice", "--org", org_},
      0);
  EXPECT_FALSE(empty.ok());
  EXPECT_NE((empty.err + empty.out).find("ask the patient for a new pool"), std::string::npos)
      << empty.err;
  named = where_alice_is_named();
  EXPECT_TRUE(named.empty()) << named.front();
  // The control: a record anchored under her DID names her at once (etcd's log, the nodes'
  // blocks), so the scans above would have seen her had any transaction named her.
  ok({"record", "add", tmp_ / "lab.json", "--as", "dr-ben", "--patient", "alice", "--org", org_,
      "--no-pseudonym"},
     0);
  EXPECT_FALSE(where_alice_is_named().empty());

  // She makes pseudonyms the only way: every node then refuses an anchor naming her DID, with
  // the reason and what to do; records under her pseudonyms go on; she can lift the rule.
  json rule = ok({"pseudonym", "require", "--as", "alice"}, 1);
  EXPECT_EQ(rule["pseudonymsOnly"], true);
  auto again = pv({"pseudonym", "require", "--as", "alice"}, 2);
  EXPECT_FALSE(again.ok());
  EXPECT_NE(again.err.find("already accepts records only under her pseudonyms"), std::string::npos)
      << again.err;
  for (int node : {0, 2}) {
    auto refused = pv({"record", "add", tmp_ / "lab.json", "--as", "dr-ben", "--patient", "alice",
                       "--org", org_, "--no-pseudonym"},
                      node);
    EXPECT_FALSE(refused.ok()) << refused.out;
    EXPECT_NE(refused.err.find("accepts records only under her pseudonyms"), std::string::npos)
        << refused.err;
    EXPECT_NE(refused.err.find("pv pseudonym import"), std::string::npos) << refused.err;
  }
  const std::string fresh_pool = tmp_ / "alice-2.pool";
  ok({"pseudonym", "issue", "--as", "alice", "--count", "1", "--no-emergency", "-o", fresh_pool},
     1);
  json fresh = ok({"pseudonym", "list", "--as", "alice"}, 1);
  json under_pseudonym = ok({"record", "add", tmp_ / "lab.json", "--as", "dr-ben", "--pseudonyms",
                             fresh_pool, "--org", org_},
                            0)["record"];
  ASSERT_TRUE(under_pseudonym["pseudonym"].is_string()) << under_pseudonym.dump();
  EXPECT_NE(under_pseudonym["pseudonym"], alice_.did);
  EXPECT_NE(fresh.dump().find(under_pseudonym["pseudonym"].get<std::string>()), std::string::npos);
  json lifted = ok({"pseudonym", "require", "--as", "alice", "--off"}, 2);
  EXPECT_EQ(lifted["pseudonymsOnly"], false);
  ok({"record", "add", tmp_ / "lab.json", "--as", "dr-ben", "--patient", "alice", "--org", org_,
      "--no-pseudonym"},
     0);
}

}  // namespace
}  // namespace pv::e2e
