#pragma once
// Claims about a named attribute of an attestation, as a person writes them and as a
// presentation file carries them (docs/attestations.md, "Claims"):
//
//   birth_date <= 2008-12-06        at most        (zk at_most, 32 bits)
//   vaccination_date > 2020-01-01   at least the next value (zk at_least, 32 bits)
//   hba1c < 6.5                     at most 6.4 % (values are integers in the attribute's unit)
//   vaccine = measles               equal
//   blood_group in O-,O+            one of 1..64 values (zk member)
//   hba1c between 4.0 and 6.4       both bounds (zk between, 32 bits)
//
// Values are parsed with the attribute table (ledger/attribute_table.hpp), so a claim means the
// same integers for the prover and the verifier. A range's bit width is part of the claim: 32
// bits, so "at least lo" means lo <= value < lo + 2^32, which covers every value of the table.

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "ledger/attestation_payloads.hpp"
#include "zk/presentation.hpp"

namespace pv {

inline constexpr std::uint32_t kClaimRangeBits = 32;

struct AttestationClaim {
  std::string attribute;
  zk::ClaimKind kind = zk::ClaimKind::equal;
  std::int64_t lo = 0, hi = 0;  // equal: lo; at_least: lo; at_most: hi; between: both
  std::uint32_t bits = 0;       // range kinds: kClaimRangeBits
  std::vector<std::int64_t> set;
  friend bool operator==(const AttestationClaim&, const AttestationClaim&) = default;
};

// Parses "NAME OP VALUE" (OP one of = == <= >= < >), "NAME in V1,V2,..." and
// "NAME between V1 and V2" against `schema`. Errc::invalid_argument saying what is wrong.
[[nodiscard]] Result<AttestationClaim> parse_claim(std::string_view schema, std::string_view text);
// The claim in words with the table's units: "birth_date <= 2008-12-06".
std::string describe_claim(std::string_view schema, const AttestationClaim& claim);
// Whether `value` satisfies the claim (the prover's own check before proving).
bool claim_holds(const AttestationClaim& claim, std::int64_t value);

nlohmann::json claim_to_json(const AttestationClaim& claim);
// Strict: known kind, the fields that kind needs and no others, the supported bit width.
[[nodiscard]] Result<AttestationClaim> claim_from_json(const nlohmann::json& j);

// The zk claim over the attestation's attribute indices; Errc::invalid_argument when the
// attestation holds no such attribute.
[[nodiscard]] Result<zk::Claim> to_zk_claim(const AttestationIssue& attestation,
                                            const AttestationClaim& claim);

}  // namespace pv
