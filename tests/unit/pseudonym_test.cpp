// Record pseudonyms: the wallet's pseudonym store (round trip, wrong passphrase, every edit
// refused, destroy is final) and the signed pool a hospital receives (every tamper refused,
// strict decoding, the used list).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "codec/did_key.hpp"
#include "identity/pseudonym_pool.hpp"
#include "identity/pseudonym_store.hpp"

namespace pv {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr std::string_view kPass = "correct horse battery staple";
constexpr std::string_view kOwner = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";

class StoreDir {
 public:
  StoreDir() {
    std::uint8_t r[8];
    random_bytes(r, sizeof r);
    dir_ = fs::temp_directory_path() / ("pv-pseudonym-test-" + to_hex(ByteView(r, sizeof r)));
    fs::create_directories(dir_);
  }
  ~StoreDir() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  fs::path file() const { return PseudonymStore::path_for(dir_, "alice"); }
  std::string read() const {
    std::ifstream in(file());
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void write(const std::string& text) const { std::ofstream(file(), std::ios::trunc) << text; }

 private:
  fs::path dir_;
};

PseudonymStore issued(const StoreDir& d, std::size_t n) {
  auto store = PseudonymStore::load(d.file(), std::string(kOwner));
  EXPECT_TRUE(store) << store.error().message;
  EXPECT_TRUE(store->unlock(kPass, KdfParams::interactive()));
  auto fresh = store->issue(n);
  EXPECT_TRUE(fresh) << fresh.error().message;
  EXPECT_TRUE(store->save());
  return std::move(*store);
}

TEST(PseudonymStore, IssuedKeysSurviveAReloadAndSignAsTheirDid) {
  crypto_init();
  StoreDir d;
  PseudonymStore first = issued(d, 3);
  ASSERT_EQ(first.entries().size(), 3u);
  EXPECT_NE(first.entries()[0].did, first.entries()[1].did);
  first.set_record(first.entries()[1].did, std::string(64, 'a'));
  ASSERT_TRUE(first.save());

  auto again = PseudonymStore::load(d.file(), std::string(kOwner));
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_FALSE(again->unlocked());
  EXPECT_EQ(again->entries(), first.entries());
  ASSERT_TRUE(again->unlock(kPass, KdfParams::interactive()));
  for (const auto& e : again->entries()) {
    auto key = again->key_of(e.did);
    ASSERT_TRUE(key) << key.error().message;
    EXPECT_EQ(did_key_from_public_key(key->public_key()), e.did);
  }
  const auto* held = again->find_record(std::string(64, 'a'));
  ASSERT_NE(held, nullptr);
  EXPECT_EQ(held->did, first.entries()[1].did);
  // No seed in the clear: the file holds only the public part and the sealed seeds.
  auto key = again->key_of(held->did);
  EXPECT_EQ(d.read().find(to_base64(key->seed().view())), std::string::npos);
}

TEST(PseudonymStore, WrongPassphraseAndEveryEditAreRefused) {
  crypto_init();
  StoreDir d;
  PseudonymStore s = issued(d, 2);
  const std::string good = d.read();
  {
    auto store = PseudonymStore::load(d.file(), std::string(kOwner));
    ASSERT_TRUE(store);
    auto st = store->unlock("not the passphrase", KdfParams::interactive());
    ASSERT_FALSE(st);
    EXPECT_EQ(st.error().code, Errc::unauthorized);
  }
  // Another owner's file is refused before any key is derived.
  EXPECT_FALSE(PseudonymStore::load(d.file(), "did:key:z6MkSomeoneElse"));

  auto edited = [&](const std::function<void(json&)>& edit) {
    json j = json::parse(good);
    edit(j);
    d.write(j.dump());
    auto store = PseudonymStore::load(d.file(), std::string(kOwner));
    if (!store) return true;  // refused at load
    return !store->unlock(kPass, KdfParams::interactive());
  };
  // A pseudonym swapped for the attacker's, a record mapping moved, a bit of the seal flipped,
  // an entry dropped: all refused.
  EXPECT_TRUE(edited([&](json& j) {
    j["pseudonyms"][0]["did"] = did_key_from_public_key(SigningKey::generate().public_key());
  }));
  EXPECT_TRUE(edited([&](json& j) { j["pseudonyms"][1]["record"] = std::string(64, 'b'); }));
  EXPECT_TRUE(edited([&](json& j) {
    auto raw = *from_base64(j["sealed"].get<std::string>());
    raw[3] ^= 1;
    j["sealed"] = to_base64(raw);
  }));
  EXPECT_TRUE(edited([&](json& j) { j["pseudonyms"].erase(0); }));
  EXPECT_TRUE(edited([&](json& j) { j["kdf"]["opslimit"] = 100; }));
  EXPECT_TRUE(edited([&](json& j) { j["pseudonyms"][0]["record"] = "not hex"; }));
  EXPECT_TRUE(edited([&](json& j) {
    j["erased"].push_back({{"record", std::string(64, 'd')}, {"pseudonym", j["pseudonyms"][0]["did"]}});
  }));
  EXPECT_TRUE(edited([&](json& j) { j.erase("erased"); }));
  d.write("{ not json");
  EXPECT_FALSE(PseudonymStore::load(d.file(), std::string(kOwner)));
  d.write(good);
  auto fine = PseudonymStore::load(d.file(), std::string(kOwner));
  ASSERT_TRUE(fine);
  EXPECT_TRUE(fine->unlock(kPass, KdfParams::interactive()));
}

TEST(PseudonymStore, DestroyedPseudonymIsGoneAfterAReload) {
  crypto_init();
  StoreDir d;
  PseudonymStore s = issued(d, 3);
  const std::string gone = s.entries()[1].did, kept = s.entries()[2].did;
  s.set_record(gone, std::string(64, 'c'));
  ASSERT_TRUE(s.destroy(gone));
  EXPECT_FALSE(s.destroy(gone));
  ASSERT_TRUE(s.save());
  auto again = PseudonymStore::load(d.file(), std::string(kOwner));
  ASSERT_TRUE(again);
  ASSERT_TRUE(again->unlock(kPass, KdfParams::interactive()));
  EXPECT_EQ(again->entries().size(), 2u);
  EXPECT_EQ(again->find(gone), nullptr);
  EXPECT_FALSE(again->key_of(gone));
  // The wallet keeps a note of the erasure (record and pseudonym, no key) for her access log.
  ASSERT_EQ(again->erased().size(), 1u);
  EXPECT_EQ(again->erased()[0].record, std::string(64, 'c'));
  EXPECT_EQ(again->erased()[0].pseudonym, gone);
  auto key = again->key_of(kept);
  ASSERT_TRUE(key);
  EXPECT_EQ(did_key_from_public_key(key->public_key()), kept);
}

std::vector<std::string> some_pseudonyms(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i)
    out.push_back(did_key_from_public_key(SigningKey::generate().public_key()));
  return out;
}

TEST(PseudonymPool, SignedPoolVerifiesAndEveryTamperIsRefused) {
  crypto_init();
  SigningKey patient = SigningKey::generate();
  const std::string did = did_key_from_public_key(patient.public_key());
  PseudonymPool pool = sign_pool(did, some_pseudonyms(3), patient);
  auto decoded = decode_pool(encode_pool(pool));
  ASSERT_TRUE(decoded) << decoded.error().message;
  EXPECT_TRUE(pool_signed_by(*decoded, {patient.public_key()}));
  EXPECT_FALSE(pool_signed_by(*decoded, {SigningKey::generate().public_key()}));

  auto tampered = *decoded;
  tampered.pseudonyms[1] = some_pseudonyms(1)[0];  // the attacker's key slipped in
  EXPECT_FALSE(pool_signed_by(tampered, {patient.public_key()}));
  tampered = *decoded;
  tampered.patient = did_key_from_public_key(SigningKey::generate().public_key());
  EXPECT_FALSE(pool_signed_by(tampered, {patient.public_key()}));
  tampered = *decoded;
  tampered.pseudonyms.pop_back();
  EXPECT_FALSE(pool_signed_by(tampered, {patient.public_key()}));
  // The used list is the hospital's bookkeeping, outside the signature.
  tampered = *decoded;
  tampered.used.push_back(tampered.pseudonyms[0]);
  EXPECT_TRUE(pool_signed_by(tampered, {patient.public_key()}));
  auto next = next_unused(tampered);
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, tampered.pseudonyms[1]);
  tampered.used = tampered.pseudonyms;
  EXPECT_EQ(next_unused(tampered).error().code, Errc::not_found);
}

TEST(PseudonymPool, DecoderRefusesMalformedPools) {
  crypto_init();
  SigningKey patient = SigningKey::generate();
  const std::string did = did_key_from_public_key(patient.public_key());
  const json good = json::parse(encode_pool(sign_pool(did, some_pseudonyms(2), patient)));
  auto refused = [&](const std::function<void(json&)>& edit) {
    json j = good;
    edit(j);
    return !decode_pool(j.dump());
  };
  EXPECT_TRUE(refused([](json& j) { j["format"] = "other"; }));
  EXPECT_TRUE(refused([](json& j) { j.erase("signature"); }));
  EXPECT_TRUE(refused([](json& j) { j["signature"] = "AAAA"; }));
  EXPECT_TRUE(refused([](json& j) { j["pseudonyms"] = json::array(); }));
  EXPECT_TRUE(refused([](json& j) { j["pseudonyms"][1] = j["pseudonyms"][0]; }));
  EXPECT_TRUE(refused([](json& j) { j["pseudonyms"][0] = "did:pv:abc"; }));
  EXPECT_TRUE(refused([&](json& j) { j["pseudonyms"][0] = did; }));
  EXPECT_TRUE(refused([](json& j) { j["used"] = {"did:key:z6MkNotInThePool"}; }));
  EXPECT_TRUE(refused([](json& j) { j["issued"] = "yesterday"; }));
  EXPECT_TRUE(refused([](json& j) { j["patient"] = 7; }));
  EXPECT_FALSE(decode_pool("["));
  EXPECT_FALSE(decode_pool(""));
  EXPECT_TRUE(decode_pool(good.dump()));
}

}  // namespace
}  // namespace pv
