// pv audit: the auditor (docs/audit.md). `pv audit key` creates the witness key and prints its
// cosignature/v1 verifier key; `pv audit witness` serves C2SP tlog-witness add-checkpoint alone;
// `pv audit serve` follows nodes, re-executes their ledger and cosigns only what it verified;
// `pv audit check` and `pv audit evidence` read the alarms and evidence it left on disk.

#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <memory>
#include <thread>

#include "api/server.hpp"
#include "audit/auditor.hpp"
#include "audit/witness.hpp"
#include "cli/acting.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "http/server.hpp"
#include "identity/passphrase.hpp"
#include "ledger/cosignature.hpp"
#include "ledger/cosignature_clock.hpp"
#include "node/atomic_file.hpp"
#include "node/genesis_file.hpp"
#include "node/node_key.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

constexpr const char* kDefaultWitnessName = "witness.patientvault.local";

struct AuditKeyOptions {
  std::string data_dir = "./pv-audit", name, passphrase_file;
  bool json = false;
};

struct WitnessServeOptions {
  AuditKeyOptions key;
  std::string listen = "127.0.0.1:7700";
  std::vector<std::string> logs;   // ORIGIN=VKEY
  std::vector<std::string> nodes;  // node URLs whose log to witness (origin and key asked once)
};

struct AuditServeOptions {
  AuditKeyOptions key;
  std::string listen = "127.0.0.1:7700";
  std::vector<std::string> nodes, witnesses;
  std::string genesis, webhook;
  bool from_genesis = false;
  std::uint64_t poll_ms = 200, stall_seconds = 60;
};

struct AuditCheckOptions {
  std::string data_dir = "./pv-audit";
  bool json = false;
};

struct AuditEvidenceOptions {
  std::string file;
  bool json = false;
};

struct WitnessIdentity {
  std::string name;
  SigningKey key;
  bool created = false;
};

// The key lives encrypted in <data-dir>/witness-key/ (the node-key file format, passphrase from
// --key-passphrase-file, PV_AUDIT_PASSPHRASE or a prompt); its name, fixed at creation because
// the key id depends on it, in <data-dir>/witness-name.
Result<WitnessIdentity> open_witness_identity(const AuditKeyOptions& o) {
  std::error_code ec;
  const fs::path key_dir = fs::path(o.data_dir) / "witness-key";
  fs::create_directories(key_dir, ec);
  if (ec) return make_error(Errc::io, "cannot create " + key_dir.string() + ": " + ec.message());
  const fs::path name_file = fs::path(o.data_dir) / "witness-name";
  std::string name;
  if (std::ifstream in(name_file); in) std::getline(in, name);
  if (!name.empty() && !o.name.empty() && o.name != name)
    return make_error(Errc::conflict, "this data directory's witness is named " + name +
                                          "; a witness keeps its name (its key id depends on it)");
  const bool created = name.empty();
  if (created) name = o.name.empty() ? kDefaultWitnessName : o.name;
  if (!is_valid_note_key_name(name))
    return make_error(
        Errc::invalid_argument,
        "a witness name is non-empty UTF-8 without spaces or '+', got \"" + name + "\"");
  auto kdf = kdf_from_environment();
  if (!kdf) return kdf.error();
  NodeKeyPassphrase passphrase = [file = o.passphrase_file](bool creating) {
    PassphraseRequest req;
    if (!file.empty()) req.file = file;
    req.confirm = creating;
    req.prompt = creating ? "New witness key passphrase: " : "Witness key passphrase: ";
    req.env_var = "PV_AUDIT_PASSPHRASE";
    req.file_flag = "--key-passphrase-file";
    return read_passphrase(req);
  };
  auto key =
      load_or_create_node_key((fs::path(o.data_dir) / "witness-key").string(), passphrase, *kdf);
  if (!key) return key.error();
  if (created) PV_TRY(write_file_atomically(name_file.string(), name + "\n", 0644));
  return WitnessIdentity{name, std::move(*key), created};
}

// SIGINT and SIGTERM are taken by sigtimedwait in serve_until_stopped(): block them in every
// thread, so call this before any thread starts.
sigset_t block_stop_signals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  return stop_signals;
}

// Serves `router` on `listen` until SIGINT or SIGTERM; `listening` prints the result once bound
// (it gets the URL). Returns the exit code.
int serve_until_stopped(const Output& out, http::Router& router, const std::string& listen,
                        const sigset_t& stop_signals,
                        const std::function<void(const std::string&)>& listening) {
  auto address = api::parse_listen_address(listen);
  if (!address) return out.fail(address.error(), "give --listen HOST:PORT");
  http::Limits limits;
  limits.max_body_bytes = audit::kMaxAddCheckpointBytes;
  http::Server server(router, limits, {}, {});
  auto port = server.bind(address->first, address->second);
  if (!port) return out.fail(port.error(), "choose another --listen address");
  std::atomic<bool> done{false};
  Status served;
  std::thread serving([&] {
    served = server.serve();
    done = true;
  });
  listening("http://" + address->first + ":" + std::to_string(*port));
  const timespec tick{0, 200'000'000};
  while (!done) {
    const int s = sigtimedwait(&stop_signals, nullptr, &tick);
    if (s == SIGINT || s == SIGTERM) break;
  }
  server.stop();
  serving.join();
  if (!served) return out.fail(served.error());
  return kExitOk;
}

void add_healthz(http::Router& router) {
  router.add("GET /healthz",
             [](const http::Request&, http::Response& res, const http::ContentReader&) {
               res.set_content("ok\n", "text/plain");
             });
}

int audit_key(const AuditKeyOptions& o) {
  Output out(o.json);
  crypto_init();
  auto id = open_witness_identity(o);
  if (!id) return out.fail(id.error(), "check --data-dir and the passphrase (PV_AUDIT_PASSPHRASE)");
  const std::string vkey = cosigner_verifier_key(id->name, id->key.public_key());
  out.result(
      {{"name", id->name}, {"vkey", vkey}, {"dataDir", o.data_dir}, {"created", id->created}},
      vkey + "\n" + (id->created ? "created the witness key of " : "the witness key of ") +
          o.data_dir + "; give nodes --witness URL=" + vkey);
  return kExitOk;
}

int audit_witness(const WitnessServeOptions& o) {
  Output out(o.key.json);
  const sigset_t stop_signals = block_stop_signals();
  crypto_init();
  if (o.logs.empty() && o.nodes.empty())
    return out.fail("no log to witness", "give --node URL or --log ORIGIN=VKEY");
  std::vector<audit::WitnessedLog> logs;
  for (const auto& url : o.nodes) {
    // Trust on first use: the node says which log it writes and with which key; printed so the
    // operator can pin it with --log next time.
    auto client = api::NodeClient::connect(url, node_trust());
    if (!client) return out.fail(client.error());
    auto info = client->info();
    if (!info) return out.fail(info.error(), "is " + url + " a PatientVault node?");
    auto note = client->checkpoint_note();
    if (!note) return out.fail(note.error());
    auto cp = open_checkpoint(*note, info->checkpoint_key_name, info->checkpoint_key);
    if (!cp) return out.fail(cp.error(), "the node's checkpoint does not verify with its own key");
    const std::string vkey = note_verifier_key(info->checkpoint_key_name, info->checkpoint_key);
    out.note("witnessing " + cp->origin + " with key " + vkey + " (from " + url +
             "; pin it with --log '" + cp->origin + "=" + vkey + "')");
    logs.push_back(
        {cp->origin, {NoteVerifierKey{info->checkpoint_key_name, info->checkpoint_key}}});
  }
  for (const auto& spec : o.logs) {
    const auto eq = spec.find('=');
    if (eq == std::string::npos) return out.fail("--log " + spec + " is not ORIGIN=VKEY");
    auto key = parse_note_verifier_key(spec.substr(eq + 1));
    if (!key)
      return out.fail(key.error(), "the VKEY of --log is the node's checkpoint verifier key");
    logs.push_back({spec.substr(0, eq), {*key}});
  }
  auto id = open_witness_identity(o.key);
  if (!id) return out.fail(id.error(), "check --data-dir and the passphrase (PV_AUDIT_PASSPHRASE)");
  const std::string evidence_dir = (fs::path(o.key.data_dir) / "evidence").string();
  audit::Witness witness(id->name, id->key, logs,
                         (fs::path(o.key.data_dir) / "witness-state").string(), {});
  if (Status st = witness.load(); !st)
    return out.fail(st.error(), "restore the witness state from a backup; never start it afresh");

  http::Router router;
  router.add("POST /add-checkpoint",
             [&](const http::Request& req, http::Response& res, const http::ContentReader&) {
               const std::uint64_t now = cosignature_time_now();
               audit::WitnessAnswer a = witness.add_checkpoint(req.body, now);
               if (a.conflicting_note) {
                 const std::string file = evidence_dir + "/" + std::to_string(now) + "-" +
                                          std::to_string(a.status) + ".json";
                 const json evidence = {{"kind", "conflicting-checkpoint"},
                                        {"time", now},
                                        {"submitted", *a.conflicting_note},
                                        {"reason", a.body}};
                 std::error_code ec;
                 fs::create_directories(evidence_dir, ec);
                 (void)write_file_atomically(file, evidence.dump(2) + "\n", 0644);
                 spdlog::error("witness: conflicting checkpoint from {}: {} (evidence in {})",
                               req.remote_addr, a.body, file);
               }
               res.status = a.status;
               if (a.status == 503) res.set_header("Retry-After", "1");
               res.set_content(a.body, a.content_type);
             });
  add_healthz(router);
  const std::string vkey = witness.verifier_key();
  return serve_until_stopped(out, router, o.listen, stop_signals, [&](const std::string& url) {
    out.result(
        {{"listening", url}, {"vkey", vkey}, {"logs", o.logs.size()}},
        "witness " + id->name + " listening on " + url + "\nnodes: --witness " + url + "=" + vkey);
  });
}

int audit_serve(const AuditServeOptions& o) {
  Output out(o.key.json);
  const sigset_t stop_signals = block_stop_signals();
  crypto_init();
  auto genesis = read_genesis_file(o.genesis);
  if (!genesis)
    return out.fail(genesis.error(),
                    "give the network's genesis file with --genesis (a node keeps a copy in "
                    "<its data dir>/genesis.json)");
  auto id = open_witness_identity(o.key);
  if (!id) return out.fail(id.error(), "check --data-dir and the passphrase (PV_AUDIT_PASSPHRASE)");
  audit::AuditorConfig config;
  config.nodes = o.nodes;
  config.data_dir = o.key.data_dir;
  config.genesis = std::move(*genesis);
  config.trust = node_trust();
  config.from_genesis = o.from_genesis;
  config.webhook = o.webhook;
  config.witnesses = o.witnesses;
  config.poll_interval = std::chrono::milliseconds(std::max<std::uint64_t>(o.poll_ms, 10));
  config.stall_after = std::chrono::seconds(o.stall_seconds);
  auto opened = audit::Auditor::open(std::move(config));
  if (!opened)
    return out.fail(opened.error(), "--from-genesis rebuilds the followers' copies of the ledger");
  audit::Auditor& auditor = **opened;
  const audit::WitnessedLog log = auditor.witnessed_log();
  audit::Witness witness(id->name, id->key, {log},
                         (fs::path(o.key.data_dir) / "witness-state").string(),
                         [&auditor](const audit::WitnessedLog& l, const Checkpoint& cp) {
                           return auditor.gate(l, cp);
                         });
  if (Status st = witness.load(); !st)
    return out.fail(st.error(), "restore the witness state from a backup; never start it afresh");

  http::Router router;
  router.add("POST /add-checkpoint",
             [&](const http::Request& req, http::Response& res, const http::ContentReader&) {
               std::optional<audit::CosignedCheckpoint> before = witness.latest(log.origin);
               audit::WitnessAnswer a = witness.add_checkpoint(req.body, cosignature_time_now());
               if (a.conflicting_note) {
                 std::optional<std::string> cosigned;
                 if (a.status == 409 && before) cosigned = before->note;
                 auditor.witness_conflict(*a.conflicting_note, cosigned, a.body);
               }
               res.status = a.status;
               if (a.status == 503) res.set_header("Retry-After", "1");
               res.set_content(a.body, a.content_type);
             });
  router.add("GET /metrics",
             [&](const http::Request&, http::Response& res, const http::ContentReader&) {
               res.set_content(auditor.metrics_text(), "text/plain; version=0.0.4");
             });
  router.add("GET /v1/status",
             [&](const http::Request&, http::Response& res, const http::ContentReader&) {
               res.set_content(auditor.status_json().dump(2) + "\n", "application/json");
             });
  add_healthz(router);
  auditor.start();
  const std::string vkey = witness.verifier_key();
  const int rc =
      serve_until_stopped(out, router, o.listen, stop_signals, [&](const std::string& url) {
        out.result({{"listening", url},
                    {"vkey", vkey},
                    {"origin", log.origin},
                    {"nodes", o.nodes},
                    {"status", url + "/v1/status"},
                    {"metrics", url + "/metrics"}},
                   "auditor " + id->name + " of " + log.origin + " listening on " + url +
                       "\nfollowing " + std::to_string(o.nodes.size()) + " node(s); status at " +
                       url + "/v1/status, metrics at " + url + "/metrics\nnodes: --witness " + url +
                       "=" + vkey);
      });
  auditor.stop();
  return rc;
}

int audit_check(const AuditCheckOptions& o) {
  Output out(o.json);
  auto files = audit::list_evidence(o.data_dir);
  if (!files) return out.fail(files.error());
  json alarms = json::array();
  std::string human;
  for (const auto& file : *files) {
    std::ifstream in(file, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto alarm = audit::parse_evidence(text);
    // An evidence file that does not parse is still an alarm: something wrote it.
    const std::string kind = alarm ? audit::alarm_kind_name(alarm->kind) : "unreadable";
    const std::string reason = alarm ? alarm->reason : alarm.error().message;
    alarms.push_back(
        {{"file", file}, {"kind", kind}, {"reason", reason}, {"time", alarm ? alarm->time : 0}});
    human += kind + ": " + reason + "\n  evidence: " + file + "\n";
  }
  const bool ok = alarms.empty();
  out.result({{"ok", ok}, {"dataDir", o.data_dir}, {"alarms", alarms}},
             ok ? "no alarm in " + o.data_dir
                : std::to_string(alarms.size()) + " alarm(s) in " + o.data_dir + ":\n" + human +
                      "check each with `pv audit evidence FILE`");
  return ok ? kExitOk : kExitFailure;
}

int audit_evidence(const AuditEvidenceOptions& o) {
  Output out(o.json);
  crypto_init();
  std::ifstream in(o.file, std::ios::binary);
  if (!in) return out.fail("cannot read " + o.file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto alarm = audit::parse_evidence(text);
  if (!alarm) return out.fail(alarm.error(), "is " + o.file + " an auditor's evidence file?");
  const audit::EvidenceCheck check = audit::check_evidence(*alarm);
  std::string human =
      std::string(audit::alarm_kind_name(alarm->kind)) + ": " + alarm->reason + "\n";
  for (const auto& line : check.checks) human += "  checked: " + line + "\n";
  human +=
      check.confirmed ? "CONFIRMED: the evidence proves it" : "NOT CONFIRMED: " + check.problem;
  out.result({{"file", o.file},
              {"kind", audit::alarm_kind_name(alarm->kind)},
              {"reason", alarm->reason},
              {"confirmed", check.confirmed},
              {"checks", check.checks},
              {"problem", check.problem}},
             human);
  return check.confirmed ? kExitOk : kExitFailure;
}

void add_key_options(CLI::App& cmd, AuditKeyOptions& o) {
  cmd.add_option("--data-dir", o.data_dir,
                 "the auditor's data directory (key, witness state, evidence)")
      ->capture_default_str();
  cmd.add_option("--name", o.name,
                 "the witness's name, fixed when the key is created (a schema-less URL, default " +
                     std::string(kDefaultWitnessName) + ")");
  cmd.add_option("--key-passphrase-file", o.passphrase_file,
                 "file holding the key's passphrase (else PV_AUDIT_PASSPHRASE, else a prompt)");
  cmd.add_flag("--json", o.json, "print the result as JSON");
}

}  // namespace

void add_audit_commands(CLI::App& app, int& exit_code) {
  auto* audit = app.add_subcommand(
      "audit",
      "Audit a ledger: follow and re-execute nodes, cosign what was verified as a C2SP witness, "
      "raise alarms with evidence (docs/audit.md)");
  audit->require_subcommand(1);
  auto k = std::make_shared<AuditKeyOptions>();
  auto* key = audit->add_subcommand(
      "key", "Create (or open) the witness key and print its cosignature/v1 verifier key");
  add_key_options(*key, *k);
  key->callback([k, &exit_code] { exit_code = audit_key(*k); });

  auto w = std::make_shared<WitnessServeOptions>();
  auto* witness = audit->add_subcommand(
      "witness",
      "Serve C2SP tlog-witness POST /add-checkpoint: cosign each log's checkpoints that its key "
      "signed and that a consistency proof shows extend the last one cosigned (kept in "
      "--data-dir across restarts)");
  add_key_options(*witness, w->key);
  witness->add_option("--listen", w->listen, "address to serve on")->capture_default_str();
  witness->add_option("--log", w->logs,
                      "a log to witness as ORIGIN=VKEY: its checkpoint origin line and its "
                      "checkpoint verifier key; repeatable");
  witness->add_option("--node", w->nodes,
                      "witness the log of the node at this URL, taking its origin and checkpoint "
                      "key from the node on start (trust on first use; printed); repeatable");
  witness->footer(
      "Example:\n  PV_AUDIT_PASSPHRASE=... pv audit witness --data-dir ./pv-audit --listen "
      "127.0.0.1:7700 --node http://127.0.0.1:7600");
  witness->callback([w, &exit_code] { exit_code = audit_witness(*w); });

  auto v = std::make_shared<AuditServeOptions>();
  auto* serve = audit->add_subcommand(
      "serve",
      "Run the auditor: follow every --node, re-execute each block on the auditor's own copy of "
      "the ledger (signatures, verdicts, log root, state digest), check consistency proofs "
      "between the checkpoints it accepts and compare nodes; serve C2SP tlog-witness "
      "POST /add-checkpoint cosigning only what it verified, GET /v1/status and GET /metrics; "
      "raise alarms with evidence in --data-dir/evidence");
  add_key_options(*serve, v->key);
  serve->add_option("--node", v->nodes, "a node to follow (repeatable)")->required();
  serve
      ->add_option("--genesis", v->genesis,
                   "the network's genesis file: the auditor's trust anchor (a node keeps a copy "
                   "in <its data dir>/genesis.json)")
      ->required();
  serve->add_option("--listen", v->listen, "address to serve on")->capture_default_str();
  serve->add_flag("--from-genesis", v->from_genesis,
                  "discard what was verified and re-execute every node's ledger from block 0 "
                  "(the witness state and evidence are kept)");
  serve->add_option("--webhook", v->webhook,
                    "POST each alarm's evidence (JSON) to this http(s) URL");
  serve->add_option("--witness", v->witnesses,
                    "a witness (cosignature/v1 VKEY) whose cosignatures on the nodes' checkpoints "
                    "must verify; a line of its that does not raises witness-signature; "
                    "repeatable");
  serve->add_option("--poll-ms", v->poll_ms, "how often each node is asked for its checkpoint")
      ->capture_default_str();
  serve
      ->add_option("--stall-seconds", v->stall_seconds,
                   "raise `stalled` when a node's log has not grown for this long while it "
                   "reports pending transactions")
      ->capture_default_str();
  serve->footer(
      "Progress is kept in --data-dir (nodes/<node>/): a restart, kill -9 included, resumes "
      "where it stopped.\nExample:\n  PV_AUDIT_PASSPHRASE=... pv audit serve --data-dir "
      "./pv-audit --genesis genesis.json --node http://127.0.0.1:7600 --listen 127.0.0.1:7700");
  serve->callback([v, &exit_code] { exit_code = audit_serve(*v); });

  auto c = std::make_shared<AuditCheckOptions>();
  auto* check = audit->add_subcommand(
      "check",
      "Exit non-zero when the auditor in --data-dir has raised any alarm; list them with their "
      "evidence files");
  check->add_option("--data-dir", c->data_dir, "the auditor's data directory")
      ->capture_default_str();
  check->add_flag("--json", c->json, "print the result as JSON");
  check->callback([c, &exit_code] { exit_code = audit_check(*c); });

  auto e = std::make_shared<AuditEvidenceOptions>();
  auto* evidence = audit->add_subcommand(
      "evidence",
      "Re-check an evidence file offline: the signatures on its checkpoints and blocks, and that "
      "they indeed conflict (or that the proof indeed fails); exit 0 only when it proves the "
      "alarm");
  evidence->add_option("FILE", e->file, "an evidence file (<data dir>/evidence/*.json)")
      ->required();
  evidence->add_flag("--json", e->json, "print the result as JSON");
  evidence->callback([e, &exit_code] { exit_code = audit_evidence(*e); });
  add_audit_report_command(*audit, exit_code);
}

}  // namespace pv::cli
