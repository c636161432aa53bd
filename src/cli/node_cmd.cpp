// pv node start: run a ledger node with its HTTP API until SIGTERM or SIGINT.

#include <malloc.h>
#include <pthread.h>
#include <signal.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <filesystem>
#include <memory>
#include <thread>

#include "api/block_store_config.hpp"
#include "api/server.hpp"
#include "cli/acting.hpp"
#include "cli/commands.hpp"
#include "cli/node_config.hpp"
#include "cli/http_limit_settings.hpp"
#include "cli/output.hpp"
#include "node/content_replication.hpp"
#include "node/node.hpp"
#include "node/record_eraser.hpp"

namespace pv::cli {
namespace {

struct NodeStartOptions {
  std::string config_file;
  std::string data_dir, listen, genesis, network;
  std::uint32_t block_max_tx = 0, block_max_bytes = 0, block_timeout_ms = 0;
  CLI::Option *o_data_dir = nullptr, *o_listen = nullptr, *o_genesis = nullptr,
              *o_network = nullptr, *o_max_tx = nullptr, *o_max_bytes = nullptr,
              *o_timeout = nullptr;
  // One value and option per HTTP limit (http_limit_settings.hpp), in the table's order.
  std::vector<std::uint64_t> http_limits;
  std::vector<CLI::Option*> o_http_limits;
  std::string key_passphrase_file;
  std::string ordering, etcd_endpoints, etcd_ca, etcd_cert, etcd_key, advertise_url, peer_ca;
  std::string tls_cert, tls_key;
  CLI::Option *o_tls_cert = nullptr, *o_tls_key = nullptr;
  std::uint64_t etcd_retain = 0, etcd_compact_min = 0, peer_check_ms = 0;
  std::uint32_t replication_copies = 2;
  CLI::Option* o_replication = nullptr;
  std::vector<std::string> witnesses;  // --witness URL=VKEY
  CLI::Option *o_ordering = nullptr, *o_endpoints = nullptr, *o_etcd_ca = nullptr, *o_etcd_cert = nullptr,
              *o_etcd_key = nullptr, *o_advertise = nullptr, *o_peer_ca = nullptr, *o_retain = nullptr,
              *o_compact_min = nullptr, *o_peer_check = nullptr;
  bool json = false;
};

NodeFlags given_flags(const NodeStartOptions& o) {
  NodeFlags f;
  if (o.o_data_dir->count()) f.data_dir = o.data_dir;
  if (o.o_listen->count()) f.listen = o.listen;
  if (o.o_genesis->count()) f.genesis = o.genesis;
  if (o.o_network->count()) f.network = o.network;
  if (o.o_max_tx->count()) f.block_max_tx = o.block_max_tx;
  if (o.o_max_bytes->count()) f.block_max_bytes = o.block_max_bytes;
  if (o.o_timeout->count()) f.block_timeout_ms = o.block_timeout_ms;
  const auto& settings = http_limit_settings();
  for (std::size_t i = 0; i < settings.size(); ++i)
    if (o.o_http_limits[i]->count()) f.http_limits[settings[i].key] = o.http_limits[i];
  if (o.o_ordering->count()) f.ordering = o.ordering;
  if (o.o_endpoints->count()) f.etcd_endpoints = o.etcd_endpoints;
  if (o.o_etcd_ca->count()) f.etcd_ca = o.etcd_ca;
  if (o.o_etcd_cert->count()) f.etcd_cert = o.etcd_cert;
  if (o.o_etcd_key->count()) f.etcd_key = o.etcd_key;
  if (o.o_advertise->count()) f.advertise_url = o.advertise_url;
  if (o.o_peer_ca->count()) f.peer_ca = o.peer_ca;
  if (o.o_tls_cert->count()) f.tls_cert = o.tls_cert;
  if (o.o_tls_key->count()) f.tls_key = o.tls_key;
  if (o.o_retain->count()) f.etcd_retain_revisions = o.etcd_retain;
  if (o.o_compact_min->count()) f.etcd_compact_min_revisions = o.etcd_compact_min;
  if (o.o_peer_check->count()) f.peer_check_interval_ms = o.peer_check_ms;
  if (o.o_replication->count()) f.replication_copies = o.replication_copies;
  return f;
}

// Logs go to stderr and to <data dir>/pv-node.log.
Status start_logging(const std::string& data_dir) {
  std::error_code ec;
  std::filesystem::create_directories(data_dir, ec);
  if (ec)
    return make_error(Errc::io, "cannot create data directory " + data_dir + ": " + ec.message());
  try {
    auto to_stderr = std::make_shared<spdlog::sinks::stderr_color_sink_mt>();
    auto to_file = std::make_shared<spdlog::sinks::basic_file_sink_mt>(
        (std::filesystem::path(data_dir) / "pv-node.log").string());
    auto logger =
        std::make_shared<spdlog::logger>("pv", spdlog::sinks_init_list{to_stderr, to_file});
    logger->flush_on(spdlog::level::info);
    spdlog::set_default_logger(logger);
  } catch (const spdlog::spdlog_ex& e) {
    return make_error(Errc::io, std::string("cannot open the log file: ") + e.what());
  }
  return Status::ok();
}

// A record's content can never reach more nodes than the genesis names (or than this one node,
// with embedded ordering): refuse to start rather than refuse every record anchor later.
Status check_replication_copies(const NodeConfig& config, const NodeInfo& info) {
  const std::size_t most = max_replication_copies(info);
  if (!config.replication_copies || *config.replication_copies <= most) return Status::ok();
  return make_error(Errc::invalid_argument,
                    "replication copies " + std::to_string(*config.replication_copies) +
                        " is more than the " + std::to_string(most) + " node(s) " +
                        (info.ordering == "etcd" ? "of the genesis membership"
                                                 : "of a network with embedded ordering") +
                        ": no record anchor could be accepted");
}

int node_start(const NodeStartOptions& o) {
  Output out(o.json);
  // Memory stays flat under large uploads: buffers of 256 KiB and more (content blocks, CAR
  // request bodies) are mmapped and returned to the system when freed. Without this, glibc
  // raises its mmap threshold after the first large free and every HTTP thread's arena keeps
  // ~30 MB of freed upload buffers (measured: 177 MB peak RSS for a 4 GB `pv blob put`).
  mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  // Block the stop signals in every thread (the node's threads inherit this mask); this thread
  // receives them with sigtimedwait and shuts down in order.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  NodeConfig config;
  if (!o.config_file.empty()) {
    Status loaded = apply_config_file(o.config_file, config);
    if (!loaded) return out.fail(loaded.error(), "fix the config file or leave out --config");
  }
  if (Status s = apply_flags(given_flags(o), config); !s)
    return out.fail(s.error(), "fix the flag; see pv node start --help");
  for (const auto& w : o.witnesses) {
    auto parsed = parse_witness_config(w);
    if (!parsed) return out.fail(parsed.error(), "see docs/audit.md, \"Nodes and clients\"");
    config.witnesses.push_back(std::move(*parsed));
  }
  if (Status s = check_node_config(config); !s)
    return out.fail(s.error(), "see docs/cluster.md for cluster mode");
  auto kdf = kdf_from_environment();
  if (!kdf) return out.fail(kdf.error());
  config.key_kdf = *kdf;
  config.key_passphrase = [file = o.key_passphrase_file](bool creating) {
    PassphraseRequest req;
    if (!file.empty()) req.file = file;
    req.confirm = creating;
    req.prompt = creating ? "New node key passphrase: " : "Node key passphrase: ";
    req.env_var = "PV_NODE_PASSPHRASE";
    req.file_flag = "--key-passphrase-file";
    return read_passphrase(req);
  };
  auto address = api::parse_listen_address(config.listen);
  if (!address) return out.fail(address.error(), "use --listen 127.0.0.1:7600");
  Status logging = start_logging(config.data_dir);
  if (!logging) return out.fail(logging.error(), "choose a writable --data-dir");

  auto node = Node::open(config);
  if (!node)
    return out.fail(node.error(),
                    "check --data-dir " + config.data_dir + " and the log file in it");
  if (Status s = check_replication_copies(config, (*node)->info()); !s) {
    (*node)->shutdown();
    return out.fail(s.error(), "lower --replication-copies (\"replication\": {\"copies\": N})");
  }
  auto blocks = api::open_block_store(config);
  if (!blocks) {
    (*node)->shutdown();
    return out.fail(blocks.error(),
                    config.blockstore_kubo_url.empty()
                        ? "check --data-dir " + config.data_dir
                        : "start the IPFS node or fix \"blockstore\" in the config");
  }
  api::HttpServer server(**node, api::HttpOptions::from(config), blocks->get());
  auto port = server.bind(address->first, address->second);
  if (!port) {
    (*node)->shutdown();
    return out.fail(port.error(), config.tls.enabled()
                                      ? "check --tls-cert/--tls-key and --listen"
                                      : "choose another --listen address or stop the other process");
  }

  std::atomic<bool> serve_done{false};
  Status served;
  std::thread serving([&] {
    served = server.serve();
    serve_done = true;
  });

  // Erasures committed while this node was down are done first thing (docs/erasure.md).
  RecordEraser eraser(**node, blocks->get(), config.data_dir);
  eraser.start();

  NodeInfo info = (*node)->info();
  std::string url = std::string(server.scheme()) + "://" + address->first + ":" + std::to_string(*port);
  spdlog::info("node {} serving network {} at height {} on {}", info.did, info.network, info.height,
               url);
  out.result({{"listening", url}, {"network", info.network}, {"height", info.height}},
             "pv node listening on " + url + " (network " + info.network + ", height " +
                 std::to_string(info.height) + ")");

  const timespec tick{0, 200'000'000};
  int signal = -1;
  while (!serve_done) {
    signal = sigtimedwait(&stop_signals, nullptr, &tick);
    if (signal == SIGINT || signal == SIGTERM) break;
  }
  if (signal == SIGINT || signal == SIGTERM)
    spdlog::info("received {}, shutting down", signal == SIGINT ? "SIGINT" : "SIGTERM");
  eraser.stop();
  server.stop();
  serving.join();
  (*node)->shutdown();
  spdlog::info("node stopped");
  spdlog::default_logger()->flush();
  if (!served) return out.fail(served.error(), "see the log in " + config.data_dir);
  return kExitOk;
}

}  // namespace

void add_node_commands(CLI::App& app, int& exit_code) {
  auto* node = app.add_subcommand("node", "Run a ledger node");
  node->require_subcommand(1);

  auto o = std::make_shared<NodeStartOptions>();
  NodeConfig defaults;
  auto* start = node->add_subcommand(
      "start",
      "Start a ledger node: storage, the embedded orderer and the HTTP API.\n"
      "On first start the data directory is created with a new single-node development network "
      "(or from --genesis). Settings come from flags, then the --config JSON file, then defaults. "
      "Prints one line when ready and stops cleanly on SIGTERM or Ctrl-C.");
  o->data_dir = defaults.data_dir;
  o->listen = defaults.listen;
  o->network = defaults.network;
  o->block_max_tx = defaults.cutting.max_transactions;
  o->block_max_bytes = defaults.cutting.max_bytes;
  o->block_timeout_ms = static_cast<std::uint32_t>(defaults.cutting.timeout.count());
  start->add_option("--config", o->config_file, "JSON config file (keys: docs/configuration.md)");
  o->o_data_dir =
      start->add_option("--data-dir", o->data_dir, "where the ledger lives")->capture_default_str();
  o->o_listen =
      start->add_option("--listen", o->listen, "HTTP address HOST:PORT (port 0: any free)")
          ->capture_default_str();
  o->o_genesis = start->add_option("--genesis", o->genesis, "genesis file for a new network");
  o->o_network = start->add_option("--network", o->network, "name of a generated dev network")
                     ->capture_default_str();
  o->o_max_tx = start->add_option("--block-max-tx", o->block_max_tx, "cut a block at this many txs")
                    ->capture_default_str();
  o->o_max_bytes =
      start->add_option("--block-max-bytes", o->block_max_bytes, "or at this many bytes of txs")
          ->capture_default_str();
  o->o_timeout = start
                     ->add_option("--block-timeout-ms", o->block_timeout_ms,
                                  "or when the oldest queued tx has waited this long")
                     ->capture_default_str();
  {
    const auto& settings = http_limit_settings();
    o->http_limits.resize(settings.size());
    for (std::size_t i = 0; i < settings.size(); ++i) {
      o->http_limits[i] = settings[i].get(defaults.http);
      o->o_http_limits.push_back(start
                                     ->add_option(std::string("--") + settings[i].key,
                                                  o->http_limits[i], settings[i].help)
                                     ->capture_default_str()
                                     ->group("HTTP limits (docs/configuration.md)"));
    }
  }
  start->add_option("--key-passphrase-file", o->key_passphrase_file,
                    "read the node key passphrase from the first line of FILE (else "
                    "PV_NODE_PASSPHRASE, else a prompt); the key in <data-dir>/node-key.pvid is "
                    "encrypted with it");
  o->ordering = defaults.ordering;
  o->etcd_retain = defaults.etcd.retain_revisions;
  o->etcd_compact_min = defaults.etcd.compact_min_revisions;
  o->o_ordering = start->add_option("--ordering", o->ordering, "embedded (one node) or etcd (a cluster)")
                      ->capture_default_str();
  o->o_endpoints = start->add_option("--etcd-endpoints", o->etcd_endpoints,
                                     "etcd client URLs, comma-separated (cluster mode)");
  o->o_etcd_ca = start->add_option("--etcd-ca", o->etcd_ca, "CA file for https etcd endpoints");
  o->o_etcd_cert = start->add_option("--etcd-cert", o->etcd_cert, "client certificate for etcd (TLS)");
  o->o_etcd_key = start->add_option("--etcd-key", o->etcd_key, "client key for etcd (TLS)");
  o->o_advertise = start->add_option("--advertise-url", o->advertise_url,
                                     "this node's API URL for peers (default http(s)://<listen>)");
  o->o_peer_ca = start->add_option("--peer-ca", o->peer_ca,
                                   "CA file that signed the peers' TLS certificates (https peer URLs; "
                                   "default: the system's CA store)");
  o->o_tls_cert = start->add_option("--tls-cert", o->tls_cert,
                                    "serve HTTPS with this certificate chain (PEM); needs --tls-key");
  o->o_tls_key = start->add_option("--tls-key", o->tls_key, "private key of --tls-cert (PEM)");
  o->o_retain = start->add_option("--etcd-retain-revisions", o->etcd_retain,
                                  "a node further behind stops holding compaction back")
                    ->capture_default_str();
  o->o_compact_min = start->add_option("--etcd-compact-min-revisions", o->etcd_compact_min,
                                       "compact etcd once the target moved this far")
                         ->capture_default_str();
  o->peer_check_ms = static_cast<std::uint64_t>(defaults.peer_check_interval.count());
  o->o_peer_check = start->add_option("--peer-check-interval-ms", o->peer_check_ms,
                                      "how often to exchange checkpoints with peers (cluster mode)")
                        ->capture_default_str();
  o->o_replication = start->add_option(
      "--replication-copies", o->replication_copies,
      "nodes (this one included) that must hold a record's content before its anchor is "
      "accepted; default 2 in a cluster, 1 with embedded ordering; 0 turns the check off");
  start->add_option("--witness", o->witnesses,
                    "a C2SP witness that cosigns this node's checkpoints, as URL=VKEY (its "
                    "add-checkpoint URL prefix and the key `pv audit key` prints); repeatable. "
                    "GET /v1/checkpoint then carries their cosignatures (docs/audit.md)");
  start->add_flag("--json", o->json,
                  "print the ready line as JSON {\"listening\", \"network\", \"height\"}");
  start->footer(
      "Example:\n  PV_NODE_PASSPHRASE='long node passphrase' pv node start --data-dir ./pv-data "
      "--listen 127.0.0.1:7600\n"
      "  curl http://127.0.0.1:7600/healthz\n"
      "Cluster mode (docs/cluster.md; scripts/cluster.sh start runs a local one):\n"
      "  pv node start --ordering etcd --etcd-endpoints http://127.0.0.1:2379,http://127.0.0.1:22379 \\\n"
      "    --genesis cluster-genesis.json --data-dir ./node1 --listen 127.0.0.1:7601\n"
      "Over TLS (scripts/cluster.sh start --tls makes a throwaway CA and certificates):\n"
      "  ... --tls-cert node1.pem --tls-key node1.key --peer-ca ca.pem");
  start->callback([o, &exit_code] { exit_code = node_start(*o); });
}

}  // namespace pv::cli
