// The node key at rest: encrypted in the wallet file format, refused with a wrong passphrase,
// and a plaintext key file of an earlier version migrated and destroyed.

#include "node/node_key.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "identity/wallet_file.hpp"
#include "node_test_support.hpp"

namespace pv {
namespace {

namespace fs = std::filesystem;

NodeKeyPassphrase fixed(std::string text, int* calls = nullptr) {
  return [text, calls](bool) -> Result<Passphrase> {
    if (calls) ++*calls;
    return Passphrase(text);
  };
}

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

TEST(NodeKey, CreatedEncryptedReopenedAndRefusedWithAWrongPassphrase) {
  crypto_init();
  testing::TempDir dir;
  auto created = load_or_create_node_key(dir.str(), fixed("node pass"), KdfParams::interactive());
  ASSERT_TRUE(created) << created.error().message;
  const fs::path file = fs::path(dir.str()) / kNodeKeyFileName;
  ASSERT_TRUE(fs::exists(file));
  EXPECT_EQ(fs::status(file).permissions() & fs::perms::all,
            fs::perms::owner_read | fs::perms::owner_write);
  std::string text = slurp(file);
  ASSERT_TRUE(parse_identity_file(text));
  EXPECT_EQ(text.find(created->seed().hex()), std::string::npos);
  EXPECT_EQ(text.find(to_base64(created->seed().view())), std::string::npos);

  auto again = load_or_create_node_key(dir.str(), fixed("node pass"), KdfParams::interactive());
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ(again->public_key(), created->public_key());

  auto wrong = load_or_create_node_key(dir.str(), fixed("not it"), KdfParams::interactive());
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, Errc::unauthorized);
  EXPECT_NE(wrong.error().message.find("wrong passphrase for the node key"), std::string::npos);

  auto none = load_or_create_node_key(dir.str(), NodeKeyPassphrase{}, KdfParams::interactive());
  ASSERT_FALSE(none);
  EXPECT_NE(none.error().message.find("PV_NODE_PASSPHRASE"), std::string::npos);
}

TEST(NodeKey, PlaintextKeyOfAnEarlierVersionIsEncryptedAndDestroyed) {
  crypto_init();
  testing::TempDir dir;
  SigningKey old = SigningKey::generate();
  const fs::path legacy = fs::path(dir.str()) / kLegacyNodeKeyFileName;
  std::ofstream(legacy)
      << nlohmann::json{{"seed", old.seed().hex()}, {"publicKey", old.public_key().hex()}}.dump();
  int calls = 0;
  auto migrated =
      load_or_create_node_key(dir.str(), fixed("node pass", &calls), KdfParams::interactive());
  ASSERT_TRUE(migrated) << migrated.error().message;
  EXPECT_EQ(migrated->public_key(), old.public_key());
  EXPECT_FALSE(fs::exists(legacy));
  EXPECT_EQ(calls, 1);
  // Every file left in the directory is free of the seed.
  for (const auto& e : fs::recursive_directory_iterator(dir.str()))
    if (e.is_regular_file()) {
      EXPECT_EQ(slurp(e.path()).find(old.seed().hex()), std::string::npos);
    }
  auto reopened = load_or_create_node_key(dir.str(), fixed("node pass"), KdfParams::interactive());
  ASSERT_TRUE(reopened) << reopened.error().message;
  EXPECT_EQ(reopened->public_key(), old.public_key());
}

}  // namespace
}  // namespace pv
