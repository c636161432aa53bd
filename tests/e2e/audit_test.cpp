// The auditor end to end (docs/audit.md): real `pv node start` and `pv audit serve` processes.
// An honest node is followed to its head, its checkpoints are cosigned through the auditor's
// gate, and an auditor killed with SIGKILL resumes where it stopped; a node whose past block was
// rewritten and resealed with its own key is caught by re-execution; two copies of one node fed
// different transactions are caught equivocating, and the evidence verifies offline.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "identity/passphrase.hpp"
#include "ledger/block.hpp"
#include "node/node_key.hpp"
#include "process.hpp"
#include "storage/ledger_store.hpp"

namespace pv::e2e {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr const char* kNodePass = "e2e audit node passphrase";

struct AuditEnv {
  TempDir tmp;
  std::vector<std::string> env = {"HOME=" + tmp.path(),
                                  "XDG_CONFIG_HOME=" + (tmp / "config"),
                                  "PV_PASSPHRASE=e2e wallet passphrase",
                                  std::string("PV_NODE_PASSPHRASE=") + kNodePass,
                                  "PV_AUDIT_PASSPHRASE=e2e auditor passphrase",
                                  "PV_WALLET_KDF=interactive"};
  std::vector<std::string> with_node(const std::string& url) const {
    auto e = env;
    e.push_back("PV_NODE=" + url);
    return e;
  }
};

std::string url_of(int port) {
  return "http://127.0.0.1:" + std::to_string(port);
}

Process start_node(const AuditEnv& e, const std::string& dir, int port,
                   std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {pv_bin(),
                                   "node",
                                   "start",
                                   "--data-dir",
                                   dir,
                                   "--listen",
                                   "127.0.0.1:" + std::to_string(port),
                                   "--block-timeout-ms",
                                   "5"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return Process::spawn(argv, e.env);
}

Process start_auditor(const AuditEnv& e, const std::string& dir, int port,
                      const std::string& genesis, const std::vector<std::string>& nodes,
                      std::vector<std::string> extra = {}) {
  std::vector<std::string> argv = {pv_bin(),     "audit",    "serve",
                                   "--data-dir", dir,        "--genesis",
                                   genesis,      "--listen", "127.0.0.1:" + std::to_string(port),
                                   "--poll-ms",  "50"};
  for (const auto& n : nodes) argv.insert(argv.end(), {"--node", n});
  argv.insert(argv.end(), extra.begin(), extra.end());
  return Process::spawn(argv, e.env);
}

void submit_anchor(const AuditEnv& e, const std::string& node_url, char fill) {
  auto r = run({pv_bin(), "tx", "submit", "--anchor", std::string(64, fill), "--wait"},
               e.with_node(node_url));
  ASSERT_TRUE(r.ok()) << r.err;
}

json get_json(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  auto res = c.Get(path);
  if (!res || res->status != 200) return json();
  return json::parse(res->body, nullptr, false);
}

std::string get_text(int port, const std::string& path) {
  httplib::Client c("127.0.0.1", port);
  auto res = c.Get(path);
  return res && res->status == 200 ? res->body : "";
}

std::uint64_t checkpoint_size(int node_port) {
  const std::string note = get_text(node_port, "/v1/checkpoint");
  const auto nl = note.find('\n');
  const auto nl2 = note.find('\n', nl + 1);
  if (nl == std::string::npos || nl2 == std::string::npos) return 0;
  return std::stoull(note.substr(nl + 1, nl2 - nl - 1));
}

// Waits until `pred(status)` holds for the auditor's GET /v1/status; returns the last status.
json wait_status(int port, const std::function<bool(const json&)>& pred,
                 std::chrono::seconds timeout = 60s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  json s;
  while (std::chrono::steady_clock::now() < deadline) {
    s = get_json(port, "/v1/status");
    if (s.is_object() && pred(s)) return s;
    std::this_thread::sleep_for(50ms);
  }
  ADD_FAILURE() << "auditor status never satisfied the condition; last: " << s.dump();
  return s;
}

bool node_verified_to(const json& s, std::size_t i, std::uint64_t size) {
  return s["nodes"].size() > i && s["nodes"][i]["verifiedLogSize"].get<std::uint64_t>() >= size &&
         s["nodes"][i].contains("acceptedCheckpoint") &&
         s["nodes"][i]["acceptedCheckpoint"]["size"].get<std::uint64_t>() >= size;
}

TEST(AuditE2e, HonestNodeIsVerifiedCosignedAndResumedAfterKill9) {
  AuditEnv e;
  const int port = free_port(), audit_port = free_port();
  const std::string pv = pv_bin(), name = "auditor.test/a1";
  auto key =
      run({pv, "audit", "key", "--data-dir", e.tmp / "audit", "--name", name, "--json"}, e.env);
  ASSERT_TRUE(key.ok()) << key.err;
  const std::string vkey = json::parse(key.out)["vkey"];
  Process node =
      start_node(e, e.tmp / "node", port, {"--witness", url_of(audit_port) + "=" + vkey});
  ASSERT_TRUE(wait_for_http_ok(port, "/healthz", 30s)) << node.err();
  auto auditor = std::make_unique<Process>(
      start_auditor(e, e.tmp / "audit", audit_port, e.tmp / "node/genesis.json", {url_of(port)}));
  ASSERT_TRUE(wait_for_http_ok(audit_port, "/healthz", 30s)) << auditor->err();
  ASSERT_TRUE(run({pv, "id", "create", "--name", "alice"}, e.with_node(url_of(port))).ok());
  for (char c : {'a', 'b', 'c'}) submit_anchor(e, url_of(port), c);
  // A record under one of Alice's pseudonyms, erased, and the node's erasure receipt: the auditor
  // re-executes erasures and their receipts like every other transaction.
  e.env.push_back("PV_AS=alice");
  const auto env = e.with_node(url_of(port));
  ASSERT_TRUE(run({pv, "id", "create", "--name", "dr-ben", "--method", "key"}, env).ok());
  ASSERT_TRUE(run({pv, "pseudonym", "issue", "--as", "alice", "--count", "1", "-o",
                   e.tmp / "alice.pool"},
                  env)
                  .ok());
  std::ofstream(e.tmp / "note.json") << R"({"resourceType":"Observation","status":"final"})";
  auto added = run({pv, "record", "add", e.tmp / "note.json", "--as", "dr-ben", "--pseudonyms",
                    e.tmp / "alice.pool", "--json"},
                   env);
  ASSERT_TRUE(added.ok()) << added.err;
  const std::string record = json::parse(added.out)["record"]["id"];
  auto erased = run({pv, "record", "erase", record, "--as", "alice"}, env);
  ASSERT_TRUE(erased.ok()) << erased.err;
  for (int i = 0; i < 150; ++i) {
    auto status = run({pv, "record", "erasure-status", record, "--as", "dr-ben", "--json"}, env);
    if (status.ok() && json::parse(status.out)["receipts"].size() == 1) break;
    std::this_thread::sleep_for(100ms);
  }
  // Six transactions: three anchors, the record, its erasure and the node's receipt (the signed
  // checkpoint may trail the commit by a moment).
  std::uint64_t size = 0;
  for (int i = 0; i < 100 && (size = checkpoint_size(port)) < 6; ++i)
    std::this_thread::sleep_for(100ms);
  ASSERT_EQ(size, 6u);
  json s = wait_status(audit_port, [&](const json& j) { return node_verified_to(j, 0, size); });
  EXPECT_EQ(s["ok"], true) << s.dump();
  EXPECT_EQ(s["nodes"][0]["resumedAtHeight"], 0);
  const std::uint64_t verified_height = s["nodes"][0]["verifiedHeight"];
  EXPECT_GE(verified_height, 3u);
  EXPECT_EQ(s["nodes"][0]["transactionsVerified"].get<std::uint64_t>(), size);

  // The node's checkpoint comes back cosigned: the gate let the witness cosign what was verified.
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  std::string note;
  while (std::chrono::steady_clock::now() < deadline) {
    note = get_text(port, "/v1/checkpoint");
    if (note.find("\xE2\x80\x94 " + name + " ") != std::string::npos) break;
    std::this_thread::sleep_for(100ms);
  }
  EXPECT_NE(note.find("\xE2\x80\x94 " + name + " "), std::string::npos) << note;

  const std::string metrics = get_text(audit_port, "/metrics");
  EXPECT_NE(metrics.find("pv_audit_alarm{kind=\"reexecution\"} 0"), std::string::npos) << metrics;
  EXPECT_NE(metrics.find("pv_audit_verified_height{node=\"" + url_of(port) + "\"} " +
                         std::to_string(verified_height)),
            std::string::npos)
      << metrics;
  EXPECT_TRUE(run({pv, "audit", "check", "--data-dir", e.tmp / "audit"}, e.env).ok());

  // Killed without warning; the node goes on; the restarted auditor resumes at its verified
  // height instead of re-executing from genesis.
  auditor->signal(SIGKILL);
  auditor.reset();
  submit_anchor(e, url_of(port), 'd');
  submit_anchor(e, url_of(port), 'e');
  const std::uint64_t size2 = checkpoint_size(port);
  auditor = std::make_unique<Process>(
      start_auditor(e, e.tmp / "audit", audit_port, e.tmp / "node/genesis.json", {url_of(port)}));
  ASSERT_TRUE(wait_for_http_ok(audit_port, "/healthz", 30s)) << auditor->err();
  s = wait_status(audit_port, [&](const json& j) { return node_verified_to(j, 0, size2); });
  EXPECT_GE(s["nodes"][0]["resumedAtHeight"].get<std::uint64_t>(), verified_height) << s.dump();
  EXPECT_LT(s["nodes"][0]["transactionsVerified"].get<std::uint64_t>(), size2) << s.dump();
  EXPECT_EQ(s["ok"], true) << s.dump();

  // --from-genesis re-executes everything again.
  auditor->signal(SIGTERM);
  auditor->wait(30s);
  auditor = std::make_unique<Process>(start_auditor(e, e.tmp / "audit", audit_port,
                                                    e.tmp / "node/genesis.json", {url_of(port)},
                                                    {"--from-genesis"}));
  ASSERT_TRUE(wait_for_http_ok(audit_port, "/healthz", 30s)) << auditor->err();
  s = wait_status(audit_port, [&](const json& j) { return node_verified_to(j, 0, size2); });
  EXPECT_EQ(s["nodes"][0]["resumedAtHeight"], 0) << s.dump();
  EXPECT_EQ(s["nodes"][0]["transactionsVerified"].get<std::uint64_t>(), size2) << s.dump();
}

// Opens a stopped node's ledger and rewrites the verdict of the first transaction of block
// `height`, resealing it with the node's own key: history rewritten by the node's operator.
void rewrite_block(const std::string& node_dir, std::uint64_t height) {
  auto key = load_or_create_node_key(
      node_dir, [](bool) -> Result<Passphrase> { return Passphrase(kNodePass); },
      KdfParams::interactive());
  ASSERT_TRUE(key.is_ok()) << key.error().message;
  auto store = LedgerStore::open(node_dir + "/ledger", LedgerStore::Mode::read_write);
  ASSERT_TRUE(store.is_ok()) << store.error().message;
  auto block = (*store)->block(height);
  ASSERT_TRUE(block.is_ok());
  ASSERT_FALSE(block->results.empty());
  block->results[0] = TxResult{TxCode::rejected, "rewritten by the node"};
  block->header.tx_results_hash = tx_results_hash(block->transactions, block->results);
  block->seal = seal_block(block->header, *key);
  ASSERT_TRUE(
      (*store)->raw_put("blocks", LedgerStore::height_key(height), encode_block(*block)).is_ok());
}

std::vector<json> alarms_of(const AuditEnv& e, const std::string& audit_dir) {
  auto check = run({pv_bin(), "audit", "check", "--data-dir", audit_dir, "--json"}, e.env);
  json j = json::parse(check.out, nullptr, false);
  if (!j.is_object() || !j.contains("alarms")) return {};
  EXPECT_EQ(check.ok(), j["alarms"].empty());  // non-zero exit exactly when an alarm is raised
  return j["alarms"].get<std::vector<json>>();
}

std::vector<json> wait_for_alarm(const AuditEnv& e, const std::string& audit_dir) {
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline) {
    auto alarms = alarms_of(e, audit_dir);
    if (!alarms.empty()) return alarms;
    std::this_thread::sleep_for(200ms);
  }
  return {};
}

TEST(AuditE2e, RewrittenPastBlockIsCaughtByReexecution) {
  AuditEnv e;
  const int port = free_port(), audit_port = free_port();
  const std::string pv = pv_bin();
  auto node = std::make_unique<Process>(start_node(e, e.tmp / "node", port));
  ASSERT_TRUE(wait_for_http_ok(port, "/healthz", 30s)) << node->err();
  ASSERT_TRUE(run({pv, "id", "create", "--name", "alice"}, e.with_node(url_of(port))).ok());
  for (char c : {'a', 'b', 'c', 'd'}) submit_anchor(e, url_of(port), c);
  node->signal(SIGTERM);
  ASSERT_TRUE(node->wait(30s).exited);
  rewrite_block(e.tmp / "node", 2);
  // The node's own startup check notices (block 3 no longer chains) and refuses writes, but it
  // serves reads, the rewritten block included: what an auditor must catch on its own.
  node = std::make_unique<Process>(start_node(e, e.tmp / "node", port));
  ASSERT_TRUE(wait_for_http_ok(port, "/v1/node", 30s)) << node->err();

  Process auditor =
      start_auditor(e, e.tmp / "audit", audit_port, e.tmp / "node/genesis.json", {url_of(port)});
  ASSERT_TRUE(wait_for_http_ok(audit_port, "/healthz", 30s)) << auditor.err();
  auto alarms = wait_for_alarm(e, e.tmp / "audit");
  ASSERT_EQ(alarms.size(), 1u) << auditor.err();
  EXPECT_EQ(alarms[0]["kind"], "reexecution");
  const std::string reason = alarms[0]["reason"];
  EXPECT_NE(reason.find("block 2"), std::string::npos) << reason;
  EXPECT_NE(reason.find("transaction verdicts"), std::string::npos) << reason;
  json s = get_json(audit_port, "/v1/status");
  EXPECT_EQ(s["nodes"][0]["verifiedHeight"], 1) << s.dump();  // nothing past the lie was kept
  EXPECT_EQ(s["nodes"][0]["halted"], true);
  const std::string metrics = get_text(audit_port, "/metrics");
  EXPECT_NE(metrics.find("pv_audit_alarm{kind=\"reexecution\"} 1"), std::string::npos) << metrics;
  // The evidence holds the block as served: sealed by the node, so offline it stands as the
  // node's word; that it re-executes differently needs the ledger, and the check says so.
  auto evidence = run({pv, "audit", "evidence", alarms[0]["file"], "--json"}, e.env);
  json ej = json::parse(evidence.out, nullptr, false);
  ASSERT_TRUE(ej.is_object()) << evidence.out << evidence.err;
  EXPECT_EQ(ej["kind"], "reexecution");
  EXPECT_NE(ej["problem"].get<std::string>().find("ledger"), std::string::npos) << ej.dump();
}

TEST(AuditE2e, TwoCopiesOfOneNodeFedDifferentTransactionsAreCaughtEquivocating) {
  AuditEnv e;
  const int port_a = free_port(), port_b = free_port(), audit_port = free_port();
  const std::string pv = pv_bin();
  {
    Process node = start_node(e, e.tmp / "a", port_a);
    ASSERT_TRUE(wait_for_http_ok(port_a, "/healthz", 30s)) << node.err();
    ASSERT_TRUE(run({pv, "id", "create", "--name", "alice"}, e.with_node(url_of(port_a))).ok());
    submit_anchor(e, url_of(port_a), 'a');
    node.signal(SIGTERM);
    ASSERT_TRUE(node.wait(30s).exited);
  }
  // The same data directory and key twice: one node that can show two histories.
  std::filesystem::copy(e.tmp / "a", e.tmp / "b", std::filesystem::copy_options::recursive);
  Process a = start_node(e, e.tmp / "a", port_a), b = start_node(e, e.tmp / "b", port_b);
  ASSERT_TRUE(wait_for_http_ok(port_a, "/healthz", 30s)) << a.err();
  ASSERT_TRUE(wait_for_http_ok(port_b, "/healthz", 30s)) << b.err();
  submit_anchor(e, url_of(port_a), 'b');
  submit_anchor(e, url_of(port_b), 'c');
  ASSERT_EQ(checkpoint_size(port_a), checkpoint_size(port_b));
  ASSERT_NE(get_text(port_a, "/v1/checkpoint"), get_text(port_b, "/v1/checkpoint"));

  Process auditor = start_auditor(e, e.tmp / "audit", audit_port, e.tmp / "a/genesis.json",
                                  {url_of(port_a), url_of(port_b)});
  ASSERT_TRUE(wait_for_http_ok(audit_port, "/healthz", 30s)) << auditor.err();
  auto alarms = wait_for_alarm(e, e.tmp / "audit");
  ASSERT_EQ(alarms.size(), 1u) << auditor.err();
  EXPECT_EQ(alarms[0]["kind"], "equivocation") << alarms[0].dump();
  const std::string metrics = get_text(audit_port, "/metrics");
  EXPECT_NE(metrics.find("pv_audit_alarm{kind=\"equivocation\"} 1"), std::string::npos) << metrics;

  // A third party re-checks the evidence offline: both notes signed by the node, same size,
  // different roots.
  auto evidence = run({pv, "audit", "evidence", alarms[0]["file"], "--json"}, e.env);
  EXPECT_TRUE(evidence.ok()) << evidence.out << evidence.err;
  json ej = json::parse(evidence.out, nullptr, false);
  ASSERT_TRUE(ej.is_object()) << evidence.out;
  EXPECT_EQ(ej["confirmed"], true) << ej.dump();
  // Tampered with, the same file proves nothing.
  std::string text = read_text_file(alarms[0]["file"]);
  const auto at = text.find("\xE2\x80\x94 ");
  ASSERT_NE(at, std::string::npos);
  text[at + 12] = text[at + 12] == 'A' ? 'B' : 'A';
  { std::ofstream(e.tmp / "tampered.json") << text; }
  EXPECT_FALSE(run({pv, "audit", "evidence", e.tmp / "tampered.json"}, e.env).ok());
}

// The regulator's report from a running auditor's data directory: counts per kind and
// organization, a refusal whose reason named an id (masked), integrity with the cosigned
// checkpoint; no DID of a person anywhere in the JSON or the HTML, and the HTML renders in
// headless Chromium (a screenshot of the page, checked to be a non-trivial PNG).
TEST(AuditE2e, ReportCountsWithoutIdentifiersAndRendersInChromium) {
  AuditEnv e;
  const int port = free_port(), audit_port = free_port();
  const std::string pv = pv_bin(), name = "auditor.test/report";
  auto key =
      run({pv, "audit", "key", "--data-dir", e.tmp / "audit", "--name", name, "--json"}, e.env);
  ASSERT_TRUE(key.ok()) << key.err;
  const std::string vkey = json::parse(key.out)["vkey"];
  Process node =
      start_node(e, e.tmp / "node", port, {"--witness", url_of(audit_port) + "=" + vkey});
  ASSERT_TRUE(wait_for_http_ok(port, "/healthz", 30s)) << node.err();
  Process auditor =
      start_auditor(e, e.tmp / "audit", audit_port, e.tmp / "node/genesis.json", {url_of(port)});
  ASSERT_TRUE(wait_for_http_ok(audit_port, "/healthz", 30s)) << auditor.err();
  auto alice = run({pv, "id", "create", "--name", "alice", "--json"}, e.with_node(url_of(port)));
  ASSERT_TRUE(alice.ok()) << alice.err;
  const std::string alice_did = json::parse(alice.out)["did"];
  for (char c : {'a', 'b'}) submit_anchor(e, url_of(port), c);
  // A transaction the ledger refuses, whose reason names an attestation id.
  auto refused = run({pv, "attest", "revoke", std::string(64, 'f'), "--as", "alice"},
                     e.with_node(url_of(port)));
  EXPECT_FALSE(refused.ok());
  EXPECT_NE(refused.err.find("not on this ledger"), std::string::npos) << refused.err;
  const std::uint64_t size = checkpoint_size(port);
  wait_status(audit_port, [&](const json& j) { return node_verified_to(j, 0, size); });
  const auto deadline = std::chrono::steady_clock::now() + 60s;
  while (std::chrono::steady_clock::now() < deadline &&
         get_text(port, "/v1/checkpoint").find("\xE2\x80\x94 " + name + " ") == std::string::npos)
    std::this_thread::sleep_for(100ms);

  const std::string html = e.tmp / "report.html";
  auto r = run({pv, "audit", "report", "--data-dir", e.tmp / "audit", "--json", "--html", html},
               e.env);
  ASSERT_TRUE(r.ok()) << r.err;
  json report = json::parse(r.out, nullptr, false);
  ASSERT_TRUE(report.is_object()) << r.out;
  EXPECT_EQ(report["integrity"]["status"], "verified, no alarm");
  EXPECT_EQ(report["integrity"]["logSize"].get<std::uint64_t>(), size);
  EXPECT_EQ(report["totals"]["transactions"].get<std::uint64_t>(), size);
  EXPECT_EQ(report["totals"]["refusedTransactions"], 1);
  EXPECT_EQ(report["transactionsByKind"]["anchor"], 2) << report.dump();
  EXPECT_EQ(report["integrity"]["cosignedCheckpoint"]["size"].get<std::uint64_t>(), size);
  EXPECT_EQ(report["integrity"]["cosignedCheckpoint"]["root"], report["integrity"]["logRoot"]);
  EXPECT_EQ(report["transactionsByKind"]["attestation-revoke"], 1) << report.dump();
  EXPECT_EQ(report["transactionsByOrganization"]["persons (not named)"]["anchor"], 2);
  ASSERT_EQ(report["refusedTransactions"].size(), 1u);
  const std::string reason = report["refusedTransactions"][0]["reason"];
  EXPECT_NE(reason.find("<id>"), std::string::npos) << reason;
  EXPECT_EQ(reason.find("ffffffffffffffff"), std::string::npos) << reason;
  const std::string text = read_text_file(html);
  for (const std::string& body : {r.out, text}) {
    EXPECT_EQ(body.find(alice_did), std::string::npos);
    EXPECT_EQ(body.find("ffffffffffffffff"), std::string::npos);
  }
  EXPECT_NE(text.find("<svg"), std::string::npos);
  for (const char* fetch : {"src=", "href=", "url(", "@import"})  // nothing to fetch
    EXPECT_EQ(text.find(fetch), std::string::npos) << fetch;
  EXPECT_EQ(text.find("<script"), std::string::npos);
  // A period after everything counts nothing; a bad date is refused with the expected form.
  auto later = run({pv, "audit", "report", "--data-dir", e.tmp / "audit", "--from", "2100-01-01",
                    "--json"},
                   e.env);
  ASSERT_TRUE(later.ok()) << later.err;
  EXPECT_EQ(json::parse(later.out)["totals"]["transactions"], 0);
  auto bad = run({pv, "audit", "report", "--data-dir", e.tmp / "audit", "--from", "12/01/2026"},
                 e.env);
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.err.find("2026-12-01"), std::string::npos) << bad.err;
  EXPECT_FALSE(run({pv, "audit", "report", "--data-dir", e.tmp / "nothing"}, e.env).ok());

  // What a regulator sees: the page rendered by headless Chromium, offline.
  const std::string png = e.tmp / "report.png";
  auto shot = run({"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                   "--disable-background-networking", "--disable-component-update",
                   "--no-first-run", "--disable-sync", "--user-data-dir=" + (e.tmp / "chromium"),
                   "--window-size=1000,1600", "--screenshot=" + png, "file://" + html},
                  e.env);
  ASSERT_TRUE(shot.ok()) << shot.err;
  const std::string image = read_text_file(png);
  ASSERT_GT(image.size(), 8u);
  EXPECT_EQ(image.substr(1, 3), "PNG");
  EXPECT_GT(image.size(), 20'000u);  // a page of text and charts, not a blank one
}

}  // namespace
}  // namespace pv::e2e
