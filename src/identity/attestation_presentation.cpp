#include "identity/attestation_presentation.hpp"

#include "ledger/consent_vocabulary.hpp"
#include "ledger/jose.hpp"

namespace pv {
namespace {

using nlohmann::json;

constexpr std::string_view kContextLabel = "PatientVault-attestation-presentation-v1";
constexpr std::string_view kSignatureLabel = "PV-PRESENTATION-V1";

void put_var(Bytes& out, ByteView b) {
  const auto n = static_cast<std::uint32_t>(b.size());
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(n >> (8 * i)));
  out.insert(out.end(), b.begin(), b.end());
}

Error malformed(const std::string& why) {
  return make_error(Errc::malformed, "the proof file is malformed: " + why);
}

Result<std::string> string_field(const json& j, const char* key, std::size_t max) {
  auto it = j.find(key);
  if (it == j.end() || !it->is_string()) return malformed(std::string(key) + " is missing");
  std::string s = it->get<std::string>();
  if (s.empty() || s.size() > max) return malformed(std::string(key) + " is empty or too long");
  return s;
}

Result<Bytes> b64_field(const json& j, const char* key, std::size_t max) {
  auto s = string_field(j, key, max * 2);
  if (!s) return s.error();
  auto b = base64url_decode(*s);
  if (!b) return malformed(std::string(key) + " is not base64url");
  return b;
}

}  // namespace

Bytes presentation_context(const AttestationId& id, std::string_view verifier,
                           std::string_view nonce, const PublicKey& patient_key) {
  Bytes out;
  put_var(out, as_bytes(kContextLabel));
  put_var(out, id.view());
  put_var(out, as_bytes(verifier));
  put_var(out, as_bytes(nonce));
  put_var(out, patient_key.view());
  return out;
}

Result<zk::Statement> presentation_statement(const AttestationIssue& a, const PresentationFile& p) {
  zk::Statement st;
  st.context = presentation_context(p.attestation, p.verifier, p.nonce, p.patient_key);
  auto commitments = attestation_commitments(a);
  if (!commitments) return commitments.error();
  st.commitments = std::move(*commitments);
  for (const auto& c : p.claims) {
    auto z = to_zk_claim(a, c);
    if (!z) return z.error();
    st.claims.push_back(std::move(*z));
  }
  PV_TRY(st.validate());
  return st;
}

Bytes presentation_signing_message(const zk::Statement& st, ByteView proof) {
  Bytes m(kSignatureLabel.begin(), kSignatureLabel.end());
  const Hash32 instance = sha256(st.encode_instance());
  const Hash32 proof_hash = sha256(proof);
  m.insert(m.end(), instance.view().begin(), instance.view().end());
  m.insert(m.end(), proof_hash.view().begin(), proof_hash.view().end());
  return m;
}

std::string presentation_file_json(const PresentationFile& p, std::string_view schema) {
  json claims = json::array();
  for (const auto& c : p.claims) {
    json j = claim_to_json(c);
    j["text"] = describe_claim(schema, c);
    claims.push_back(std::move(j));
  }
  json doc = {{"format", kPresentationFormat},
              {"attestation", p.attestation.hex()},
              {"patient", p.patient},
              {"patientKey", base64url_encode(p.patient_key.view())},
              {"verifier", p.verifier},
              {"nonce", p.nonce},
              {"claims", claims},
              {"proof", base64url_encode(p.proof)},
              {"patientSignature", base64url_encode(p.signature.view())}};
  if (p.inclusion) {
    json hashes = json::array();
    for (const auto& h : p.inclusion->hashes) hashes.push_back(base64url_encode(h.view()));
    doc["inclusion"] = {{"transaction", base64url_encode(p.inclusion->transaction)},
                        {"checkpoint", p.inclusion->checkpoint},
                        {"logIndex", p.inclusion->log_index},
                        {"hashes", hashes}};
  }
  return doc.dump(2) + "\n";
}

Result<PresentationFile> parse_presentation_file(std::string_view text) {
  if (text.size() > kMaxPresentationFileBytes) return malformed("larger than 1 MiB");
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded() || !j.is_object()) return malformed("not a JSON object");
  auto format = string_field(j, "format", 64);
  if (!format || *format != kPresentationFormat)
    return malformed("format is not " + std::string(kPresentationFormat));
  PresentationFile p;
  auto id = string_field(j, "attestation", 64);
  if (!id) return id.error();
  auto parsed_id = Hash32::from_hex(*id);
  if (!parsed_id) return malformed("attestation is not 64 hex digits");
  p.attestation = *parsed_id;
  auto patient = string_field(j, "patient", kMaxPersonDidBytes);
  if (!patient) return patient.error();
  p.patient = *patient;
  auto key = b64_field(j, "patientKey", 32);
  if (!key) return key.error();
  auto pk = PublicKey::from(*key);
  if (!pk) return malformed("patientKey is not 32 bytes");
  p.patient_key = *pk;
  auto verifier = string_field(j, "verifier", kMaxSignerBytes);
  if (!verifier) return verifier.error();
  p.verifier = *verifier;
  auto nonce = string_field(j, "nonce", kMaxNonceBytes);
  if (!nonce) return nonce.error();
  p.nonce = *nonce;
  auto claims = j.find("claims");
  if (claims == j.end() || !claims->is_array() || claims->empty() ||
      claims->size() > zk::kMaxClaims)
    return malformed("claims must list 1 to 16 claims");
  for (json c : *claims) {
    if (c.is_object()) c.erase("text");  // for people; the verifier rewrites it from the claim
    auto claim = claim_from_json(c);
    if (!claim) return claim.error();
    p.claims.push_back(std::move(*claim));
  }
  auto proof = b64_field(j, "proof", 64 * 1024);
  if (!proof) return proof.error();
  p.proof = std::move(*proof);
  auto sig = b64_field(j, "patientSignature", 64);
  if (!sig) return sig.error();
  auto s = Signature::from(*sig);
  if (!s) return malformed("patientSignature is not 64 bytes");
  p.signature = *s;
  if (auto inc = j.find("inclusion"); inc != j.end()) {
    if (!inc->is_object()) return malformed("inclusion is not an object");
    CarriedInclusion c;
    auto tx = b64_field(*inc, "transaction", kMaxTxBytes);
    if (!tx) return tx.error();
    c.transaction = std::move(*tx);
    auto cp = string_field(*inc, "checkpoint", 8192);
    if (!cp) return cp.error();
    c.checkpoint = *cp;
    auto li = inc->find("logIndex");
    if (li == inc->end() || !li->is_number_unsigned()) return malformed("inclusion.logIndex");
    c.log_index = li->get<std::uint64_t>();
    auto hs = inc->find("hashes");
    if (hs == inc->end() || !hs->is_array() || hs->size() > 64)
      return malformed("inclusion.hashes");
    for (const auto& h : *hs) {
      if (!h.is_string()) return malformed("inclusion.hashes");
      auto raw = base64url_decode(h.get<std::string>());
      if (!raw) return malformed("inclusion.hashes");
      auto hash = Hash32::from(*raw);
      if (!hash) return malformed("inclusion.hashes");
      c.hashes.push_back(*hash);
    }
    p.inclusion = std::move(c);
  }
  return p;
}

Result<PresentationFile> make_presentation(const PresentationInput& in, const AttestationId& id,
                                           std::span<const zk::Opening> openings) {
  PresentationFile p;
  p.attestation = id;
  p.patient = in.attestation.patient;
  p.patient_key = in.patient_key.public_key();
  p.verifier = in.verifier;
  p.nonce = in.nonce;
  p.claims = in.claims;
  if (openings.size() != in.attestation.attributes.size())
    return make_error(Errc::invalid_argument, "the openings do not match the attestation");
  for (const auto& c : p.claims) {
    auto index = attestation_attribute_index(in.attestation, c.attribute);
    if (index && !claim_holds(c, openings[*index].value))
      return make_error(Errc::invalid_argument,
                        "the claim " + describe_claim(in.attestation.schema, c) +
                            " is false for your attested value; no proof was made");
  }
  auto st = presentation_statement(in.attestation, p);
  if (!st) return st.error();
  zk::OsScalars rng;
  auto proof = zk::prove_presentation(*st, openings, rng);
  if (!proof) return proof.error();
  p.proof = std::move(*proof);
  p.signature = in.patient_key.sign(presentation_signing_message(*st, p.proof));
  return p;
}

Result<AttestationFacts> attestation_facts_from_state(const StateView& state,
                                                      const AttestationId& id) {
  auto s = load_attestation(state, id);
  if (!s) return s.error();
  if (!*s) return make_error(Errc::not_found, "no attestation " + id.hex() + " is on this ledger");
  AttestationFacts f;
  f.issue = std::move((*s)->issue);
  f.issuer = std::move((*s)->issuer);
  f.attested_by = std::move((*s)->attested_by);
  f.height = (*s)->height;
  f.revoked = (*s)->revoked;
  f.revoked_height = (*s)->revoked_height;
  auto keys = current_keys_of(state, f.issue.patient);
  if (keys) f.patient_keys = std::move(*keys);
  return f;
}

PresentationVerdict check_presentation(const PresentationFile& p, const AttestationFacts& f,
                                       std::string_view expected_nonce,
                                       std::string_view expected_verifier) {
  PresentationVerdict v;
  for (const auto& c : p.claims) v.claims.push_back(describe_claim(f.issue.schema, c));
  auto no = [&](std::string why) {
    v.valid = false;
    v.reason = std::move(why);
    return v;
  };
  if (f.revoked)
    return no("the attestation was revoked by its issuer at height " +
              std::to_string(f.revoked_height));
  if (p.nonce != expected_nonce)
    return no("the proof was made for another nonce (a replay, or a proof meant for someone else)");
  if (!expected_verifier.empty() && p.verifier != expected_verifier)
    return no("the proof was made for another verifier (" + p.verifier + ")");
  if (p.patient != f.issue.patient)
    return no("the proof names patient " + p.patient + ", the attestation is about " +
              f.issue.patient);
  if (f.patient_keys.empty())
    return no("the patient's current keys are unknown here, so the signature cannot be checked");
  if (std::find(f.patient_keys.begin(), f.patient_keys.end(), p.patient_key) ==
      f.patient_keys.end())
    return no("the presentation is not signed by a current key of the attestation's patient");
  auto st = presentation_statement(f.issue, p);
  if (!st) return no("the claims do not fit the attestation: " + st.error().message);
  if (auto s = zk::verify_presentation(*st, p.proof); !s)
    return no("the zero-knowledge proof does not verify (" + s.error().message + ")");
  if (!ed25519_verify(p.patient_key, presentation_signing_message(*st, p.proof), p.signature))
    return no("the patient's signature over the presentation does not verify");
  v.valid = true;
  v.reason = "valid";
  return v;
}

}  // namespace pv
