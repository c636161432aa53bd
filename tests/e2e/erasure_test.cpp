// Erasure end to end on a real node process and the real `pv` binary (docs/erasure.md): a record
// with a multi-megabyte file is added and read; a legal officer's hold refuses its erasure, a
// stranger's erasure is refused, the hold is lifted and the patient erases it. Then: the record
// and its content root answer 410 Gone with the tombstone, the node's eraser confirms with a
// receipt on the ledger, a byte scan of the node's whole data directory (RocksDB files, pack
// files, logs) finds none of the 32-byte samples of every ciphertext block (the same scan found
// them before the erasure) nor any of the record's sealed keys (the patient's, the author's and a
// consented reader's: kept in key envelopes, never in a transaction), the ledger's RocksDB files
// no longer hold the record's state value, `pv verify --data-dir` passes, and a restarted node
// keeps all of it without a second receipt. The patient's `pv access-log` shows the active hold and
// then the erasure (signer, reason, height, receipts, proven against a checkpoint); another
// person's access log shows neither.

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <random>

#include "api/client.hpp"
#include "cluster_process.hpp"
#include "codec/did_key.hpp"
#include "content/car.hpp"
#include "identity/wallet.hpp"
#include "key_envelope_scan.hpp"
#include "wallet_cluster.hpp"
#include "ledger/erasure/erasure_payloads.hpp"
#include "ledger/transaction.hpp"
#include "node/node_key.hpp"
#include "process.hpp"

namespace pv::e2e {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;
namespace fs = std::filesystem;

constexpr const char* kPassphrase = "erasure wallet passphrase";
constexpr const char* kNodePassphrase = "erasure node key passphrase";

bool has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

struct Sample {
  std::string bytes;
  std::string block;  // the block's CID, for the failure message
};

// How many samples occur in any file under `root`, and where.
std::size_t count_found(const fs::path& root, const std::vector<Sample>& samples,
                        std::vector<std::string>* where = nullptr) {
  std::vector<bool> found(samples.size(), false);
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    const std::string content = read_text_file(entry.path().string());
    for (std::size_t i = 0; i < samples.size(); ++i)
      if (content.find(samples[i].bytes) != std::string::npos) {
        if (!found[i] && where) where->push_back(samples[i].block + " in " + entry.path().string());
        found[i] = true;
      }
  }
  return static_cast<std::size_t>(std::count(found.begin(), found.end(), true));
}

// Writes `size` pseudo-random bytes (from `seed`) to `path`, as an imaging file stands in for
// real data here; returns them.
std::string write_random_file(const fs::path& path, std::size_t size, std::uint64_t seed) {
  std::string file(size, '\0');
  std::mt19937_64 rng(seed);
  for (char& c : file) c = static_cast<char>(rng());
  std::ofstream(path, std::ios::binary) << file;
  return file;
}

class ErasureE2e : public ::testing::Test {
 protected:
  void SetUp() override {
    auto wallet = Wallet::open(tmp_ / "wallet", {KdfParams::interactive()});
    ASSERT_TRUE(wallet) << wallet.error().message;
    for (const char* name : {"alice", "dr-ben", "dr-cara", "st-marys", "counsel-lee", "mallory"}) {
      auto id = wallet->create(name, DidMethod::key, kPassphrase);
      ASSERT_TRUE(id) << id.error().message;
      did_[name] = id->did;
    }
    fs::create_directories(tmp_ / "data");
    auto node_key = load_or_create_node_key(
        tmp_ / "data", [](bool) -> Result<Passphrase> { return Passphrase(kNodePassphrase); },
        KdfParams::interactive());
    ASSERT_TRUE(node_key) << node_key.error().message;
    node_did_ = did_key_from_public_key(node_key->public_key());
    json hospital = {{"did", did_["st-marys"]},
                     {"name", "St Mary's Hospital"},
                     {"role", "provider"},
                     {"admins", {did_["st-marys"]}},
                     {"nodeKeys", {node_did_}}};
    json genesis = {
        {"network", "pv-erasure-e2e"}, {"time", 1763856000000}, {"organizations", {hospital}}};
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
    start_node();
  }

  void start_node() {
    node_ = std::make_unique<Process>(
        Process::spawn({pv_bin(), "node", "start", "--data-dir", tmp_ / "data", "--listen",
                        "127.0.0.1:" + std::to_string(port_), "--genesis", tmp_ / "genesis.json",
                        "--block-timeout-ms", "5"},
                       env_));
    ASSERT_TRUE(wait_for_http_ok(port_, "/healthz", 30s)) << node_->err();
  }
  void stop_node() {
    node_->signal(SIGTERM);
    auto exit = node_->wait(30s);
    EXPECT_TRUE(exit.exited && exit.code == 0) << node_->err();
  }

  Completed pv(std::vector<std::string> args) {
    args.insert(args.begin(), pv_bin());
    return run(args, env_);
  }
  // The entries of `kind` in `who`'s `pv access-log --json` (optionally with --verify).
  std::vector<json> access_log_entries(const std::string& who, const std::string& kind,
                                       bool verify = false) {
    std::vector<std::string> args = {"access-log", "--as", who};
    if (verify) args.push_back("--verify");
    json log = ok_json(args);
    std::vector<json> out;
    for (const auto& e : log.value("entries", json::array()))
      if (e.value("kind", "") == kind) out.push_back(e);
    return out;
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

TEST_F(ErasureE2e, ErasedRecordLeavesNoCiphertextOnDiskAndTheLedgerStillVerifies) {
  // A 3 MiB imaging file: 12 ciphertext leaves of 256 KiB and a root.
  const std::string file = write_random_file(path("scan.dcm"), 3 * 1024 * 1024, 17);
  json added = ok_json({"record", "add", path("scan.dcm"), "--as", "dr-ben", "--patient", "alice",
                        "--category", "ImagingStudy", "--media-type", "application/dicom"});
  const std::string id = added["record"]["id"].get<std::string>();
  const std::string cid = added["record"]["cid"].get<std::string>();
  ASSERT_EQ(id.size(), 64u);

  // The patient reads it back, decrypted on her side.
  auto read =
      pv({"record", "get", id, "--as", "alice", "--purpose", "PATRQT", "-o", path("read.dcm")});
  ASSERT_TRUE(read.ok()) << read.err;
  ASSERT_EQ(read_text_file(path("read.dcm")), file);
  // Dr Cara reads it under Alice's consent.
  json granted = ok_json({"consent", "grant", "--as", "alice", "--to", "dr-cara", "--record", id,
                          "--purpose", "TREAT", "--days", "30"});
  const std::string consent_tx = granted["consent"]["id"].get<std::string>();
  auto consented =
      pv({"record", "get", id, "--as", "dr-cara", "--purpose", "TREAT", "-o", path("cara.dcm")});
  ASSERT_TRUE(consented.ok()) << consented.err;
  ASSERT_EQ(read_text_file(path("cara.dcm")), file);
  // The record's wrapped keys (patient, author, Dr Cara's) are in key envelopes, not in the
  // anchor or the grant (checked by record_key_samples); the node holds them until erasure.
  std::vector<Sample> key_samples;
  for (const auto& k : record_key_samples(port_, id, {consent_tx}))
    key_samples.push_back({k.bytes, k.what});
  ASSERT_EQ(key_samples.size(), 3u);
  const std::string key_envelope =
      ok_json({"record", "list", "--as", "alice"})["records"][0].value("keyEnvelope", "");
  ASSERT_FALSE(key_envelope.empty());
  auto served = http_get("/ipfs/" + key_envelope + "?format=raw");
  ASSERT_TRUE(served && served->status == 200);
  EXPECT_EQ(count_found(tmp_ / "data", key_samples), key_samples.size());

  // Every ciphertext block, from the node's own gateway, sampled three times.
  auto car = http_get("/ipfs/" + cid + "?format=car");
  ASSERT_TRUE(car && car->status == 200);
  auto blocks = content::CarReader::read_in_place(as_bytes(car->body));
  ASSERT_TRUE(blocks) << blocks.error().message;
  std::vector<Sample> samples;
  std::vector<std::string> leaf_cids;
  for (const auto& b : blocks->blocks) {
    if (b.bytes.size() < 64) continue;
    if (b.cid.codec() == content::Multicodec::raw) leaf_cids.push_back(b.cid.to_string());
    for (std::size_t at : {std::size_t{0}, b.bytes.size() / 2, b.bytes.size() - 32})
      samples.push_back({std::string(as_chars(b.bytes.subspan(at, 32))), b.cid.to_string()});
  }
  ASSERT_GE(leaf_cids.size(), 12u);
  // The scan finds them while the record lives (so it can fail below); and the record's state
  // value is in the ledger's RocksDB files (its WAL at least). What only the state value holds
  // (ledger/consent_state.cpp): the author's DID, length-prefixed, then the anchoring height
  // (a transaction carries its signer before a nonce, never before a height).
  EXPECT_EQ(count_found(tmp_ / "data", samples), samples.size());
  std::string state_needle;
  const std::string author = did_["dr-ben"];
  for (int shift = 24; shift >= 0; shift -= 8)
    state_needle.push_back(static_cast<char>((author.size() >> shift) & 0xff));
  state_needle += author;
  const std::uint64_t anchored_at = added["record"]["height"].get<std::uint64_t>();
  for (int shift = 56; shift >= 0; shift -= 8)
    state_needle.push_back(static_cast<char>((anchored_at >> shift) & 0xff));
  const std::vector<Sample> state_value = {{state_needle, "the record's state value"}};
  EXPECT_EQ(count_found(tmp_ / "data/ledger", state_value), 1u);

  // A legal hold refuses the erasure; so is a stranger's erasure.
  json counsel = ok_json({"credential", "issue", "--issuer", "st-marys", "--subject", "counsel-lee",
                          "--role", "legal-officer", "--ledger", "--days", "30"});
  std::ofstream(path("counsel.jwt")) << counsel["jwt"].get<std::string>() << "\n";
  ok_json({"record", "legal-hold", "place", id, "--as", "counsel-lee", "--credential",
           path("counsel.jwt"), "--reason", "litigation"});
  auto held = pv({"record", "erase", id, "--as", "alice"});
  EXPECT_FALSE(held.ok());
  EXPECT_TRUE(has(held.err + held.out, "record under legal hold by " + did_["st-marys"]))
      << held.err << held.out;
  json status = ok_json({"record", "erasure-status", id, "--as", "alice"});
  EXPECT_EQ(status["erased"], false);
  ASSERT_EQ(status["holds"].size(), 1u);
  EXPECT_EQ(status["holds"][0]["reason"], "litigation");
  // The patient's access log shows the active hold: who placed it, for which organization, why.
  {
    auto holds = access_log_entries("alice", "legal-hold");
    ASSERT_EQ(holds.size(), 1u);
    EXPECT_EQ(holds[0]["record"], id);
    EXPECT_EQ(holds[0]["signer"], did_["counsel-lee"]);
    EXPECT_EQ(holds[0]["organization"], did_["st-marys"]);
    EXPECT_EQ(holds[0]["reason"], "litigation");
    EXPECT_TRUE(
        has(holds[0].value("verdict", ""), "record under legal hold by " + did_["st-marys"]))
        << holds[0].dump(2);
    EXPECT_TRUE(access_log_entries("mallory", "legal-hold").empty());
  }
  auto stranger = pv({"record", "erase", id, "--as", "mallory"});
  EXPECT_FALSE(stranger.ok());
  EXPECT_TRUE(has(stranger.err + stranger.out, "not the holder")) << stranger.err;
  ok_json({"record", "legal-hold", "lift", id, "--as", "counsel-lee", "--credential",
           path("counsel.jwt"), "--reason", "litigation"});

  // The patient erases.
  json erased = ok_json({"record", "erase", id, "--as", "alice"});
  ASSERT_EQ(erased["erased"].size(), 1u);
  const std::uint64_t erased_at = erased["erased"][0]["height"].get<std::uint64_t>();

  // 410 Gone on the record read, with the tombstone; on the content root too.
  auto gone =
      pv({"record", "get", id, "--as", "alice", "--purpose", "PATRQT", "-o", path("again.dcm")});
  EXPECT_FALSE(gone.ok());
  EXPECT_TRUE(has(gone.err + gone.out, "410 Gone")) << gone.err;
  EXPECT_TRUE(has(gone.err + gone.out, "erased at height " + std::to_string(erased_at)));
  auto root = http_get("/ipfs/" + cid);
  ASSERT_TRUE(root);
  EXPECT_EQ(root->status, 410);
  auto problem = json::parse(root->body, nullptr, false);
  EXPECT_EQ(problem.value("type", ""), "urn:pv:problem:record-erased");
  EXPECT_EQ(problem.value("erasedBy", ""), "holder");
  EXPECT_EQ(problem.value("erasedAtHeight", 0ull), erased_at);

  // The patient's access log shows the erasure: when, signed by her, why; the lifted hold is gone.
  {
    auto erasures = access_log_entries("alice", "erasure");
    ASSERT_EQ(erasures.size(), 1u);
    const json& e = erasures[0];
    EXPECT_EQ(e["record"], id);
    EXPECT_EQ(e["signer"], did_["alice"]);
    EXPECT_EQ(e["erasedBy"], "holder");
    EXPECT_EQ(e["reason"], "patient-request");
    EXPECT_EQ(e["height"], erased_at);
    EXPECT_EQ(e["id"], erased["erased"][0]["transaction"]);
    EXPECT_FALSE(e.contains("organization")) << e.dump(2);
    EXPECT_TRUE(access_log_entries("alice", "legal-hold").empty());
    // Nobody else's access log shows it.
    auto other = pv({"access-log", "--as", "mallory", "--json"});
    ASSERT_TRUE(other.ok()) << other.err;
    EXPECT_FALSE(has(other.out, id)) << other.out;
    EXPECT_FALSE(has(other.out, "\"erasure\"")) << other.out;
    auto human = pv({"access-log", "--as", "alice"});
    ASSERT_TRUE(human.ok()) << human.err;
    EXPECT_TRUE(has(human.out, "ERASED  record " + id.substr(0, 12))) << human.out;
    EXPECT_TRUE(has(human.out, "at height " + std::to_string(erased_at) + " by you")) << human.out;
    EXPECT_TRUE(has(human.out, "1 erasure(s)")) << human.out;
  }

  // The node's eraser confirms on the ledger.
  json confirmed;
  for (int i = 0; i < 100; ++i) {
    confirmed = ok_json({"record", "erasure-status", id, "--as", "alice"});
    if (!confirmed["receipts"].empty()) break;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_EQ(confirmed["receipts"].size(), 1u) << confirmed.dump(2);
  EXPECT_TRUE(confirmed["pending"].empty());
  const json receipt = confirmed["receipts"][0];
  EXPECT_EQ(receipt["nodeKey"], node_did_);
  EXPECT_GE(receipt["blocksDeleted"].get<std::uint64_t>(), leaf_cids.size() + 1);
  EXPECT_EQ(receipt["blocksShared"], 0);
  EXPECT_GE(receipt["keySlotsDeleted"].get<std::uint64_t>(), 2u);
  EXPECT_EQ(receipt["compacted"], true);
  EXPECT_EQ(confirmed["tombstone"]["by"]["kind"], "holder");
  EXPECT_EQ(confirmed["tombstone"]["reason"], "patient-request");
  // Once the eraser has confirmed, no leaf is served any more, and the key envelope answers 410.
  for (const auto& leaf : leaf_cids) {
    auto r = http_get("/ipfs/" + leaf + "?format=raw");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 410) << leaf << ": " << r->body;
  }
  auto envelope = http_get("/ipfs/" + key_envelope + "?format=raw");
  ASSERT_TRUE(envelope);
  EXPECT_EQ(envelope->status, 410) << envelope->body;
  // The access log counts the receipt, and its erasure entry is proven against a checkpoint.
  {
    auto erasures = access_log_entries("alice", "erasure", /*verify=*/true);
    ASSERT_EQ(erasures.size(), 1u);
    EXPECT_EQ(erasures[0]["receipts"], 1) << erasures[0].dump(2);
    EXPECT_EQ(erasures[0]["proof"]["verified"], true) << erasures[0].dump(2);
  }

  // A regulator's auditor re-executes the ledger, erasure included, and its report counts the
  // erasure, the hold and the receipt by organization, reason and signer, naming no patient and
  // no record.
  {
    std::vector<std::string> audit_env = env_;
    audit_env.push_back("PV_AUDIT_PASSPHRASE=e2e auditor passphrase");
    const int audit_port = free_port();
    const std::string size_line = [&] {
      auto cp = http_get("/v1/checkpoint");
      const std::string note = cp && cp->status == 200 ? cp->body : "";
      const auto nl = note.find('\n');
      return note.substr(nl + 1, note.find('\n', nl + 1) - nl - 1);
    }();
    Process auditor = Process::spawn(
        {pv_bin(), "audit", "serve", "--data-dir", tmp_ / "audit", "--genesis",
         tmp_ / "genesis.json", "--listen", "127.0.0.1:" + std::to_string(audit_port), "--poll-ms",
         "50", "--node", "http://127.0.0.1:" + std::to_string(port_)},
        audit_env);
    ASSERT_TRUE(wait_for_http_ok(audit_port, "/healthz", 30s)) << auditor.err();
    bool caught_up = false;
    for (int i = 0; i < 200 && !caught_up; ++i) {
      auto st = httplib::Client("127.0.0.1", audit_port).Get("/v1/status");
      json j = st && st->status == 200 ? json::parse(st->body, nullptr, false) : json();
      caught_up = j.is_object() &&
                  j["nodes"][0]["verifiedLogSize"].get<std::uint64_t>() >= std::stoull(size_line);
      if (!caught_up) std::this_thread::sleep_for(100ms);
    }
    ASSERT_TRUE(caught_up) << auditor.err();
    auto r = run({pv_bin(), "audit", "report", "--data-dir", tmp_ / "audit", "--json"}, audit_env);
    ASSERT_TRUE(r.ok()) << r.err;
    json report = json::parse(r.out, nullptr, false);
    ASSERT_TRUE(report.is_object()) << r.out;
    const json& er = report["erasures"];
    EXPECT_EQ(er["count"], 1) << er.dump(2);
    EXPECT_EQ(er["bySigner"]["patient"], 1) << er.dump(2);
    EXPECT_EQ(er["byReason"]["patient-request"], 1) << er.dump(2);
    ASSERT_EQ(er["byOrganization"].size(), 1u) << er.dump(2);
    EXPECT_EQ(er["byOrganization"].begin().value(), 1) << er.dump(2);
    EXPECT_EQ(er["legalHolds"]["placedByReason"]["litigation"], 1) << er.dump(2);
    EXPECT_EQ(er["legalHolds"]["placedByOrganization"], er["byOrganization"]) << er.dump(2);
    EXPECT_EQ(er["legalHolds"]["liftedByOrganization"], er["byOrganization"]) << er.dump(2);
    EXPECT_EQ(er["nodeReceiptsByOrganization"], er["byOrganization"]) << er.dump(2);
    EXPECT_FALSE(has(r.out, did_["alice"])) << r.out;
    EXPECT_FALSE(has(r.out, id)) << r.out;
    EXPECT_FALSE(has(r.out, cid)) << r.out;
    auditor.signal(SIGTERM);
    auditor.wait(30s);
  }

  // Stopped: no sample of any ciphertext block anywhere in the data directory; the ledger
  // verifies offline.
  stop_node();
  std::vector<std::string> where;
  EXPECT_EQ(count_found(tmp_ / "data", samples, &where), 0u);
  for (const auto& w : where) ADD_FAILURE() << "ciphertext sample of block " << w;
  // Nor any of the record's wrapped keys: not in a block, not in the state, not in a pack.
  where.clear();
  EXPECT_EQ(count_found(tmp_ / "data", key_samples, &where), 0u);
  for (const auto& w : where) ADD_FAILURE() << w;
  // The state deletion was flushed and compacted away: no WAL or SST file holds the record's
  // state value any more. (Its key, "rec/<id>", may linger in the MANIFEST as a deleted SST
  // file's boundary until RocksDB rewrites it; the id alone names nothing: the tombstone
  // carries it too.)
  where.clear();
  EXPECT_EQ(count_found(tmp_ / "data/ledger", state_value, &where), 0u);
  for (const auto& w : where) ADD_FAILURE() << w;
  auto verify = pv({"verify", "--data-dir", tmp_ / "data", "--json"});
  EXPECT_TRUE(verify.ok()) << verify.err << verify.out;

  // Restarted: still gone, still one receipt, nothing re-erased twice on the ledger.
  start_node();
  auto after = http_get("/ipfs/" + cid);
  ASSERT_TRUE(after);
  EXPECT_EQ(after->status, 410);
  std::this_thread::sleep_for(1s);  // the eraser's first run after start
  json again = ok_json({"record", "erasure-status", id, "--as", "alice"});
  EXPECT_EQ(again["receipts"].size(), 1u);
  EXPECT_TRUE(has(read_text_file(path("data/erasure/cursor")), "1"));
  auto twice = pv({"record", "erase", id, "--as", "alice"});
  EXPECT_FALSE(twice.ok());
  EXPECT_TRUE(has(twice.err + twice.out, "already erased at height " + std::to_string(erased_at)))
      << twice.err;
}

// Node `i`'s committed height (0 while it does not answer).
std::uint64_t node_height(const LocalCluster& cluster, int i) {
  auto r = httplib::Client("127.0.0.1", cluster.node_port(i)).Get("/v1/node");
  json j = r && r->status == 200 ? json::parse(r->body, nullptr, false) : json();
  return j.is_object() ? j.value("height", std::uint64_t{0}) : 0;
}

// Stops node `i` cleanly: SIGTERM, then waits until the process is gone (the script started it,
// so it is not our child to wait for) and its log says it stopped in order.
bool stop_cluster_node(const LocalCluster& cluster, int i) {
  const pid_t pid = cluster.node_pid(i);
  if (::kill(pid, SIGTERM) != 0) return false;
  for (auto deadline = std::chrono::steady_clock::now() + 30s;
       std::chrono::steady_clock::now() < deadline;) {
    if (::kill(pid, 0) != 0) {
      const std::string log = read_text_file(cluster.node_log(i));
      const auto stopped = log.rfind("node stopped");
      return stopped != std::string::npos && stopped > log.rfind("serving network");
    }
    std::this_thread::sleep_for(50ms);
  }
  return false;
}

// The cluster tests of erasure run on a WalletCluster (wallet_cluster.hpp).
class ErasureCluster : public WalletCluster {};

// Three nodes of three organizations on a real 3-member etcd cluster (scripts/cluster.sh): a
// record with a 20 MB imaging file (issue 17) added through node 1 is erased through node 2 while
// node 3 is down (kill -9); nodes 1 and 2 confirm and node 3 is pending; node 3 restarts, catches
// up and erases (its cursor walks the tombstones after it); every node answers 410 for it, every
// node's eraser confirms with its own receipt, and a byte scan of the whole cluster directory
// (every node's data directory and every etcd member's, logs included) finds no sample of any
// ciphertext block, which it found before the erasure; pv verify passes against every node.
TEST_F(ErasureCluster, EveryNodeErasesAndConfirmsAndNoCiphertextIsLeftAnywhere) {
  LocalCluster& cluster = cluster_;
  TempDir& tmp = tmp_;
  const std::vector<std::string>& env = env_;
  const std::string& org = org_;
  auto pv = [this](std::vector<std::string> args, int node) {
    return pv_on(std::move(args), node);
  };

  // 20 MB: some 77 ciphertext leaves of 256 KiB.
  const std::string file = write_random_file(tmp / "scan.dcm", 20'000'000, 39);
  auto added = pv({"record", "add", tmp / "scan.dcm", "--as", "dr-ben", "--patient", "alice",
                   "--org", org, "--category", "ImagingStudy"},
                  0);
  ASSERT_TRUE(added.ok()) << added.err;
  const json record = json::parse(added.out)["record"];
  const std::string id = record["id"].get<std::string>(), cid = record["cid"].get<std::string>();
  auto car = httplib::Client("127.0.0.1", cluster.node_port(0)).Get("/ipfs/" + cid + "?format=car");
  ASSERT_TRUE(car && car->status == 200);
  auto blocks = content::CarReader::read_in_place(as_bytes(car->body));
  ASSERT_TRUE(blocks);
  std::vector<Sample> samples;
  for (const auto& b : blocks->blocks)
    if (b.bytes.size() >= 64)
      for (std::size_t at : {std::size_t{0}, b.bytes.size() / 2, b.bytes.size() - 32})
        samples.push_back({std::string(as_chars(b.bytes.subspan(at, 32))), b.cid.to_string()});
  ASSERT_GE(samples.size(), 3u * 77);
  EXPECT_EQ(count_found(cluster.dir(), samples), samples.size());
  // Alice consents through node 1; Dr Cara reads under it through node 2, which serves her key
  // from the grant's key envelope (replicated peer to peer, never through etcd).
  auto granted = pv({"consent", "grant", "--as", "alice", "--to", "dr-cara", "--record", id,
                     "--purpose", "TREAT", "--days", "30"},
                    0);
  ASSERT_TRUE(granted.ok()) << granted.err;
  const std::string consent_tx = json::parse(granted.out)["consent"]["id"].get<std::string>();
  Completed consented;
  for (int t = 0; t < 50; ++t) {  // node 2 may not have applied the grant yet
    consented = pv(
        {"record", "get", id, "--as", "dr-cara", "--purpose", "TREAT", "-o", tmp / "cara.dcm"}, 1);
    if (consented.ok()) break;
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_TRUE(consented.ok()) << consented.err;
  ASSERT_EQ(read_text_file(tmp / "cara.dcm"), file);
  // The record's sealed keys (the patient's, the author's, Dr Cara's) are in no transaction, so
  // in no etcd member's log; the nodes hold them in their content stores until the erasure.
  std::vector<Sample> key_samples;
  for (const auto& k : record_key_samples(cluster.node_port(0), id, {consent_tx}))
    key_samples.push_back({k.bytes, k.what});
  ASSERT_EQ(key_samples.size(), 3u);
  EXPECT_EQ(count_found(cluster.dir(), key_samples), key_samples.size());
  // etcd's WAL and snapshots: never, even while the record lives, though they hold the anchor
  // (the scan finds its content CID there).
  const Bytes binary_cid = content::Cid::parse(cid)->bytes();
  const std::vector<Sample> anchor_field = {
      {std::string(binary_cid.begin(), binary_cid.end()), "the anchor's content CID"}};
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(count_found(cluster.dir() + "/etcd" + std::to_string(i + 1), anchor_field), 1u);
    std::vector<std::string> where;
    EXPECT_EQ(count_found(cluster.dir() + "/etcd" + std::to_string(i + 1), key_samples, &where),
              0u);
    for (const auto& w : where) ADD_FAILURE() << w;
  }

  // Node 3 goes down before the erasure (once it has the record: the scan above saw every block
  // in the cluster, and it applied the anchor's block or will on restart).
  LocalCluster::kill9(cluster.node_pid(2));
  // Erased through another node than the one that took the record.
  json erased;
  for (int t = 0; t < 50; ++t) {  // node 2 may not have applied the anchor yet
    auto e = pv({"record", "erase", id, "--as", "alice"}, 1);
    if (e.ok()) {
      erased = json::parse(e.out);
      break;
    }
    std::this_thread::sleep_for(200ms);
  }
  ASSERT_EQ(erased["erased"].size(), 1u);

  auto receipts = [&](std::size_t want) {
    json status;
    for (int t = 0; t < 150; ++t) {
      auto s = pv({"record", "erasure-status", id, "--as", "alice"}, 0);
      if (s.ok()) {
        status = json::parse(s.out);
        if (status["receipts"].size() == want) break;
      }
      std::this_thread::sleep_for(200ms);
    }
    return status;
  };
  json status = receipts(2);
  ASSERT_EQ(status["receipts"].size(), 2u) << status.dump(2);
  ASSERT_EQ(status["pending"].size(), 1u) << status.dump(2);
  // Node 3 comes back, catches up from etcd and erases.
  ASSERT_TRUE(cluster.start()) << cluster.last().out << cluster.last().err;
  status = receipts(3);
  ASSERT_EQ(status["receipts"].size(), 3u) << status.dump(2);
  EXPECT_TRUE(status["pending"].empty());
  std::uint64_t deleted = 0;
  for (const auto& r : status["receipts"]) {
    EXPECT_EQ(r["compacted"], true);
    deleted += r["blocksDeleted"].get<std::uint64_t>();
  }
  EXPECT_GE(deleted, blocks->blocks.size());  // every block, on every node that held it

  for (int i = 0; i < 3; ++i) {
    auto gone = httplib::Client("127.0.0.1", cluster.node_port(i)).Get("/ipfs/" + cid);
    ASSERT_TRUE(gone);
    EXPECT_EQ(gone->status, 410) << "node " << i;
    // Each node signs checkpoints with its own key: one verifier state file per node.
    auto verify = run({pv_bin(), "verify", "--node", cluster.node_url(i), "--state",
                       tmp / ("verify-" + std::to_string(i) + ".json"), "--json"},
                      env);
    EXPECT_TRUE(verify.ok()) << "node " << i << ": " << verify.err << verify.out;
  }
  std::vector<std::string> where;
  EXPECT_EQ(count_found(cluster.dir(), samples, &where), 0u);
  for (const auto& w : where) ADD_FAILURE() << "ciphertext sample of block " << w;
  where.clear();
  EXPECT_EQ(count_found(cluster.dir(), key_samples, &where), 0u);
  for (const auto& w : where) ADD_FAILURE() << w;
}

// A node restored from a backup taken before an erasure (docs/erasure.md, "On every node, after
// commit"): on the 3-node etcd cluster, node 1 takes a record, is stopped cleanly and its whole
// data directory copied (the backup holds every ciphertext block); it restarts, the record is
// erased through node 2 and all three nodes confirm. Node 1 is stopped again and its data
// directory replaced by the backup. Restarted, it catches up past the erasure from the cluster,
// and its eraser, whose cursor came back from before the erasure, erases again: node 1 answers
// 410 for the record and its content root and serves none of its blocks, a byte scan of its data
// directory (and of the whole cluster) finds no ciphertext or sealed-key sample, and its receipt is
// not sent a second time (its valid receipt is the one from before the restore; at most one
// duplicate, refused by the ledger, can slip in while it catches up). A single node on embedded
// ordering cannot do this: its backup is its whole ledger, and the blocks after it, the erasure
// among them, are gone with nobody to replay them.
TEST_F(ErasureCluster, NodeRestoredFromABackupErasesAgainWithoutASecondReceipt) {
  LocalCluster& cluster = cluster_;
  TempDir& tmp = tmp_;
  const std::vector<std::string>& env = env_;
  const std::string& org = org_;
  auto pv = [this](std::vector<std::string> args, int node) {
    return pv_on(std::move(args), node);
  };

  const std::string file = write_random_file(tmp / "scan.dcm", 1024 * 1024, 41);
  auto added = pv({"record", "add", tmp / "scan.dcm", "--as", "dr-ben", "--patient", "alice",
                   "--org", org, "--category", "ImagingStudy"},
                  0);
  ASSERT_TRUE(added.ok()) << added.err;
  const json record = json::parse(added.out)["record"];
  const std::string id = record["id"].get<std::string>(), cid = record["cid"].get<std::string>();
  auto car = httplib::Client("127.0.0.1", cluster.node_port(0)).Get("/ipfs/" + cid + "?format=car");
  ASSERT_TRUE(car && car->status == 200);
  auto blocks = content::CarReader::read_in_place(as_bytes(car->body));
  ASSERT_TRUE(blocks);
  std::vector<Sample> samples;
  std::vector<std::string> leaf_cids;
  for (const auto& b : blocks->blocks) {
    if (b.bytes.size() < 64) continue;
    if (b.cid.codec() == content::Multicodec::raw) leaf_cids.push_back(b.cid.to_string());
    for (std::size_t at : {std::size_t{0}, b.bytes.size() / 2, b.bytes.size() - 32})
      samples.push_back({std::string(as_chars(b.bytes.subspan(at, 32))), b.cid.to_string()});
  }
  ASSERT_GE(leaf_cids.size(), 4u);
  // The record's sealed keys (the patient's and the author's), held in its key envelope: the
  // scans below look for them too.
  std::size_t keys = 0;
  for (const auto& k : record_key_samples(cluster.node_port(0), id, {})) {
    samples.push_back({k.bytes, k.what});
    ++keys;
  }
  ASSERT_EQ(keys, 2u);

  // The backup: node 1 stopped cleanly, its whole data directory copied. It holds every block
  // and every sealed key.
  const fs::path node_dir = cluster.node_dir(0), backup = tmp / "node1-backup";
  ASSERT_TRUE(stop_cluster_node(cluster, 0)) << read_text_file(cluster.node_log(0));
  fs::copy(node_dir, backup, fs::copy_options::recursive);
  ASSERT_EQ(count_found(backup, samples), samples.size());
  ASSERT_FALSE(fs::exists(backup / "erasure" / "cursor"));  // its eraser never erased anything
  ASSERT_TRUE(cluster.start()) << cluster.last().out << cluster.last().err;
  cluster.wait_for_peers();

  // Erased through node 2; every node confirms.
  json erased;
  for (auto deadline = std::chrono::steady_clock::now() + 10s;
       erased.is_null() && std::chrono::steady_clock::now() < deadline;) {
    auto e = pv({"record", "erase", id, "--as", "alice"}, 1);  // node 2 may lag the anchor
    if (e.ok())
      erased = json::parse(e.out);
    else
      std::this_thread::sleep_for(200ms);
  }
  ASSERT_EQ(erased["erased"].size(), 1u);
  const std::uint64_t erased_at = erased["erased"][0]["height"].get<std::uint64_t>();
  auto status_on = [&](int node, std::size_t want) {
    json status;
    for (auto deadline = std::chrono::steady_clock::now() + 30s;
         std::chrono::steady_clock::now() < deadline;) {
      auto s = pv({"record", "erasure-status", id, "--as", "alice"}, node);
      if (s.ok()) {
        status = json::parse(s.out);
        if (status["receipts"].size() == want) break;
      }
      std::this_thread::sleep_for(200ms);
    }
    return status;
  };
  const json confirmed = status_on(1, 3);
  ASSERT_EQ(confirmed["receipts"].size(), 3u) << confirmed.dump(2);
  auto node1 = api::NodeClient::connect(cluster.node_url(0));
  ASSERT_TRUE(node1);
  auto node1_info = node1->info();
  ASSERT_TRUE(node1_info) << node1_info.error().message;
  const std::string node1_key = node1_info->did;
  std::string node1_receipt;
  for (const auto& r : confirmed["receipts"])
    if (r["nodeKey"] == node1_key) node1_receipt = r["transaction"].get<std::string>();
  ASSERT_FALSE(node1_receipt.empty()) << confirmed.dump(2);
  EXPECT_EQ(count_found(node_dir, samples), 0u);

  // Node 1 restored from the backup: stopped cleanly, its data directory replaced, restarted.
  const std::uint64_t head = node_height(cluster, 1);
  ASSERT_TRUE(stop_cluster_node(cluster, 0)) << read_text_file(cluster.node_log(0));
  fs::remove_all(node_dir);
  fs::copy(backup, node_dir, fs::copy_options::recursive);
  ASSERT_EQ(count_found(node_dir, samples), samples.size());
  ASSERT_TRUE(cluster.start()) << cluster.last().out << cluster.last().err;
  // It catches up past the erasure and its eraser finishes it again (the cursor moves past an
  // erasure only once it is done here and this node's receipt is on the ledger).
  const fs::path cursor = node_dir / "erasure" / "cursor";
  bool caught_up = false;
  for (auto deadline = std::chrono::steady_clock::now() + 60s;
       !caught_up && std::chrono::steady_clock::now() < deadline;) {
    caught_up = node_height(cluster, 0) >= head && fs::exists(cursor) &&
                read_text_file(cursor.string()) == "1\n";
    if (!caught_up) std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(caught_up) << "height " << node_height(cluster, 0) << " of " << head << "\n"
                         << read_text_file(cluster.node_log(0));

  // Node 1 answers 410 for the record and its content root, and serves none of its blocks.
  auto gone =
      pv({"record", "get", id, "--as", "alice", "--purpose", "PATRQT", "-o", tmp / "again.dcm"}, 0);
  EXPECT_FALSE(gone.ok());
  EXPECT_TRUE(has(gone.err + gone.out, "410 Gone")) << gone.err << gone.out;
  EXPECT_TRUE(has(gone.err + gone.out, "erased at height " + std::to_string(erased_at)))
      << gone.err << gone.out;
  auto root = httplib::Client("127.0.0.1", cluster.node_port(0)).Get("/ipfs/" + cid);
  ASSERT_TRUE(root);
  EXPECT_EQ(root->status, 410);
  EXPECT_EQ(json::parse(root->body, nullptr, false).value("type", ""),
            "urn:pv:problem:record-erased")
      << root->body;
  for (const auto& leaf : leaf_cids) {
    auto r =
        httplib::Client("127.0.0.1", cluster.node_port(0)).Get("/ipfs/" + leaf + "?format=raw");
    ASSERT_TRUE(r);
    EXPECT_NE(r->status, 200) << leaf;
  }
  // No ciphertext or sealed-key sample on node 1's disk, nor anywhere else in the cluster.
  std::vector<std::string> where;
  EXPECT_EQ(count_found(cluster.dir(), samples, &where), 0u);
  for (const auto& w : where) ADD_FAILURE() << "ciphertext sample of block " << w;

  // No second receipt: still three, node 1's is the one from before the restore, and the ledger
  // as node 1 holds it has one receipt transaction per node key (node 1: see below).
  const json after = status_on(0, 3);
  ASSERT_EQ(after["receipts"].size(), 3u) << after.dump(2);
  for (const auto& r : after["receipts"]) {
    if (r["nodeKey"] == node1_key) {
      EXPECT_EQ(r["transaction"], node1_receipt) << after.dump(2);
    }
  }
  const std::uint64_t height = node_height(cluster, 0);
  std::map<std::string, int> receipts_by_signer;
  for (std::uint64_t h = erased_at; h <= height; ++h) {
    auto block = node1->block(h);
    ASSERT_TRUE(block) << h << ": " << block.error().message;
    for (const auto& encoded : block->transactions) {
      auto tx = decode_transaction(encoded);
      ASSERT_TRUE(tx) << tx.error().message;
      if (tx->type != kTxTypeErasureReceipt) continue;
      auto receipt = decode_erasure_receipt(tx->payload);
      ASSERT_TRUE(receipt) << receipt.error().message;
      if (receipt->record.hex() == id) ++receipts_by_signer[tx->signer];
    }
  }
  EXPECT_EQ(receipts_by_signer.size(), 3u);
  for (const auto& [signer, count] : receipts_by_signer)
    if (signer != node1_key) {
      EXPECT_EQ(count, 1) << signer << " sent " << count << " receipts";
    }
  // The restored node's eraser may run after replaying the erase but before replaying its own old
  // receipt: it then sends one duplicate, which the ledger refuses (one receipt per node key),
  // and its next pass finds the old receipt. Never more than that one.
  EXPECT_GE(receipts_by_signer[node1_key], 1);
  EXPECT_LE(receipts_by_signer[node1_key], 2);
  auto verify = run({pv_bin(), "verify", "--node", cluster.node_url(0), "--state",
                     tmp / "verify-restored.json", "--json"},
                    env);
  EXPECT_TRUE(verify.ok()) << verify.err << verify.out;
}

}  // namespace
}  // namespace pv::e2e
