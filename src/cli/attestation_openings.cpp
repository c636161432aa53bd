#include "cli/attestation_openings.hpp"

#include <sodium.h>

#include "cli/blob_transfer.hpp"
#include "cli/consent_keys.hpp"
#include "cli/record_content.hpp"
#include "codec/binary.hpp"
#include "content/dag_walk.hpp"
#include "encryption/blob_decryptor.hpp"
#include "zk/generators.hpp"

namespace pv::cli {
namespace {

constexpr std::string_view kMagic = "PVAO";
constexpr std::size_t kMaxOpeningsBytes = 64 * 1024;

// Holds plaintext openings; wiped when it goes.
struct Wiped {
  Bytes bytes;
  ~Wiped() {
    if (!bytes.empty()) sodium_memzero(bytes.data(), bytes.size());
  }
};

}  // namespace

Bytes encode_openings(const std::string& patient, const std::vector<AttributeOpening>& openings) {
  BinaryWriter w;
  w.raw(as_bytes(kMagic));
  w.u8(1);
  w.var(patient);
  w.u8(static_cast<std::uint8_t>(openings.size()));
  for (const auto& o : openings) {
    w.var(o.name);
    w.u64(static_cast<std::uint64_t>(o.value));
    w.fixed(o.blinding.encode());
  }
  return w.take();
}

Result<std::vector<AttributeOpening>> decode_openings(const std::string& patient, ByteView plain) {
  BinaryReader r(plain);
  auto magic = r.raw(kMagic.size(), "openings");
  if (!magic ||
      std::string_view(reinterpret_cast<const char*>(magic->data()), magic->size()) != kMagic)
    return make_error(Errc::malformed, "the openings blob does not start with PVAO");
  auto version = r.u8("openings version");
  if (!version || *version != 1) return make_error(Errc::malformed, "unsupported openings version");
  auto who = r.text(kMaxPersonDidBytes, "openings patient");
  if (!who) return who.error();
  if (*who != patient)
    return make_error(Errc::corruption, "the openings are about " + *who + ", not " + patient);
  auto count = r.u8("openings count");
  if (!count) return count.error();
  std::vector<AttributeOpening> out;
  for (std::uint8_t i = 0; i < *count; ++i) {
    AttributeOpening o;
    auto name = r.text(kMaxAttributeNameBytes, "opening name");
    if (!name) return name.error();
    auto value = r.u64("opening value");
    if (!value) return value.error();
    auto blinding = r.fixed<zk::kScalarBytes>("opening blinding");
    if (!blinding) return blinding.error();
    auto scalar = zk::Scalar::decode(blinding->view());
    if (!scalar) return scalar.error();
    o.name = std::move(*name);
    o.value = static_cast<std::int64_t>(*value);
    o.blinding = std::move(*scalar);
    out.push_back(std::move(o));
  }
  PV_TRY(r.expect_end("openings"));
  return out;
}

Result<Bytes> upload_openings(api::NodeClient& client, const DataKey& key,
                              const std::string& patient,
                              const std::vector<AttributeOpening>& openings) {
  Wiped plain{encode_openings(patient, openings)};
  content::MemorySource source(plain.bytes);
  auto stored = encrypt_and_upload(client, source, key);
  if (!stored) return stored.error();
  return stored->cid.bytes();
}

Result<std::vector<AttributeOpening>> fetch_openings(const std::string& node_url,
                                                     const AttestationIssue& a,
                                                     const Actor& patient) {
  auto raw = open_wrapped(patient, a.openings_key);
  if (!raw) return raw.error();
  auto key = DataKey::from(raw->view());
  sodium_memzero(raw->data(), raw->size());
  if (!key) return key.error();
  auto cid = content::Cid::decode(a.openings_cid);
  if (!cid) return cid.error();
  CarDownload download(node_url, "/ipfs/" + cid->to_string() + "?format=car");
  auto reader = content::CarReader::open(download);
  if (!reader) return reader.error();
  if (reader->roots().size() != 1 || reader->roots()[0].to_v1() != cid->to_v1())
    return make_error(Errc::corruption, "the node answered a CAR for another root");
  CarStreamStore store(*reader);
  BlobDecryptor decryptor(*key);
  Wiped plain;
  Status s = content::read_file(store, *cid, [&](ByteView cipher) -> Status {
    if (plain.bytes.size() + cipher.size() > kMaxOpeningsBytes * 2)
      return make_error(Errc::too_large, "the openings blob is too large");
    return decryptor.update(cipher, plain.bytes);
  });
  if (!s) return s.error();
  PV_TRY(decryptor.finish(plain.bytes));
  auto openings = decode_openings(a.patient, plain.bytes);
  if (!openings) return openings.error();
  if (openings->size() != a.attributes.size())
    return make_error(Errc::corruption, "the openings do not match the attestation's attributes");
  for (std::size_t i = 0; i < a.attributes.size(); ++i) {
    const auto& o = (*openings)[i];
    if (o.name != a.attributes[i].name ||
        zk::pedersen_commit(zk::Scalar::from_i64(o.value), o.blinding).encode() !=
            a.attributes[i].commitment)
      return make_error(Errc::corruption, "the opening of " + a.attributes[i].name +
                                              " does not open the commitment on the ledger");
  }
  return openings;
}

std::vector<zk::Opening> zk_openings(const std::vector<AttributeOpening>& openings) {
  std::vector<zk::Opening> out;
  for (const auto& o : openings) out.push_back({o.value, o.blinding});
  return out;
}

}  // namespace pv::cli
