#include "ledger/consent_state.hpp"

#include <algorithm>

#include "codec/binary.hpp"

namespace pv {
namespace {

std::string hex32(std::uint32_t v) {
  BinaryWriter w;
  w.u32(v);
  return to_hex(w.bytes());
}

std::string hex64(std::uint64_t v) {
  BinaryWriter w;
  w.u64(v);
  return to_hex(w.bytes());
}

template <class T>
Result<std::optional<T>> load(const StateView& state, const std::string& key,
                              Result<T> (*decode)(ByteView), const char* what) {
  auto bytes = state.get(key);
  if (!bytes) return std::optional<T>{};
  auto value = decode(*bytes);
  if (!value)
    return make_error(Errc::corruption,
                      std::string("stored ") + what + " does not decode: " + value.error().message);
  return std::optional<T>{std::move(*value)};
}

}  // namespace

std::string record_state_key(const RecordId& id) {
  return "rec/" + id.hex();
}
std::string consent_state_key(const ConsentId& id) {
  return "con/" + id.hex();
}
std::string category_key_state_key(const std::string& patient, const std::string& category) {
  return "catkey/" + patient + "/" + category;
}
std::string category_key_version_state_key(const std::string& patient, const std::string& category,
                                           std::uint32_t epoch) {
  return "catkeyv/" + patient + "/" + category + "/" + hex32(epoch);
}
std::string category_secret_state_key(const ConsentId& consent, std::uint32_t epoch) {
  return "catsec/" + consent.hex() + "/" + hex32(epoch);
}

Bytes encode_record_state(const RecordState& r) {
  BinaryWriter w;
  w.var(encode_record_anchor(r.anchor));
  w.var(r.author);
  w.u64(r.height);
  w.u64(r.time_ms);
  return w.take();
}

Result<RecordState> decode_record_state(ByteView b) {
  BinaryReader r(b);
  RecordState out;
  auto payload = r.var(kMaxPayloadBytes, "record anchor");
  if (!payload) return payload.error();
  auto anchor = decode_record_anchor(*payload);
  if (!anchor) return anchor.error();
  auto author = r.text(kMaxSignerBytes, "author");
  if (!author) return author.error();
  auto height = r.u64("height");
  if (!height) return height.error();
  auto time = r.u64("time");
  if (!time) return time.error();
  PV_TRY(r.expect_end("record state"));
  out.anchor = std::move(*anchor);
  out.author = std::move(*author);
  out.height = *height;
  out.time_ms = *time;
  return out;
}

Bytes encode_consent_state(const ConsentState& c) {
  BinaryWriter w;
  w.var(encode_consent_grant(c.grant));
  w.var(c.patient);
  w.u64(c.height);
  w.u64(c.time_ms);
  w.u8(c.revoked ? 1 : 0);
  w.u64(c.revoked_height);
  w.u64(c.revoked_time_ms);
  return w.take();
}

Result<ConsentState> decode_consent_state(ByteView b) {
  BinaryReader r(b);
  ConsentState out;
  auto payload = r.var(kMaxPayloadBytes, "consent grant");
  if (!payload) return payload.error();
  auto grant = decode_consent_grant(*payload);
  if (!grant) return grant.error();
  auto patient = r.text(kMaxSignerBytes, "patient");
  if (!patient) return patient.error();
  auto height = r.u64("height");
  if (!height) return height.error();
  auto time = r.u64("time");
  if (!time) return time.error();
  auto revoked = r.u8("revoked");
  if (!revoked) return revoked.error();
  if (*revoked > 1) return make_error(Errc::malformed, "revoked flag is 0 or 1");
  auto rh = r.u64("revoked height");
  if (!rh) return rh.error();
  auto rt = r.u64("revoked time");
  if (!rt) return rt.error();
  PV_TRY(r.expect_end("consent state"));
  out.grant = std::move(*grant);
  out.patient = std::move(*patient);
  out.height = *height;
  out.time_ms = *time;
  out.revoked = *revoked == 1;
  out.revoked_height = *rh;
  out.revoked_time_ms = *rt;
  return out;
}

Bytes encode_category_key_state(const CategoryKeyState& k) {
  BinaryWriter w;
  w.u32(k.epoch);
  w.fixed(k.public_key);
  w.u64(k.height);
  return w.take();
}

Result<CategoryKeyState> decode_category_key_state(ByteView b) {
  BinaryReader r(b);
  CategoryKeyState k;
  auto epoch = r.u32("epoch");
  if (!epoch) return epoch.error();
  auto key = r.fixed<32>("category key");
  if (!key) return key.error();
  auto height = r.u64("height");
  if (!height) return height.error();
  PV_TRY(r.expect_end("category key state"));
  k.epoch = *epoch;
  k.public_key = *key;
  k.height = *height;
  return k;
}

Result<std::optional<RecordState>> load_record(const StateView& state, const RecordId& id) {
  return load<RecordState>(state, record_state_key(id), decode_record_state, "record");
}

Result<std::optional<ConsentState>> load_consent(const StateView& state, const ConsentId& id) {
  return load<ConsentState>(state, consent_state_key(id), decode_consent_state, "consent");
}

Result<std::optional<CategoryKeyState>> load_category_key(const StateView& state,
                                                          const std::string& patient,
                                                          const std::string& category,
                                                          std::optional<std::uint32_t> epoch) {
  std::string key = epoch ? category_key_version_state_key(patient, category, *epoch)
                          : category_key_state_key(patient, category);
  return load<CategoryKeyState>(state, key, decode_category_key_state, "category key");
}

std::string index_key(std::string_view index, std::initializer_list<std::string_view> owners) {
  std::string key = "ix/" + std::string(index);
  for (auto o : owners) key += "/" + std::string(o);
  return key;
}

std::uint64_t index_size(const StateView& state, const std::string& list) {
  auto bytes = state.get(list);
  if (!bytes) return 0;
  BinaryReader r(*bytes);
  auto n = r.u64("index size");
  return n ? *n : 0;
}

void index_append(StateOverlay& state, const std::string& list, const Hash32& id) {
  std::uint64_t n = index_size(state, list);
  state.put(list + "/" + hex64(n), Bytes(id.bytes.begin(), id.bytes.end()));
  BinaryWriter w;
  w.u64(n + 1);
  state.put(list, w.take());
}

std::uint64_t index_remove(StateOverlay& state, const std::string& list, const Hash32& id) {
  return index_remove_all(state, list, {id});
}

std::uint64_t index_remove_all(StateOverlay& state, const std::string& list,
                               const std::vector<Hash32>& ids) {
  std::uint64_t removed = 0;
  const std::uint64_t n = index_size(state, list);
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::string key = list + "/" + hex64(i);
    auto bytes = state.get(key);
    if (!bytes || bytes->empty()) continue;
    auto id = Hash32::from(*bytes);
    if (!id || std::find(ids.begin(), ids.end(), *id) == ids.end()) continue;
    state.put(key, Bytes{});
    ++removed;
  }
  return removed;
}

void index_delete(StateOverlay& state, const std::string& list) {
  const std::uint64_t n = index_size(state, list);
  for (std::uint64_t i = 0; i < n; ++i) state.erase(list + "/" + hex64(i));
  state.erase(list);
}

Result<std::vector<Hash32>> index_read(const StateView& state, const std::string& list,
                                       std::uint64_t from, std::uint64_t limit) {
  std::vector<Hash32> out;
  std::uint64_t n = index_size(state, list);
  for (std::uint64_t i = from; i < n && out.size() < limit; ++i) {
    auto bytes = state.get(list + "/" + hex64(i));
    if (!bytes)
      return make_error(Errc::corruption, "index " + list + " misses entry " + std::to_string(i));
    if (bytes->empty()) continue;  // removed by an erasure
    auto id = Hash32::from(*bytes);
    if (!id)
      return make_error(Errc::corruption,
                        "index " + list + " entry " + std::to_string(i) + " is not an id");
    out.push_back(*id);
  }
  return out;
}

bool consent_in_force(const ConsentState& c, std::uint64_t time_ms) {
  return !c.revoked && c.grant.not_before_ms <= time_ms && time_ms < c.grant.not_after_ms;
}

}  // namespace pv
