// Canonical encoding of the attestation payloads (types 40 and 41).

#include "codec/binary.hpp"
#include "ledger/attestation_payloads.hpp"
#include "ledger/attribute_table.hpp"

namespace pv {
namespace {

constexpr std::string_view kIssueMagic = "PVAT";
constexpr std::string_view kRevokeMagic = "PVAR";

// Returns the payload version: 1, or 2 for an issue signed by a practitioner (with credential).
Result<std::uint8_t> read_header(BinaryReader& r, std::string_view magic, const char* what,
                                 std::uint8_t max_version) {
  auto m = r.raw(magic.size(), what);
  if (!m) return m.error();
  if (std::string_view(reinterpret_cast<const char*>(m->data()), m->size()) != magic)
    return make_error(Errc::malformed,
                      std::string(what) + ": wrong magic (not " + std::string(magic) + ")");
  auto v = r.u8("payload version");
  if (!v) return v.error();
  if (*v < kAttestationPayloadVersion || *v > max_version)
    return make_error(Errc::malformed,
                      std::string(what) + ": unsupported version " + std::to_string(*v));
  return *v;
}

}  // namespace

std::string_view attestation_revoke_reason_name(AttestationRevokeReason r) {
  switch (r) {
    case AttestationRevokeReason::unspecified:
      return "unspecified";
    case AttestationRevokeReason::issued_in_error:
      return "issued-in-error";
    case AttestationRevokeReason::superseded:
      return "superseded";
    case AttestationRevokeReason::withdrawn:
      return "withdrawn";
  }
  return "unknown";
}

Result<AttestationRevokeReason> parse_attestation_revoke_reason(std::string_view s) {
  for (std::uint8_t i = 0; i <= kMaxAttestationRevokeReason; ++i) {
    auto r = static_cast<AttestationRevokeReason>(i);
    if (attestation_revoke_reason_name(r) == s) return r;
  }
  return make_error(Errc::invalid_argument,
                    "a revocation reason is unspecified, issued-in-error, superseded or withdrawn");
}

Bytes encode_attestation_issue(const AttestationIssue& a) {
  BinaryWriter w;
  w.raw(as_bytes(kIssueMagic));
  w.u8(a.credential.empty() ? kAttestationPayloadVersion : kAttestationPayloadVersionPractitioner);
  w.var(a.patient);
  w.var(a.schema);
  w.u8(static_cast<std::uint8_t>(a.attributes.size()));
  for (const auto& at : a.attributes) {
    w.var(at.name);
    w.fixed(at.commitment);
  }
  w.var(ByteView(a.openings_cid));
  w.fixed(a.openings_key.recipient);
  w.fixed(a.openings_key.sealed);
  if (!a.credential.empty()) w.var(a.credential);
  return w.take();
}

Result<AttestationIssue> decode_attestation_issue(ByteView payload) {
  BinaryReader r(payload);
  auto version = read_header(r, kIssueMagic, "attestation", kAttestationPayloadVersionPractitioner);
  if (!version) return version.error();
  AttestationIssue a;
  auto patient = r.text(kMaxPersonDidBytes, "attestation patient");
  if (!patient) return patient.error();
  if (auto s = check_person_did(*patient); !s)
    return make_error(s.error().code, "attestation patient: " + s.error().message);
  a.patient = std::move(*patient);
  auto schema = r.text(64, "attestation schema");
  if (!schema) return schema.error();
  PV_TRY(check_attribute_schema(*schema));
  a.schema = std::move(*schema);
  auto count = r.u8("attribute count");
  if (!count) return count.error();
  if (*count == 0 || *count > kMaxAttestationAttributes)
    return make_error(Errc::malformed, "an attestation holds 1 to 64 attributes");
  for (std::uint8_t i = 0; i < *count; ++i) {
    auto name = r.text(kMaxAttributeNameBytes, "attribute name");
    if (!name) return name.error();
    if (!find_attribute(a.schema, *name))
      return make_error(Errc::invalid_argument,
                        "attribute \"" + *name + "\" is not in " + a.schema);
    if (!a.attributes.empty() && !(a.attributes.back().name < *name))
      return make_error(Errc::non_canonical,
                        "attribute names must be strictly increasing (sorted, each once)");
    auto commitment = r.fixed<zk::kPointBytes>("attribute commitment");
    if (!commitment) return commitment.error();
    if (auto p = zk::Point::decode(commitment->view()); !p)
      return make_error(
          p.error().code,
          "commitment of " + *name + " is not a canonical P-256 point: " + p.error().message);
    a.attributes.push_back({std::move(*name), *commitment});
  }
  auto cid = r.var(kMaxAttestationCidBytes, "openings CID");
  if (!cid) return cid.error();
  if (cid->size() < 4 || (*cid)[0] != 0x01)
    return make_error(Errc::malformed, "the openings CID must be a binary CIDv1");
  a.openings_cid.assign(cid->begin(), cid->end());
  auto recipient = r.fixed<32>("openings key recipient");
  if (!recipient) return recipient.error();
  auto sealed = r.fixed<kSealedKeySize>("openings key");
  if (!sealed) return sealed.error();
  a.openings_key = {*recipient, *sealed};
  if (*version == kAttestationPayloadVersionPractitioner) {
    // One encoding per value: version 2 exists only to carry a credential.
    auto credential = r.text(kMaxAttestationCredentialBytes, "issuer credential");
    if (!credential) return credential.error();
    if (credential->empty())
      return make_error(Errc::non_canonical,
                        "a version 2 attestation carries a credential (version 1 has none)");
    a.credential = std::move(*credential);
  }
  PV_TRY(r.expect_end("attestation"));
  return a;
}

Bytes encode_attestation_revoke(const AttestationRevoke& rv) {
  BinaryWriter w;
  w.raw(as_bytes(kRevokeMagic));
  w.u8(kAttestationPayloadVersion);
  w.fixed(rv.attestation);
  w.u8(static_cast<std::uint8_t>(rv.reason));
  return w.take();
}

Result<AttestationRevoke> decode_attestation_revoke(ByteView payload) {
  BinaryReader r(payload);
  PV_TRY(
      read_header(r, kRevokeMagic, "attestation revocation", kAttestationPayloadVersion).status());
  AttestationRevoke rv;
  auto id = r.fixed<32>("attestation id");
  if (!id) return id.error();
  rv.attestation = *id;
  auto reason = r.u8("revocation reason");
  if (!reason) return reason.error();
  if (*reason > kMaxAttestationRevokeReason)
    return make_error(Errc::malformed, "unknown revocation reason " + std::to_string(*reason));
  rv.reason = static_cast<AttestationRevokeReason>(*reason);
  PV_TRY(r.expect_end("attestation revocation"));
  return rv;
}

Result<std::vector<zk::Point>> attestation_commitments(const AttestationIssue& a) {
  std::vector<zk::Point> out;
  out.reserve(a.attributes.size());
  for (const auto& at : a.attributes) {
    auto p = zk::Point::decode(at.commitment.view());
    if (!p) return p.error();
    out.push_back(std::move(*p));
  }
  return out;
}

std::optional<std::uint32_t> attestation_attribute_index(const AttestationIssue& a,
                                                         std::string_view name) {
  for (std::size_t i = 0; i < a.attributes.size(); ++i)
    if (a.attributes[i].name == name) return static_cast<std::uint32_t>(i);
  return std::nullopt;
}

}  // namespace pv
