// Erasure by a data-protection officer on a real node process and the real `pv` binary
// (docs/erasure.md, "Transactions"): two member organizations, a record authored for the first.
// An officer of the record's author organization, holding a ledger-form role credential with role
// data-protection-officer, erases it with a reason code: the record and its content root answer
// 410 Gone naming the officer's organization and the reason, `pv record erasure-status` and the
// patient's access log show it, and the node confirms with a receipt. Before that, each attack is
// refused with its reason and changes nothing: an officer of the other organization, a legal
// officer's credential (wrong role), the officer's credential presented by someone else. After
// it, the officer's own signed erase transaction replayed byte for byte is refused as a replay,
// and a freshly signed second erasure as "already erased".

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "api/client.hpp"
#include "cli/acting.hpp"
#include "codec/did_key.hpp"
#include "identity/wallet.hpp"
#include "ledger/erasure/erasure_payloads.hpp"
#include "ledger/transaction.hpp"
#include "node/node_key.hpp"
#include "process.hpp"

namespace pv::e2e {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kPassphrase = "erasure officer wallet passphrase";
constexpr const char* kNodePassphrase = "erasure officer node key passphrase";

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class ErasureOfficerE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    auto wallet = Wallet::open(tmp_ / "wallet", {KdfParams::interactive()});
    ASSERT_TRUE(wallet) << wallet.error().message;
    for (const char* name : {"alice", "dr-ben", "st-marys", "city-clinic", "dpo-kim", "dpo-raj",
                             "counsel-lee", "mallory"}) {
      auto id = wallet->create(name, DidMethod::key, kPassphrase);
      ASSERT_TRUE(id) << id.error().message;
      did_[name] = id->did;
    }
    std::ofstream(tmp_ / "passphrase") << kPassphrase << "\n";
    fs::create_directories(tmp_ / "data");
    auto node_key = load_or_create_node_key(
        tmp_ / "data", [](bool) -> Result<Passphrase> { return Passphrase(kNodePassphrase); },
        KdfParams::interactive());
    ASSERT_TRUE(node_key) << node_key.error().message;
    node_did_ = did_key_from_public_key(node_key->public_key());
    // The record's author organization runs the node; the other organization is a member
    // provider too (so it may issue role credentials) but authored nothing.
    json hospital = {{"did", did_["st-marys"]},
                     {"name", "St Mary's Hospital"},
                     {"role", "provider"},
                     {"admins", {did_["st-marys"]}},
                     {"nodeKeys", {node_did_}}};
    json clinic = {{"did", did_["city-clinic"]},
                   {"name", "City Clinic"},
                   {"role", "provider"},
                   {"admins", {did_["city-clinic"]}}};
    json genesis = {{"network", "pv-erasure-officer-e2e"},
                    {"time", 1763856000000},
                    {"organizations", {hospital, clinic}}};
    std::ofstream(tmp_ / "genesis.json") << genesis.dump(2);
    port_ = free_port();
    env_ = {"HOME=" + tmp_.path(),
            "XDG_CONFIG_HOME=" + (tmp_ / "config"),
            "PV_NODE=http://127.0.0.1:" + std::to_string(port_),
            "PV_WALLET=" + (tmp_ / "wallet"),
            "PV_PASSPHRASE=" + std::string(kPassphrase),
            "PV_NODE_PASSPHRASE=" + std::string(kNodePassphrase),
            "PV_WALLET_KDF=interactive",
            "PV_AS="};
    node_ = std::make_unique<Process>(
        Process::spawn({pv_bin(), "node", "start", "--data-dir", tmp_ / "data", "--listen",
                        "127.0.0.1:" + std::to_string(port_), "--genesis", tmp_ / "genesis.json",
                        "--block-timeout-ms", "5"},
                       env_));
    ASSERT_TRUE(wait_for_http_ok(port_, "/healthz", 30s)) << node_->err();
  }
  void TearDown() override {
    if (!node_) return;
    node_->signal(SIGTERM);
    node_->wait(30s);
  }

  Completed pv(std::vector<std::string> args) {
    args.insert(args.begin(), pv_bin());
    return run(args, env_);
  }
  json ok_json(std::vector<std::string> args) {
    args.push_back("--json");
    auto c = pv(args);
    EXPECT_TRUE(c.ok()) << args[0] << " " << args[1] << ": " << c.err << c.out;
    auto j = json::parse(c.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << c.out;
    return j;
  }
  std::string path(const std::string& name) { return tmp_ / name; }

  // `pv credential issue --ledger` by `issuer` for `subject`, written to a file; its path.
  std::string issue_credential(const std::string& issuer, const std::string& subject,
                               const std::string& role) {
    json c = ok_json({"credential", "issue", "--issuer", issuer, "--subject", subject, "--role",
                      role, "--ledger", "--days", "30"});
    const std::string file = path(subject + "-" + role + ".jwt");
    std::ofstream(file) << c.value("jwt", "") << "\n";
    return file;
  }

  // A refused erasure: the command fails, says `why`, and the record is still not erased.
  void expect_refused(const std::vector<std::string>& args, const std::string& why,
                      const std::string& id) {
    auto c = pv(args);
    EXPECT_FALSE(c.ok()) << c.out;
    EXPECT_TRUE(has(c.err + c.out, why)) << "expected \"" << why << "\" in: " << c.err << c.out;
    json status = ok_json({"record", "erasure-status", id, "--as", "alice"});
    EXPECT_EQ(status["erased"], false) << status.dump(2);
  }

  httplib::Result http_get(const std::string& target) {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(30s);
    return c.Get(target);
  }

  TempDir tmp_;
  std::map<std::string, std::string> did_;
  std::string node_did_;
  int port_ = 0;
  std::vector<std::string> env_;
  std::unique_ptr<Process> node_;
};

TEST_F(ErasureOfficerE2e, OfficerOfTheAuthorOrganizationErasesAndEveryOtherOfficerIsRefused) {
  std::string file(600 * 1024, '\0');
  std::mt19937_64 rng(37);
  for (char& c : file) c = static_cast<char>(rng());
  std::ofstream(path("scan.dcm"), std::ios::binary) << file;
  json added = ok_json({"record", "add", path("scan.dcm"), "--as", "dr-ben", "--patient", "alice",
                        "--org", "st-marys", "--category", "ImagingStudy"});
  const std::string id = added["record"].value("id", "");
  const std::string cid = added["record"].value("cid", "");
  ASSERT_EQ(id.size(), 64u) << added.dump(2);
  const std::string short_id = id.substr(0, 16);
  const std::string hospital = did_["st-marys"], clinic = did_["city-clinic"];

  const std::string kim = issue_credential("st-marys", "dpo-kim", "data-protection-officer");
  const std::string raj = issue_credential("city-clinic", "dpo-raj", "data-protection-officer");
  const std::string lee = issue_credential("st-marys", "counsel-lee", "legal-officer");

  // An officer of another member organization: a valid credential, the wrong organization.
  expect_refused({"record", "erase", id, "--as", "dpo-raj", "--credential", raj, "--reason",
                  "unlawful-processing"},
                 "the officer's organization " + clinic + " did not author record " + short_id +
                     " (" + hospital + " did)",
                 id);
  // The author organization's legal officer: the right organization, the wrong role.
  expect_refused({"record", "erase", id, "--as", "counsel-lee", "--credential", lee, "--reason",
                  "unlawful-processing"},
                 "the credential's role is \"legal-officer\", not \"data-protection-officer\"", id);
  // The officer's own credential, presented by someone else.
  expect_refused(
      {"record", "erase", id, "--as", "mallory", "--credential", kim, "--reason",
       "unlawful-processing"},
      "the credential was issued to " + did_["dpo-kim"] + ", not to the signer " + did_["mallory"],
      id);
  // Nothing changed: the patient still reads her record.
  auto read =
      pv({"record", "get", id, "--as", "alice", "--purpose", "PATRQT", "-o", path("read.dcm")});
  ASSERT_TRUE(read.ok()) << read.err;
  EXPECT_EQ(read_text_file(path("read.dcm")), file);

  // The author organization's data-protection officer erases it.
  json erased = ok_json({"record", "erase", id, "--as", "dpo-kim", "--credential", kim, "--reason",
                         "unlawful-processing"});
  ASSERT_EQ(erased["erased"].size(), 1u) << erased.dump(2);
  EXPECT_EQ(erased["reason"], "unlawful-processing");
  const std::uint64_t erased_at = erased["erased"][0].value("height", 0ull);
  const std::string erase_tx = erased["erased"][0].value("transaction", "");

  // 410 Gone on the record read and on its content root, naming the officer's organization and
  // the reason.
  auto gone =
      pv({"record", "get", id, "--as", "alice", "--purpose", "PATRQT", "-o", path("again.dcm")});
  EXPECT_FALSE(gone.ok());
  EXPECT_TRUE(has(gone.err + gone.out, "410 Gone")) << gone.err;
  EXPECT_TRUE(has(gone.err + gone.out, "erased at height " + std::to_string(erased_at)))
      << gone.err;
  EXPECT_TRUE(has(gone.err + gone.out, "by a data-protection officer of " + hospital)) << gone.err;
  EXPECT_TRUE(has(gone.err + gone.out, "reason unlawful-processing")) << gone.err;
  auto root = http_get("/ipfs/" + cid);
  ASSERT_TRUE(root);
  EXPECT_EQ(root->status, 410);
  auto problem = json::parse(root->body, nullptr, false);
  ASSERT_TRUE(problem.is_object()) << root->body;
  EXPECT_EQ(problem.value("type", ""), "urn:pv:problem:record-erased");
  EXPECT_EQ(problem.value("erasedBy", ""), "data-protection-officer");
  EXPECT_EQ(problem.value("organization", ""), hospital);
  EXPECT_EQ(problem.value("reason", ""), "unlawful-processing");
  EXPECT_EQ(problem.value("erasedAtHeight", 0ull), erased_at);
  EXPECT_EQ(problem.value("eraseTransaction", ""), erase_tx);

  // `pv record erasure-status` shows who erased it and why, and the node's receipt.
  json status;
  for (auto deadline = std::chrono::steady_clock::now() + 20s;
       std::chrono::steady_clock::now() < deadline;) {
    status = ok_json({"record", "erasure-status", id, "--as", "alice"});
    if (!status["receipts"].empty()) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(status["erased"], true) << status.dump(2);
  const json& tombstone = status["tombstone"];
  EXPECT_EQ(tombstone["by"]["kind"], "data-protection-officer") << status.dump(2);
  EXPECT_EQ(tombstone["by"]["organization"], hospital) << status.dump(2);
  EXPECT_EQ(tombstone["reason"], "unlawful-processing");
  EXPECT_EQ(tombstone["height"], erased_at);
  EXPECT_EQ(tombstone["transaction"], erase_tx);
  EXPECT_EQ(tombstone["recordOrganization"], hospital);
  ASSERT_EQ(status["receipts"].size(), 1u) << status.dump(2);
  EXPECT_EQ(status["receipts"][0]["nodeKey"], node_did_);
  auto human = pv({"record", "erasure-status", id, "--as", "alice"});
  ASSERT_TRUE(human.ok()) << human.err;
  EXPECT_TRUE(
      has(human.out, "by data-protection-officer of " + hospital + ", reason unlawful-processing"))
      << human.out;
  // The patient's access log names the officer and the organization.
  {
    json log = ok_json({"access-log", "--as", "alice"});
    std::vector<json> erasures;
    for (const auto& e : log.value("entries", json::array()))
      if (e.value("kind", "") == "erasure") erasures.push_back(e);
    ASSERT_EQ(erasures.size(), 1u) << log.dump(2);
    EXPECT_EQ(erasures[0]["signer"], did_["dpo-kim"]);
    EXPECT_EQ(erasures[0]["erasedBy"], "data-protection-officer");
    EXPECT_EQ(erasures[0]["organization"], hospital);
    EXPECT_EQ(erasures[0]["reason"], "unlawful-processing");
  }

  // The officer's signed erase transaction, as anyone can read it from the ledger, submitted
  // again byte for byte (mallory relays it): refused as a replay.
  {
    cli::ActingOptions acting;
    acting.wallet = tmp_ / "wallet";
    acting.passphrase_file = path("passphrase");
    auto client = api::NodeClient::connect("http://127.0.0.1:" + std::to_string(port_));
    ASSERT_TRUE(client) << client.error().message;
    auto relay = cli::unlock_actor(acting, "mallory", nullptr);
    ASSERT_TRUE(relay) << relay.error().message;
    relay->sign_requests_of(*client);
    auto tx_id = TxId::from_hex(erase_tx);
    ASSERT_TRUE(tx_id);
    auto committed = client->get_tx(*tx_id);
    ASSERT_TRUE(committed) << committed.error().message;
    auto decoded = decode_transaction(committed->encoded);
    ASSERT_TRUE(decoded) << decoded.error().message;
    EXPECT_EQ(decoded->type, kTxTypeRecordErase);
    EXPECT_EQ(decoded->signer, did_["dpo-kim"]);
    auto replayed = client->submit_and_commit(committed->encoded, 10s);
    ASSERT_FALSE(replayed) << "the replayed erase was committed at height "
                           << replayed->location.height;
    EXPECT_EQ(replayed.error().code, Errc::conflict) << replayed.error().message;
    EXPECT_TRUE(has(replayed.error().message,
                    "is a replay: it was committed at height " + std::to_string(erased_at)))
        << replayed.error().message;
  }
  // A second erasure, freshly signed by the same officer: refused, already erased.
  auto twice = pv({"record", "erase", id, "--as", "dpo-kim", "--credential", kim, "--reason",
                   "unlawful-processing"});
  EXPECT_FALSE(twice.ok()) << twice.out;
  EXPECT_TRUE(has(twice.err + twice.out, "already erased at height " + std::to_string(erased_at)))
      << twice.err << twice.out;
  // Nothing changed: the same tombstone, the same single receipt.
  json after = ok_json({"record", "erasure-status", id, "--as", "alice"});
  EXPECT_EQ(after["tombstone"], status["tombstone"]) << after.dump(2);
  EXPECT_EQ(after["receipts"], status["receipts"]) << after.dump(2);
}

}  // namespace
}  // namespace pv::e2e
