#include "identity/pseudonym_pool.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "codec/did_key.hpp"
#include "identity/wallet_identity.hpp"

namespace pv {
namespace {

using nlohmann::json;
constexpr std::string_view kFormat = "pv-pseudonym-pool";

Error bad_pool(const std::string& why) {
  return make_error(Errc::malformed, "pseudonym pool: " + why);
}

}  // namespace

Bytes pool_signing_bytes(const PseudonymPool& pool) {
  std::string text = "PV-PSEUDONYM-POOL-V1\n" + pool.patient + "\n" + pool.issued + "\n";
  for (const auto& p : pool.pseudonyms) text += p + "\n";
  return Bytes(text.begin(), text.end());
}

PseudonymPool sign_pool(std::string patient, std::vector<std::string> pseudonyms,
                        const SigningKey& patient_key) {
  PseudonymPool pool{std::move(patient), utc_now_rfc3339(), std::move(pseudonyms), {}, {}};
  pool.signature = patient_key.sign(pool_signing_bytes(pool));
  return pool;
}

bool pool_signed_by(const PseudonymPool& pool, const std::vector<PublicKey>& patient_keys) {
  const Bytes message = pool_signing_bytes(pool);
  return std::any_of(patient_keys.begin(), patient_keys.end(), [&](const PublicKey& k) {
    return ed25519_verify(k, message, pool.signature);
  });
}

std::string encode_pool(const PseudonymPool& pool) {
  return json({{"format", kFormat},
               {"version", 1},
               {"patient", pool.patient},
               {"issued", pool.issued},
               {"pseudonyms", pool.pseudonyms},
               {"signature", to_base64(pool.signature.view())},
               {"used", pool.used}})
             .dump(2) +
         "\n";
}

Result<PseudonymPool> decode_pool(std::string_view text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object() || j.value("format", "") != kFormat || j.value("version", 0) != 1)
    return bad_pool("not a version-1 pseudonym pool file (pv pseudonym issue writes one)");
  PseudonymPool pool;
  try {
    pool.patient = j.at("patient").get<std::string>();
    pool.issued = j.at("issued").get<std::string>();
    pool.pseudonyms = j.at("pseudonyms").get<std::vector<std::string>>();
    pool.used = j.at("used").get<std::vector<std::string>>();
    auto sig = from_base64(j.at("signature").get<std::string>());
    if (!sig) return bad_pool("signature is not base64");
    auto s = Signature::from(*sig);
    if (!s) return bad_pool("signature must be 64 bytes");
    pool.signature = *s;
  } catch (const json::exception&) {
    return bad_pool("a field is missing or of the wrong type");
  }
  if (pool.patient.rfind("did:", 0) != 0) return bad_pool("patient must be a DID");
  if (!is_rfc3339_utc(pool.issued)) return bad_pool("issued must be an RFC 3339 UTC time");
  if (pool.pseudonyms.empty() || pool.pseudonyms.size() > kMaxPoolPseudonyms)
    return bad_pool("1 to " + std::to_string(kMaxPoolPseudonyms) + " pseudonyms");
  std::set<std::string> seen;
  for (const auto& p : pool.pseudonyms) {
    if (!public_key_from_did_key(p)) return bad_pool(p + " is not an Ed25519 did:key");
    if (!seen.insert(p).second) return bad_pool(p + " is listed twice");
    if (p == pool.patient) return bad_pool("the patient's own DID is not a pseudonym");
  }
  std::set<std::string> used;
  for (const auto& u : pool.used)
    if (!seen.count(u) || !used.insert(u).second)
      return bad_pool("used names " + u + ", which is not a pseudonym of the pool or is twice");
  return pool;
}

Result<std::string> next_unused(const PseudonymPool& pool) {
  for (const auto& p : pool.pseudonyms)
    if (std::find(pool.used.begin(), pool.used.end(), p) == pool.used.end()) return p;
  return make_error(Errc::not_found, "every pseudonym of " + pool.patient +
                                         "'s pool is used: ask the patient for a new pool "
                                         "(pv pseudonym issue)");
}

}  // namespace pv
