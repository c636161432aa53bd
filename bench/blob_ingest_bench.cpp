// Encrypted ingest of one large file into the content store, next to the limits of this machine
// measured in the same run (issue 4, point 8):
//   sha256       SHA-256 (OpenSSL) over 256 KiB pieces, one core
//   xchacha      XChaCha20-Poly1305 (libsodium secretstream push) over 256 KiB pieces, one core
//   encrypt      read the file + BlobEncryptor only
//   encrypt+cid  + the UnixFS importer (chunk + SHA-256 of every block), blocks discarded
//   ingest       + RocksBlockStore put of every block and a final sync: the whole `pv blob put`
//                path minus HTTP, one thread
//   ingest-2t    the same with reading+encryption on one thread and chunk+hash+store on another
// Prints one JSON line per figure, GB/s = 1e9 bytes/s of plaintext.
// Usage: pv_blob_ingest_bench FILE [store-dir]

#include <sodium.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <filesystem>
#include <mutex>
#include <thread>

#include "content/byte_stream.hpp"
#include "content/file_importer.hpp"
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

// Reading + encryption on this thread, chunking + hashing + storing on another.
std::uint64_t ingest_two_threads(const std::string& path, content::BlockStore& store) {
  std::mutex mu;
  std::condition_variable cv;
  std::deque<Bytes> queue;
  bool done = false;
  std::thread consumer([&] {
    content::FileImporter importer(store);
    for (;;) {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return !queue.empty() || done; });
      if (queue.empty()) break;
      Bytes piece = std::move(queue.front());
      queue.pop_front();
      lock.unlock();
      cv.notify_all();
      if (Status s = importer.write(piece); !s) die(s.error());
    }
    if (auto r = importer.finish(); !r) die(r.error());
  });
  DataKey key = DataKey::generate();
  auto enc = BlobEncryptor::create(key);
  auto push = [&](Bytes cipher) {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return queue.size() < 8; });  // at most ~8 MiB in flight
    queue.push_back(std::move(cipher));
    cv.notify_all();
  };
  std::uint64_t n = for_each_piece(path, [&](ByteView plain) {
    Bytes cipher;
    cipher.reserve(plain.size() + 4096);
    enc->update(plain, cipher);
    push(std::move(cipher));
  });
  Bytes last;
  enc->finish(last);
  push(std::move(last));
  {
    std::lock_guard lock(mu);
    done = true;
  }
  cv.notify_all();
  consumer.join();
  if (Status s = store.sync(); !s) die(s.error());
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: pv_blob_ingest_bench FILE [store-dir]\n");
    return 2;
  }
  crypto_init();
  const std::string file = argv[1];
  const fs::path dir = argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / "pv-ingest";
  const std::uint64_t size = fs::file_size(file);

  // Limits, one core, on the same amount of data from memory.
  Bytes piece(content::kChunkSize, 0x5a), out(content::kChunkSize + 17);
  auto t = Clock::now();
  for (std::uint64_t done = 0; done < size; done += piece.size()) (void)sha256(piece);
  report("sha256", size, Clock::now() - t);
  crypto_secretstream_xchacha20poly1305_state st;
  unsigned char header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  DataKey k = DataKey::generate();
  crypto_secretstream_xchacha20poly1305_init_push(&st, header, k.data());
  t = Clock::now();
  for (std::uint64_t done = 0; done < size; done += piece.size())
    crypto_secretstream_xchacha20poly1305_push(&st, out.data(), nullptr, piece.data(), piece.size(),
                                               nullptr, 0, 0);
  report("xchacha20poly1305", size, Clock::now() - t);

  t = Clock::now();
  std::uint64_t n = encrypt_into(file, nullptr);
  report("encrypt", n, Clock::now() - t);
  NullSink null_sink;
  t = Clock::now();
  n = encrypt_into(file, &null_sink);
  report("encrypt+chunk+hash", n, Clock::now() - t);

  for (int threads : {1, 2}) {
    std::error_code ec;
    fs::remove_all(dir, ec);
    auto store = content::RocksBlockStore::open(dir);
    if (!store) die(store.error());
    t = Clock::now();
    if (threads == 1) {
      n = encrypt_into(file, store->get());
      if (Status s = (*store)->sync(); !s) die(s.error());
    } else {
      n = ingest_two_threads(file, **store);
    }
    report(threads == 1 ? "ingest-1-thread" : "ingest-2-threads", n, Clock::now() - t);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
