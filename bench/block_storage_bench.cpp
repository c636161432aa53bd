// Where should block bodies live? Measures committing one block (a ~400 KB body plus the ~5
// small entries per transaction that state, index and Merkle log add) durably, two ways:
//   rocksdb: the body in the same synced WriteBatch as everything else (one fsync, atomic);
//   file:    the body appended to a file and fdatasync'ed, then the small entries in a synced
//            WriteBatch (two fsyncs, and recovery must reconcile the file tail with the database).

#include <fcntl.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

namespace {

constexpr int kBlocks = 60;
constexpr int kTxPerBlock = 2000;
constexpr int kTxBytes = 200;

std::string random_bytes(std::mt19937_64& rng, std::size_t n) {
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

void small_entries(rocksdb::WriteBatch& batch, std::mt19937_64& rng) {
  for (int i = 0; i < kTxPerBlock; ++i) {
    batch.Put("state/" + random_bytes(rng, 32), random_bytes(rng, 48));
    batch.Put("nonce/" + random_bytes(rng, 56), random_bytes(rng, 8));
    batch.Put("tx/" + random_bytes(rng, 32), random_bytes(rng, 20));
    batch.Put("m0/" + random_bytes(rng, 9), random_bytes(rng, 32));
    batch.Put("m1/" + random_bytes(rng, 9), random_bytes(rng, 32));
  }
}

double run(bool body_in_rocksdb, const std::string& dir) {
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, dir + "/db", &raw).ok()) std::abort();
  std::unique_ptr<rocksdb::DB> db(raw);
  int fd = ::open((dir + "/blocks.dat").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  std::mt19937_64 rng(1);
  rocksdb::WriteOptions sync;
  sync.sync = true;
  auto start = std::chrono::steady_clock::now();
  for (int b = 0; b < kBlocks; ++b) {
    std::string body = random_bytes(rng, static_cast<std::size_t>(kTxPerBlock) * kTxBytes);
    rocksdb::WriteBatch batch;
    small_entries(batch, rng);
    if (body_in_rocksdb) {
      batch.Put("block/" + std::to_string(b), body);
    } else {
      if (::write(fd, body.data(), body.size()) != static_cast<ssize_t>(body.size())) std::abort();
      if (::fdatasync(fd) != 0) std::abort();
      batch.Put("blockpos/" + std::to_string(b), std::to_string(b));
    }
    if (!db->Write(sync, &batch).ok()) std::abort();
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  ::close(fd);
  db.reset();
  std::filesystem::remove_all(dir);
  return seconds * 1000.0 / kBlocks;
}

}  // namespace

int main() {
  std::string dir = std::filesystem::temp_directory_path() / ("pv-block-storage-" + std::to_string(::getpid()));
  double file_ms = run(false, dir);
  double rocks_ms = run(true, dir);
  std::printf("durable commit of one block (%d tx, %d KB body), mean of %d blocks:\n", kTxPerBlock,
              kTxPerBlock * kTxBytes / 1000, kBlocks);
  std::printf("  body in the RocksDB write batch (1 fsync, atomic) %7.2f ms\n", rocks_ms);
  std::printf("  body appended to a file + batch (2 fsyncs)        %7.2f ms\n", file_ms);
}
