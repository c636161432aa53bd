// pv blob put|get|export|import: encrypted files in the node's content store (docs/cli.md,
// docs/blob-format.md). Everything streams: a file is read, encrypted, chunked and uploaded in
// pieces, and read back block by block, so memory stays flat whatever the file's size.

#include <sodium.h>

#include <cstdio>
#include <filesystem>
#include <memory>

#include "cli/acting.hpp"
#include "cli/blob_transfer.hpp"
#include "cli/commands.hpp"
#include "cli/encrypt_ahead.hpp"
#include "cli/output.hpp"
#include "cli/progress.hpp"
#include "content/dag_walk.hpp"
#include "content/file_importer.hpp"
#include "encryption/blob_decryptor.hpp"
#include "encryption/blob_encryptor.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

struct BlobOptions {
  ActingOptions acting;
  std::string node, file, out, cid, wrapped_key, car;
  bool json = false;
};

Result<api::NodeClient> connect_as(const BlobOptions& o, std::optional<Actor>& actor) {
  auto client = api::NodeClient::connect(o.node, node_trust());
  if (!client) return client.error();
  auto a = act_as(o.acting, *client);
  if (!a) return a.error();
  actor.emplace(std::move(*a));
  return client;
}

// Fetches one block again, alone, for a download whose DAG repeats a block the stream's cache
// has already dropped (CarStreamStore checks the bytes against the CID).
std::function<Result<Bytes>(const content::Cid&)> fetch_from(api::NodeClient& client) {
  return [&client](const content::Cid& cid) -> Result<Bytes> {
    auto reply = client.call("GET", "/ipfs/" + cid.to_string() + "?format=raw", {}, "");
    if (!reply) return reply.error();
    return to_bytes(reply->body);
  };
}

int put(const BlobOptions& o) {
  Output out(o.json);
  auto source = content::FileSource::open(o.file);
  if (!source) return out.fail(source.error(), "check the path");
  std::error_code ec;
  const std::uint64_t size = fs::file_size(o.file, ec);
  std::optional<Actor> actor;
  auto client = connect_as(o, actor);
  if (!client) return out.fail(client.error());

  DataKey key = DataKey::generate();
  auto encryptor = BlobEncryptor::create(key);
  if (!encryptor) return out.fail(encryptor.error());
  CarBatchUploader uploader(*client);
  content::FileImporter importer(uploader);
  ProgressBar progress("encrypt+upload", size, o.json);
  // Reading + encryption on a second thread; chunking, hashing and upload on this one.
  EncryptAhead ahead(**source, std::move(*encryptor));
  for (;;) {
    auto piece = ahead.next();
    if (!piece) return out.fail(piece.error());
    if (!*piece) break;
    if (Status s = importer.write((*piece)->bytes); !s)
      return out.fail(s.error(), "is the node up?");
    progress.advance((*piece)->plain_bytes);
    ahead.recycle(std::move((*piece)->bytes));
  }
  auto imported = importer.finish();
  if (!imported) return out.fail(imported.error());
  if (Status s = uploader.flush(); !s) return out.fail(s.error());
  const std::string cid = imported->root.to_string();
  if (auto pinned = client->call("POST", "/v1/pins/" + cid); !pinned)
    return out.fail(pinned.error(), "upload again: blocks left unpinned may have been collected");
  progress.finish();

  auto wrapped = wrap_data_key(key, actor->key().public_key());
  if (!wrapped) return out.fail(wrapped.error());
  const std::string wrapped_b64 = to_base64(wrapped->view());
  json doc{{"cid", cid},
           {"owner", actor->did()},
           {"wrappedKey", wrapped_b64},
           {"size", size},
           {"encryptedSize", imported->file_size},
           {"blocks", imported->blocks},
           {"requests", uploader.requests()}};
  out.result(doc, cid + "\nencrypted " + human_bytes(size) + " for " + actor->did() +
                      "\nwrapped data key (keep it; `pv blob get` needs it):\n" + wrapped_b64);
  return kExitOk;
}

// Removes a partial output unless disarmed.
struct PartialFile {
  fs::path path;
  bool keep = false;
  ~PartialFile() {
    std::error_code ec;
    if (!keep && !path.empty()) fs::remove(path, ec);
  }
};

int get(const BlobOptions& o) {
  Output out(o.json);
  auto cid = content::Cid::parse(o.cid);
  if (!cid) return out.fail(cid.error(), "give the CID that `pv blob put` printed");
  auto raw = from_base64(o.wrapped_key);
  auto wrapped = raw ? WrappedDataKey::from(*raw) : Result<WrappedDataKey>(raw.error());
  if (!wrapped)
    return out.fail("--key must be the 108-character base64 wrapped key `pv blob put` printed");
  std::optional<Actor> actor;
  auto client = connect_as(o, actor);
  if (!client) return out.fail(client.error());
  auto key = unwrap_data_key(*wrapped, actor->key());
  if (!key) return out.fail(key.error(), "use --as with the identity the key was wrapped for");

  CarDownload download(o.node, "/ipfs/" + cid->to_string() + "?format=car");
  auto reader = content::CarReader::open(download);
  if (!reader) return out.fail(reader.error());
  if (reader->roots().size() != 1 || reader->roots()[0].to_v1() != cid->to_v1())
    return out.fail("the node answered a CAR for another root");
  PartialFile partial{o.out + ".pv-partial"};
  auto sink = content::FileSink::create(partial.path);
  if (!sink) return out.fail(sink.error());
  CarStreamStore store(*reader);
  store.fetch_again = fetch_from(*client);
  BlobDecryptor decryptor(*key);
  ProgressBar progress("download+decrypt", 0, o.json);
  Bytes plain;
  Status s = content::read_file(store, *cid, [&](ByteView cipher) -> Status {
    plain.clear();
    PV_TRY(decryptor.update(cipher, plain));
    progress.advance(cipher.size());
    return (*sink)->write(plain);
  });
  if (s) {
    plain.clear();
    s = decryptor.finish(plain);
    if (s) s = (*sink)->write(plain);
  }
  if (s) {
    auto end = store.at_end();
    if (!end)
      s = end.error();
    else if (!*end)
      s = make_error(Errc::corruption, "the CAR holds blocks beyond the file's DAG");
  }
  sodium_memzero(plain.data(), plain.size());
  if (s) s = (*sink)->close();
  if (!s) return out.fail(s.error(), "nothing was written to " + o.out);
  fs::rename(partial.path, o.out);
  partial.keep = true;
  progress.finish();
  out.result({{"cid", cid->to_string()}, {"file", o.out}, {"size", decryptor.plaintext_bytes()}},
             "decrypted " + human_bytes(decryptor.plaintext_bytes()) + " into " + o.out +
                 " (every block checked against its CID, every chunk authenticated)");
  return kExitOk;
}

int export_car(const BlobOptions& o) {
  Output out(o.json);
  auto cid = content::Cid::parse(o.cid);
  if (!cid) return out.fail(cid.error());
  CarDownload download(o.node, "/ipfs/" + cid->to_string() + "?format=car");
  auto reader = content::CarReader::open(download);
  if (!reader) return out.fail(reader.error(), "is the node at " + o.node + " up?");
  PartialFile partial{o.car + ".pv-partial"};
  auto sink = content::FileSink::create(partial.path);
  if (!sink) return out.fail(sink.error());
  content::CarWriter writer(**sink);
  if (Status s = writer.write_header({*cid}); !s) return out.fail(s.error());
  auto client = api::NodeClient::connect(o.node);
  if (!client) return out.fail(client.error());
  CarStreamStore store(*reader);
  store.on_block = [&](const content::Cid& c, ByteView b) { return writer.put(c, b); };
  store.fetch_again = fetch_from(*client);
  ProgressBar progress("export", 0, o.json);
  Status s = content::read_file(store, *cid, [&](ByteView b) {
    progress.advance(b.size());
    return Status::ok();
  });
  if (s) {
    auto end = store.at_end();
    if (!end)
      s = end.error();
    else if (!*end)
      s = make_error(Errc::corruption, "the CAR holds blocks beyond the DAG");
  }
  if (s) s = (*sink)->close();
  if (!s) return out.fail(s.error(), "nothing was written to " + o.car);
  fs::rename(partial.path, o.car);
  partial.keep = true;
  progress.finish();
  out.result({{"cid", cid->to_string()}, {"car", o.car}, {"bytes", writer.bytes_written()}},
             "wrote " + human_bytes(writer.bytes_written()) + " CAR " + o.car);
  return kExitOk;
}

int import_car(const BlobOptions& o) {
  Output out(o.json);
  auto source = content::FileSource::open(o.car);
  if (!source) return out.fail(source.error());
  std::error_code ec;
  const std::uint64_t size = fs::file_size(o.car, ec);
  std::optional<Actor> actor;
  auto client = connect_as(o, actor);
  if (!client) return out.fail(client.error());
  auto reader = content::CarReader::open(**source);
  if (!reader) return out.fail(reader.error(), o.car + " is not a CARv1 file");
  CarBatchUploader uploader(*client);
  ProgressBar progress("import", size, o.json);
  std::uint64_t blocks = 0;
  for (;;) {
    auto next = reader->next();  // each block checked against its CID before it is sent
    if (!next) return out.fail(next.error(), "nothing was pinned");
    if (!next->has_value()) break;
    if (Status s = uploader.put((*next)->cid, (*next)->bytes); !s) return out.fail(s.error());
    ++blocks;
    progress.advance((*next)->bytes.size());
  }
  if (Status s = uploader.flush(); !s) return out.fail(s.error());
  json roots = json::array();
  for (const auto& root : reader->roots()) {
    if (auto pinned = client->call("POST", "/v1/pins/" + root.to_string()); !pinned)
      return out.fail(pinned.error(), "the CAR does not hold the whole DAG of its root");
    roots.push_back(root.to_string());
  }
  progress.finish();
  out.result({{"roots", roots}, {"blocks", blocks}},
             "imported " + std::to_string(blocks) + " blocks; pinned " + roots.dump());
  return kExitOk;
}

}  // namespace

void add_blob_commands(CLI::App& app, int& exit_code) {
  auto* blob =
      app.add_subcommand("blob", "Encrypted files in the node's IPFS-compatible content store");
  blob->require_subcommand(1);
  auto o = std::make_shared<BlobOptions>();

  auto* put_cmd = blob->add_subcommand(
      "put",
      "Encrypt a file on this machine with a fresh data key, upload the ciphertext as an IPFS "
      "UnixFS DAG (signed requests), pin it, and print its CID and the data key wrapped for the "
      "acting identity. The node never sees the plaintext or the unwrapped key.");
  put_cmd->add_option("FILE", o->file, "file to store")->required()->check(CLI::ExistingFile);
  add_acting_options(*put_cmd, o->acting);
  add_node_url_option(*put_cmd, o->node);
  put_cmd->add_flag("--json", o->json,
                    "print {\"cid\",\"owner\",\"wrappedKey\",\"size\",\"encryptedSize\",...}");
  put_cmd->footer("Example:\n  pv blob put scan.dcm --as alice\n  pv blob put scan.dcm --json");
  put_cmd->callback([o, &exit_code] { exit_code = put(*o); });

  auto* get_cmd = blob->add_subcommand(
      "get",
      "Download an encrypted file, check every block against its CID, decrypt it with the data "
      "key unwrapped by the acting identity, and write it only if all of it authenticated.");
  get_cmd->add_option("CID", o->cid, "CID printed by `pv blob put`")->required();
  get_cmd->add_option("-o,--out", o->out, "where to write the plaintext")->required();
  get_cmd->add_option("--key", o->wrapped_key, "the wrapped data key `pv blob put` printed")
      ->required();
  add_acting_options(*get_cmd, o->acting);
  add_node_url_option(*get_cmd, o->node);
  get_cmd->add_flag("--json", o->json, "print {\"cid\",\"file\",\"size\"}");
  get_cmd->footer("Example:\n  pv blob get bafybei... -o scan.dcm --key BASE64 --as alice");
  get_cmd->callback([o, &exit_code] { exit_code = get(*o); });

  auto* export_cmd = blob->add_subcommand(
      "export", "Save a stored DAG as a CARv1 file (every block checked on the way)");
  export_cmd->add_option("CID", o->cid, "root CID")->required();
  export_cmd->add_option("--car", o->car, "CAR file to write")->required();
  add_node_url_option(*export_cmd, o->node);
  export_cmd->add_flag("--json", o->json, "print {\"cid\",\"car\",\"bytes\"}");
  export_cmd->footer("Example:\n  pv blob export bafybei... --car scan.car");
  export_cmd->callback([o, &exit_code] { exit_code = export_car(*o); });

  auto* import_cmd = blob->add_subcommand(
      "import",
      "Upload the blocks of a CARv1 file (each checked against its CID) and pin its roots");
  import_cmd->add_option("--car", o->car, "CAR file to read")->required()->check(CLI::ExistingFile);
  add_acting_options(*import_cmd, o->acting);
  add_node_url_option(*import_cmd, o->node);
  import_cmd->add_flag("--json", o->json, "print {\"roots\",\"blocks\"}");
  import_cmd->footer("Example:\n  pv blob import --car scan.car --as alice");
  import_cmd->callback([o, &exit_code] { exit_code = import_car(*o); });
}

}  // namespace pv::cli
