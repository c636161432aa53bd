// pv node key: create (or open) a node's encrypted key before its first start and print its
// did:key, the value a genesis file lists under "nodeKeys" (docs/organizations.md).

#include <filesystem>
#include <memory>

#include "cli/acting.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "codec/did_key.hpp"
#include "identity/passphrase.hpp"
#include "node/node_key.hpp"

namespace pv::cli {
namespace {

struct NodeKeyOptions {
  std::string data_dir = "./pv-data", key_passphrase_file;
  bool json = false;
};

int node_key(const NodeKeyOptions& o) {
  Output out(o.json);
  crypto_init();
  auto kdf = kdf_from_environment();
  if (!kdf) return out.fail(kdf.error());
  std::error_code ec;
  std::filesystem::create_directories(o.data_dir, ec);
  if (ec)
    return out.fail("cannot create " + o.data_dir + ": " + ec.message(),
                    "choose a writable --data-dir");
  const bool existed =
      std::filesystem::exists(std::filesystem::path(o.data_dir) / kNodeKeyFileName);
  NodeKeyPassphrase passphrase = [file = o.key_passphrase_file](bool creating) {
    PassphraseRequest req;
    if (!file.empty()) req.file = file;
    req.confirm = creating;
    req.prompt = creating ? "New node key passphrase: " : "Node key passphrase: ";
    req.env_var = "PV_NODE_PASSPHRASE";
    req.file_flag = "--key-passphrase-file";
    return read_passphrase(req);
  };
  auto key = load_or_create_node_key(o.data_dir, passphrase, *kdf);
  if (!key) return out.fail(key.error());
  const std::string did = did_key_from_public_key(key->public_key());
  out.result({{"did", did}, {"dataDir", o.data_dir}, {"created", !existed}},
             did + "\n" + (existed ? "the node key of " : "created the node key of ") + o.data_dir +
                 "; list it under \"nodeKeys\" of its organization in the genesis file");
  return kExitOk;
}

}  // namespace

void add_node_key_command(CLI::App& app, int& exit_code) {
  CLI::App* node = app.get_subcommand("node");
  auto o = std::make_shared<NodeKeyOptions>();
  auto* cmd = node->add_subcommand(
      "key",
      "Create (or open) a node's encrypted key before its first start and print its did:key");
  cmd->add_option("--data-dir", o->data_dir, "the node's data directory")->capture_default_str();
  cmd->add_option("--key-passphrase-file", o->key_passphrase_file,
                  "read the node key passphrase from the first line of FILE (else "
                  "PV_NODE_PASSPHRASE, else a prompt)");
  cmd->add_flag("--json", o->json, "print {\"did\", \"dataDir\", \"created\"} as JSON");
  cmd->footer(
      "Example (each member organization, for each of its nodes, before writing the genesis):\n"
      "  PV_NODE_PASSPHRASE='long node passphrase' pv node key --data-dir ./pv-data\n"
      "  pv node start --data-dir ./pv-data --genesis consortium.json");
  cmd->callback([o, &exit_code] { exit_code = node_key(*o); });
}

}  // namespace pv::cli
