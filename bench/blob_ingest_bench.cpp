// Encrypted ingest of one large file into the content store, next to the limits of this machine
// measured in the same run (issue 4, point 8):
//   sha256       SHA-256 (OpenSSL) over 256 KiB pieces, one core
//   xchacha20poly1305-v2  the blob format v2 cipher (libsodium HChaCha20 + OpenSSL EVP
//                ChaCha20-Poly1305, encryption/xchacha20_poly1305.hpp) over 256 KiB pieces, one
//                core: the encryption limit of `pv blob put`
//   secretstream-v1  libsodium secretstream push (the v1 format's cipher), for comparison
//   encrypt      read the file + BlobEncryptor only
//   encrypt+cid  + the UnixFS importer (chunk + SHA-256 of every block), blocks discarded
//   ingest       + the node's blockstore (PackBlockStore: pack files + RocksDB index) put of
//                every block and a final sync: the whole `pv blob put` path minus HTTP, one
//                thread
//   disk         the file's size written to a file and fdatasync'ed: what durable storage costs
//                here, through the page cache and with O_DIRECT (as the blockstore's flushes)
//   ingest-2t    the same with reading+encryption on one thread and chunk+hash+store on another
//                (cli::EncryptAhead, the pipeline `pv blob put` runs)
//   *-before-sync  the same runs timed up to the final sync (the rest is the disk)
//   ingest-2-threads-rocksdb  the two-thread ingest into RocksBlockStore (values in RocksDB blob
//                files), the store chosen before the pack store, for comparison
// Prints one JSON line per figure, GB/s = 1e9 bytes/s of plaintext.
// Usage: pv_blob_ingest_bench FILE [store-dir [--ingest-only]]
//   --ingest-only  runs the two-thread ingest alone (for perf record)

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include "cli/encrypt_ahead.hpp"
#include "content/byte_stream.hpp"
#include "content/file_importer.hpp"
#include "content/pack_block_store.hpp"
#include "content/rocks_block_store.hpp"
#include "encryption/blob_encryptor.hpp"

namespace {

namespace fs = std::filesystem;
using namespace pv;
using Clock = std::chrono::steady_clock;

class NullSink final : public content::BlockSink {
 public:
  Status put(const content::Cid&, ByteView) override { return Status::ok(); }
};

void report(const char* name, std::uint64_t bytes, Clock::duration took) {
  double s = std::chrono::duration<double>(took).count();
  std::printf("{\"figure\": \"%s\", \"bytes\": %llu, \"seconds\": %.3f, \"GBps\": %.3f}\n", name,
              static_cast<unsigned long long>(bytes), s, static_cast<double>(bytes) / s / 1e9);
  std::fflush(stdout);
}

void die(const Error& e) {
  std::fprintf(stderr, "error: %s\n", e.message.c_str());
  std::exit(1);
}

// Reads FILE in 1 MiB pieces, calls `take` for each.
template <class F>
std::uint64_t for_each_piece(const std::string& path, F take) {
  auto src = content::FileSource::open(path);
  if (!src) die(src.error());
  Bytes buf(1 << 20);
  std::uint64_t total = 0;
  for (;;) {
    auto n = (*src)->read(buf.data(), buf.size());
    if (!n) die(n.error());
    if (*n == 0) break;
    take(ByteView(buf).first(*n));
    total += *n;
  }
  return total;
}

std::uint64_t encrypt_into(const std::string& path, content::BlockSink* sink) {
  DataKey key = DataKey::generate();
  auto enc = BlobEncryptor::create(key);
  NullSink unused;  // `sink` null: encryption only, the importer is never fed
  content::FileImporter importer(sink ? *sink : unused);
  Bytes cipher;
  std::uint64_t n = for_each_piece(path, [&](ByteView plain) {
    cipher.clear();
    enc->update(plain, cipher);
    if (sink)
      if (Status s = importer.write(cipher); !s) die(s.error());
  });
  cipher.clear();
  enc->finish(cipher);
  if (sink) {
    if (Status s = importer.write(cipher); !s) die(s.error());
    if (auto r = importer.finish(); !r) die(r.error());
  }
  return n;
}

// The `pv blob put` pipeline (cli/encrypt_ahead.hpp): reading + encryption on a second thread,
// chunking + hashing + storing on this one. The final sync is timed apart.
std::uint64_t ingest_two_threads(const std::string& path, content::BlockStore& store,
                                 Clock::duration& sync_took) {
  auto src = content::FileSource::open(path);
  if (!src) die(src.error());
  DataKey key = DataKey::generate();
  auto enc = BlobEncryptor::create(key);
  if (!enc) die(enc.error());
  cli::EncryptAhead ahead(**src, std::move(*enc));
  content::FileImporter importer(store);
  std::uint64_t n = 0;
  for (;;) {
    auto piece = ahead.next();
    if (!piece) die(piece.error());
    if (!*piece) break;
    if (Status s = importer.write((*piece)->bytes); !s) die(s.error());
    n += (*piece)->plain_bytes;
    ahead.recycle(std::move((*piece)->bytes));
  }
  if (auto r = importer.finish(); !r) die(r.error());
  auto t = Clock::now();
  if (Status s = store.sync(); !s) die(s.error());
  sync_took = Clock::now() - t;
  return n;
}

// What the disk takes: `size` bytes written to a file and fdatasync'ed, through the page cache
// (what a plain file write costs) and with O_DIRECT in 1 MiB aligned writes (how the blockstore's
// flushes write blob files).
void disk_limit(const fs::path& dir, std::uint64_t size, bool direct) {
  fs::create_directories(dir);
  const fs::path file = dir / "disk-limit.bin";
  constexpr std::size_t kPiece = 1 << 20;
  void* raw = nullptr;
  if (posix_memalign(&raw, 4096, kPiece) != 0) die(make_error(Errc::io, "posix_memalign"));
  std::unique_ptr<void, decltype(&std::free)> piece(raw, &std::free);
  std::memset(raw, 0xa5, kPiece);
  auto t = Clock::now();
  int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_TRUNC | (direct ? O_DIRECT : 0), 0600);
  if (fd < 0) die(make_error(Errc::io, "cannot create " + file.string()));
  for (std::uint64_t done = 0; done < size; done += kPiece)
    if (::write(fd, raw, kPiece) != static_cast<ssize_t>(kPiece))
      die(make_error(Errc::io, "write " + file.string()));
  if (::fdatasync(fd) != 0) die(make_error(Errc::io, "fdatasync " + file.string()));
  ::close(fd);
  report(direct ? "disk-write-O_DIRECT+fdatasync" : "disk-write+fdatasync", size, Clock::now() - t);
  fs::remove(file);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: pv_blob_ingest_bench FILE [store-dir [--ingest-only]]\n");
    return 2;
  }
  crypto_init();
  const std::string file = argv[1];
  const fs::path dir = argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / "pv-ingest";
  const std::uint64_t size = fs::file_size(file);
  const bool ingest_only = argc > 3 && std::string(argv[3]) == "--ingest-only";

  if (ingest_only) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    auto store = content::PackBlockStore::open(dir);
    if (!store) die(store.error());
    auto t = Clock::now();
    Clock::duration sync_took{};
    std::uint64_t n = ingest_two_threads(file, **store, sync_took);
    report("ingest-2-threads", n, Clock::now() - t);
    store->reset();
    fs::remove_all(dir, ec);
    return 0;
  }

  // Limits, one core, on the same amount of data from memory.
  Bytes piece(content::kChunkSize, 0x5a), out(content::kChunkSize + 17);
  auto t = Clock::now();
  for (std::uint64_t done = 0; done < size; done += piece.size()) (void)sha256(piece);
  report("sha256", size, Clock::now() - t);
  {
    DataKey k = DataKey::generate();
    Bytes head(kBlobNonceHeadBytes, 0x11);
    auto c = XChaCha20Poly1305::create(k.view(), head);
    if (!c) die(c.error());
    Bytes ad(kBlobHeaderBytes, 0x22);
    std::uint64_t i = 0;
    t = Clock::now();
    for (std::uint64_t done = 0; done < size; done += piece.size())
      c->seal(blob_chunk_nonce_tail(i++, false), ad, piece, out.data());
    report("xchacha20poly1305-v2", size, Clock::now() - t);
  }
  crypto_secretstream_xchacha20poly1305_state st;
  unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  DataKey k = DataKey::generate();
  crypto_secretstream_xchacha20poly1305_init_push(&st, header, k.data());
  t = Clock::now();
  for (std::uint64_t done = 0; done < size; done += piece.size())
    crypto_secretstream_xchacha20poly1305_push(&st, out.data(), nullptr, piece.data(), piece.size(),
                                               nullptr, 0, 0);
  report("secretstream-v1", size, Clock::now() - t);

  t = Clock::now();
  std::uint64_t n = encrypt_into(file, nullptr);
  report("encrypt", n, Clock::now() - t);
  NullSink null_sink;
  t = Clock::now();
  n = encrypt_into(file, &null_sink);
  report("encrypt+chunk+hash", n, Clock::now() - t);

  disk_limit(dir.parent_path(), size, false);
  disk_limit(dir.parent_path(), size, true);

  for (int threads : {1, 2}) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    auto store = content::PackBlockStore::open(dir);
    if (!store) die(store.error());
    t = Clock::now();
    Clock::duration sync_took{};
    if (threads == 1) {
      n = encrypt_into(file, store->get());
      auto s0 = Clock::now();
      if (Status s = (*store)->sync(); !s) die(s.error());
      sync_took = Clock::now() - s0;
    } else {
      n = ingest_two_threads(file, **store, sync_took);
    }
    const auto took = Clock::now() - t;
    report(threads == 1 ? "ingest-1-thread" : "ingest-2-threads", n, took);
    report(threads == 1 ? "ingest-1-thread-before-sync" : "ingest-2-threads-before-sync", n,
           took - sync_took);
  }
  {
    std::error_code ec;
    fs::remove_all(dir, ec);
    auto store = content::RocksBlockStore::open(dir);
    if (!store) die(store.error());
    t = Clock::now();
    Clock::duration sync_took{};
    n = ingest_two_threads(file, **store, sync_took);
    report("ingest-2-threads-rocksdb", n, Clock::now() - t);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
