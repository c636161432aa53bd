// Fuzzes the attestation payload decoders (ledger/attestation_payloads.hpp). The first byte picks
// the decoder (even: attestation-issue, odd: attestation-revoke); the rest is the payload.
// Invariants, for every payload that decodes:
//  - canonicality: encode(decode(x)) == x, byte for byte;
//  - 1..64 attributes, names strictly ascending and in the schema's table;
//  - every commitment decodes as a P-256 point (never the identity), so the validity rules and
//    the verifier can build the zk statement from any accepted payload;
//  - a practitioner's payload (version 2) carries a non-empty credential, version 1 none.
// Payloads that do not decode fail with a value naming what failed, never a crash.

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "ledger/attestation_payloads.hpp"
#include "ledger/attribute_table.hpp"

namespace {

void require(bool ok, const char* invariant) {
  if (ok) return;
  std::fprintf(stderr, "attestation_payload_fuzz: invariant violated: %s\n", invariant);
  std::abort();
}

void same(const pv::Bytes& again, pv::ByteView input) {
  require(again.size() == input.size() && std::equal(again.begin(), again.end(), input.begin()),
          "encode(decode(x)) == x");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pv;
  if (size == 0) return 0;
  const ByteView payload(data + 1, size - 1);
  if (data[0] % 2 == 0) {
    auto a = decode_attestation_issue(payload);
    if (!a) {
      require(!a.error().message.empty(), "a decode error names what failed");
      return 0;
    }
    same(encode_attestation_issue(*a), payload);
    require(!a->attributes.empty() && a->attributes.size() <= kMaxAttestationAttributes,
            "1..64 attributes");
    for (std::size_t i = 0; i < a->attributes.size(); ++i) {
      require(find_attribute(a->schema, a->attributes[i].name) != nullptr, "names in the table");
      require(i == 0 || a->attributes[i - 1].name < a->attributes[i].name, "names ascending");
    }
    auto points = attestation_commitments(*a);
    require(points && points->size() == a->attributes.size(), "commitments decode");
    for (const auto& p : *points) require(!p.is_identity(), "no commitment is the identity");
    require(a->credential.empty() == (payload[4] == kAttestationPayloadVersion),
            "version 2 exactly when a credential is carried");
  } else {
    auto r = decode_attestation_revoke(payload);
    if (!r) {
      require(!r.error().message.empty(), "a decode error names what failed");
      return 0;
    }
    same(encode_attestation_revoke(*r), payload);
    require(static_cast<std::uint8_t>(r->reason) <= kMaxAttestationRevokeReason, "known reason");
  }
  return 0;
}
