// Where should content blocks live? Stores N distinct 256 KiB blocks (default 4096 = 1 GiB)
// and reads them all back, five ways, each in a fresh directory:
//   rocksdb-inline: RocksBlockStore, values in the LSM tree (WAL + SST, rewritten by compaction);
//   rocksdb-blob:   RocksBlockStore with blob files (key-value separation: values written to
//                   blob files at flush, compaction moves only keys), blocks through the WAL;
//   rocksdb-blob-nowal: the same without the WAL for blocks (sync() flushes the memtable);
//   files+index:    one file per block, then syncfs() and a synced RocksDB index batch;
//   packs+index:    PackBlockStore, the node's store: blocks appended to pack files with
//                   O_DIRECT by a writer thread, fdatasync, then a synced RocksDB index batch.
// put = every block stored and durable (the final sync included); get = every block read back
// and checked against its CID, after closing and reopening the store (page cache warm for all).
// Usage: pv_content_store_bench [blocks] [dir]

#include <fcntl.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "content/file_importer.hpp"
#include "content/pack_block_store.hpp"
#include "content/rocks_block_store.hpp"

namespace {

namespace fs = std::filesystem;
using namespace pv;
using namespace pv::content;
using Clock = std::chrono::steady_clock;

// Block i: a pool block with the index written over its first 8 bytes, so all are distinct.
std::vector<Bytes> make_pool() {
  std::vector<Bytes> pool(64, Bytes(kChunkSize));
  std::uint64_t state = 42;
  for (auto& block : pool)
    for (auto& byte : block) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      byte = static_cast<std::uint8_t>(state >> 56);
    }
  return pool;
}

Bytes block_at(std::vector<Bytes>& pool, std::size_t i) {
  Bytes b = pool[i % pool.size()];
  for (int k = 0; k < 8; ++k) b[k] = static_cast<std::uint8_t>(i >> (8 * k));
  return b;
}

// The file-per-block alternative, with a RocksDB index (digest -> file name).
class FileStore {
 public:
  explicit FileStore(const fs::path& dir) : dir_(dir) {
    fs::create_directories(dir / "data");
    rocksdb::Options o;
    o.create_if_missing = true;
    rocksdb::DB* db = nullptr;
    if (!rocksdb::DB::Open(o, (dir / "index").string(), &db).ok()) std::abort();
    db_.reset(db);
  }
  Status put(const Cid& cid, ByteView bytes) {
    if (!cid.matches(bytes)) return make_error(Errc::invalid_argument, "bad block");
    const std::string name = cid.digest().hex();
    const fs::path path = dir_ / "data" / name.substr(0, 2);
    fs::create_directories(path);
    const int fd = ::open((path / name).c_str(), O_CREAT | O_WRONLY | O_TRUNC, 0644);
    if (fd < 0 || ::write(fd, bytes.data(), bytes.size()) != static_cast<ssize_t>(bytes.size()))
      return make_error(Errc::io, "write");
    ::close(fd);
    batch_.Put(rocksdb::Slice(reinterpret_cast<const char*>(cid.digest().data()), 32), name);
    return Status::ok();
  }
  Status sync() {
    const int fd = ::open(dir_.c_str(), O_RDONLY);
    ::syncfs(fd);
    ::close(fd);
    rocksdb::WriteOptions w;
    w.sync = true;
    if (!db_->Write(w, &batch_).ok()) return make_error(Errc::io, "index");
    batch_.Clear();
    return Status::ok();
  }
  Result<Bytes> get(const Cid& cid) {
    std::string name;
    if (!db_->Get(rocksdb::ReadOptions(),
                  rocksdb::Slice(reinterpret_cast<const char*>(cid.digest().data()), 32), &name)
             .ok())
      return make_error(Errc::not_found, "missing");
    const int fd = ::open((dir_ / "data" / name.substr(0, 2) / name).c_str(), O_RDONLY);
    Bytes out(kChunkSize);
    const ssize_t n = ::read(fd, out.data(), out.size());
    ::close(fd);
    out.resize(n < 0 ? 0 : static_cast<std::size_t>(n));
    if (!cid.matches(out)) return make_error(Errc::corruption, "corrupt");
    return out;
  }

 private:
  fs::path dir_;
  std::unique_ptr<rocksdb::DB> db_;
  rocksdb::WriteBatch batch_;
};

std::uint64_t disk_bytes(const fs::path& dir) {
  std::uint64_t total = 0;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) total += e.file_size();
  return total;
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

template <class Store>
void run(const char* name, std::size_t blocks, const fs::path& dir,
         const std::function<std::unique_ptr<Store>()>& open) {
  std::vector<Bytes> pool = make_pool();
  std::vector<Cid> cids;
  cids.reserve(blocks);
  auto store = open();
  auto t = Clock::now();
  for (std::size_t i = 0; i < blocks; ++i) {
    const Bytes b = block_at(pool, i);
    cids.push_back(Cid::of(Multicodec::raw, b));
    if (!store->put(cids.back(), b)) std::abort();
  }
  if (!store->sync()) std::abort();
  const double put_s = seconds_since(t);
  store.reset();
  store = open();
  t = Clock::now();
  for (const Cid& cid : cids)
    if (!store->get(cid)) std::abort();
  const double get_s = seconds_since(t);
  store.reset();
  const double mb = static_cast<double>(blocks * kChunkSize) / 1e6;
  std::printf("%-15s put %7.1f MB/s   get %7.1f MB/s   on disk %6.1f MB for %.1f MB\n", name,
              mb / put_s, mb / get_s, static_cast<double>(disk_bytes(dir)) / 1e6, mb);
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t blocks = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 4096;
  const fs::path base =
      argc > 2 ? fs::path(argv[2]) : fs::temp_directory_path() / "pv-content-bench";
  // Hashing alone, for reference: the floor under every put and every verified get.
  {
    std::vector<Bytes> pool = make_pool();
    auto t = Clock::now();
    for (std::size_t i = 0; i < blocks; ++i) (void)Cid::of(Multicodec::raw, pool[i % pool.size()]);
    std::printf("%-15s %7.1f MB/s\n", "sha256 only",
                static_cast<double>(blocks * kChunkSize) / 1e6 / seconds_since(t));
  }
  for (int variant = 0; variant < 5; ++variant) {
    const fs::path dir = base / std::to_string(variant);
    fs::remove_all(dir);
    fs::create_directories(dir);
    if (variant < 3) {
      const RocksBlockStoreOptions options{variant >= 1, variant < 2};
      const char* name = variant == 0   ? "rocksdb-inline"
                         : variant == 1 ? "rocksdb-blob"
                                        : "rocksdb-blob-nowal";
      run<RocksBlockStore>(name, blocks, dir, [&] {
        auto s = RocksBlockStore::open(dir, options);
        if (!s) std::abort();
        return std::move(*s);
      });
    } else if (variant == 3) {
      run<FileStore>("files+index", blocks, dir, [&] { return std::make_unique<FileStore>(dir); });
    } else {
      run<PackBlockStore>("packs+index", blocks, dir, [&] {
        auto s = PackBlockStore::open(dir);
        if (!s) std::abort();
        return std::move(*s);
      });
    }
    fs::remove_all(dir);
  }
}
