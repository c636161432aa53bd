// pv blob put / get / export / import against a real node process, as a wallet identity: the
// round trip is byte-identical; the node's disk never holds the plaintext; another identity
// cannot open the wrapped key; a tampered CAR and an unsigned upload are refused; a refused
// download leaves no file behind.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <random>

#include "../blob_v1_writer.hpp"
#include "content/car.hpp"
#include "content/file_importer.hpp"
#include "encryption/data_key.hpp"
#include "identity/wallet.hpp"
#include "node_process.hpp"

namespace pv::e2e {
namespace {

std::string random_text(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

void write_file(const std::string& path, const std::string& data) {
  std::ofstream(path, std::ios::binary) << data;
}

// True if `needle` occurs in any file under `dir`.
bool found_under(const std::string& dir, const std::string& needle) {
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (!e.is_regular_file()) continue;
    if (read_text_file(e.path().string()).find(needle) != std::string::npos) return true;
  }
  return false;
}

class BlobCli : public ::testing::Test {
 protected:
  void SetUp() override {
    WalletOptions options;
    options.kdf = KdfParams::interactive();
    auto wallet = Wallet::open(dir_ / "wallet", options);
    ASSERT_TRUE(wallet.is_ok());
    auto alice = wallet->create("alice", DidMethod::key, "alice-pass");
    ASSERT_TRUE(alice.is_ok());
    alice_key_ = alice->current_key;
    ASSERT_TRUE(wallet->create("mallory", DidMethod::key, "mallory-pass").is_ok());
    node_ = std::make_unique<NodeProcess>(dir_ / "node", free_port());
    ASSERT_TRUE(node_->start());
  }
  Completed pv(std::vector<std::string> args, const std::string& who = "alice") {
    args.insert(args.begin(), pv_bin());
    args.insert(args.end(), {"--node", node_->url()});
    return run(args,
               {"PV_WALLET=" + dir_ / "wallet", "PV_AS=" + who, "PV_PASSPHRASE=" + who + "-pass"},
               std::chrono::seconds(120));
  }
  TempDir dir_;
  std::unique_ptr<NodeProcess> node_;
  PublicKey alice_key_;
};

TEST_F(BlobCli, PutGetRoundTripKeepsPlaintextOffTheNode) {
  // 3 MiB + 5 bytes: 13 ciphertext chunks of 256 KiB under one dag-pb root.
  const std::string plain = random_text((3u << 20) + 5, 7);
  write_file(dir_ / "scan.dcm", plain);
  auto put = pv({"blob", "put", dir_ / "scan.dcm", "--json"});
  ASSERT_TRUE(put.ok()) << put.out << put.err;
  auto doc = nlohmann::json::parse(put.out, nullptr, false);
  ASSERT_TRUE(doc.is_object()) << put.out;
  const std::string cid = doc.value("cid", ""), key = doc.value("wrappedKey", "");
  EXPECT_EQ(cid.rfind("bafybei", 0), 0u) << cid;
  EXPECT_EQ(key.size(), 108u);
  EXPECT_EQ(doc.value("size", 0ull), plain.size());
  // Format version 2 (docs/blob-format.md): 28-byte header, 16 bytes per 256 KiB chunk.
  EXPECT_EQ(doc.value("encryptedSize", 0ull), 28 + plain.size() + 16 * 13);
  httplib::Client http("127.0.0.1", node_->port());
  auto stored = http.Get("/ipfs/" + cid);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->body.substr(0, 8), std::string("PVBLOB\x02\x02", 8));

  auto get = pv({"blob", "get", cid, "-o", dir_ / "back.dcm", "--key", key, "--json"});
  ASSERT_TRUE(get.ok()) << get.out << get.err;
  EXPECT_EQ(read_text_file(dir_ / "back.dcm"), plain);

  // The node holds ciphertext only: no 64-byte window of the plaintext is anywhere on its disk.
  EXPECT_FALSE(found_under(dir_ / "node", plain.substr(1'000'000, 64)));

  // Another identity cannot unwrap the key; nothing is written.
  auto stolen = pv({"blob", "get", cid, "-o", dir_ / "stolen.dcm", "--key", key}, "mallory");
  EXPECT_FALSE(stolen.ok());
  EXPECT_NE(stolen.err.find("does not open"), std::string::npos) << stolen.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "stolen.dcm"));

  // Export to a CAR, then import the CAR back (idempotent) and fetch again.
  auto exported = pv({"blob", "export", cid, "--car", dir_ / "scan.car", "--json"});
  ASSERT_TRUE(exported.ok()) << exported.err;
  auto imported = pv({"blob", "import", "--car", dir_ / "scan.car", "--json"});
  ASSERT_TRUE(imported.ok()) << imported.err;
  EXPECT_NE(imported.out.find(cid), std::string::npos) << imported.out;

  // A CAR with one flipped byte in a block is refused before anything is uploaded or pinned.
  std::string car = read_text_file(dir_ / "scan.car");
  car[car.size() / 2] ^= 0x01;
  write_file(dir_ / "bad.car", car);
  auto bad = pv({"blob", "import", "--car", dir_ / "bad.car"});
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.err.find("nothing was pinned"), std::string::npos) << bad.err;
  // A truncated CAR too.
  write_file(dir_ / "short.car", read_text_file(dir_ / "scan.car").substr(0, car.size() - 100));
  EXPECT_FALSE(pv({"blob", "import", "--car", dir_ / "short.car"}).ok());
}

// A DAG that repeats a block (a file of zeros, added through the Kubo RPC API: three equal
// chunks + a 1-byte leaf) exports as a CAR holding each distinct block once, and imports back.
TEST_F(BlobCli, ExportAndImportADagThatRepeatsABlock) {
  const std::string zeros(3 * content::kChunkSize + 1, '\0');
  httplib::Client http("127.0.0.1", node_->port());
  httplib::MultipartFormDataItems items{{"file", zeros, "zeros.bin", "application/octet-stream"}};
  auto added = http.Post("/api/v0/add?cid-version=1", items);
  ASSERT_TRUE(added);
  ASSERT_EQ(added->status, 200) << added->body;
  const std::string cid = nlohmann::json::parse(added->body).value("Hash", "");
  ASSERT_EQ(cid.rfind("bafybei", 0), 0u) << added->body;

  auto exported = pv({"blob", "export", cid, "--car", dir_ / "zeros.car", "--json"});
  ASSERT_TRUE(exported.ok()) << exported.out << exported.err;
  const std::string car = read_text_file(dir_ / "zeros.car");
  content::MemorySource in(as_bytes(car));
  auto reader = content::CarReader::open(in);
  ASSERT_TRUE(reader);
  EXPECT_EQ(reader->roots().at(0).to_string(), cid);
  std::vector<std::string> blocks;
  for (;;) {
    auto next = reader->next();
    ASSERT_TRUE(next) << next.error().message;
    if (!next->has_value()) break;
    blocks.push_back((*next)->cid.to_string());
  }
  ASSERT_EQ(blocks.size(), 3u) << "root, the zero chunk once, the last byte";
  EXPECT_EQ(blocks[0], cid);

  auto imported = pv({"blob", "import", "--car", dir_ / "zeros.car", "--json"});
  ASSERT_TRUE(imported.ok()) << imported.err;
  auto file = http.Get("/ipfs/" + cid);
  ASSERT_TRUE(file);
  EXPECT_TRUE(file->body == zeros) << "every occurrence of the chunk, in order";
}

// A blob stored in format version 1 (libsodium secretstream, before version 2 became what
// `pv blob put` writes) still downloads and decrypts; one flipped ciphertext byte is refused.
TEST_F(BlobCli, GetStillReadsAVersion1Blob) {
  const std::string plain = random_text((1u << 20) + 77, 11);
  DataKey key = DataKey::generate();
  const Bytes v1 = testing_v1::encrypt_blob_v1(key.view(), as_bytes(plain));
  ASSERT_EQ(v1[6], 1) << "format version byte";
  auto wrapped = wrap_data_key(key, alice_key_);
  ASSERT_TRUE(wrapped.is_ok());
  const std::string wrapped_b64 = to_base64(wrapped->view());

  httplib::Client http("127.0.0.1", node_->port());
  auto add = [&](const std::string& bytes) {
    httplib::MultipartFormDataItems items{{"file", bytes, "v1.blob", "application/octet-stream"}};
    auto added = http.Post("/api/v0/add?cid-version=1", items);
    EXPECT_TRUE(added && added->status == 200);
    return added ? nlohmann::json::parse(added->body).value("Hash", "") : std::string();
  };
  const std::string cid = add(std::string(as_chars(v1)));
  ASSERT_EQ(cid.rfind("bafybei", 0), 0u) << cid;
  auto get = pv({"blob", "get", cid, "-o", dir_ / "v1.out", "--key", wrapped_b64, "--json"});
  ASSERT_TRUE(get.ok()) << get.out << get.err;
  EXPECT_TRUE(read_text_file(dir_ / "v1.out") == plain);

  std::string flipped(as_chars(v1));
  flipped[flipped.size() / 2] ^= 0x01;
  const std::string bad_cid = add(flipped);
  auto bad = pv({"blob", "get", bad_cid, "-o", dir_ / "bad.out", "--key", wrapped_b64});
  EXPECT_FALSE(bad.ok());
  EXPECT_NE(bad.err.find("failed authentication"), std::string::npos) << bad.err;
  EXPECT_FALSE(std::filesystem::exists(dir_ / "bad.out"));
}

TEST_F(BlobCli, UnsignedOrTamperedUploadsAreRefused) {
  httplib::Client c("127.0.0.1", node_->port());
  auto unsigned_post = c.Post("/v1/blocks", "x", "application/vnd.ipld.car");
  ASSERT_TRUE(unsigned_post);
  EXPECT_EQ(unsigned_post->status, 401);
  EXPECT_EQ(unsigned_post->get_header_value("Content-Type"), "application/problem+json");
  auto unsigned_pin = c.Post("/v1/pins/bafkreigcxmdbqa5bsatkeo624ghgdmviwqtsftc56hqh2clutxzg7n7ama",
                             "", "application/json");
  ASSERT_TRUE(unsigned_pin);
  EXPECT_EQ(unsigned_pin->status, 401);
}

TEST_F(BlobCli, CommandsExplainThemselves) {
  for (const char* sub : {"put", "get", "export", "import"}) {
    auto help = run({pv_bin(), "blob", sub, "--help"});
    EXPECT_TRUE(help.ok()) << sub;
    EXPECT_NE(help.out.find("Example"), std::string::npos) << sub;
    EXPECT_NE(help.out.find("--json"), std::string::npos) << sub;
  }
}

}  // namespace
}  // namespace pv::e2e
