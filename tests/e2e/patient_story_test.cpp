// The whole patient story through the real `pv` binary and a real node (issue
// 5): a patient, two doctors in two hospitals and an insurer. A record is
// added, consent granted, the doctor reads, the insurer is refused (403 with
// the reason, on the ledger), the patient sees every access and refusal with
// inclusion proofs, revocation stops access, and a record added later under a
// category consent is readable by the grantee without the patient acting. Then
// the no-plaintext check: every file the node wrote (data directory and its
// logs) is scanned for the records' plaintext and for their data keys in any
// encoding; finding either fails the test.

#include <gtest/gtest.h>
#include <sodium.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "codec/did_key.hpp"
#include "identity/key_wrap.hpp"
#include "identity/wallet.hpp"
#include "node/node_key.hpp"
#include "process.hpp"

namespace pv::e2e {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kPassphrase = "story wallet passphrase";
constexpr const char* kNodePassphrase = "story node key passphrase";

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string random_hex(std::size_t bytes) {
  Bytes b(bytes);
  random_bytes(b.data(), b.size());
  return to_hex(b);
}

class PatientStoryE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    auto wallet = Wallet::open(tmp_ / "wallet", {KdfParams::interactive()});
    ASSERT_TRUE(wallet) << wallet.error().message;
    for (const char* name : {"alice", "dr-ana", "dr-ben", "agent", "hospital-a", "hospital-b",
                             "insurer", "admin-a", "admin-b", "admin-i"}) {
      auto id = wallet->create(name, DidMethod::key, kPassphrase);
      ASSERT_TRUE(id) << id.error().message;
      did_[name] = id->did;
    }
    fs::create_directories(tmp_ / "data");
    auto node_key = load_or_create_node_key(
        tmp_ / "data", [](bool) -> Result<Passphrase> { return Passphrase(kNodePassphrase); },
        KdfParams::interactive());
    ASSERT_TRUE(node_key) << node_key.error().message;
    auto org = [&](const char* name, const char* label, const char* role, const char* admin) {
      return json{{"did", did_[name]}, {"name", label}, {"role", role}, {"admins", {did_[admin]}}};
    };
    json a = org("hospital-a", "St Mary's Hospital", "provider", "admin-a");
    a["nodeKeys"] = {did_key_from_public_key(node_key->public_key())};
    json genesis = {{"network", "pv-story-e2e"},
                    {"time", 1763856000000},
                    {"organizations",
                     {a, org("hospital-b", "Riverside Clinic", "provider", "admin-b"),
                      org("insurer", "Acme Insurance", "insurer", "admin-i")}}};
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

  TempDir tmp_;
  std::map<std::string, std::string> did_;
  int port_ = 0;
  std::vector<std::string> env_;
  std::unique_ptr<Process> node_;
};

TEST_F(PatientStoryE2e, ConsentAccessRefusalRevocationLaterRecordsAndNoPlaintextOnTheNode) {
  // Plaintexts with markers that cannot appear by chance.
  const std::string marker1 = "glucose-" + random_hex(12), marker2 = "hba1c-" + random_hex(12);
  const std::string obs1 = R"({"resourceType":"Observation","status":"final","note":")" + marker1 +
                           R"(","valueQuantity":{"value":6.1,"unit":"mmol/L"}})";
  const std::string obs2 =
      R"({"resourceType":"Observation","status":"final","note":")" + marker2 + R"("})";
  std::string dicom(128, '\0');
  dicom += "DICM";
  Bytes pixels(300'000);
  random_bytes(pixels.data(), pixels.size());
  dicom.append(reinterpret_cast<const char*>(pixels.data()), pixels.size());

  // 1. Dr Ana (St Mary's) adds Alice's lab result; the file type is detected.
  json added = ok_json({"record", "add", "--as", "dr-ana", "--patient", "alice", "--org",
                        "hospital-a", write("obs1.json", obs1), "--verify"});
  const std::string rec1 = added["record"]["id"];
  EXPECT_EQ(added["record"]["category"], "Observation");
  EXPECT_EQ(added["record"]["mediaType"], "application/fhir+json");
  EXPECT_EQ(added["record"]["proof"]["verified"], true);
  json scan = ok_json({"record", "add", "--as", "dr-ana", "--patient", "alice", "--org",
                       "hospital-a", write("scan.dcm", dicom)});
  EXPECT_EQ(scan["record"]["mediaType"], "application/dicom");
  EXPECT_EQ(scan["record"]["category"], "ImagingStudy");

  // 2. Alice lets Dr Ben (Riverside) read it for treatment.
  json granted = ok_json({"consent", "grant", "--as", "alice", "--to", "dr-ben", "--record", rec1,
                          "--purpose", "TREAT", "--days", "30"});
  const std::string consent1 = granted["consent"]["id"];

  // 3. Dr Ben reads it: the file is Alice's plaintext, decrypted on his side.
  json read = ok_json({"record", "get", rec1, "--as", "dr-ben", "--purpose", "TREAT", "-o",
                       tmp_ / "ben-obs1.json", "--verify"});
  EXPECT_EQ(read_text_file(tmp_ / "ben-obs1.json"), obs1);
  EXPECT_EQ(read["basis"], "consent");
  EXPECT_EQ(read["consent"], consent1);
  EXPECT_EQ(read["proof"]["accessEvent"]["verified"], true);

  // 4. The insurer's agent has no consent: refused with the reason, nothing
  // written.
  auto refused = pv(
      {"record", "get", rec1, "--as", "agent", "--purpose", "HPAYMT", "-o", tmp_ / "agent.json"});
  EXPECT_FALSE(refused.ok());
  EXPECT_TRUE(has(refused.err, "refused: no consent from the patient covers " + did_["agent"]))
      << refused.err;
  EXPECT_FALSE(fs::exists(tmp_ / "agent.json"));
  // Dr Ben for another purpose: refused too.
  auto purpose =
      pv({"record", "get", rec1, "--as", "dr-ben", "--purpose", "HPAYMT", "-o", tmp_ / "x.json"});
  EXPECT_FALSE(purpose.ok());
  EXPECT_TRUE(has(purpose.err, "is for purpose TREAT, not HPAYMT")) << purpose.err;

  // 5. Alice sees every access and refusal, each proven against a signed
  // checkpoint.
  json log = ok_json({"access-log", "--as", "alice", "--verify"});
  ASSERT_EQ(log["entries"].size(), 3u);
  EXPECT_EQ(log["entries"][0]["outcome"], "permitted");
  EXPECT_EQ(log["entries"][0]["reader"], did_["dr-ben"]);
  EXPECT_EQ(log["entries"][0]["consent"], consent1);
  EXPECT_EQ(log["entries"][1]["outcome"], "refused");
  EXPECT_EQ(log["entries"][1]["reader"], did_["agent"]);
  EXPECT_TRUE(has(log["entries"][1]["reason"], "no consent from the patient covers"));
  for (const auto& e : log["entries"]) EXPECT_EQ(e["proof"]["verified"], true);
  auto human_log = pv({"access-log", "--as", "alice"});
  ASSERT_TRUE(human_log.ok()) << human_log.err;
  EXPECT_TRUE(has(human_log.out, "REFUSED  agent")) << human_log.out;
  EXPECT_TRUE(has(human_log.out, "1 read(s), 2 refusal(s)")) << human_log.out;

  // 6. Alice revokes: Dr Ben is refused from now on.
  ok_json({"consent", "revoke", consent1, "--as", "alice"});
  auto after =
      pv({"record", "get", rec1, "--as", "dr-ben", "--purpose", "TREAT", "-o", tmp_ / "y.json"});
  EXPECT_FALSE(after.ok());
  EXPECT_TRUE(has(after.err, "was revoked at height")) << after.err;

  // 7. A category consent; a record added later is readable without Alice
  // acting.
  json category = ok_json({"consent", "grant", "--as", "alice", "--to", "dr-ben", "--category",
                           "Observation", "--purpose", "TREAT", "--days", "365"});
  EXPECT_EQ(category["consent"]["categoryKeyPublished"], true);
  json later = ok_json({"record", "add", "--as", "dr-ana", "--patient", "alice", "--org",
                        "hospital-a", write("obs2.json", obs2)});
  EXPECT_EQ(later["record"]["categoryKeyEpoch"], 1);
  ok_json({"record", "get", later["record"]["id"], "--as", "dr-ben", "--purpose", "TREAT", "-o",
           tmp_ / "ben-obs2.json"});
  EXPECT_EQ(read_text_file(tmp_ / "ben-obs2.json"), obs2);
  // Out of scope: the ImagingStudy is not an Observation.
  auto out_of_scope = pv({"record", "get", scan["record"]["id"], "--as", "dr-ben", "--purpose",
                          "TREAT", "-o", tmp_ / "z.dcm"});
  EXPECT_FALSE(out_of_scope.ok());
  // The contract reports the consent that came closest; both of Ben's are out of scope here.
  EXPECT_TRUE(has(out_of_scope.err, "covers category Observation, not ImagingStudy") ||
              has(out_of_scope.err, "does not cover this record"))
      << out_of_scope.err;
  // Alice reads her own scan.
  ok_json({"record", "get", scan["record"]["id"], "--as", "alice", "--purpose", "PATRQT", "-o",
           tmp_ / "alice.dcm"});
  EXPECT_EQ(read_text_file(tmp_ / "alice.dcm"), dicom);

  json records = ok_json({"record", "list", "--as", "alice", "--verify"});
  ASSERT_EQ(records["records"].size(), 3u);
  json consents = ok_json({"consent", "list", "--as", "alice", "--verify"});
  ASSERT_EQ(consents["consents"].size(), 2u);
  EXPECT_EQ(consents["consents"][0]["status"], "inactive");
  EXPECT_EQ(consents["consents"][1]["status"], "active");
  log = ok_json({"access-log", "--as", "alice", "--verify"});
  EXPECT_EQ(log["entries"].size(), 7u);

  // The data keys, opened here from Alice's wraps: the node must never have
  // held them.
  auto wallet = Wallet::open(tmp_ / "wallet", {KdfParams::interactive()});
  ASSERT_TRUE(wallet);
  auto alice = wallet->unlock("alice", kPassphrase);
  ASSERT_TRUE(alice) << alice.error().message;
  std::vector<std::string> secrets = {marker1, marker2, obs1, obs2, dicom.substr(150'000, 64)};
  for (const auto& r : records["records"]) {
    auto raw = from_base64(r["keys"]["patient"]["sealed"].get<std::string>());
    ASSERT_TRUE(raw);
    auto sealed = SealedKey::from(*raw);
    ASSERT_TRUE(sealed);
    auto key = open_key(*sealed, alice->current);
    ASSERT_TRUE(key);
    secrets.push_back(std::string(as_chars(key->view())));
    secrets.push_back(key->hex());
    secrets.push_back(to_base64(key->view()));
  }
  ASSERT_EQ(secrets.size(), 5u + 3 * 3);

  node_->signal(SIGTERM);
  ASSERT_TRUE(node_->wait(30s).exited);
  auto verify = pv({"verify", "--data-dir", tmp_ / "data", "--json"});
  EXPECT_TRUE(verify.ok()) << verify.err;

  // 8. No plaintext and no data key in anything the node wrote.
  std::vector<std::pair<std::string, std::string>> files = {{"node stdout", node_->out()},
                                                            {"node stderr", node_->err()}};
  std::size_t scanned = 0;
  for (const auto& entry : fs::recursive_directory_iterator(tmp_ / "data")) {
    if (!entry.is_regular_file()) continue;
    files.emplace_back(entry.path().string(), read_text_file(entry.path().string()));
  }
  for (const auto& [name, content] : files) {
    scanned += content.size();
    for (std::size_t i = 0; i < secrets.size(); ++i)
      EXPECT_EQ(content.find(secrets[i]), std::string::npos)
          << "secret #" << i << " found in " << name;
  }
  EXPECT_GT(files.size(), 5u);
  // The scan can see: the network name the node wrote is found the same way.
  bool seen = false;
  for (const auto& [name, content] : files) seen = seen || has(content, "pv-story-e2e");
  EXPECT_TRUE(seen);
  // The ciphertext is there (the scan looked at real content), the plaintext is
  // not.
  EXPECT_GT(scanned, dicom.size());
}

}  // namespace
}  // namespace pv::e2e
