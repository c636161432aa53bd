// Registers `pv id` and its subcommands.

#include <memory>

#include "cli/commands.hpp"
#include "cli/id_cmd.hpp"

namespace pv::cli {
namespace {

std::shared_ptr<IdOptions> common(CLI::App& cmd, bool node) {
  auto o = std::make_shared<IdOptions>();
  add_wallet_options(cmd, o->acting);
  if (node) {
    add_node_url_option(cmd, o->node);
    cmd.add_option("--timeout-ms", o->timeout_ms, "how long to wait for the ledger to commit")
        ->capture_default_str();
  }
  cmd.add_flag("--json", o->json, "print the result as JSON");
  return o;
}

}  // namespace

void add_id_commands(CLI::App& app, int& exit_code) {
  auto* id = app.add_subcommand(
      "id",
      "Identities in your wallet: DIDs whose keys live encrypted (Argon2id + "
      "XChaCha20-Poly1305) in the wallet directory. Refer to them by name or DID everywhere.");
  id->require_subcommand(1);

  auto* create = id->add_subcommand(
      "create",
      "Create an identity. --method key (default): a did:key, the DID is the key itself. --method "
      "pv: a ledger-anchored did:pv that outlives its keys (rotate, recover); it is created on the "
      "node's ledger and this waits for the commit. The passphrase encrypts its keys.");
  auto c = common(*create, true);
  create->add_option("--name", c->name, "local name: letters, digits, . _ -")->required();
  create->add_option("--method", c->method, "key or pv")->capture_default_str();
  create->footer(
      "Examples:\n  pv id create --name alice\n"
      "  PV_PASSPHRASE_FILE=~/.pv-pass pv id create --name alice --method pv --json");
  create->callback([c, &exit_code] { exit_code = id_create(*c); });

  auto* show = id->add_subcommand(
      "show",
      "Print an identity's DID document (did:key built here, did:pv resolved on the node).");
  auto s = common(*show, true);
  show->add_option("identity", s->name, "NAME or DID")->required();
  show->footer("Example:\n  pv id show alice");
  show->callback([s, &exit_code] { exit_code = id_show(*s); });

  auto* list = id->add_subcommand("list", "List the wallet's identities (needs no passphrase).");
  auto l = common(*list, false);
  list->footer("Example:\n  pv id list --json");
  list->callback([l, &exit_code] { exit_code = id_list(*l); });

  auto* rotate = id->add_subcommand(
      "rotate",
      "did:pv: replace the device key by a fresh one (an update signed by the current key). The "
      "old key no longer signs anything the ledger or the API accepts.");
  auto r = common(*rotate, true);
  rotate->add_option("identity", r->name, "NAME or DID")->required();
  rotate->footer("Example:\n  pv id rotate alice");
  rotate->callback([r, &exit_code] { exit_code = id_ledger_op(*r, LedgerOp::rotate); });

  auto* recover = id->add_subcommand(
      "recover",
      "did:pv: take the DID back with its recovery key: a fresh device key replaces every device "
      "key (lost or stolen), and a fresh recovery key replaces the used one. With --from-backup, "
      "first import an exported identity file (e.g. on a new device).");
  auto rc = common(*recover, true);
  recover->add_option("identity", rc->name, "NAME or DID (omit with --from-backup)");
  recover->add_option("--from-backup", rc->backup, "identity file made by `pv id export`");
  recover->footer(
      "Examples:\n  pv id recover alice\n  pv id recover --from-backup /media/usb/alice.pvid");
  recover->callback([rc, &exit_code] { exit_code = id_ledger_op(*rc, LedgerOp::recover); });

  auto* deactivate = id->add_subcommand(
      "deactivate", "did:pv: end the DID for good; no key of it signs anything again.");
  auto d = common(*deactivate, true);
  deactivate->add_option("identity", d->name, "NAME or DID")->required();
  deactivate->footer("Example:\n  pv id deactivate old-phone-identity");
  deactivate->callback([d, &exit_code] { exit_code = id_ledger_op(*d, LedgerOp::deactivate); });

  auto* exp = id->add_subcommand(
      "export",
      "Copy an identity's file to FILE as a backup. It stays encrypted with its passphrase; keep "
      "it offline (it holds the recovery key of a did:pv).");
  auto e = common(*exp, false);
  exp->add_option("identity", e->name, "NAME or DID")->required();
  exp->add_option("--out", e->out, "backup file to write (never overwritten)")->required();
  exp->footer("Example:\n  pv id export alice --out /media/usb/alice.pvid");
  exp->callback([e, &exit_code] { exit_code = id_export(*e); });

  auto* imp = id->add_subcommand(
      "import", "Add an exported identity file to the wallet after checking its passphrase.");
  auto i = common(*imp, false);
  imp->add_option("file", i->file, "identity file made by `pv id export`")->required();
  imp->footer("Example:\n  pv id import /media/usb/alice.pvid");
  imp->callback([i, &exit_code] { exit_code = id_import(*i); });
}

}  // namespace pv::cli
