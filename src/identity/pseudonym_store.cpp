#include "identity/pseudonym_store.hpp"

#include <sodium.h>

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

#include "codec/did_key.hpp"
#include "identity/wallet_file.hpp"

namespace pv {
namespace {

using nlohmann::json;
constexpr std::string_view kFormat = "pv-pseudonyms";
constexpr std::string_view kKdfAlgorithm = "argon2id13";

Error bad_file(const std::filesystem::path& path, const std::string& why) {
  return make_error(Errc::malformed, "pseudonym file " + path.string() + ": " + why);
}

// What the seal authenticates: everything but the nonce and the ciphertext.
json public_part(const std::string& owner, const KdfParams& kdf, const WalletSalt& salt,
                 const std::vector<PseudonymEntry>& entries,
                 const std::vector<ErasedUnderPseudonym>& erased) {
  json list = json::array();
  for (const auto& e : entries) list.push_back({{"did", e.did}, {"record", e.record}});
  json gone = json::array();
  for (const auto& e : erased) gone.push_back({{"record", e.record}, {"pseudonym", e.pseudonym}});
  return {{"format", kFormat},
          {"version", 1},
          {"owner", owner},
          {"kdf",
           {{"algorithm", kKdfAlgorithm},
            {"opslimit", kdf.opslimit},
            {"memlimit", kdf.memlimit},
            {"salt", to_base64(salt.view())}}},
          {"pseudonyms", list},
          {"erased", gone}};
}

Bytes associated_data(const json& public_json) {
  std::string text = public_json.dump();
  return Bytes(text.begin(), text.end());
}

bool is_record_hex(const std::string& s) {
  return s.empty() || (s.size() == 64 && std::all_of(s.begin(), s.end(), [](char c) {
                         return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
                       }));
}

}  // namespace

std::filesystem::path PseudonymStore::path_for(const std::filesystem::path& wallet_dir,
                                               std::string_view owner_name) {
  return wallet_dir / (std::string(owner_name) + ".pseudonyms");
}

Result<PseudonymStore> PseudonymStore::load(std::filesystem::path path, std::string owner_did) {
  PseudonymStore store;
  store.path_ = std::move(path);
  store.owner_ = std::move(owner_did);
  std::error_code ec;
  if (!std::filesystem::exists(store.path_, ec)) return store;
  auto text = read_identity_file_text(store.path_);
  if (!text) return text.error();
  json j = json::parse(*text, nullptr, false);
  if (!j.is_object() || j.value("format", "") != kFormat || j.value("version", 0) != 1)
    return bad_file(store.path_, "not a version-1 pseudonym file");
  try {
    if (j.at("owner").get<std::string>() != store.owner_)
      return bad_file(store.path_, "it belongs to " + j.at("owner").get<std::string>() +
                                       ", not " + store.owner_);
    const json& kdf = j.at("kdf");
    if (kdf.at("algorithm") != kKdfAlgorithm) return bad_file(store.path_, "unknown KDF");
    store.kdf_ = {kdf.at("opslimit").get<std::uint64_t>(), kdf.at("memlimit").get<std::uint64_t>()};
    PV_TRY(check_kdf_params_for_read(store.kdf_));
    auto salt = from_base64(kdf.at("salt").get<std::string>());
    auto nonce = from_base64(j.at("nonce").get<std::string>());
    auto sealed = from_base64(j.at("sealed").get<std::string>());
    if (!salt || !nonce || !sealed) return bad_file(store.path_, "bad base64");
    auto s = WalletSalt::from(*salt);
    auto n = WalletNonce::from(*nonce);
    if (!s || !n) return bad_file(store.path_, "bad salt or nonce length");
    store.salt_ = *s;
    store.nonce_ = *n;
    store.sealed_ = std::move(*sealed);
    const json& list = j.at("pseudonyms");
    if (!list.is_array() || list.size() > kMaxPseudonyms)
      return bad_file(store.path_, "pseudonyms must be a list of at most " +
                                       std::to_string(kMaxPseudonyms));
    for (const auto& item : list) {
      PseudonymEntry e;
      e.did = item.at("did").get<std::string>();
      e.record = item.at("record").get<std::string>();
      auto key = public_key_from_did_key(e.did);
      if (!key || !is_record_hex(e.record)) return bad_file(store.path_, "bad entry " + e.did);
      e.key = *key;
      store.entries_.push_back(std::move(e));
    }
    const json& gone = j.at("erased");
    if (!gone.is_array() || gone.size() > kMaxPseudonyms)
      return bad_file(store.path_, "erased must be a list of at most " +
                                       std::to_string(kMaxPseudonyms));
    for (const auto& item : gone) {
      ErasedUnderPseudonym e{item.at("record").get<std::string>(),
                             item.at("pseudonym").get<std::string>()};
      if (e.record.empty() || !is_record_hex(e.record) || !public_key_from_did_key(e.pseudonym))
        return bad_file(store.path_, "bad erased entry " + e.record);
      store.erased_.push_back(std::move(e));
    }
  } catch (const json::exception&) {
    return bad_file(store.path_, "missing or mistyped field");
  }
  if (store.sealed_.size() != store.entries_.size() * Seed::size() + kWalletTagBytes)
    return bad_file(store.path_, "sealed seeds do not match the list");
  store.on_disk_ = true;
  return store;
}

Status PseudonymStore::unlock(std::string_view passphrase, const KdfParams& kdf) {
  if (!on_disk_) {
    PV_TRY(check_kdf_params_for_write(kdf));
    kdf_ = kdf;
    random_bytes(salt_.data(), salt_.size());
    auto key = derive_wallet_file_key(passphrase, kdf_, salt_);
    if (!key) return key.error();
    key_ = std::move(*key);
    return Status::ok();
  }
  auto key = derive_wallet_file_key(passphrase, kdf_, salt_);
  if (!key) return key.error();
  auto opened = wallet_open(*key, nonce_, sealed_,
                            associated_data(public_part(owner_, kdf_, salt_, entries_, erased_)));
  if (!opened)
    return make_error(Errc::unauthorized,
                      "wrong passphrase for the pseudonyms of " + owner_ + " (or the file " +
                          path_.string() + " was changed)");
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    auto seed = Seed::from(ByteView(opened->data() + i * Seed::size(), Seed::size()));
    if (!seed || SigningKey::from_seed(*seed).public_key() != entries_[i].key)
      return make_error(Errc::unauthorized, "pseudonym file " + path_.string() +
                                                ": a seed does not match its public key");
  }
  seeds_ = std::move(*opened);
  key_ = std::move(*key);
  return Status::ok();
}

Result<std::vector<PseudonymEntry>> PseudonymStore::issue(std::size_t count) {
  if (!unlocked()) return make_error(Errc::internal, "pseudonym store is locked");
  if (count == 0 || entries_.size() + count > kMaxPseudonyms)
    return make_error(Errc::invalid_argument, "a wallet holds 1 to " +
                                                  std::to_string(kMaxPseudonyms) +
                                                  " pseudonyms per identity");
  SecretBytes grown(seeds_.size() + count * Seed::size());
  if (seeds_.size()) std::memcpy(grown.data(), seeds_.data(), seeds_.size());
  std::vector<PseudonymEntry> fresh;
  for (std::size_t i = 0; i < count; ++i) {
    SigningKey k = SigningKey::generate();
    std::memcpy(grown.data() + seeds_.size() + i * Seed::size(), k.seed().data(), Seed::size());
    fresh.push_back({did_key_from_public_key(k.public_key()), k.public_key(), {}});
  }
  seeds_ = std::move(grown);
  entries_.insert(entries_.end(), fresh.begin(), fresh.end());
  return fresh;
}

const PseudonymEntry* PseudonymStore::find(std::string_view did) const {
  for (const auto& e : entries_)
    if (e.did == did) return &e;
  return nullptr;
}

const PseudonymEntry* PseudonymStore::find_record(std::string_view record_hex) const {
  for (const auto& e : entries_)
    if (!e.record.empty() && e.record == record_hex) return &e;
  return nullptr;
}

Result<SigningKey> PseudonymStore::key_of(std::string_view did) const {
  if (!unlocked()) return make_error(Errc::internal, "pseudonym store is locked");
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].did != did) continue;
    auto seed = Seed::from(ByteView(seeds_.data() + i * Seed::size(), Seed::size()));
    if (!seed) return seed.error();
    SigningKey key = SigningKey::from_seed(*seed);
    sodium_memzero(seed->data(), seed->size());
    return key;
  }
  return make_error(Errc::not_found, "no pseudonym " + std::string(did) + " in " + path_.string());
}

void PseudonymStore::set_record(std::string_view did, std::string record_hex) {
  for (auto& e : entries_)
    if (e.did == did) e.record = std::move(record_hex);
}

bool PseudonymStore::destroy(std::string_view did) {
  for (std::size_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].did != did) continue;
    if (!unlocked()) return false;
    SecretBytes kept(seeds_.size() - Seed::size());
    std::memcpy(kept.data(), seeds_.data(), i * Seed::size());
    std::memcpy(kept.data() + i * Seed::size(), seeds_.data() + (i + 1) * Seed::size(),
                seeds_.size() - (i + 1) * Seed::size());
    seeds_ = std::move(kept);
    if (!entries_[i].record.empty()) {
      erased_.push_back({entries_[i].record, entries_[i].did});
      // The oldest notes go first once the list is full.
      if (erased_.size() > kMaxPseudonyms) erased_.erase(erased_.begin());
    }
    entries_.erase(entries_.begin() + static_cast<std::ptrdiff_t>(i));
    return true;
  }
  return false;
}

Status PseudonymStore::save() const {
  if (!unlocked()) return make_error(Errc::internal, "pseudonym store is locked");
  WalletNonce nonce;
  random_bytes(nonce.data(), nonce.size());
  json j = public_part(owner_, kdf_, salt_, entries_, erased_);
  Bytes sealed = wallet_seal(key_, nonce, seeds_.view(), associated_data(j));
  j["nonce"] = to_base64(nonce.view());
  j["sealed"] = to_base64(sealed);
  return write_identity_file_text(path_, j.dump(2) + "\n", /*replace=*/true);
}

}  // namespace pv
