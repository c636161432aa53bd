// The encrypted wallet: round trips, refusals, tampering, KDF bounds, no secret in the clear,
// atomic writes. KDF cost: every test uses INTERACTIVE Argon2id (~0.1 s a run) and counts its runs.

#include "identity/wallet.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <thread>

#include "codec/did_key.hpp"
#include "crypto/sha256.hpp"
#include "identity/passphrase.hpp"
#include "identity/wallet_file.hpp"

namespace pv {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view kPass = "correct horse battery staple";

// Stands in for the ledger's did:pv method, which names a DID from its create operation.
std::string fake_did_pv(const PublicKey& current, const PublicKey& recovery) {
  Hash32 h = sha256(current.view(), recovery.view());
  return "did:pv:00112233aabbccdd:" + base58btc_encode(h.view().subspan(0, 16));
}
const DidPvAssigner kAssign = [](const IdentityMetadata& m) -> Result<std::string> {
  return fake_did_pv(m.current_key, *m.recovery_key);
};

class WalletDir {
 public:
  WalletDir() {
    std::uint8_t r[8];
    random_bytes(r, sizeof r);
    root_ = fs::temp_directory_path() / ("pv-wallet-test-" + to_hex(ByteView(r, sizeof r)));
    fs::create_directories(root_);
  }
  ~WalletDir() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  fs::path path(const std::string& sub = "wallet") const { return root_ / sub; }
  Wallet open(const std::string& sub = "wallet") const {
    auto w = Wallet::open(path(sub), WalletOptions{KdfParams::interactive()});
    EXPECT_TRUE(w) << w.error().message;
    return std::move(*w);
  }

 private:
  fs::path root_;
};

std::string slurp(const fs::path& p) {
  auto text = read_identity_file_text(p);
  EXPECT_TRUE(text) << text.error().message;
  return text ? *text : std::string();
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0);
  return st.st_mode & 0777;
}

// A syntactically valid file whose ciphertext is random: enough for anything that does not
// decrypt (parsing, listing), at no KDF cost.
IdentityFile undecryptable_file(const std::string& name) {
  SigningKey key = SigningKey::generate();
  IdentityFile f;
  f.identity.name = name;
  f.identity.method = DidMethod::key;
  f.identity.did = did_key_from_public_key(key.public_key());
  f.identity.created_at = "2025-01-01T00:00:00Z";
  f.identity.current_key = key.public_key();
  f.kdf = KdfParams::interactive();
  random_bytes(f.salt.data(), f.salt.size());
  random_bytes(f.nonce.data(), f.nonce.size());
  f.ciphertext.resize(3 + 32 + kWalletTagBytes);
  random_bytes(f.ciphertext.data(), f.ciphertext.size());
  return f;
}

// KDF runs: 3.
TEST(Wallet, CreateListFindUnlockAndWrongPassphrase) {
  WalletDir tmp;
  Wallet wallet = tmp.open();
  auto alice = wallet.create("alice", DidMethod::key, kPass);
  ASSERT_TRUE(alice) << alice.error().message;
  EXPECT_EQ(alice->did, did_key_from_public_key(alice->current_key));
  EXPECT_EQ(alice->did.substr(0, 12), "did:key:z6Mk");
  EXPECT_EQ(mode_of(tmp.path()), 0700u);
  EXPECT_EQ(mode_of(wallet.path_of("alice")), 0600u);

  auto entries = wallet.list();
  ASSERT_TRUE(entries);
  ASSERT_EQ(entries->size(), 1u);
  ASSERT_TRUE((*entries)[0].metadata);
  EXPECT_EQ(*(*entries)[0].metadata, *alice);
  EXPECT_EQ(*wallet.find("alice"), *alice);
  EXPECT_EQ(*wallet.find(alice->did), *alice);
  EXPECT_EQ(wallet.find("bob").error().code, Errc::not_found);
  EXPECT_EQ(wallet.find("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK").error().code,
            Errc::not_found);

  auto wrong = wallet.unlock("alice", "correct horse battery stapler");
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().code, Errc::unauthorized);
  EXPECT_EQ(wrong.error().message, "wrong passphrase for identity alice");

  auto secrets = wallet.unlock("alice", kPass);
  ASSERT_TRUE(secrets) << secrets.error().message;
  EXPECT_EQ(secrets->current.public_key(), alice->current_key);
  EXPECT_FALSE(secrets->recovery);
  EXPECT_TRUE(secrets->devices.empty());
  EXPECT_EQ(wallet.unlock("nobody", kPass).error().code, Errc::not_found);
}

// KDF runs: 0.
TEST(Wallet, RefusesBadNamesExistingNamesWeakParamsAndDidKeyRotation) {
  WalletDir tmp;
  Wallet wallet = tmp.open();
  for (const std::string& bad :
       std::vector<std::string>{"", ".hidden", "a/b", "../x", "white space", "caf\xc3\xa9",
                                std::string(65, 'a'), std::string("nul\0x", 5)})
    EXPECT_EQ(wallet.create(bad, DidMethod::key, kPass).error().code, Errc::invalid_argument)
        << bad;
  EXPECT_EQ(wallet.create("empty-pass", DidMethod::key, "").error().code, Errc::invalid_argument);
  std::string longest(64, 'z');
  EXPECT_TRUE(check_identity_name(longest));
  EXPECT_TRUE(check_identity_name("Dr.Who_2-x"));

  ASSERT_TRUE(write_identity_file_text(wallet.path_of("carol"),
                                       encode_identity_file(undecryptable_file("carol")), false));
  EXPECT_EQ(wallet.create("carol", DidMethod::pv, kPass, kAssign).error().code, Errc::conflict);

  // did:key cannot rotate: its DID is its key. Refused before any key derivation.
  IdentitySecrets other{SigningKey::generate(), {}, std::nullopt};
  EXPECT_EQ(wallet.replace_keys("carol", kPass, other).error().code, Errc::invalid_argument);

  KdfParams weak{1, 8192};
  EXPECT_EQ(Wallet::open(tmp.path("weak"), WalletOptions{weak}).error().code,
            Errc::invalid_argument);
}

// KDF runs: 4. did:pv create, rotate every key (unlock + seal), unlock.
TEST(Wallet, DidPvRotationKeepsDidAndRetiredKeyHistory) {
  WalletDir tmp;
  Wallet wallet = tmp.open();
  auto bob = wallet.create("bob", DidMethod::pv, kPass, kAssign);
  ASSERT_TRUE(bob) << bob.error().message;
  EXPECT_EQ(bob->did, fake_did_pv(bob->current_key, *bob->recovery_key));
  EXPECT_EQ(wallet.create("bob2", DidMethod::pv, kPass).error().code, Errc::invalid_argument);
  ASSERT_TRUE(bob->recovery_key);
  EXPECT_NE(*bob->recovery_key, bob->current_key);

  IdentitySecrets next{SigningKey::generate(), {SigningKey::generate()}, SigningKey::generate()};
  IdentitySecrets no_recovery{SigningKey::generate(), {}, std::nullopt};
  EXPECT_EQ(wallet.replace_keys("bob", kPass, no_recovery).error().code, Errc::invalid_argument);
  auto rotated = wallet.replace_keys("bob", kPass, next);
  ASSERT_TRUE(rotated) << rotated.error().message;
  EXPECT_EQ(rotated->did, bob->did);
  EXPECT_EQ(rotated->current_key, next.current.public_key());
  ASSERT_EQ(rotated->device_keys.size(), 1u);
  ASSERT_EQ(rotated->retired_keys.size(), 2u);
  EXPECT_EQ(rotated->retired_keys[0].key, bob->current_key);
  EXPECT_EQ(rotated->retired_keys[1].key, *bob->recovery_key);
  EXPECT_TRUE(is_rfc3339_utc(rotated->retired_keys[0].retired_at));
  EXPECT_EQ(*wallet.find("bob"), *rotated);

  auto now = wallet.unlock("bob", kPass);
  ASSERT_TRUE(now) << now.error().message;
  EXPECT_EQ(now->current.public_key(), next.current.public_key());
  ASSERT_EQ(now->devices.size(), 1u);
  EXPECT_EQ(now->devices[0].public_key(), next.devices[0].public_key());
  ASSERT_TRUE(now->recovery);
  EXPECT_EQ(now->recovery->public_key(), next.recovery->public_key());
}

// KDF runs: 3. Flips every byte of the file two ways (low bit, high bit). Each flipped file must
// either fail to parse or fail to open even with the correct file key (the associated data
// covers every clear field, including the KDF parameters and salt). One flip also goes through
// the full unlock path with the passphrase.
TEST(Wallet, EveryFlippedByteIsRefusedNeverGarbage) {
  WalletDir tmp;
  Wallet wallet = tmp.open();
  ASSERT_TRUE(wallet.create("dana", DidMethod::pv, kPass, kAssign));
  const fs::path path = wallet.path_of("dana");
  const std::string text = slurp(path);
  auto original = parse_identity_file(text);
  ASSERT_TRUE(original);
  auto key = derive_wallet_file_key(kPass, original->kdf, original->salt);
  ASSERT_TRUE(key);
  ASSERT_TRUE(open_identity(*original, *key));

  std::size_t parsed = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    for (std::uint8_t mask : {0x01, 0x80}) {
      std::string bad = text;
      bad[i] = static_cast<char>(bad[i] ^ mask);
      auto file = parse_identity_file(bad);
      if (!file) continue;
      ++parsed;
      auto opened = open_identity(*file, *key);
      EXPECT_FALSE(opened) << "flip of byte " << i << " (mask " << int(mask) << ") still opens";
      if (!opened) {
        EXPECT_EQ(opened.error().code, Errc::unauthorized) << i;
      }
    }
  }
  EXPECT_GT(parsed, 100u);  // base64 payloads do parse, then fail authentication

  // Full path: a flip inside the ciphertext.
  std::string bad = text;
  auto at = bad.find("\"ciphertext\": \"");
  ASSERT_NE(at, std::string::npos);
  at += 20;
  bad[at] = bad[at] == 'A' ? 'B' : 'A';
  ASSERT_TRUE(write_identity_file_text(path, bad, /*replace=*/true));
  auto r = wallet.unlock("dana", kPass);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message, "wrong passphrase for identity dana");
}

// KDF runs: 2.
TEST(Wallet, EditedMetadataIsRefused) {
  WalletDir tmp;
  Wallet wallet = tmp.open();
  ASSERT_TRUE(wallet.create("erin", DidMethod::pv, kPass, kAssign));
  const fs::path path = wallet.path_of("erin");
  json j = json::parse(slurp(path));

  // Swap in another did:pv DID: the file still parses, but the secrets no longer open.
  SigningKey a = SigningKey::generate(), b = SigningKey::generate();
  json swapped = j;
  swapped["identity"]["did"] = fake_did_pv(a.public_key(), b.public_key());
  ASSERT_TRUE(write_identity_file_text(path, swapped.dump(2), true));
  ASSERT_TRUE(wallet.find("erin"));       // unauthenticated listing shows the edit...
  auto r = wallet.unlock("erin", kPass);  // ...which unlock refuses
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unauthorized);

  // Edits that break the metadata's own rules never reach key derivation.
  json renamed = j;
  renamed["identity"]["name"] = "mallory";
  ASSERT_TRUE(write_identity_file_text(path, renamed.dump(2), true));
  EXPECT_EQ(wallet.unlock("erin", kPass).error().code, Errc::corruption);
  json extra = j;
  extra["identity"]["note"] = "hi";
  ASSERT_TRUE(write_identity_file_text(path, extra.dump(2), true));
  EXPECT_EQ(wallet.unlock("erin", kPass).error().code, Errc::malformed);
  json did_key_for_pv = j;
  did_key_for_pv["identity"]["did"] = did_key_from_public_key(a.public_key());
  ASSERT_TRUE(write_identity_file_text(path, did_key_for_pv.dump(2), true));
  EXPECT_EQ(wallet.unlock("erin", kPass).error().code, Errc::malformed);
}

// KDF runs: 0. Absurd parameters are refused by the parser, before Argon2id could allocate.
TEST(Wallet, AbsurdKdfParametersAreRefusedWithoutAllocating) {
  WalletDir tmp;
  Wallet wallet = tmp.open();
  const std::string good = encode_identity_file(undecryptable_file("frank"));
  ASSERT_TRUE(parse_identity_file(good));
  struct Case {
    json ops, mem;
    Errc code;
  };
  const Case cases[] = {
      {2, std::uint64_t{1} << 40, Errc::too_large},               // 1 TiB
      {2, (std::uint64_t{1} << 30) + 1, Errc::too_large},         // just over 1 GiB
      {std::uint64_t{1} << 32, 67108864, Errc::too_large},        // 4 billion passes
      {11, 67108864, Errc::too_large},                            // over the opslimit cap
      {0, 67108864, Errc::malformed},                             // below libsodium's minimum
      {2, 1024, Errc::malformed},                                 // below libsodium's minimum
      {-2, 67108864, Errc::malformed},                            // negative
      {2, 6.7e7, Errc::malformed},                                // not an integer
      {2, "67108864", Errc::malformed},                           // not a number
      {2, json::parse("18446744073709551615"), Errc::too_large},  // u64 max
  };
  for (const auto& c : cases) {
    json j = json::parse(good);
    j["kdf"]["opslimit"] = c.ops;
    j["kdf"]["memlimit"] = c.mem;
    ASSERT_TRUE(write_identity_file_text(wallet.path_of("frank"), j.dump(), true));
    auto start = std::chrono::steady_clock::now();
    auto parsed = parse_identity_file(j.dump());
    ASSERT_FALSE(parsed) << j["kdf"].dump();
    EXPECT_EQ(parsed.error().code, c.code) << j["kdf"].dump() << " " << parsed.error().message;
    auto unlocked = wallet.unlock("frank", kPass);
    ASSERT_FALSE(unlocked);
    EXPECT_EQ(unlocked.error().code, c.code);
    // Far below the cost of even one INTERACTIVE derivation (~100 ms).
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(80));
  }
  WalletSalt salt{};
  EXPECT_EQ(derive_wallet_file_key(kPass, {2, std::uint64_t{1} << 40}, salt).error().code,
            Errc::too_large);
  EXPECT_EQ(derive_wallet_file_key(kPass, {1000, 67108864}, salt).error().code, Errc::too_large);
  // A huge file is refused before parsing.
  ASSERT_TRUE(write_identity_file_text(wallet.path_of("frank"),
                                       std::string(kMaxIdentityFileBytes + 1, ' '), true));
  EXPECT_EQ(wallet.unlock("frank", kPass).error().code, Errc::too_large);
}

bool contains(std::string_view hay, std::string_view needle) {
  return hay.find(needle) != std::string_view::npos;
}

std::string upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

std::string base64url_unpadded(ByteView b) {
  std::string s = to_base64(b);
  while (!s.empty() && s.back() == '=') s.pop_back();
  for (char& c : s) c = c == '+' ? '-' : c == '/' ? '_' : c;
  return s;
}

// KDF runs: 1. "No private key in the clear": no seed (nor the expanded secret key) appears in
// the file raw, in hex (either case), base64, base64url or base58; base64 is also checked at all
// three alignments, since a seed embedded in a longer base64 string shifts.
TEST(Wallet, FileNeverHoldsASeedInTheClear) {
  WalletDir tmp;
  IdentitySecrets s{SigningKey::generate(),
                    {SigningKey::generate(), SigningKey::generate()},
                    SigningKey::generate()};
  IdentityMetadata m;
  m.name = "grace";
  m.method = DidMethod::pv;
  m.created_at = utc_now_rfc3339();
  m.current_key = s.current.public_key();
  for (const auto& d : s.devices) m.device_keys.push_back(d.public_key());
  m.recovery_key = s.recovery->public_key();
  m.did = fake_did_pv(m.current_key, *m.recovery_key);
  auto file = seal_identity(m, s, kPass, KdfParams::interactive());
  ASSERT_TRUE(file) << file.error().message;
  const fs::path path = tmp.path("grace.pvid");
  ASSERT_TRUE(write_identity_file_text(path, encode_identity_file(*file), false));
  const std::string text = slurp(path);

  std::vector<const SigningKey*> keys = {&s.current, &s.devices[0], &s.devices[1], &*s.recovery};
  for (const SigningKey* k : keys) {
    ByteView seed = k->seed().view();
    Bytes expanded(seed.begin(), seed.end());
    expanded.insert(expanded.end(), k->public_key().bytes.begin(), k->public_key().bytes.end());
    for (ByteView secret : {seed, ByteView(expanded)}) {
      EXPECT_FALSE(contains(text, as_chars(secret)));
      EXPECT_FALSE(contains(text, to_hex(secret)));
      EXPECT_FALSE(contains(text, upper(to_hex(secret))));
      EXPECT_FALSE(contains(text, base58btc_encode(secret)));
      for (std::size_t shift = 0; shift < 3; ++shift) {
        // The middle of the encoding is the same whatever precedes the secret.
        std::string b64 = to_base64(secret.subspan(shift)).substr(0, 36);
        std::string b64url = base64url_unpadded(secret.subspan(shift)).substr(0, 36);
        EXPECT_FALSE(contains(text, b64));
        EXPECT_FALSE(contains(text, b64url));
      }
    }
    // Sanity: the public key is in the file, so the scan does look at the right text.
    EXPECT_TRUE(contains(text, ed25519_multibase(k->public_key())));
  }
  EXPECT_FALSE(contains(text, kPass));
}

// KDF runs: 2.
TEST(Wallet, ExportThenImportIntoAnotherWallet) {
  WalletDir tmp;
  Wallet home = tmp.open("home");
  auto hal = home.create("hal", DidMethod::key, kPass);
  ASSERT_TRUE(hal);
  const fs::path backup = tmp.path("hal-backup.pvid");
  ASSERT_TRUE(home.export_identity("hal", backup));
  EXPECT_EQ(mode_of(backup), 0600u);
  EXPECT_EQ(slurp(backup), slurp(home.path_of("hal")));
  EXPECT_EQ(home.export_identity("hal", backup).error().code, Errc::conflict);

  Wallet laptop = tmp.open("laptop");
  auto imported = laptop.import_identity(backup, kPass);
  ASSERT_TRUE(imported) << imported.error().message;
  EXPECT_EQ(*imported, *hal);
  EXPECT_EQ(*laptop.find(hal->did), *hal);
  // Already there: refused before deriving any key.
  EXPECT_EQ(laptop.import_identity(backup, kPass).error().code, Errc::conflict);
  EXPECT_EQ(laptop.import_identity(tmp.path("missing.pvid"), kPass).error().code, Errc::not_found);
}

// KDF runs: 0. Writers replace files by rename; a concurrent list() sees whole files only.
TEST(Wallet, ListWhileWritingSeesWholeFiles) {
  WalletDir tmp;
  Wallet wallet = tmp.open();
  const std::string a = encode_identity_file(undecryptable_file("ivan"));
  const std::string b = encode_identity_file(undecryptable_file("ivan")) + std::string(4000, ' ');
  ASSERT_TRUE(write_identity_file_text(wallet.path_of("ivan"), a, false));
  std::atomic<bool> done{false};
  std::thread writer([&] {
    for (int i = 0; i < 30; ++i)
      EXPECT_TRUE(write_identity_file_text(wallet.path_of("ivan"), i % 2 ? a : b, true));
    done = true;
  });
  int reads = 0;
  while (!done || reads < 20) {
    auto entries = wallet.list();
    ASSERT_TRUE(entries);
    ASSERT_EQ(entries->size(), 1u) << "a temporary file showed up in the listing";
    ASSERT_TRUE((*entries)[0].metadata) << (*entries)[0].metadata.error().message;
    ++reads;
  }
  writer.join();
  for (const auto& e : fs::directory_iterator(tmp.path()))
    EXPECT_EQ(e.path().filename(), "ivan.pvid") << "leftover temporary file";
}

// Passphrase sources (no KDF).
class PassphraseSource : public ::testing::Test {
 protected:
  void TearDown() override { ::unsetenv("PV_TEST_PASSPHRASE_SRC"); }
  WalletDir tmp;
  PassphraseRequest request() {
    PassphraseRequest r;
    r.env_var = "PV_TEST_PASSPHRASE_SRC";
    r.tty_path = tmp.path("no-such-tty").string();
    return r;
  }
  std::string file_with(const std::string& content) {
    fs::create_directories(tmp.path(""));
    auto p = tmp.path("pass.txt");
    std::ofstream(p, std::ios::binary | std::ios::trunc) << content;
    return p.string();
  }
};

TEST_F(PassphraseSource, FileFirstLineWithoutLineEnd) {
  auto r = request();
  r.file = file_with("s3cret phrase\r\nsecond line\n");
  ::setenv("PV_TEST_PASSPHRASE_SRC", "from-env", 1);  // the explicit file wins
  auto p = read_passphrase(r);
  ASSERT_TRUE(p) << p.error().message;
  EXPECT_EQ(p->view(), "s3cret phrase");
  r.file = file_with("no newline");
  EXPECT_EQ(read_passphrase(r)->view(), "no newline");
  r.file = file_with("\nafter an empty first line");
  EXPECT_EQ(read_passphrase(r).error().code, Errc::invalid_argument);
  r.file = tmp.path("missing.txt").string();
  EXPECT_EQ(read_passphrase(r).error().code, Errc::io);
}

TEST_F(PassphraseSource, EnvironmentVariable) {
  ::setenv("PV_TEST_PASSPHRASE_SRC", "env phrase", 1);
  auto p = read_passphrase(request());
  ASSERT_TRUE(p);
  EXPECT_EQ(p->view(), "env phrase");
  ::setenv("PV_TEST_PASSPHRASE_SRC", "", 1);
  EXPECT_EQ(read_passphrase(request()).error().code, Errc::invalid_argument);
}

TEST_F(PassphraseSource, NoTerminalAndNoOtherSourceSaysHowToProvideOne) {
  auto p = read_passphrase(request());
  ASSERT_FALSE(p);
  EXPECT_EQ(p.error().code, Errc::unavailable);
  // It names the sources this request reads (the environment variable is the test's seam).
  EXPECT_NE(p.error().message.find("PV_TEST_PASSPHRASE_SRC"), std::string::npos);
  EXPECT_NE(p.error().message.find("--passphrase-file"), std::string::npos);
  // A path that exists but is not a terminal is no terminal either.
  auto r = request();
  r.tty_path = file_with("x\n");
  EXPECT_EQ(read_passphrase(r).error().code, Errc::unavailable);
}

}  // namespace
}  // namespace pv
