// pv id: the wallet's identities. create, show, list, rotate, recover, deactivate, export,
// import (docs/cli.md, docs/wallet.md).

#include "cli/id_cmd.hpp"

#include <filesystem>
#include <memory>

#include "cli/commands.hpp"
#include "cli/id_ledger.hpp"
#include "cli/output.hpp"
#include "codec/did_key.hpp"
#include "identity/did_key_document.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

json identity_json(const IdentityMetadata& m) {
  return {{"name", m.name},
          {"did", m.did},
          {"method", did_method_name(m.method)},
          {"created", m.created_at},
          {"publicKey", ed25519_multibase(m.current_key)}};
}

// Opens the wallet, finds `name_or_did` and unlocks it.
struct Unlocked {
  Wallet wallet;
  IdentityMetadata identity;
  IdentitySecrets secrets;
  Passphrase passphrase;
};

Result<Unlocked> unlock(const IdOptions& o, const std::string& name_or_did) {
  crypto_init();
  auto wallet = open_wallet(o.acting);
  if (!wallet) return wallet.error();
  auto identity = wallet->find(name_or_did);
  if (!identity)
    return make_error(
        identity.error().code,
        identity.error().message + "; see `pv id list` (wallet " + wallet->dir().string() + ")");
  auto pass = wallet_passphrase(o.acting, identity->name);
  if (!pass) return pass.error();
  auto secrets = wallet->unlock(identity->name, pass->view());
  if (!secrets) return secrets.error();
  PV_TRY(check_secrets_match(*identity, *secrets));
  return Unlocked{std::move(*wallet), std::move(*identity), std::move(*secrets), std::move(*pass)};
}

// Connects to the node for a did:pv operation and learns its network.
Result<std::pair<api::NodeClient, NetworkId>> connect(const IdOptions& o) {
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return client.error();
  auto info = client->info();
  if (!info) return info.error();
  NetworkId net = info->network_id;
  return std::pair<api::NodeClient, NetworkId>{std::move(*client), net};
}

}  // namespace

int id_create(const IdOptions& o) {
  Output out(o.json);
  crypto_init();
  auto method = parse_did_method(o.method);
  if (!method) return out.fail(method.error(), "use --method key or --method pv");
  if (Status ok = check_identity_name(o.name); !ok) return out.fail(ok.error());
  auto wallet = open_wallet(o.acting);
  if (!wallet) return out.fail(wallet.error());
  if (wallet->find(o.name))
    return out.fail(
        make_error(Errc::conflict, "the wallet already holds an identity named " + o.name),
        "choose another --name");
  auto pass = wallet_passphrase(o.acting, o.name, /*confirm=*/true);
  if (!pass) return out.fail(pass.error());
  Result<IdentityMetadata> made = make_error(Errc::internal, "not created");
  if (*method == DidMethod::key) {
    made = wallet->create(o.name, DidMethod::key, pass->view());
  } else {
    auto node = connect(o);
    if (!node) return out.fail(node.error(), "a did:pv identity is created on a node's ledger");
    DidPvSession session{*wallet, pass->view(), node->first, node->second,
                         std::chrono::milliseconds(o.timeout_ms)};
    made = create_did_pv(session, o.name);
  }
  if (!made) return out.fail(made.error());
  out.result(identity_json(*made),
             made->did + "\nidentity " + made->name + " created in " + wallet->dir().string());
  return kExitOk;
}

int id_show(const IdOptions& o) {
  Output out(o.json);
  crypto_init();
  std::string did = o.name;
  if (did.rfind("did:", 0) != 0) {
    auto wallet = open_wallet(o.acting);
    if (!wallet) return out.fail(wallet.error());
    auto identity = wallet->find(o.name);
    if (!identity) return out.fail(identity.error(), "see `pv id list`");
    did = identity->did;
  }
  json doc;
  if (did.rfind("did:key:", 0) == 0) {
    auto d = did_key_document(did);
    if (!d) return out.fail(d.error());
    doc = *d;
  } else {
    auto client = api::NodeClient::connect(o.node, node_trust());
    if (!client) return out.fail(client.error());
    auto resolved = client->resolve_did(did);
    if (!resolved) return out.fail(resolved.error(), "is --node / PV_NODE the DID's network?");
    doc = (*resolved)["didDocument"];
  }
  out.result(doc, doc.dump(2));
  return kExitOk;
}

int id_list(const IdOptions& o) {
  Output out(o.json);
  auto wallet = open_wallet(o.acting);
  if (!wallet) return out.fail(wallet.error());
  auto entries = wallet->list();
  if (!entries) return out.fail(entries.error());
  json list = json::array();
  std::string human;
  for (const auto& e : *entries) {
    if (!e.metadata) {
      list.push_back({{"file", e.path.string()}, {"error", e.metadata.error().message}});
      human += e.path.filename().string() + "  unreadable: " + e.metadata.error().message + "\n";
      continue;
    }
    list.push_back(identity_json(*e.metadata));
    human += e.metadata->name + "  " + e.metadata->did + "\n";
  }
  if (list.empty())
    human = "no identities in " + wallet->dir().string() +
            "; create one with `pv id create --name NAME`";
  out.result(list, human);
  return kExitOk;
}

int id_ledger_op(const IdOptions& o, LedgerOp op) {
  Output out(o.json);
  std::string target = o.name;
  if (op == LedgerOp::recover && !o.backup.empty()) {
    // Recovering from a backup: add it to the wallet first (its passphrase is checked).
    auto wallet = open_wallet(o.acting);
    if (!wallet) return out.fail(wallet.error());
    auto pass = wallet_passphrase(o.acting, o.backup);
    if (!pass) return out.fail(pass.error());
    auto imported = wallet->import_identity(o.backup, pass->view());
    if (!imported)
      return out.fail(imported.error(),
                      "if the identity is already in this wallet, run `pv id "
                      "recover NAME` without --from-backup");
    target = imported->name;
  }
  if (target.empty()) return out.fail("name the identity", "pv id recover NAME");
  auto u = unlock(o, target);
  if (!u) return out.fail(u.error());
  if (u->identity.method != DidMethod::pv)
    return out.fail(make_error(Errc::invalid_argument,
                               u->identity.name + " is a did:key: its DID is its key, which "
                                                  "cannot rotate, recover or be deactivated"),
                    "create a ledger-anchored identity with `pv id create --method pv`");
  auto node = connect(o);
  if (!node) return out.fail(node.error());
  DidPvSession session{u->wallet, u->passphrase.view(), node->first, node->second,
                       std::chrono::milliseconds(o.timeout_ms)};
  if (op == LedgerOp::deactivate) {
    Status done = deactivate_did_pv(session, u->identity, u->secrets);
    if (!done) return out.fail(done.error());
    out.result({{"did", u->identity.did}, {"deactivated", true}},
               u->identity.did + " is deactivated");
    return kExitOk;
  }
  auto result = op == LedgerOp::rotate ? rotate_did_pv(session, u->identity, u->secrets)
                                       : recover_did_pv(session, u->identity, u->secrets);
  if (!result) return out.fail(result.error());
  json doc = identity_json(*result);
  out.result(doc, result->did + "\nnew current key " + ed25519_multibase(result->current_key) +
                      (op == LedgerOp::recover ? " (and a new recovery key)" : ""));
  return kExitOk;
}

int id_export(const IdOptions& o) {
  Output out(o.json);
  auto wallet = open_wallet(o.acting);
  if (!wallet) return out.fail(wallet.error());
  auto identity = wallet->find(o.name);
  if (!identity) return out.fail(identity.error(), "see `pv id list`");
  Status done = wallet->export_identity(identity->name, o.out);
  if (!done) return out.fail(done.error());
  out.result(
      {{"name", identity->name}, {"did", identity->did}, {"file", o.out}},
      "exported " + identity->name + " to " + o.out + " (still encrypted with its passphrase)");
  return kExitOk;
}

int id_import(const IdOptions& o) {
  Output out(o.json);
  auto wallet = open_wallet(o.acting);
  if (!wallet) return out.fail(wallet.error());
  auto pass = wallet_passphrase(o.acting, o.file);
  if (!pass) return out.fail(pass.error());
  auto imported = wallet->import_identity(o.file, pass->view());
  if (!imported) return out.fail(imported.error());
  out.result(identity_json(*imported), "imported " + imported->name + " (" + imported->did + ")");
  return kExitOk;
}

}  // namespace pv::cli
