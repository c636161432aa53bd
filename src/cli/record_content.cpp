#include "cli/record_content.hpp"

#include <sodium.h>

#include "cli/blob_transfer.hpp"
#include "content/dag_walk.hpp"
#include "content/file_importer.hpp"
#include "crypto/sha256.hpp"
#include "encryption/blob_decryptor.hpp"
#include "encryption/blob_encryptor.hpp"
#include "identity/record_commitment.hpp"
#include "ledger/record_key_envelope.hpp"

namespace pv::cli {
namespace {

constexpr std::size_t kReadPiece = 1u << 20;

SecretKey32 secret_of(const DataKey& key) {
  auto s = SecretKey32::from(key.view());
  return s ? *s : SecretKey32{};
}

}  // namespace

Result<std::vector<Bytes>> upload_raw_blocks(api::NodeClient& client,
                                             const std::vector<Bytes>& objects) {
  std::vector<Bytes> cids;
  if (objects.empty()) return cids;
  CarBatchUploader uploader(client, 1);
  for (const auto& object : objects) {
    const content::Cid cid = content::Cid::of(content::Multicodec::raw, object);
    PV_TRY(uploader.put(cid, object));
    cids.push_back(cid.bytes());
  }
  PV_TRY(uploader.flush());
  return cids;
}

Result<RecordAnchor> with_fetched_keys(api::NodeClient& client, RecordAnchor anchor) {
  return with_record_keys(std::move(anchor), [&client](ByteView binary) -> Result<Bytes> {
    auto cid = content::Cid::decode(binary);
    if (!cid) return cid.error();
    auto reply = client.call("GET", "/ipfs/" + cid->to_string() + "?format=raw");
    if (!reply) return reply.error();
    if (reply->status != 200)
      return make_error(Errc::unavailable, "the node answered " + std::to_string(reply->status) +
                                               " for key envelope " + cid->to_string());
    Bytes bytes(reply->body.begin(), reply->body.end());
    if (sha256(bytes) != cid->digest())
      return make_error(Errc::corruption, "the node served a key envelope that does not match " +
                                              cid->to_string() + "; do not trust this node");
    return bytes;
  });
}

Result<StoredContent> encrypt_and_upload(api::NodeClient& client, content::ByteSource& plain,
                                         const DataKey& key) {
  auto encryptor = BlobEncryptor::create(key);
  if (!encryptor) return encryptor.error();
  SecretKey32 raw = secret_of(key);
  RecordCommitment commitment(raw);
  sodium_memzero(raw.data(), raw.size());
  CarBatchUploader uploader(client);
  content::FileImporter importer(uploader);
  StoredContent out;
  Bytes piece(kReadPiece), cipher;
  for (;;) {
    auto n = plain.read(piece.data(), piece.size());
    if (!n) return n.error();
    if (*n == 0) break;
    ByteView chunk = ByteView(piece).first(*n);
    commitment.update(chunk);
    out.plain_size += *n;
    cipher.clear();
    encryptor->update(chunk, cipher);
    PV_TRY(importer.write(cipher));
  }
  sodium_memzero(piece.data(), piece.size());
  cipher.clear();
  encryptor->finish(cipher);
  PV_TRY(importer.write(cipher));
  auto imported = importer.finish();
  if (!imported) return imported.error();
  PV_TRY(uploader.flush());
  auto pinned = client.call("POST", "/v1/pins/" + imported->root.to_string());
  if (!pinned) return pinned.error();
  out.cid = imported->root;
  out.encrypted_size = imported->file_size;
  out.commitment = commitment.finish();
  return out;
}

Result<std::uint64_t> download_and_decrypt(const std::string& node_url, const content::Cid& cid,
                                           const DataKey& key, const Hash32& expected,
                                           const std::filesystem::path& out) {
  CarDownload download(node_url, "/ipfs/" + cid.to_string() + "?format=car");
  auto reader = content::CarReader::open(download);
  if (!reader) return reader.error();
  if (reader->roots().size() != 1 || reader->roots()[0].to_v1() != cid.to_v1())
    return make_error(Errc::corruption, "the node answered a CAR for another root");
  const std::filesystem::path partial = out.string() + ".pv-partial";
  struct Remove {
    std::filesystem::path p;
    bool keep = false;
    ~Remove() {
      std::error_code ec;
      if (!keep) std::filesystem::remove(p, ec);
    }
  } cleanup{partial};
  auto sink = content::FileSink::create(partial);
  if (!sink) return sink.error();
  CarStreamStore store(*reader);
  BlobDecryptor decryptor(key);
  SecretKey32 raw = secret_of(key);
  RecordCommitment commitment(raw);
  sodium_memzero(raw.data(), raw.size());
  Bytes plain;
  Status s = content::read_file(store, cid, [&](ByteView cipher) -> Status {
    plain.clear();
    PV_TRY(decryptor.update(cipher, plain));
    commitment.update(plain);
    return (*sink)->write(plain);
  });
  if (s) {
    plain.clear();
    s = decryptor.finish(plain);
    if (s) {
      commitment.update(plain);
      s = (*sink)->write(plain);
    }
  }
  sodium_memzero(plain.data(), plain.size());
  if (s) {
    auto end = store.at_end();
    if (!end)
      s = end.error();
    else if (!*end)
      s = make_error(Errc::corruption, "the CAR holds blocks beyond the file's DAG");
  }
  if (s) s = (*sink)->close();
  if (!s) return s.error();
  if (commitment.finish() != expected)
    return make_error(Errc::corruption,
                      "the decrypted content does not match the record's "
                      "commitment on the ledger");
  std::error_code ec;
  std::filesystem::rename(partial, out, ec);
  if (ec) return make_error(Errc::io, "cannot write " + out.string() + ": " + ec.message());
  cleanup.keep = true;
  return decryptor.plaintext_bytes();
}

}  // namespace pv::cli
