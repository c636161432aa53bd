// Organizations and role credentials end to end with real processes: a three-organization node
// started from a genesis file, `pv org` collecting approvals in a proposal file, and
// `pv credential issue|verify|revoke`; every attack is refused with a reason saying why.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "../interop/node_script.hpp"
#include "codec/did_key.hpp"
#include "identity/wallet.hpp"
#include "ledger/vc_jwt.hpp"
#include "process.hpp"

namespace pv::e2e {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kPassphrase = "correct horse battery staple";
constexpr const char* kNodePassphrase = "org e2e node key passphrase";

json parse_out(const Completed& c) {
  auto j = json::parse(c.out, nullptr, false);
  EXPECT_FALSE(j.is_discarded()) << "stdout: " << c.out << "\nstderr: " << c.err;
  return j;
}

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class OrgCredentialE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    auto wallet = Wallet::open(tmp_ / "wallet", {KdfParams::interactive()});
    ASSERT_TRUE(wallet) << wallet.error().message;
    for (const char* name : {"hospital", "insurer", "regulator", "clinic", "alice", "bob", "carol",
                             "dora", "eve", "doc"}) {
      auto id = wallet->create(name, DidMethod::key, kPassphrase);
      ASSERT_TRUE(id) << id.error().message;
      did_[name] = id->did;
    }
    port_ = free_port();
    url_ = "http://127.0.0.1:" + std::to_string(port_);
    env_ = {"HOME=" + tmp_.path(),
            "XDG_CONFIG_HOME=" + (tmp_ / "config"),
            "PV_NODE=" + url_,
            "PV_WALLET=" + (tmp_ / "wallet"),
            "PV_PASSPHRASE=" + std::string(kPassphrase),
            "PV_NODE_PASSPHRASE=" + std::string(kNodePassphrase),
            "PV_WALLET_KDF=interactive",
            "PV_AS="};
    // The node's encrypted key exists before the genesis that lists it (`pv node key`).
    auto node_key = pv({"node", "key", "--data-dir", tmp_ / "data", "--json"});
    ASSERT_TRUE(node_key.ok()) << node_key.err;
    const std::string node_did = parse_out(node_key)["did"];
    ASSERT_EQ(parse_out(node_key)["created"], true);
    json genesis = {{"network", "pv-org-e2e"},
                    {"time", 1763856000000},
                    {"organizations",
                     {{{"did", did_["hospital"]},
                       {"name", "St Mary's Hospital"},
                       {"role", "provider"},
                       {"nodeKeys", {node_did}},
                       {"admins", {did_["alice"]}}},
                      {{"did", did_["insurer"]},
                       {"name", "Acme Insurance"},
                       {"role", "insurer"},
                       {"admins", {did_["bob"]}}},
                      {{"did", did_["regulator"]},
                       {"name", "Ministry of Health"},
                       {"role", "regulator"},
                       {"admins", {did_["carol"]}}}}}};
    std::ofstream(tmp_ / "genesis.json") << genesis.dump(2);
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

  // A credential made by the library with any key, for attacks the CLI would not produce.
  std::string forge(const std::string& issuer, const SigningKey& key) {
    RoleCredential c;
    c.issuer = issuer;
    c.key_id = did_key_method_id(issuer);
    c.subject = did_["doc"];
    c.role = "physician";
    c.license_number = "MD-FORGED";
    c.organization = "Somewhere";
    c.issued_at = c.not_before = static_cast<std::int64_t>(std::time(nullptr));
    c.expires = c.not_before + 3600;
    auto jwt = issue_role_credential(c, key);
    EXPECT_TRUE(jwt);
    return jwt ? *jwt : "";
  }

  TempDir tmp_;
  std::map<std::string, std::string> did_;
  int port_ = 0;
  std::string url_;
  std::vector<std::string> env_;
  std::unique_ptr<Process> node_;
};

TEST_F(OrgCredentialE2e, MembershipByMajorityAndEveryBadApprovalRefused) {
  auto list = pv({"org", "list", "--json"});
  ASSERT_TRUE(list.ok()) << list.err;
  json l = parse_out(list);
  EXPECT_EQ(l["version"], 0);
  EXPECT_EQ(l["approvalsNeeded"], 2);
  EXPECT_EQ(l["organizations"].size(), 3u);

  const std::string file = tmp_ / "add-clinic.json";
  auto propose =
      pv({"org", "propose", "add", "--org", "clinic", "--name", "Northside Clinic", "--role",
          "provider", "--admin", "dora", "--out", file, "--as", "alice", "--json"});
  ASSERT_TRUE(propose.ok()) << propose.err;
  EXPECT_EQ(parse_out(propose)["approvals"].size(), 1u);

  // Too few.
  auto early = pv({"org", "submit", file});
  EXPECT_FALSE(early.ok());
  EXPECT_TRUE(has(early.err, "needs approvals from 2 of the 3 member organizations, has 1"))
      << early.err;
  // Duplicate (refused locally; the ledger would refuse it too: see the unit tests).
  auto twice = pv({"org", "approve", file, "--as", "alice"});
  EXPECT_FALSE(twice.ok());
  EXPECT_TRUE(has(twice.err, "alice has already approved")) << twice.err;
  // Non-member: eve is nobody's admin; her approval makes the whole change invalid.
  const std::string with_eve = tmp_ / "with-eve.json";
  std::filesystem::copy_file(file, with_eve);
  ASSERT_TRUE(pv({"org", "approve", with_eve, "--as", "eve"}).ok());
  ASSERT_TRUE(pv({"org", "approve", with_eve, "--as", "bob"}).ok());
  auto eve = pv({"org", "submit", with_eve});
  EXPECT_FALSE(eve.ok());
  EXPECT_TRUE(
      has(eve.err, "approval 2: " + did_["eve"] + " is not an admin of a member organization"))
      << eve.err;
  // Forged: bob's approval with one signature bit changed.
  auto approve = pv({"org", "approve", file, "--as", "bob", "--json"});
  ASSERT_TRUE(approve.ok()) << approve.err;
  json f = parse_out(approve);
  f.erase("file");
  std::string sig = f["approvals"][1]["signature"];
  sig[10] = sig[10] == '0' ? '1' : '0';
  json forged = f;
  forged["approvals"][1]["signature"] = sig;
  std::ofstream(tmp_ / "forged.json") << forged.dump();
  auto bad = pv({"org", "submit", tmp_ / "forged.json"});
  EXPECT_FALSE(bad.ok());
  EXPECT_TRUE(has(bad.err, "approval 2: the signature of " + did_["bob"] + " does not verify"))
      << bad.err;
  // An altered proposal does not even load: its digest no longer matches.
  json altered = f;
  altered["digest"] = std::string(64, '0');
  std::ofstream(tmp_ / "altered.json") << altered.dump();
  auto tampered = pv({"org", "approve", tmp_ / "altered.json", "--as", "carol"});
  EXPECT_FALSE(tampered.ok());
  EXPECT_TRUE(has(tampered.err, "does not match the encoded proposal")) << tampered.err;

  // The genuine majority lands.
  auto submit = pv({"org", "submit", file, "--json"});
  ASSERT_TRUE(submit.ok()) << submit.err;
  l = parse_out(pv({"org", "list", "--json"}));
  EXPECT_EQ(l["version"], 1);
  EXPECT_EQ(l["organizations"].size(), 4u);
  // Replayed: the same approvals again.
  auto replay = pv({"org", "submit", file});
  EXPECT_FALSE(replay.ok());
  EXPECT_TRUE(has(replay.err, "approved for membership version 0 but membership is at version 1"))
      << replay.err;

  auto human = pv({"org", "list"});
  EXPECT_TRUE(has(human.out, "Northside Clinic")) << human.out;
  EXPECT_TRUE(has(human.out, "a change needs 3 of 4 organizations")) << human.out;

  // The threshold itself changes under the current threshold: from now on, all four.
  const std::string all = tmp_ / "all.json";
  ASSERT_TRUE(
      pv({"org", "propose", "threshold", "--threshold", "1/1", "--out", all, "--as", "alice"})
          .ok());
  ASSERT_TRUE(pv({"org", "approve", all, "--as", "dora"}).ok());
  ASSERT_TRUE(pv({"org", "approve", all, "--as", "carol"}).ok());
  auto set = pv({"org", "submit", all});
  ASSERT_TRUE(set.ok()) << set.err;
  l = parse_out(pv({"org", "list", "--json"}));
  EXPECT_EQ(l["approvalsNeeded"], 4);
  EXPECT_EQ(l["threshold"]["numerator"], 1);
  auto bad_threshold =
      pv({"org", "propose", "threshold", "--threshold", "3/2", "--out", tmp_ / "x.json"});
  EXPECT_FALSE(bad_threshold.ok());
  EXPECT_TRUE(has(bad_threshold.err, "numerator <= denominator")) << bad_threshold.err;
}

TEST_F(OrgCredentialE2e, CredentialsIssueVerifyRevokeAndEveryAttackRefused) {
  auto issued = pv({"credential", "issue", "--issuer", "hospital", "--subject", "doc", "--role",
                    "physician", "--license", "MD-4471", "--days", "30", "--json"});
  ASSERT_TRUE(issued.ok()) << issued.err;
  json cred = parse_out(issued);
  const std::string jwt = cred["jwt"];
  EXPECT_EQ(cred["organization"], "St Mary's Hospital");

  auto ok = pv({"credential", "verify", jwt, "--json"});
  ASSERT_TRUE(ok.ok()) << ok.err;
  json v = parse_out(ok);
  EXPECT_EQ(v["valid"], true);
  EXPECT_EQ(v["role"], "physician");
  EXPECT_EQ(v["subject"], did_["doc"]);
  std::ofstream(tmp_ / "doc.jwt") << jwt << "\n";
  EXPECT_TRUE(pv({"credential", "verify", "--file", tmp_ / "doc.jwt"}).ok());

  // Non-member issuer; a member whose role may not issue; a key that is not the issuer's.
  SigningKey outsider = SigningKey::generate();
  auto stranger =
      pv({"credential", "verify", forge(did_key_from_public_key(outsider.public_key()), outsider)});
  EXPECT_EQ(stranger.exit.code, 1);
  EXPECT_TRUE(has(stranger.err, "is not a member organization of this network")) << stranger.err;
  auto insurer = pv({"credential", "issue", "--issuer", "insurer", "--subject", "doc", "--role",
                     "physician", "--license", "X"});
  EXPECT_FALSE(insurer.ok());
  EXPECT_TRUE(has(insurer.err, "only provider organizations issue practitioner credentials"))
      << insurer.err;
  auto impostor = pv({"credential", "verify", forge(did_["hospital"], outsider)});
  EXPECT_EQ(impostor.exit.code, 1);
  EXPECT_TRUE(has(impostor.err, "credential refused")) << impostor.err;
  EXPECT_TRUE(has(impostor.err, "signature")) << impostor.err;

  // Only the issuer revokes.
  auto wrong = pv({"credential", "revoke", jwt, "--as", "insurer"});
  EXPECT_FALSE(wrong.ok());
  EXPECT_TRUE(has(wrong.err, "only its issuer " + did_["hospital"] + " can revoke it"))
      << wrong.err;
  auto revoke =
      pv({"credential", "revoke", "--file", tmp_ / "doc.jwt", "--as", "hospital", "--json"});
  ASSERT_TRUE(revoke.ok()) << revoke.err;
  EXPECT_EQ(parse_out(revoke)["revoked"], true);
  auto revoked = pv({"credential", "verify", jwt, "--json"});
  EXPECT_EQ(revoked.exit.code, 1);
  EXPECT_TRUE(has(revoked.err, "was revoked by its issuer at height")) << revoked.err;
  httplib::Client http("127.0.0.1", port_);
  auto status = http.Get("/v1/credentials/" + cred["id"].get<std::string>() +
                         "/status?issuer=" + did_["hospital"]);
  ASSERT_TRUE(status);
  EXPECT_EQ(status->status, 200);
  EXPECT_EQ(json::parse(status->body)["revoked"], true);
  auto again = pv({"credential", "revoke", cred["id"], "--as", "hospital"});
  EXPECT_FALSE(again.ok());
  EXPECT_TRUE(has(again.err, "was already revoked")) << again.err;

  // A removed organization's credentials stop verifying.
  const std::string file = tmp_ / "rm.json";
  auto clinic_add = tmp_ / "add.json";
  ASSERT_TRUE(pv({"org", "propose", "add", "--org", "clinic", "--name", "Clinic", "--role",
                  "provider", "--admin", "dora", "--out", clinic_add, "--as", "alice"})
                  .ok());
  ASSERT_TRUE(pv({"org", "approve", clinic_add, "--as", "carol"}).ok());
  ASSERT_TRUE(pv({"org", "submit", clinic_add}).ok());
  auto by_clinic = pv({"credential", "issue", "--issuer", "clinic", "--subject", did_["doc"],
                       "--role", "nurse", "--license", "RN-9", "--json"});
  ASSERT_TRUE(by_clinic.ok()) << by_clinic.err;
  const std::string clinic_jwt = parse_out(by_clinic)["jwt"];
  EXPECT_TRUE(pv({"credential", "verify", clinic_jwt}).ok());
  ASSERT_TRUE(
      pv({"org", "propose", "remove", "--org", "clinic", "--out", file, "--as", "alice"}).ok());
  ASSERT_TRUE(pv({"org", "approve", file, "--as", "bob"}).ok());
  ASSERT_TRUE(pv({"org", "approve", file, "--as", "carol"}).ok());
  ASSERT_TRUE(pv({"org", "submit", file}).ok());
  auto removed = pv({"credential", "verify", clinic_jwt});
  EXPECT_EQ(removed.exit.code, 1);
  EXPECT_TRUE(has(removed.err, "was removed from the network at height")) << removed.err;
}

// Both directions with the real CLI and did-jwt-vc (npm): `pv credential issue` verifies there,
// and a credential did-jwt-vc issues with the hospital's key verifies with `pv credential verify`
// against the ledger (and stops verifying once revoked).
TEST_F(OrgCredentialE2e, CredentialsInteroperateWithDidJwtVc) {
  pv::testing::require_interop_tools("did-jwt-vc");
  auto issued = pv({"credential", "issue", "--issuer", "hospital", "--subject", "doc", "--role",
                    "nurse", "--license", "RN-77", "--json"});
  ASSERT_TRUE(issued.ok()) << issued.err;
  const std::string jwt = parse_out(issued)["jwt"];
  auto there =
      pv::testing::run_node_script("did_interop.mjs", "vc-verify " + pv::testing::shell_quote(jwt));
  ASSERT_EQ(there.exit_code, 0) << there.out;
  json seen = json::parse(there.out, nullptr, false);
  EXPECT_EQ(seen["issuer"], did_["hospital"]);
  EXPECT_EQ(seen["payload"]["vc"]["credentialSubject"]["licenseNumber"], "RN-77");

  auto wallet = Wallet::open(tmp_ / "wallet", {KdfParams::interactive()});
  ASSERT_TRUE(wallet);
  auto secrets = wallet->unlock("hospital", kPassphrase);
  ASSERT_TRUE(secrets) << secrets.error().message;
  auto made = pv::testing::run_node_script(
      "did_interop.mjs", "vc-issue " + pv::testing::shell_quote(secrets->current.seed().hex()) +
                             " " + pv::testing::shell_quote(did_["hospital"]) + " " +
                             pv::testing::shell_quote(did_["doc"]) + " Hospital");
  ASSERT_EQ(made.exit_code, 0) << made.out;
  const std::string foreign = made.out.substr(0, made.out.find('\n'));
  auto here = pv({"credential", "verify", foreign, "--json"});
  ASSERT_TRUE(here.ok()) << here.err;
  json v = parse_out(here);
  EXPECT_EQ(v["role"], "emergency-clinician");
  EXPECT_EQ(v["subject"], did_["doc"]);
  ASSERT_TRUE(pv({"credential", "revoke", foreign, "--as", "hospital"}).ok());
  auto revoked = pv({"credential", "verify", foreign});
  EXPECT_EQ(revoked.exit.code, 1);
  EXPECT_TRUE(has(revoked.err, "was revoked by its issuer")) << revoked.err;
}

TEST_F(OrgCredentialE2e, PublicReadsAndTheirProblemDocuments) {
  httplib::Client http("127.0.0.1", port_);
  auto all = http.Get("/v1/organizations");
  ASSERT_TRUE(all);
  EXPECT_EQ(all->status, 200);
  json j = json::parse(all->body);
  EXPECT_EQ(j["approvalsNeeded"], 2);
  EXPECT_EQ(j["organizations"][0]["nodeKeys"].size() + j["organizations"][1]["nodeKeys"].size() +
                j["organizations"][2]["nodeKeys"].size(),
            1u);
  auto one = http.Get("/v1/organizations/" + did_["insurer"]);
  ASSERT_TRUE(one);
  EXPECT_EQ(one->status, 200);
  EXPECT_EQ(json::parse(one->body)["mayIssuePractitionerCredentials"], false);
  auto never = http.Get("/v1/organizations/" + did_["eve"]);
  ASSERT_TRUE(never);
  EXPECT_EQ(never->status, 404);
  EXPECT_EQ(never->get_header_value("Content-Type"), "application/problem+json");
  EXPECT_TRUE(has(never->body, "has never been a member organization")) << never->body;
  auto bad = http.Get("/v1/credentials/urn:uuid:a%25b/status");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_TRUE(has(bad->body, "credential id")) << bad->body;
  auto fresh = http.Get("/v1/credentials/urn:uuid:never-revoked/status");
  ASSERT_TRUE(fresh);
  EXPECT_EQ(fresh->status, 200);
  EXPECT_EQ(json::parse(fresh->body)["revoked"], false);
  auto post = http.Post("/v1/organizations", "{}", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
}

TEST(OrgCredentialCli, EveryCommandExplainsItself) {
  for (std::vector<std::string> cmd : {std::vector<std::string>{"node", "key"},
                                       {"org", "list"},
                                       {"org", "propose"},
                                       {"org", "approve"},
                                       {"org", "submit"},
                                       {"credential", "issue"},
                                       {"credential", "verify"},
                                       {"credential", "revoke"}}) {
    cmd.insert(cmd.begin(), pv_bin());
    cmd.push_back("--help");
    auto help = run(cmd);
    EXPECT_TRUE(help.ok()) << cmd[2];
    EXPECT_NE(help.out.find("Example"), std::string::npos) << cmd[2] << ": " << help.out;
    EXPECT_NE(help.out.find("--json"), std::string::npos) << cmd[2];
  }
}

}  // namespace
}  // namespace pv::e2e
