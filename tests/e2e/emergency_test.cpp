// Break-glass access end to end through the real `pv` binary and a real node (docs/consent.md
// section 8): the patient names three custodian hospitals with a threshold of two; a record is
// added; a clinician without a credential, with another role's credential, a revoked one, one
// from a non-provider, someone else's, or for another purpose is refused (each on the ledger);
// one custodian alone is not enough; custodians refuse to release for a read that is not an
// emergency, twice, or when not a custodian; with two releases the clinician decrypts the
// record; the patient's access log marks the read as an emergency with who released; and no
// file the node wrote holds the plaintext, the data key or any custodian's share.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <thread>

#include "codec/did_key.hpp"
#include "identity/key_wrap.hpp"
#include "identity/wallet.hpp"
#include "key_envelope_scan.hpp"
#include "ledger/vc_jwt.hpp"
#include "node/node_key.hpp"
#include "process.hpp"

namespace pv::e2e {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kPassphrase = "emergency wallet passphrase";
constexpr const char* kNodePassphrase = "emergency node key passphrase";

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The first 64-hex-digit id after "access event " in `text`.
std::string event_id_in(const std::string& text) {
  std::smatch m;
  std::regex re("access event ([0-9a-f]{64})");
  return std::regex_search(text, m, re) ? m[1].str() : std::string();
}

class EmergencyE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    auto wallet = Wallet::open(tmp_ / "wallet", {KdfParams::interactive()});
    ASSERT_TRUE(wallet) << wallet.error().message;
    for (const char* name : {"alice", "dr-ana", "dr-eve", "hospital-a", "hospital-b", "clinic-c",
                             "insurer", "dr-max"}) {
      auto id = wallet->create(name, DidMethod::key, kPassphrase);
      ASSERT_TRUE(id) << id.error().message;
      did_[name] = id->did;
    }
    fs::create_directories(tmp_ / "data");
    auto node_key = load_or_create_node_key(
        tmp_ / "data", [](bool) -> Result<Passphrase> { return Passphrase(kNodePassphrase); },
        KdfParams::interactive());
    ASSERT_TRUE(node_key) << node_key.error().message;
    auto org = [&](const char* name, const char* label, const char* role) {
      return json{{"did", did_[name]}, {"name", label}, {"role", role}, {"admins", {did_[name]}}};
    };
    json a = org("hospital-a", "St Mary's Hospital", "provider");
    a["nodeKeys"] = {did_key_from_public_key(node_key->public_key())};
    json genesis = {{"network", "pv-emergency-e2e"},
                    {"time", 1763856000000},
                    {"organizations",
                     {a, org("hospital-b", "Riverside Hospital", "provider"),
                      org("clinic-c", "Northgate Clinic", "provider"),
                      org("insurer", "Acme Insurance", "insurer")}}};
    std::ofstream(tmp_ / "genesis.json") << genesis.dump(2);
    port_ = free_port();
    env_ = {"HOME=" + tmp_.path(),
            "XDG_CONFIG_HOME=" + (tmp_ / "config"),
            "PV_NODE=http://127.0.0.1:" + std::to_string(port_),
            "PV_WALLET=" + (tmp_ / "wallet"),
            "PV_PASSPHRASE=" + std::string(kPassphrase),
            "PV_NODE_PASSPHRASE=" + std::string(kNodePassphrase),
            "PV_AS="};
    node_ = std::make_unique<Process>(
        Process::spawn({pv_bin(), "node", "start", "--data-dir", tmp_ / "data", "--listen",
                        "127.0.0.1:" + std::to_string(port_), "--genesis", tmp_ / "genesis.json",
                        "--block-timeout-ms", "5"},
                       env_));
    ASSERT_TRUE(wait_for_http_ok(port_, "/healthz", 30s)) << node_->err();
  }

  Completed pv(std::vector<std::string> args) {
    args.insert(args.begin(), pv_bin());
    return run(args, env_);
  }
  json ok_json(std::vector<std::string> args) {
    args.push_back("--json");
    auto c = pv(args);
    EXPECT_TRUE(c.ok()) << args[0] << " " << args[1] << ": " << c.err;
    auto j = json::parse(c.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << c.out;
    return j;
  }
  std::string write(const std::string& name, const std::string& content) {
    std::ofstream(tmp_ / name, std::ios::binary) << content;
    return tmp_ / name;
  }
  // A credential issued by `issuer` to `subject` with `role`, in a file.
  std::string credential(const std::string& file, const std::string& issuer,
                         const std::string& subject, const std::string& role) {
    auto c = pv({"credential", "issue", "--issuer", issuer, "--subject", subject, "--role", role,
                 "--license", "LIC-" + subject, "--days", "2"});
    EXPECT_TRUE(c.ok()) << c.err;
    return write(file, c.out);
  }
  // A refused emergency read: exit 1, the reason, nothing written.
  std::string refused_read(const std::string& record, const std::string& reader,
                           const std::string& purpose, const std::string& credential_file) {
    std::vector<std::string> args = {
        "record", "get", record, "--as", reader, "--purpose", purpose, "-o", tmp_ / "refused.json"};
    if (!credential_file.empty()) {
      args.insert(args.end(), {"--emergency", "--credential", credential_file});
    }
    auto c = pv(args);
    EXPECT_FALSE(c.ok()) << c.out;
    EXPECT_FALSE(fs::exists(tmp_ / "refused.json"));
    return c.err;
  }

  TempDir tmp_;
  std::map<std::string, std::string> did_;
  int port_ = 0;
  std::vector<std::string> env_;
  std::unique_ptr<Process> node_;
};

TEST_F(EmergencyE2e, BreakTheGlassThresholdAuditAndNoSecretOnTheNode) {
  // 1. Alice names three custodian hospitals, any two of which may open a record.
  json setup = ok_json({"emergency", "setup", "--as", "alice", "--custodians",
                        "hospital-a,hospital-b,clinic-c", "--threshold", "2"});
  EXPECT_EQ(setup["policy"]["threshold"], 2);
  EXPECT_EQ(setup["policy"]["custodians"].size(), 3u);
  auto bad_setup = pv({"emergency", "setup", "--as", "alice", "--custodians", "hospital-a,insurer",
                       "--threshold", "2"});
  EXPECT_FALSE(bad_setup.ok());
  EXPECT_TRUE(has(bad_setup.err, "is not a provider organization")) << bad_setup.err;
  json shown = ok_json({"emergency", "show", "--patient", "alice"});
  EXPECT_EQ(shown["policy"]["epoch"], 1);

  // 2. Dr Ana adds Alice's allergy list; its key is split among the custodians.
  const std::string marker = "penicillin-" + std::to_string(::getpid()) + "-anaphylaxis";
  const std::string allergy = R"({"resourceType":"AllergyIntolerance","note":")" + marker + R"("})";
  json added = ok_json({"record", "add", "--as", "dr-ana", "--patient", "alice", "--org",
                        "hospital-a", write("allergy.json", allergy)});
  const std::string rec = added["record"]["id"];

  // 3. Refusals, each on the ledger with its reason.
  const std::string eve = credential("eve.jwt", "hospital-a", "dr-eve", "emergency-clinician");
  const std::string physician = credential("phys.jwt", "hospital-a", "dr-eve", "physician");
  const std::string revoked =
      credential("revoked.jwt", "hospital-b", "dr-eve", "emergency-clinician");
  ok_json({"credential", "revoke", "--file", revoked, "--as", "hospital-b"});
  // A credential from the insurer, which the CLI will not issue: signed here with its key.
  auto wallet = Wallet::open(tmp_ / "wallet", {KdfParams::interactive()});
  ASSERT_TRUE(wallet);
  auto insurer = wallet->unlock("insurer", kPassphrase);
  ASSERT_TRUE(insurer);
  RoleCredential forged;
  forged.issuer = did_["insurer"];
  forged.key_id = did_key_method_id(did_["insurer"]);
  forged.subject = did_["dr-eve"];
  forged.role = "emergency-clinician";
  forged.license_number = "X-1";
  forged.organization = "Acme Insurance";
  forged.issued_at = forged.not_before = static_cast<std::int64_t>(std::time(nullptr)) - 10;
  forged.expires = forged.not_before + 86'400;
  auto forged_jwt = issue_role_credential(forged, insurer->current);
  ASSERT_TRUE(forged_jwt);
  const std::string from_insurer = write("insurer.jwt", *forged_jwt);

  EXPECT_TRUE(has(refused_read(rec, "dr-eve", "ETREAT", ""), "no consent from the patient covers"));
  auto no_file = pv({"record", "get", rec, "--as", "dr-eve", "--purpose", "ETREAT", "--emergency",
                     "-o", tmp_ / "x.json"});
  EXPECT_FALSE(no_file.ok());
  EXPECT_TRUE(has(no_file.err, "needs your emergency-clinician credential")) << no_file.err;
  EXPECT_TRUE(has(refused_read(rec, "dr-eve", "ETREAT", physician),
                  "emergency credential refused: the credential's role is \"physician\""));
  EXPECT_TRUE(has(refused_read(rec, "dr-eve", "ETREAT", revoked), "was revoked by its issuer"));
  EXPECT_TRUE(has(refused_read(rec, "dr-eve", "ETREAT", from_insurer),
                  "may not issue practitioner credentials"));
  EXPECT_TRUE(has(refused_read(rec, "dr-max", "ETREAT", eve), "was issued to " + did_["dr-eve"]));
  EXPECT_TRUE(has(refused_read(rec, "dr-eve", "TREAT", eve), "for purpose ETREAT only"));

  // 4. A break-glass nobody answers: the read is on the ledger, no key, nothing written.
  auto lonely = pv({"record", "get", rec, "--as", "dr-eve", "--purpose", "ETREAT", "--emergency",
                    "--credential", eve, "--wait-ms", "200", "-o", tmp_ / "lonely.json"});
  EXPECT_FALSE(lonely.ok());
  EXPECT_TRUE(has(lonely.err, "0 of the 2 shares needed were released")) << lonely.err;
  EXPECT_FALSE(fs::exists(tmp_ / "lonely.json"));
  const std::string first_event = event_id_in(lonely.err);
  ASSERT_EQ(first_event.size(), 64u) << lonely.err;

  // Custodians: one releases (proven first); a replay, a non-custodian, and a release for a read
  // that is no emergency are refused.
  json released = ok_json({"emergency", "release", first_event, "--as", "hospital-a"});
  EXPECT_EQ(released["release"]["proof"]["accessEvent"]["verified"], true);
  EXPECT_EQ(released["release"]["reader"], did_["dr-eve"]);
  auto again = pv({"emergency", "release", first_event, "--as", "hospital-a"});
  EXPECT_FALSE(again.ok());
  EXPECT_TRUE(has(again.err, "was already released")) << again.err;
  auto outsider = pv({"emergency", "release", first_event, "--as", "insurer"});
  EXPECT_FALSE(outsider.ok());
  EXPECT_TRUE(has(outsider.err, "is not a custodian")) << outsider.err;
  json own = ok_json(
      {"record", "get", rec, "--as", "alice", "--purpose", "PATRQT", "-o", tmp_ / "alice.json"});
  auto not_emergency = pv({"emergency", "release", own["accessEvent"]["id"], "--as", "hospital-b"});
  EXPECT_FALSE(not_emergency.ok());
  EXPECT_TRUE(has(not_emergency.err, "is not a permitted emergency access")) << not_emergency.err;

  // 5. The real break-glass: the clinician waits; two custodians release as soon as they see it.
  Process reading = Process::spawn(
      {pv_bin(), "record", "get", rec, "--as", "dr-eve", "--purpose", "ETREAT", "--emergency",
       "--credential", eve, "--wait-ms", "60000", "-o", tmp_ / "eve.json", "--json"},
      env_);
  std::string second_event;
  for (int i = 0; i < 600 && second_event.empty(); ++i) {
    json watched = ok_json({"emergency", "watch", "--as", "hospital-b", "--once"});
    for (const auto& r : watched["released"])
      if (r["event"] != first_event) second_event = r["event"];
    if (second_event.empty()) std::this_thread::sleep_for(50ms);
  }
  ASSERT_EQ(second_event.size(), 64u);
  json third = ok_json({"emergency", "release", second_event, "--as", "clinic-c"});
  EXPECT_EQ(third["release"]["reader"], did_["dr-eve"]);
  auto done = reading.wait(60s);
  ASSERT_TRUE(done.exited && done.code == 0)
      << "exited " << done.exited << " code " << done.code << " signal " << done.signal
      << " timed out " << done.timed_out << "\n"
      << reading.out() << reading.err();
  EXPECT_EQ(read_text_file(tmp_ / "eve.json"), allergy);
  json read = json::parse(reading.out(), nullptr, false);
  ASSERT_FALSE(read.is_discarded()) << reading.out();
  EXPECT_EQ(read["basis"], "emergency");
  EXPECT_EQ(read["emergency"]["event"], second_event);
  EXPECT_EQ(read["emergency"]["releasedBy"].size(), 2u);

  // 6. Alice sees every break-glass, loudly, with who released; every entry proven.
  json log = ok_json({"access-log", "--as", "alice", "--verify"});
  int emergencies = 0;
  for (const auto& e : log["entries"]) {
    EXPECT_EQ(e["proof"]["verified"], true);
    if (e.value("emergency", false)) {
      ++emergencies;
      EXPECT_EQ(e["reader"], did_["dr-eve"]);
      EXPECT_EQ(e["organization"], did_["hospital-a"]);
    }
    if (e["id"] == second_event) {
      EXPECT_EQ(e["releasedBy"].size(), 2u);
    }
  }
  EXPECT_EQ(emergencies, 2);
  auto human = pv({"access-log", "--as", "alice"});
  ASSERT_TRUE(human.ok()) << human.err;
  EXPECT_TRUE(has(human.out, "EMERGENCY READ (break-glass)  dr-eve")) << human.out;
  // Releasers are listed by share number, which follows the custodians' DID order.
  const auto released_line = human.out.substr(human.out.find("key released by custodians:"));
  EXPECT_TRUE(has(released_line.substr(0, released_line.find('\n')), "hospital-b")) << human.out;

  // 7. The secrets: the data key (Alice's wrap) and every custodian's share (their wraps).
  std::vector<std::string> secrets = {marker, allergy};
  auto add_key = [&](const SecretKey32& k) {
    secrets.push_back(std::string(as_chars(k.view())));
    secrets.push_back(k.hex());
    secrets.push_back(to_base64(k.view()));
  };
  json records = ok_json({"record", "list", "--as", "alice"});
  ASSERT_EQ(records["records"].size(), 1u);
  auto alice = wallet->unlock("alice", kPassphrase);
  ASSERT_TRUE(alice);
  auto sealed_for_alice = SealedKey::from(
      *from_base64(records["records"][0]["keys"]["patient"]["sealed"].get<std::string>()));
  ASSERT_TRUE(sealed_for_alice);
  auto data_key = open_key(*sealed_for_alice, alice->current);
  ASSERT_TRUE(data_key);
  add_key(*data_key);
  int shares = 0;
  for (const char* custodian : {"hospital-a", "hospital-b", "clinic-c"}) {
    auto who = wallet->unlock(custodian, kPassphrase);
    ASSERT_TRUE(who);
    for (const auto& wrap : records["records"][0]["keys"]["emergency"]["shares"]) {
      if (wrap["recipient"] != to_hex(who->current.public_key().view())) continue;
      auto sealed = SealedKey::from(*from_base64(wrap["sealed"].get<std::string>()));
      ASSERT_TRUE(sealed);
      auto share = open_key(*sealed, who->current);
      ASSERT_TRUE(share);
      add_key(*share);
      ++shares;
    }
  }
  ASSERT_EQ(shares, 3);

  node_->signal(SIGTERM);
  ASSERT_TRUE(node_->wait(30s).exited);
  auto verify = pv({"verify", "--data-dir", tmp_ / "data", "--json"});
  EXPECT_TRUE(verify.ok()) << verify.err;

  std::vector<std::pair<std::string, std::string>> files = {{"node stdout", node_->out()},
                                                            {"node stderr", node_->err()}};
  for (const auto& entry : fs::recursive_directory_iterator(tmp_ / "data"))
    if (entry.is_regular_file())
      files.emplace_back(entry.path().string(), read_text_file(entry.path().string()));
  for (const auto& [name, content] : files)
    for (std::size_t i = 0; i < secrets.size(); ++i)
      EXPECT_EQ(content.find(secrets[i]), std::string::npos)
          << "secret #" << i << " found in " << name;
  // The scan sees real content: the network name and a custodian's DID are in the node's files.
  bool network = false, custodian = false;
  for (const auto& [name, content] : files) {
    network = network || has(content, "pv-emergency-e2e");
    custodian = custodian || has(content, did_["clinic-c"]);
  }
  EXPECT_TRUE(network);
  EXPECT_TRUE(custodian);
}

// Break-glass on a pseudonymous record (docs/erasure.md, "Pseudonymous records"): the pseudonyms
// Alice issues after her emergency setup carry her custodians and threshold, the author splits
// the key among them, and two custodians' releases open it for the emergency clinician. A
// pseudonym issued with --no-emergency has no policy, so its record is not split.
TEST_F(EmergencyE2e, APseudonymousRecordIsCoveredByThePatientsCustodians) {
  ok_json({"emergency", "setup", "--as", "alice", "--custodians", "hospital-a,hospital-b,clinic-c",
           "--threshold", "2"});
  json issued =
      ok_json({"pseudonym", "issue", "--as", "alice", "--count", "1", "-o", tmp_ / "alice.pool"});
  EXPECT_EQ(issued["emergencyPolicies"], 1);
  const std::string pseudonym = issued["pseudonyms"][0];
  json policy = ok_json({"emergency", "show", "--patient", pseudonym});
  EXPECT_EQ(policy["policy"]["threshold"], 2);
  EXPECT_EQ(policy["policy"]["custodians"].size(), 3u);

  const std::string note = R"({"resourceType":"AllergyIntolerance","note":"latex"})";
  json added = ok_json({"record", "add", "--as", "dr-ana", "--pseudonyms", tmp_ / "alice.pool",
                        "--org", "hospital-a", write("latex.json", note)});
  const std::string rec = added["record"]["id"];
  EXPECT_EQ(added["record"]["pseudonym"], pseudonym);

  const std::string eve = credential("eve.jwt", "hospital-a", "dr-eve", "emergency-clinician");
  Process reading = Process::spawn(
      {pv_bin(), "record", "get", rec, "--as", "dr-eve", "--purpose", "ETREAT", "--emergency",
       "--credential", eve, "--wait-ms", "60000", "-o", tmp_ / "eve.json", "--json"},
      env_);
  std::vector<std::string> release_txs;
  for (int i = 0; i < 600 && release_txs.size() < 2; ++i) {
    for (const char* custodian : {"hospital-b", "clinic-c"}) {
      json watched = ok_json({"emergency", "watch", "--as", custodian, "--once"});
      for (const auto& r : watched["released"]) release_txs.push_back(r["tx"]);
    }
    if (release_txs.size() < 2) std::this_thread::sleep_for(50ms);
  }
  EXPECT_EQ(release_txs.size(), 2u);
  auto done = reading.wait(60s);
  ASSERT_TRUE(done.exited && done.code == 0) << reading.out() << reading.err();
  EXPECT_EQ(read_text_file(tmp_ / "eve.json"), note);
  json read = json::parse(reading.out(), nullptr, false);
  ASSERT_TRUE(read.is_object()) << reading.out();
  EXPECT_EQ(read["basis"], "emergency");

  // The shares re-sealed to Dr Eve are in key envelopes (the releases carry none), on this node
  // until Alice erases the record; then nowhere in its data directory.
  auto samples = released_share_samples(port_, release_txs);
  ASSERT_EQ(samples.size(), 2u);
  auto found = [&] {
    std::size_t n = 0;
    for (const auto& entry : fs::recursive_directory_iterator(tmp_ / "data"))
      if (entry.is_regular_file()) {
        const std::string content = read_text_file(entry.path().string());
        for (const auto& sample : samples) n += content.find(sample.bytes) != std::string::npos;
      }
    return n;
  };
  EXPECT_GE(found(), 2u);
  ok_json({"record", "erase", rec, "--as", "alice"});
  for (int i = 0; i < 150; ++i) {
    json status = ok_json({"record", "erasure-status", rec, "--as", "dr-ana"});
    if (status["receipts"].size() == 1) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(found(), 0u);

  // Opting out: no policy for the pseudonym, so no shares for its record and no break-glass.
  json bare = ok_json({"pseudonym", "issue", "--as", "alice", "--count", "1", "--no-emergency",
                       "-o", tmp_ / "bare.pool"});
  EXPECT_EQ(bare["emergencyPolicies"], 0);
  EXPECT_FALSE(pv({"emergency", "show", "--patient", bare["pseudonyms"][0]}).ok());
}

// Pseudonyms issued before the patient's emergency setup get her policy when she sets it up, and
// follow it when she changes it: break-glass then covers records anchored under them.
TEST_F(EmergencyE2e, PseudonymsIssuedBeforeSetupFollowThePatientsPolicy) {
  json early =
      ok_json({"pseudonym", "issue", "--as", "alice", "--count", "2", "-o", tmp_ / "early.pool"});
  EXPECT_EQ(early["emergencyPolicies"], 0);
  const std::string first = early["pseudonyms"][0], second = early["pseudonyms"][1];
  EXPECT_FALSE(pv({"emergency", "show", "--patient", first}).ok());

  json setup = ok_json({"emergency", "setup", "--as", "alice", "--custodians",
                        "hospital-a,hospital-b,clinic-c", "--threshold", "2"});
  EXPECT_EQ(setup["pseudonymPolicies"], 2);
  for (const std::string& p : {first, second}) {
    json shown = ok_json({"emergency", "show", "--patient", p});
    EXPECT_EQ(shown["policy"]["threshold"], 2) << p;
    EXPECT_EQ(shown["policy"]["custodians"].size(), 3u) << p;
    EXPECT_EQ(shown["policy"]["epoch"], 1) << p;
  }
  // A record anchored under one of them now has its key split among her custodians.
  json added = ok_json({"record", "add", "--as", "dr-ana", "--pseudonyms", tmp_ / "early.pool",
                        "--org", "hospital-a", write("early.json", R"({"note":"early"})")});
  EXPECT_EQ(added["record"]["pseudonym"], first);
  json view = ok_json({"record", "get", added["record"]["id"], "--as", "alice", "--purpose",
                       "PATRQT", "-o", tmp_ / "early-copy.json"});
  EXPECT_EQ(read_text_file(tmp_ / "early-copy.json"), R"({"note":"early"})");
  json listed = ok_json({"record", "list", "--as", "alice"});
  bool found = false;
  for (const auto& r : listed["records"])
    if (r["id"] == added["record"]["id"]) {
      found = true;
      EXPECT_EQ(r["keys"]["emergency"]["shares"].size(), 3u) << r.dump();
    }
  EXPECT_TRUE(found) << listed.dump();

  // Her new policy reaches them (their next epoch); the same policy again changes nothing.
  json changed = ok_json({"emergency", "setup", "--as", "alice", "--custodians",
                          "hospital-a,hospital-b", "--threshold", "2"});
  EXPECT_EQ(changed["pseudonymPolicies"], 2);
  json shown = ok_json({"emergency", "show", "--patient", second});
  EXPECT_EQ(shown["policy"]["epoch"], 2);
  EXPECT_EQ(shown["policy"]["custodians"].size(), 2u);
  json skipped = ok_json({"emergency", "setup", "--as", "alice", "--custodians",
                          "hospital-a,clinic-c", "--threshold", "2", "--skip-pseudonyms"});
  EXPECT_EQ(skipped["pseudonymPolicies"], 0);
  EXPECT_EQ(ok_json({"emergency", "show", "--patient", second})["policy"]["epoch"], 2);
}

}  // namespace
}  // namespace pv::e2e
