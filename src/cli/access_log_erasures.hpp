#pragma once
// The erasure side of `pv access-log` (docs/erasure.md, "The patient's side"): the node's
// AuditEvents of kind "erasure" (one of the patient's records was erased) and "legal-hold" (a
// hold is active on one of them), read into what the command prints and checks.

#include <nlohmann/json.hpp>
#include <string>

#include "base/result.hpp"

namespace pv::cli {

struct ProvenTx;
class PartyNames;

// The value of the ledger extension `name` of a served AuditEvent ("" when absent).
std::string ledger_value(const nlohmann::json& resource, const char* name);

// "erasure", "legal-hold", or "" for an access event.
std::string erasure_event_kind(const nlohmann::json& resource);

struct ErasureLogEntry {
  std::string kind;          // "erasure" or "legal-hold"
  std::string id;            // the erase transaction (empty for a hold)
  std::string time, height;  // the ledger's block time and height
  std::string record, category;
  std::string signer;        // the patient, or the officer
  std::string organization;  // the officer's organization (empty when the patient erased)
  std::string erased_by;     // "holder" or "data-protection-officer"
  std::string reason;        // the erasure or hold reason code
  std::string receipts;      // erasure: member nodes that confirmed
  std::string verdict;       // hold: what an erasure attempt is refused with
};

[[nodiscard]] Result<ErasureLogEntry> read_erasure_entry(const nlohmann::json& resource);

// An erasure as GET /v1/records/{id}/erasure describes it, for a record erased under the
// patient's pseudonym `signer` (her wallet's note; the node no longer links it to her).
[[nodiscard]] Result<ErasureLogEntry> erasure_from_status(const nlohmann::json& status,
                                                          const std::string& signer);

// {"kind", "time", "height", "record", "signer", "reason", ...} for --json.
nlohmann::json erasure_entry_json(const ErasureLogEntry& e);

// One line (and a detail line) for the human output.
std::string erasure_entry_text(const ErasureLogEntry& e, const PartyNames& names);

// The shown erasure must say what the proven record-erase transaction says.
[[nodiscard]] Status matches_erase(const ErasureLogEntry& e, const ProvenTx& proven);

}  // namespace pv::cli
