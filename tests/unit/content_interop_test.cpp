// The content level against independent implementations from npm, live: the reference JS UnixFS
// importer (ipfs-unixfs-importer with Kubo's --cid-version=1 settings) must give the same root
// CID for every boundary size and a 64 MiB random file, and CAR files must cross both ways
// between PatientVault and @ipld/car with the same blocks. The Node side is
// tests/interop/content_interop.mjs; its packages are pinned in tests/interop/package-lock.json
// and installed by scripts/deps.sh.

#include <gtest/gtest.h>
#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "cli/blob_transfer.hpp"
#include "content/car.hpp"
#include "content/dag_walk.hpp"
#include "content/file_importer.hpp"
#include "content/pack_block_store.hpp"
#include "content_test_support.hpp"

#ifndef PV_SOURCE_DIR
#error "PV_SOURCE_DIR must name the source tree (set in CMakeLists.txt)"
#endif

namespace pv::content {
namespace {

namespace fs = std::filesystem;
using test::pseudo_random_bytes;
using test::TempDir;

const fs::path kInteropDir = fs::path(PV_SOURCE_DIR) / "tests" / "interop";

// Runs the Node script with path arguments (temporary paths, single-quoted) and parses its JSON.
nlohmann::json node(const std::string& args) {
  const std::string command =
      "node '" + (kInteropDir / "content_interop.mjs").string() + "' " + args + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  EXPECT_NE(pipe, nullptr);
  if (!pipe) return {};
  std::string out;
  std::array<char, 4096> buf;
  std::size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = pclose(pipe);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << command << "\n" << out;
  auto json = nlohmann::json::parse(out, nullptr, false);
  EXPECT_FALSE(json.is_discarded()) << out;
  return json;
}

std::string quoted(const fs::path& p) {
  return "'" + p.string() + "'";
}

void write_file(const fs::path& path, ByteView data) {
  auto sink = FileSink::create(path);
  ASSERT_TRUE(sink);
  ASSERT_TRUE((*sink)->write(data));
  ASSERT_TRUE((*sink)->close());
}

// Imports a file from disk in 100,000-byte reads (not a multiple of the chunk size).
ImportResult import_file(const fs::path& path, BlockSink& sink) {
  auto source = FileSource::open(path);
  EXPECT_TRUE(source);
  FileImporter importer(sink);
  Bytes buf(100000);
  for (;;) {
    auto n = (*source)->read(buf.data(), buf.size());
    EXPECT_TRUE(n);
    if (!n || *n == 0) break;
    EXPECT_TRUE(importer.write(ByteView(buf).first(*n)));
  }
  auto result = importer.finish();
  EXPECT_TRUE(result) << result.error().message;
  return *result;
}

class CountingSink final : public BlockSink {
 public:
  Status put(const Cid& cid, ByteView) override {
    distinct.insert(cid);
    return Status::ok();
  }
  std::set<Cid> distinct;
};

class ContentInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    // Fail, do not skip: a missing tool must not turn the interop check silently green.
    ASSERT_EQ(std::system("command -v node >/dev/null 2>&1"), 0)
        << "node is not installed; run scripts/deps.sh";
    for (const char* package : {"ipfs-unixfs-importer", "@ipld/car"})
      ASSERT_TRUE(fs::exists(kInteropDir / "node_modules" / package / "package.json"))
          << package << " is missing from " << kInteropDir / "node_modules"
          << "; run scripts/deps.sh";
  }
  TempDir dir;
};

TEST_F(ContentInterop, SameRootCidAsTheReferenceImporterAtEveryBoundaryAndFor64MiB) {
  const std::size_t k174 = kMaxLinksPerNode * kChunkSize;
  const std::pair<std::size_t, std::uint64_t> cases[] = {
      {0, 1},    {1, 2},        {kChunkSize, 3},       {kChunkSize + 1, 4},
      {k174, 5}, {k174 + 1, 6}, {64 * 1024 * 1024, 64}};
  for (const auto& [size, seed] : cases) {
    const fs::path file = dir.path() / ("input-" + std::to_string(size));
    write_file(file, pseudo_random_bytes(size, seed));
    CountingSink sink;
    const ImportResult ours = import_file(file, sink);
    const auto theirs = node("cid " + quoted(file));
    EXPECT_EQ(ours.root.to_string(), theirs.value("cid", "")) << size << " bytes";
    EXPECT_EQ(sink.distinct.size(), theirs.value("blocks", 0u)) << size << " bytes";
    fs::remove(file);
  }
}

TEST_F(ContentInterop, CarWrittenByPatientVaultReadsInIpldCarWithTheSameBlocks) {
  const fs::path file = dir.path() / "input", car = dir.path() / "pv.car";
  const Bytes data = pseudo_random_bytes(kMaxLinksPerNode * kChunkSize + 1, 8);
  write_file(file, data);
  auto store = PackBlockStore::open(dir.path() / "blocks");
  ASSERT_TRUE(store);
  const ImportResult r = import_file(file, **store);
  // Exported from the store in pre-order, as Kubo's `dag export` orders it.
  auto out = FileSink::create(car);
  ASSERT_TRUE(out);
  CarWriter writer(**out);
  ASSERT_TRUE(writer.write_header({r.root}));
  std::vector<std::pair<std::string, std::size_t>> ours;
  ASSERT_TRUE(walk_dag(**store, r.root, LeafRead::verify, [&](const Cid& cid, ByteView bytes) {
    ours.emplace_back(cid.to_string(), bytes.size());
    return writer.put(cid, bytes);
  }));
  ASSERT_TRUE((*out)->close());

  const auto theirs = node("car-read " + quoted(car));
  ASSERT_EQ(theirs["roots"], nlohmann::json::array({r.root.to_string()}));
  ASSERT_EQ(theirs["blocks"].size(), ours.size());
  for (std::size_t i = 0; i < ours.size(); ++i) {
    EXPECT_EQ(theirs["blocks"][i]["cid"], ours[i].first) << i;
    EXPECT_EQ(theirs["blocks"][i]["size"], ours[i].second) << i;
  }
}

// The streaming path: blocks go into the CAR as the importer produces them (post-order, root
// last) and the root is written over a placeholder in the header at the end.
TEST_F(ContentInterop, CarStreamedDuringImportReadsInIpldCar) {
  const fs::path file = dir.path() / "input", car = dir.path() / "streamed.car";
  write_file(file, pseudo_random_bytes(kMaxLinksPerNode * kChunkSize + 5, 13));
  auto in = FileSource::open(file);
  auto out = FileSink::create(car);
  ASSERT_TRUE(in && out);
  auto r = import_file_to_car(**in, **out);
  ASSERT_TRUE(r) << r.error().message;
  ASSERT_TRUE((*out)->close());
  const auto theirs = node("car-read " + quoted(car));
  ASSERT_EQ(theirs["roots"], nlohmann::json::array({r->root.to_string()}));
  EXPECT_EQ(theirs["blocks"].size(), r->blocks);
  EXPECT_EQ(theirs["blocks"].back()["cid"], r->root.to_string()) << "post-order: root last";
  EXPECT_EQ(node("cid " + quoted(file)).value("cid", ""), r->root.to_string());
}

TEST_F(ContentInterop, CarWrittenByIpldCarImportsIntoTheBlockstoreAndReadsBackTheFile) {
  const fs::path file = dir.path() / "input", car = dir.path() / "js.car";
  const Bytes data = pseudo_random_bytes(3 * kChunkSize + 777, 9);
  write_file(file, data);
  const auto written = node("car-write " + quoted(file) + " " + quoted(car));
  auto store = PackBlockStore::open(dir.path() / "blocks");
  ASSERT_TRUE(store);
  auto source = FileSource::open(car);
  ASSERT_TRUE(source);
  auto roots = import_car(**source, **store);
  ASSERT_TRUE(roots) << roots.error().message;
  ASSERT_EQ(roots->size(), 1u);
  EXPECT_EQ((*roots)[0].to_string(), written.value("cid", ""));
  ASSERT_TRUE((*store)->pin((*roots)[0]));
  Bytes back;
  ASSERT_TRUE(read_file(**store, (*roots)[0], [&](ByteView b) {
    back.insert(back.end(), b.begin(), b.end());
    return Status::ok();
  }));
  EXPECT_EQ(back, data);

  // The same CAR with one byte of the last block flipped is refused and stores nothing new.
  Bytes car_bytes;
  {
    auto in = FileSource::open(car);
    ASSERT_TRUE(in);
    Bytes buf(1 << 16);
    for (;;) {
      auto n = (*in)->read(buf.data(), buf.size());
      ASSERT_TRUE(n);
      if (*n == 0) break;
      car_bytes.insert(car_bytes.end(), buf.begin(), buf.begin() + *n);
    }
  }
  car_bytes[car_bytes.size() - 10] ^= 0x01;
  MemorySource tampered(car_bytes);
  test::RecordingSink sink;
  auto refused = import_car(tampered, sink);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code, Errc::corruption);
}

// A file of zeros repeats blocks: every full chunk is the same raw leaf, and every full run of
// 174 of them the same dag-pb node. 351 chunks + 1 byte give root -> [N, N, M], N -> 174 x Z,
// M -> 3 x Z + a 1-byte leaf: five distinct blocks. The CID must be the reference importer's;
// a CAR holds each distinct block once (checked by @ipld/car); reading the file, from the store
// or from a streamed CAR (pv blob get/export), yields every occurrence in order.
TEST_F(ContentInterop, ZeroFilledFileRepeatsBlocksAndStillMatchesAndReadsBack) {
  const fs::path file = dir.path() / "zeros", car = dir.path() / "zeros.car";
  const Bytes data((2 * kMaxLinksPerNode + 3) * kChunkSize + 1, 0);
  write_file(file, data);
  auto store = PackBlockStore::open(dir.path() / "blocks");
  ASSERT_TRUE(store);
  const ImportResult r = import_file(file, **store);
  const auto theirs = node("cid " + quoted(file));
  EXPECT_EQ(r.root.to_string(), theirs.value("cid", ""));
  EXPECT_EQ(theirs.value("blocks", 0u), 5u);
  ASSERT_TRUE((*store)->pin(r.root));

  auto read_all = [&](BlockStore& from) {
    Bytes back;
    back.reserve(data.size());
    auto s = read_file(from, r.root, [&](ByteView b) {
      back.insert(back.end(), b.begin(), b.end());
      return Status::ok();
    });
    EXPECT_TRUE(s) << s.error().message;
    return back;
  };
  EXPECT_TRUE(read_all(**store) == data) << "every occurrence, in order, from the store";

  // The gateway's CAR: pre-order, each distinct block once, as @ipld/car reads it.
  MemorySink car_bytes;
  CarWriter writer(car_bytes);
  ASSERT_TRUE(writer.write_header({r.root}));
  std::vector<std::string> ours;
  ASSERT_TRUE(walk_dag(**store, r.root, LeafRead::verify, [&](const Cid& cid, ByteView bytes) {
    ours.push_back(cid.to_string());
    return writer.put(cid, bytes);
  }));
  ASSERT_EQ(ours.size(), 5u);
  write_file(car, car_bytes.bytes);
  const auto read_by_them = node("car-read " + quoted(car));
  ASSERT_EQ(read_by_them["blocks"].size(), 5u);
  for (std::size_t i = 0; i < ours.size(); ++i)
    EXPECT_EQ(read_by_them["blocks"][i]["cid"], ours[i]) << i;

  // Streamed, as pv blob get/export read it: repeats come from the cache, each CAR block is
  // handed on once.
  {
    MemorySource in(car_bytes.bytes);
    auto reader = CarReader::open(in);
    ASSERT_TRUE(reader);
    cli::CarStreamStore stream(*reader);
    std::size_t handed_on = 0;
    stream.on_block = [&](const Cid&, ByteView) {
      ++handed_on;
      return Status::ok();
    };
    EXPECT_TRUE(read_all(stream) == data);
    EXPECT_EQ(handed_on, 5u);
    EXPECT_EQ(stream.blocks_fetched_again(), 0u);
    EXPECT_TRUE(*stream.at_end());
  }
  // With no room to cache, each repeat is fetched again (from the store here, from the node in
  // pv) and checked against its CID; a wrong answer is refused.
  {
    MemorySource in(car_bytes.bytes);
    auto reader = CarReader::open(in);
    ASSERT_TRUE(reader);
    cli::CarStreamStore stream(*reader, 0);
    stream.fetch_again = [&](const Cid& cid) { return (*store)->get(cid); };
    EXPECT_TRUE(read_all(stream) == data);
    EXPECT_GT(stream.blocks_fetched_again(), 300u);
  }
  {
    MemorySource in(car_bytes.bytes);
    auto reader = CarReader::open(in);
    ASSERT_TRUE(reader);
    cli::CarStreamStore stream(*reader, 0);
    stream.fetch_again = [](const Cid&) -> Result<Bytes> { return Bytes(kChunkSize, 1); };
    auto s = read_file(stream, r.root, [](ByteView) { return Status::ok(); });
    ASSERT_FALSE(s);
    EXPECT_EQ(s.error().code, Errc::corruption);
  }

  // The reference writer's CAR (its own block order) imports and reads back the same way.
  const auto written = node("car-write " + quoted(file) + " " + quoted(car));
  EXPECT_EQ(written.value("blocks", 0u), 5u);
  auto other = PackBlockStore::open(dir.path() / "blocks-from-js");
  ASSERT_TRUE(other);
  auto source = FileSource::open(car);
  ASSERT_TRUE(source);
  auto roots = import_car(**source, **other);
  ASSERT_TRUE(roots) << roots.error().message;
  ASSERT_EQ(*roots, std::vector<Cid>{r.root});
  ASSERT_TRUE((*other)->pin(r.root));
  EXPECT_TRUE(read_all(**other) == data);
}

}  // namespace
}  // namespace pv::content
