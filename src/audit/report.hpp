#pragma once
// The regulator's report (docs/audit.md, "Reports"): what happened on the ledger the auditor
// verified, counted per organization, per kind and per day, and never a patient identifier, a
// record id or a practitioner's name. It is computed from a verified replica (audit/
// ledger_replica.hpp) and the auditor's own files (accepted and cosigned checkpoints, evidence).
//
// What is counted, from each block's transactions and their verdicts:
//   - ledger growth: blocks and transactions per UTC day;
//   - transactions per organization and per kind (a signer that is a member organization or one
//     of its nodes counts for it; every other signer, patients and practitioners, is "persons");
//   - reads (access events): permitted per basis and per reading organization, refusals per
//     reason (reasons with any DID or long hex run masked);
//   - emergency (break-glass) reads per organization, and custodian releases per organization;
//   - refused transactions per kind and reason (masked the same way);
//   - credential revocations per organization; attestations issued and revoked;
//   - erasures (none while the ledger has no erasure transaction type: the report says so).

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/result.hpp"

namespace pv::audit {

struct ReportRange {
  std::optional<std::uint64_t> from_ms;  // inclusive, block time
  std::optional<std::uint64_t> to_ms;    // exclusive
};

// The report of the auditor's data directory: its most advanced verified replica (under
// <data_dir>/nodes/*/replica, opened read-only so a running auditor is not disturbed), the
// accepted and cosigned checkpoints and the alarms. Errc::not_found when nothing was verified.
[[nodiscard]] Result<nlohmann::json> audit_report(const std::string& data_dir,
                                                  const ReportRange& range);

// The report as one self-contained HTML page (inline CSS and SVG charts, no script, no network).
std::string report_html(const nlohmann::json& report);

// A reason with every DID ("did:…") and every run of 16 or more hex digits replaced, so that a
// verdict's wording never carries an identifier into the report.
std::string mask_identifiers(std::string_view reason);

}  // namespace pv::audit
