// No private key is ever written in the clear: after a real run (a node process, did:key and
// did:pv identities created, used, rotated, exported, imported and recovered through the real
// `pv` binary, the node stopped), every file under the test's directory — wallets, backups, the
// node's data directory with RocksDB files and logs — is scanned for every private key involved
// (node key, device keys, recovery keys, retired ones): the 32-byte seed and libsodium's 64-byte
// secret key, raw, hex (both cases), base64 and base64url (padded or not) and base58btc.

#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "codec/did_key.hpp"
#include "identity/wallet.hpp"
#include "identity/wallet_file.hpp"
#include "node_process.hpp"

namespace pv::e2e {
namespace {

namespace fs = std::filesystem;
constexpr const char* kPass = "scan test wallet passphrase";

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Every text or byte form a leaked key could take.
std::vector<std::string> encodings(ByteView secret) {
  std::string b64 = to_base64(secret), url = b64;
  for (char& c : url) c = c == '+' ? '-' : c == '/' ? '_' : c;
  std::string b64_bare = b64.substr(0, b64.find('=')), url_bare = url.substr(0, url.find('='));
  return {std::string(as_chars(secret)),
          to_hex(secret),
          upper(to_hex(secret)),
          b64,
          b64_bare,
          url,
          url_bare,
          base58btc_encode(secret)};
}

struct Leak {
  std::string file, what;
};

// Files under `root` that contain any form of any key.
std::vector<Leak> scan(const fs::path& root, const std::vector<SigningKey>& keys,
                       std::size_t& files_scanned) {
  std::vector<std::pair<std::string, std::string>> needles;  // bytes, description
  for (std::size_t k = 0; k < keys.size(); ++k) {
    Bytes secret = to_bytes(as_chars(keys[k].seed().view()));
    Bytes expanded = secret;
    const ByteView pk = keys[k].public_key().view();
    expanded.insert(expanded.end(), pk.begin(), pk.end());
    for (const auto& form : encodings(secret))
      needles.emplace_back(form, "seed of key " + std::to_string(k));
    for (const auto& form : encodings(expanded))
      needles.emplace_back(form, "secret key of key " + std::to_string(k));
  }
  std::vector<Leak> leaks;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (!entry.is_regular_file()) continue;
    ++files_scanned;
    const std::string content = read_text_file(entry.path().string());
    for (const auto& [needle, what] : needles)
      if (content.find(needle) != std::string::npos) leaks.push_back({entry.path().string(), what});
  }
  return leaks;
}

TEST(NoPlaintextKey, WalletsBackupsAndNodeDataHoldNoPrivateKeyAfterARun) {
  crypto_init();
  TempDir tmp;
  NodeProcess node(tmp / "data", free_port(), {"--block-timeout-ms", "5"});
  ASSERT_TRUE(node.start()) << read_text_file(tmp / "data.log");
  const std::vector<std::string> env = {
      "HOME=" + tmp.path(),        "XDG_CONFIG_HOME=" + (tmp / "config"),
      "PV_NODE=" + node.url(),     "PV_PASSPHRASE=" + std::string(kPass),
      "PV_WALLET_KDF=interactive", "PV_WALLET=" + (tmp / "wallet")};
  auto pv = [&](std::vector<std::string> args, const std::string& wallet = "") {
    args.insert(args.begin(), pv_bin());
    std::vector<std::string> e = env;
    if (!wallet.empty()) e.back() = "PV_WALLET=" + (tmp / wallet);
    auto c = run(args, e);
    EXPECT_TRUE(c.ok()) << args[1] << " " << args[2] << ": " << c.err;
    return c;
  };
  std::vector<SigningKey> keys;
  auto collect = [&](const std::string& wallet, const std::string& name) {
    auto w = Wallet::open(tmp / wallet);
    ASSERT_TRUE(w);
    auto s = w->unlock(name, kPass);
    ASSERT_TRUE(s) << s.error().message;
    keys.push_back(s->current);
    for (const auto& d : s->devices) keys.push_back(d);
    if (s->recovery) keys.push_back(*s->recovery);
  };

  pv({"id", "create", "--name", "alice"});
  pv({"id", "create", "--name", "bob", "--method", "pv"});
  collect("wallet", "alice");
  collect("wallet", "bob");
  pv({"tx", "submit", "--as", "alice", "--anchor", std::string(64, '1'), "--wait"});
  pv({"tx", "submit", "--as", "bob", "--anchor", std::string(64, '2'), "--wait"});
  fs::create_directories(tmp / "backup");
  pv({"id", "export", "bob", "--out", tmp / "backup/bob.pvid"});
  pv({"id", "rotate", "bob"});
  collect("wallet", "bob");
  pv({"tx", "submit", "--as", "bob", "--anchor", std::string(64, '3'), "--wait"});
  pv({"id", "import", tmp / "backup/bob.pvid"}, "wallet2");
  pv({"id", "recover", "--from-backup", tmp / "backup/bob.pvid"}, "wallet3");
  collect("wallet3", "bob");
  pv({"tx", "submit", "--as", "bob", "--anchor", std::string(64, '4'), "--wait"}, "wallet3");

  // The node's own key, opened the way the node does.
  auto text = read_identity_file_text(tmp / "data/node-key.pvid");
  ASSERT_TRUE(text) << text.error().message;
  auto file = parse_identity_file(*text);
  ASSERT_TRUE(file);
  auto file_key = derive_wallet_file_key(kNodePassphrase, file->kdf, file->salt);
  ASSERT_TRUE(file_key);
  auto node_secrets = open_identity(*file, *file_key);
  ASSERT_TRUE(node_secrets) << node_secrets.error().message;
  keys.push_back(node_secrets->current);
  ASSERT_EQ(node.terminate(), 0);
  ASSERT_GE(keys.size(), 8u);  // node, alice, bob: 2 + 2 (rotation) + 2 (recovery)

  std::size_t files = 0;
  auto leaks = scan(tmp.path(), keys, files);
  EXPECT_GE(files, 10u);
  for (const auto& l : leaks) ADD_FAILURE() << l.what << " found in the clear in " << l.file;

  // The scanner itself finds a planted key in each form (so the scan above could fail).
  TempDir planted;
  const Bytes seed = to_bytes(as_chars(keys.back().seed().view()));
  const auto forms = encodings(seed);
  for (std::size_t i = 0; i < forms.size(); ++i)
    std::ofstream(planted / ("f" + std::to_string(i)), std::ios::binary) << "x" << forms[i] << "y";
  std::size_t planted_files = 0;
  EXPECT_GE(scan(planted.path(), {keys.back()}, planted_files).size(), forms.size());
  EXPECT_EQ(planted_files, forms.size());
}

}  // namespace
}  // namespace pv::e2e
