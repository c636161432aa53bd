// Zero-knowledge attestations end to end through the real `pv` binary and a real node
// (docs/attestations.md): a lab attests Alice's birth date and a measles vaccination; Alice
// lists the values (opened on her side), proves "over 18" and "vaccinated after 2020" to the
// insurer, who verifies online, through POST /v1/proofs/verify and offline from the carried
// inclusion proof. Then every attack of issue 14 item 5 is refused: a false claim (by the honest
// prover, and by one that skips its checks), a flipped bit anywhere in the proof, the proof
// presented for another attestation, with another nonce, to another verifier, signed by another
// patient, after revocation, points off the curve or at infinity and scalars >= n in the proof;
// issuers that are not member provider or lab organizations are refused at issue. No file the
// node wrote holds the openings in clear.

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "api/client.hpp"
#include "cli/acting.hpp"
#include "cli/attestation_fetch.hpp"
#include "cli/attestation_openings.hpp"
#include "codec/did_key.hpp"
#include "identity/attestation_presentation.hpp"
#include "identity/wallet.hpp"
#include "ledger/attribute_table.hpp"
#include "ledger/jose.hpp"
#include "node/node_key.hpp"
#include "process.hpp"
#include "zk/presentation_internal.hpp"

namespace pv::e2e {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kPassphrase = "attestation wallet passphrase";
constexpr const char* kNodePassphrase = "attestation node key passphrase";

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class AttestationE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    auto wallet = Wallet::open(tmp_ / "wallet", {KdfParams::interactive()});
    ASSERT_TRUE(wallet) << wallet.error().message;
    for (const char* name : {"alice", "bob", "city-lab", "st-marys", "insurer", "dr-ben"}) {
      auto id = wallet->create(name, DidMethod::key, kPassphrase);
      ASSERT_TRUE(id) << id.error().message;
      did_[name] = id->did;
    }
    fs::create_directories(tmp_ / "data");
    auto node_key = load_or_create_node_key(
        tmp_ / "data", [](bool) -> Result<Passphrase> { return Passphrase(kNodePassphrase); },
        KdfParams::interactive());
    ASSERT_TRUE(node_key) << node_key.error().message;
    checkpoint_key_ = node_key->public_key().hex();
    auto org = [&](const char* name, const char* label, const char* role) {
      return json{{"did", did_[name]}, {"name", label}, {"role", role}, {"admins", {did_[name]}}};
    };
    json lab = org("city-lab", "City Lab", "lab");
    lab["nodeKeys"] = {did_key_from_public_key(node_key->public_key())};
    json genesis = {{"network", "pv-attestation-e2e"},
                    {"time", 1763856000000},
                    {"organizations",
                     {lab, org("st-marys", "St Mary's Hospital", "provider"),
                      org("insurer", "Acme Insurance", "insurer")}}};
    std::ofstream(tmp_ / "genesis.json") << genesis.dump(2);
    std::ofstream(tmp_ / "passphrase") << kPassphrase;
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
  std::string issue(const std::string& issuer, const std::string& patient,
                    std::vector<std::string> attrs) {
    std::vector<std::string> args = {"attest", "issue", "--as", issuer, "--patient", patient};
    for (auto& a : attrs) args.insert(args.end(), {"--attr", a});
    return ok_json(args)["id"].get<std::string>();
  }
  std::string path(const std::string& name) { return tmp_ / name; }
  json read_json(const std::string& file) { return json::parse(read_text_file(path(file))); }
  void write_json(const std::string& file, const json& j) {
    std::ofstream(path(file), std::ios::trunc) << j.dump(2);
  }
  // `pv proof verify`: (exit ok, the JSON verdict).
  std::pair<bool, json> verify(const std::string& file, const std::string& nonce,
                               std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"proof", "verify", path(file), "--nonce", nonce, "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto c = pv(args);
    auto j = json::parse(c.out, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << c.out << c.err;
    EXPECT_EQ(c.ok(), !j.is_discarded() && j["valid"] == true) << c.out;
    return {c.ok(), j};
  }
  // POST /v1/proofs/verify with `file`'s content.
  json verify_on_node(const json& presentation, const std::string& nonce,
                      const std::string& verifier) {
    auto client = api::NodeClient::connect(url_, {});
    EXPECT_TRUE(client);
    json body = {{"presentation", presentation}, {"nonce", nonce}, {"verifier", verifier}};
    auto reply = client->call("POST", "/v1/proofs/verify", body.dump());
    EXPECT_TRUE(reply) << (reply ? "" : reply.error().message);
    return reply ? json::parse(reply->body) : json();
  }
  // Alice's wallet identity, unlocked in this process (as an attacker with her key would).
  Result<cli::Actor> unlock(const std::string& name) {
    cli::ActingOptions o;
    o.wallet = tmp_ / "wallet";
    o.passphrase_file = tmp_ / "passphrase";
    return cli::unlock_actor(o, name, nullptr);
  }

  TempDir tmp_;
  std::map<std::string, std::string> did_;
  std::string checkpoint_key_, url_;
  int port_ = 0;
  std::vector<std::string> env_;
  std::unique_ptr<Process> node_;
};

TEST_F(AttestationE2e, IssueListProveVerifyAndEveryAttackRefused) {
  // 1. The lab attests Alice's birth date and a measles vaccination; Bob gets one too.
  const std::string id =
      issue("city-lab", "alice",
            {"birth_date=1990-05-01", "vaccine=measles", "vaccination_date=2021-03-15"});
  ASSERT_EQ(id.size(), 64u);
  const std::string other = issue("city-lab", "alice", {"birth_date=1990-05-01"});
  const std::string bobs = issue("st-marys", "bob", {"birth_date=1985-02-11", "blood_group=O+"});

  // 2. Alice sees the values, opened on her side.
  json list = ok_json({"attest", "list", "--as", "alice"});
  ASSERT_EQ(list["attestations"].size(), 2u);
  json first = list["attestations"][0];
  EXPECT_EQ(first["id"], id);
  EXPECT_EQ(first["issuer"], did_["city-lab"]);
  EXPECT_EQ(first["attributes"]["birth_date"]["value"], "1990-05-01");
  EXPECT_EQ(first["attributes"]["vaccine"]["value"], "measles");
  EXPECT_EQ(first["attributes"]["vaccination_date"]["value"], "2021-03-15");
  // Bob's list holds only his; the node refuses Alice's list to anyone else.
  EXPECT_EQ(ok_json({"attest", "list", "--as", "bob"})["attestations"].size(), 1u);

  // 3. Alice proves "over 18" and "vaccinated against measles after 2020" to the insurer.
  const std::string insurer = did_["insurer"];
  json proved =
      ok_json({"prove", "--as", "alice", "--attestation", id, "--claim", "birth_date <= 2008-12-06",
               "--claim", "vaccine = measles", "--claim", "vaccination_date > 2020-01-01", "--for",
               insurer, "--nonce", "n-4711", "-o", path("proof.json")});
  EXPECT_GT(proved["proofBytes"].get<int>(), 0);
  json over18 =
      ok_json({"prove", "--as", "alice", "--attestation", id, "--claim", "birth_date <= 2008-12-06",
               "--for", insurer, "--nonce", "n-18", "-o", path("over18.json")});
  EXPECT_LT(over18["proofBytes"].get<int>(), 1024);
  const json file = read_json("proof.json");
  EXPECT_FALSE(has(file.dump(), "1990-05-01"));
  EXPECT_FALSE(has(file.dump(), "2021-03-15"));

  // 4. The insurer verifies: with its node, through the API, and offline.
  auto [valid, verdict] = verify("proof.json", "n-4711", {"--for", insurer});
  EXPECT_TRUE(valid) << verdict.dump();
  EXPECT_EQ(verdict["claims"][0], "birth_date <= 2008-12-06");
  EXPECT_EQ(verdict["status"], "active");
  EXPECT_EQ(verdict["proofBytes"], proved["proofBytes"]);
  json api = verify_on_node(file, "n-4711", insurer);
  EXPECT_EQ(api["valid"], true) << api.dump();
  auto [offline, offline_verdict] = verify("proof.json", "n-4711", {"--offline", checkpoint_key_});
  EXPECT_TRUE(offline) << offline_verdict.dump();
  EXPECT_EQ(offline_verdict["checked"]["revocationChecked"], false);
  EXPECT_TRUE(has(offline_verdict["checked"]["note"].get<std::string>(), "cannot be known"));
  // An offline check under another key fails.
  EXPECT_FALSE(verify("proof.json", "n-4711", {"--offline", std::string(64, 'a')}).first);
  // A malformed request is an RFC 9457 problem.
  {
    auto client = api::NodeClient::connect(url_, {});
    auto bad = client->call("POST", "/v1/proofs/verify", "{\"nonce\":1}");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, Errc::invalid_argument);
  }

  // 5a. A false claim: the honest prover refuses it.
  auto false_claim =
      pv({"prove", "--as", "alice", "--attestation", id, "--claim", "birth_date <= 1980-01-01",
          "--for", insurer, "--nonce", "n", "-o", path("false.json")});
  EXPECT_FALSE(false_claim.ok());
  EXPECT_TRUE(has(false_claim.err, "is false for your attested value")) << false_claim.err;
  EXPECT_FALSE(fs::exists(path("false.json")));

  // 5b. A false claim from a prover that skips its checks, with Alice's real openings and key.
  {
    auto alice = unlock("alice");
    ASSERT_TRUE(alice) << alice.error().message;
    auto client = api::NodeClient::connect(url_, {});
    auto attestation = cli::fetch_attestation(*client, *AttestationId::from_hex(id));
    ASSERT_TRUE(attestation);
    auto openings = cli::fetch_openings(url_, attestation->state.issue, *alice);
    ASSERT_TRUE(openings) << openings.error().message;
    auto p = parse_presentation_file(file.dump());
    ASSERT_TRUE(p);
    p->claims = {*parse_claim(kAttributeSchemaV1, "birth_date <= 1980-01-01")};
    auto st = presentation_statement(attestation->state.issue, *p);
    ASSERT_TRUE(st);
    zk::OsScalars rng;
    p->proof = zk::prove_presentation_unchecked(*st, cli::zk_openings(*openings), rng);
    p->signature = alice->key().sign(presentation_signing_message(*st, p->proof));
    std::ofstream(path("forged.json")) << presentation_file_json(*p, kAttributeSchemaV1);
    auto [ok, v] = verify("forged.json", "n-4711");
    EXPECT_FALSE(ok);
    EXPECT_TRUE(has(v["reason"], "zero-knowledge proof does not verify")) << v.dump();

    // 5g. A proof for another patient: Bob re-signs Alice's proof with his key.
    auto bob = unlock("bob");
    ASSERT_TRUE(bob);
    auto stolen = parse_presentation_file(file.dump());
    stolen->patient_key = bob->key().public_key();
    auto st2 = presentation_statement(attestation->state.issue, *stolen);
    stolen->signature = bob->key().sign(presentation_signing_message(*st2, stolen->proof));
    std::ofstream(path("stolen.json")) << presentation_file_json(*stolen, kAttributeSchemaV1);
    auto [ok2, v2] = verify("stolen.json", "n-4711");
    EXPECT_FALSE(ok2);
    EXPECT_TRUE(has(v2["reason"], "not signed by a current key")) << v2.dump();
    // And Bob cannot prove about Alice's attestation with pv either.
    auto as_bob =
        pv({"prove", "--as", "bob", "--attestation", id, "--claim", "birth_date <= 2008-12-06",
            "--for", insurer, "--nonce", "n", "-o", path("bob.json")});
    EXPECT_FALSE(as_bob.ok());
    EXPECT_TRUE(has(as_bob.err, "is about")) << as_bob.err;
  }

  // 5c. A flipped bit anywhere in the proof: every byte through the API, a sample through pv.
  const Bytes proof = *base64url_decode(file["proof"].get<std::string>());
  for (std::size_t i = 0; i < proof.size(); ++i) {
    Bytes bad = proof;
    bad[i] ^= static_cast<std::uint8_t>(1u << (i % 8));
    json tampered = file;
    tampered["proof"] = base64url_encode(bad);
    json v = verify_on_node(tampered, "n-4711", insurer);
    ASSERT_EQ(v["valid"], false) << "byte " << i;
  }
  for (std::size_t i : {std::size_t{0}, proof.size() / 2, proof.size() - 1}) {
    Bytes bad = proof;
    bad[i] ^= 0x80;
    json tampered = file;
    tampered["proof"] = base64url_encode(bad);
    write_json("tampered.json", tampered);
    auto [ok, v] = verify("tampered.json", "n-4711");
    EXPECT_FALSE(ok) << i;
    EXPECT_TRUE(has(v["reason"], "zero-knowledge proof does not verify")) << v.dump();
  }

  // 5j. Points at infinity or off the curve, and scalars >= n, in the proof.
  {
    Bytes infinity = proof;
    std::fill(infinity.begin(), infinity.begin() + 33, 0);
    Bytes off_curve = proof;
    off_curve[0] = 0x02;
    for (std::uint8_t x = 1;; ++x) {
      std::fill(off_curve.begin() + 1, off_curve.begin() + 33, 0);
      off_curve[32] = x;
      if (!zk::Point::decode(ByteView(off_curve).first(33))) break;
    }
    Bytes above = proof;
    const zk::ScalarBytes n = zk::group_order();
    std::copy(n.view().begin(), n.view().end(), above.end() - 32);
    for (const Bytes& bad : {infinity, off_curve, above}) {
      json tampered = file;
      tampered["proof"] = base64url_encode(bad);
      write_json("bad-encoding.json", tampered);
      auto [ok, v] = verify("bad-encoding.json", "n-4711");
      EXPECT_FALSE(ok) << v.dump();
    }
  }

  // 5d. The proof presented for another attestation (other commitments to the same birth date).
  {
    json moved = file;
    moved["attestation"] = other;
    moved.erase("inclusion");
    write_json("moved.json", moved);
    auto [ok, v] = verify("moved.json", "n-4711");
    EXPECT_FALSE(ok) << v.dump();
  }
  // 5e, 5f. Another nonce, another verifier.
  {
    auto [ok, v] = verify("proof.json", "n-4712");
    EXPECT_FALSE(ok);
    EXPECT_TRUE(has(v["reason"], "another nonce")) << v.dump();
    auto [ok2, v2] = verify("proof.json", "n-4711", {"--for", did_["st-marys"]});
    EXPECT_FALSE(ok2);
    EXPECT_TRUE(has(v2["reason"], "another verifier")) << v2.dump();
    json renamed = file;
    renamed["verifier"] = did_["st-marys"];
    write_json("renamed.json", renamed);
    auto [ok3, v3] = verify("renamed.json", "n-4711", {"--for", did_["st-marys"]});
    EXPECT_FALSE(ok3);
    EXPECT_TRUE(has(v3["reason"], "zero-knowledge proof does not verify")) << v3.dump();
  }

  // 5i. Issuers that are not member provider or lab organizations are refused at issue.
  for (const char* issuer : {"dr-ben", "insurer", "alice"}) {
    auto c = pv(
        {"attest", "issue", "--as", issuer, "--patient", "bob", "--attr", "birth_date=1985-02-11"});
    EXPECT_FALSE(c.ok()) << issuer;
    EXPECT_TRUE(has(c.err, "may not attest") || has(c.err, "only provider and lab")) << c.err;
  }

  // 5h. Revocation: only by the issuer, only once; then the proof is refused online.
  auto by_other = pv({"attest", "revoke", id, "--as", "st-marys"});
  EXPECT_FALSE(by_other.ok());
  EXPECT_TRUE(has(by_other.err, "only the issuer")) << by_other.err;
  json revoked = ok_json({"attest", "revoke", id, "--as", "city-lab", "--reason", "withdrawn"});
  EXPECT_EQ(revoked["revoked"], true);
  auto twice = pv({"attest", "revoke", id, "--as", "city-lab"});
  EXPECT_FALSE(twice.ok());
  EXPECT_TRUE(has(twice.err, "already revoked")) << twice.err;
  auto [ok, v] = verify("proof.json", "n-4711", {"--for", insurer});
  EXPECT_FALSE(ok);
  EXPECT_TRUE(has(v["reason"], "revoked")) << v.dump();
  EXPECT_EQ(verify_on_node(file, "n-4711", insurer)["valid"], false);
  auto after =
      pv({"prove", "--as", "alice", "--attestation", id, "--claim", "birth_date <= 2008-12-06",
          "--for", insurer, "--nonce", "n", "-o", path("late.json")});
  EXPECT_FALSE(after.ok());
  EXPECT_TRUE(has(after.err, "revoked")) << after.err;
  // Bob's attestation is untouched.
  EXPECT_EQ(ok_json({"attest", "list", "--as", "bob"})["attestations"][0]["status"], "active");
  (void)bobs;

  // 6. No file the node wrote holds an opening in clear (their magic "PVAO" or a value's text).
  node_->signal(SIGTERM);
  ASSERT_TRUE(node_->wait(30s).exited);
  for (const auto& entry : fs::recursive_directory_iterator(tmp_ / "data")) {
    if (!entry.is_regular_file()) continue;
    const std::string content = read_text_file(entry.path().string());
    EXPECT_FALSE(has(content, "PVAO")) << entry.path();
    EXPECT_FALSE(has(content, "1990-05-01")) << entry.path();
  }
  EXPECT_FALSE(has(node_->err(), "1990-05-01"));
}

// A practitioner attests with a ledger credential of a member provider: the provider is the
// issuer of record, the ledger holds no licence number, the patient proves a claim on it, and
// a licence-bearing, someone else's or revoked credential is refused.
TEST_F(AttestationE2e, PractitionerAttestsWithALedgerCredential) {
  json issued = ok_json({"credential", "issue", "--issuer", "st-marys", "--subject", "dr-ben",
                         "--role", "physician", "--ledger", "--days", "30"});
  EXPECT_EQ(issued["organization"], did_["st-marys"]);
  std::ofstream(path("ledger.jwt")) << issued["jwt"].get<std::string>() << "\n";
  json full = ok_json({"credential", "issue", "--issuer", "st-marys", "--subject", "dr-ben",
                       "--role", "physician", "--license", "MD-4471"});
  std::ofstream(path("full.jwt")) << full["jwt"].get<std::string>();
  // Neither both forms at once, nor neither.
  EXPECT_FALSE(pv({"credential", "issue", "--issuer", "st-marys", "--subject", "dr-ben", "--role",
                   "physician", "--ledger", "--license", "MD-1"})
                   .ok());
  EXPECT_FALSE(
      pv({"credential", "issue", "--issuer", "st-marys", "--subject", "dr-ben", "--role", "x"})
          .ok());
  EXPECT_EQ(ok_json({"credential", "verify", "--file", path("ledger.jwt")})["valid"], true);

  json attested = ok_json({"attest", "issue", "--as", "dr-ben", "--credential", path("ledger.jwt"),
                           "--patient", "alice", "--attr", "hba1c=6.1"});
  EXPECT_EQ(attested["issuer"], did_["st-marys"]);
  EXPECT_EQ(attested["attestedBy"], did_["dr-ben"]);
  const std::string id = attested["id"].get<std::string>();

  json list = ok_json({"attest", "list", "--as", "alice"});
  ASSERT_EQ(list["attestations"].size(), 1u);
  EXPECT_EQ(list["attestations"][0]["issuer"], did_["st-marys"]);
  EXPECT_EQ(list["attestations"][0]["attestedBy"], did_["dr-ben"]);
  EXPECT_EQ(list["attestations"][0]["attributes"]["hba1c"]["value"], "6.1 %");

  const std::string insurer = did_["insurer"];
  ok_json({"prove", "--as", "alice", "--attestation", id, "--claim", "hba1c < 6.5", "--for",
           insurer, "--nonce", "n-dr", "-o", path("dr.json")});
  auto [valid, verdict] = verify("dr.json", "n-dr", {"--for", insurer});
  EXPECT_TRUE(valid) << verdict.dump();
  EXPECT_EQ(verdict["issuer"], did_["st-marys"]);
  EXPECT_EQ(verdict["attestedBy"], did_["dr-ben"]);
  auto [offline, offline_verdict] = verify("dr.json", "n-dr", {"--offline", checkpoint_key_});
  EXPECT_TRUE(offline) << offline_verdict.dump();
  EXPECT_EQ(offline_verdict["issuer"], did_["st-marys"]);

  // The licence-bearing credential never reaches the ledger's acceptance.
  auto licensed = pv({"attest", "issue", "--as", "dr-ben", "--credential", path("full.jwt"),
                      "--patient", "alice", "--attr", "hba1c=6.1"});
  EXPECT_FALSE(licensed.ok());
  EXPECT_TRUE(has(licensed.err, "may hold only id, role and organization")) << licensed.err;
  // Bob cannot sign with Dr Ben's credential.
  auto stolen = pv({"attest", "issue", "--as", "bob", "--credential", path("ledger.jwt"),
                    "--patient", "alice", "--attr", "hba1c=6.1"});
  EXPECT_FALSE(stolen.ok());
  EXPECT_TRUE(has(stolen.err, "not to the signer")) << stolen.err;
  // Once the hospital revokes the credential, Dr Ben can no longer attest; what he attested
  // before stays valid (the credential was valid at issue time).
  ok_json({"credential", "revoke", "--file", path("ledger.jwt"), "--as", "st-marys"});
  auto after = pv({"attest", "issue", "--as", "dr-ben", "--credential", path("ledger.jwt"),
                   "--patient", "alice", "--attr", "hba1c=5.9"});
  EXPECT_FALSE(after.ok());
  EXPECT_TRUE(has(after.err, "was revoked")) << after.err;
  EXPECT_TRUE(verify("dr.json", "n-dr", {"--for", insurer}).first);
  // The organization, issuer of record, revokes the attestation; the practitioner cannot.
  EXPECT_FALSE(pv({"attest", "revoke", id, "--as", "dr-ben"}).ok());
  ok_json({"attest", "revoke", id, "--as", "st-marys"});
  EXPECT_FALSE(verify("dr.json", "n-dr", {"--for", insurer}).first);

  // No licence number anywhere in the node's files.
  node_->signal(SIGTERM);
  ASSERT_TRUE(node_->wait(30s).exited);
  for (const auto& entry : fs::recursive_directory_iterator(tmp_ / "data")) {
    if (!entry.is_regular_file()) continue;
    EXPECT_FALSE(has(read_text_file(entry.path().string()), "MD-4471")) << entry.path();
  }
}

}  // namespace
}  // namespace pv::e2e
