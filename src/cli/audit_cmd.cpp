// pv audit: the auditor's witness (docs/audit.md). `pv audit key` creates the witness key and
// prints its cosignature/v1 verifier key; `pv audit witness` serves C2SP tlog-witness
// add-checkpoint for the logs it is told to follow.

#include <signal.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <thread>

#include "api/server.hpp"
#include "audit/witness.hpp"
#include "cli/acting.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "http/server.hpp"
#include "identity/passphrase.hpp"
#include "ledger/cosignature.hpp"
#include "ledger/cosignature_clock.hpp"
#include "node/atomic_file.hpp"
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
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
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
  router.add("GET /healthz",
             [](const http::Request&, http::Response& res, const http::ContentReader&) {
               res.set_content("ok\n", "text/plain");
             });
  auto address = api::parse_listen_address(o.listen);
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
  const std::string url = "http://" + address->first + ":" + std::to_string(*port);
  const std::string vkey = witness.verifier_key();
  out.result(
      {{"listening", url}, {"vkey", vkey}, {"logs", o.logs.size()}},
      "witness " + id->name + " listening on " + url + "\nnodes: --witness " + url + "=" + vkey);
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
      "Run an auditor's witness: cosign the checkpoints of the logs it follows (docs/audit.md)");
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
}

}  // namespace pv::cli
