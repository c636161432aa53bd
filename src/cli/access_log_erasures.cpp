#include "cli/access_log_erasures.hpp"

#include "cli/ledger_prover.hpp"
#include "cli/party_names.hpp"
#include "ledger/erasure/erasure_payloads.hpp"
#include "ledger/signer.hpp"

namespace pv::cli {
namespace {

using nlohmann::json;

std::string identifier_of(const json& reference) {
  if (!reference.is_object() || !reference.contains("identifier")) return {};
  return reference["identifier"].value("value", "");
}

bool is_count(const std::string& s) {
  return !s.empty() && s.size() <= 19 && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

std::string ledger_value(const json& resource, const char* name) {
  for (const auto& ext : resource.value("extension", json::array()))
    for (const auto& e : ext.value("extension", json::array()))
      if (e.value("url", "") == name && e.contains("valueString"))
        return e["valueString"].get<std::string>();
  return {};
}

std::string erasure_event_kind(const json& resource) {
  std::string kind = ledger_value(resource, "event");
  return kind == "erasure" || kind == "legal-hold" ? kind : std::string();
}

Result<ErasureLogEntry> read_erasure_entry(const json& e) {
  ErasureLogEntry l;
  try {
    l.kind = erasure_event_kind(e);
    if (l.kind.empty()) return make_error(Errc::malformed, "not an erasure or legal-hold event");
    if (l.kind == "erasure") l.id = e.at("id").get<std::string>();
    l.time = e.at("recorded").get<std::string>();
    for (const auto& agent : e.at("agent")) {
      const std::string who = identifier_of(agent.value("who", json()));
      if (agent.value("requestor", false))
        l.signer = who;
      else if (agent.value("who", json()).value("type", "") == "Organization")
        l.organization = who;
    }
    const json& what = e.at("entity").at(0);
    l.record = identifier_of(what.at("what"));
    l.category = what.value("name", "");
    l.verdict = e.value("outcomeDesc", "");
  } catch (const json::exception&) {
    return make_error(Errc::malformed,
                      "the node served an erasure AuditEvent of an unexpected shape");
  }
  l.height = ledger_value(e, "height");
  l.reason = ledger_value(e, "reason");
  l.erased_by = ledger_value(e, "erasedBy");
  l.receipts = ledger_value(e, "receipts");
  if (l.signer.empty() || l.record.empty() || l.reason.empty() || !is_count(l.height) ||
      (l.kind == "erasure" && (l.erased_by.empty() || !is_count(l.receipts))))
    return make_error(Errc::malformed,
                      "the node served an erasure AuditEvent missing its signer, "
                      "record, reason or height");
  return l;
}

json erasure_entry_json(const ErasureLogEntry& l) {
  json j = {{"kind", l.kind},     {"time", l.time},     {"height", std::stoull(l.height)},
            {"record", l.record}, {"signer", l.signer}, {"reason", l.reason}};
  if (!l.category.empty()) j["category"] = l.category;
  if (!l.organization.empty()) j["organization"] = l.organization;
  if (l.kind == "erasure") {
    j["id"] = l.id;
    j["erasedBy"] = l.erased_by;
    j["receipts"] = std::stoull(l.receipts);
  } else {
    j["active"] = true;
    j["verdict"] = l.verdict;
  }
  return j;
}

std::string erasure_entry_text(const ErasureLogEntry& l, const PartyNames& names) {
  const std::string who =
      names.show(l.signer) + (l.organization.empty() ? "" : " for " + names.show(l.organization));
  if (l.kind == "legal-hold")
    return l.time + "  LEGAL HOLD  record " + l.record.substr(0, 12) + " held by " + who +
           " since height " + l.height + "  reason " + l.reason +
           "\n      an erasure is refused until it is lifted: " + l.verdict + "\n";
  return l.time + "  ERASED  record " + l.record.substr(0, 12) +
         (l.category.empty() ? "" : " (" + l.category + ")") + " at height " + l.height + " by " +
         (l.erased_by == "holder" ? "you, " : "a data-protection officer, ") + who + "  reason " +
         l.reason + "\n      erasure " + l.id.substr(0, 12) +
         "; nodes that confirmed: " + l.receipts + "\n";
}

Result<ErasureLogEntry> erasure_from_status(const json& status, const std::string& signer) {
  ErasureLogEntry l;
  try {
    if (!status.at("erased").get<bool>())
      return make_error(Errc::corruption, "the node says record " +
                                              status.at("record").get<std::string>() +
                                              " is not erased, which the wallet saw committed");
    const json& t = status.at("tombstone");
    l.kind = "erasure";
    l.id = t.at("transaction").get<std::string>();
    l.time = t.at("time").get<std::string>();
    l.height = std::to_string(t.at("height").get<std::uint64_t>());
    l.record = status.at("record").get<std::string>();
    l.signer = signer;
    l.erased_by = t.at("by").at("kind").get<std::string>();
    l.organization = t.at("by").value("organization", "");
    l.reason = t.at("reason").get<std::string>();
    l.receipts = std::to_string(status.at("receipts").size());
  } catch (const json::exception&) {
    return make_error(Errc::malformed, "the node's erasure status is not what docs/api.md says");
  }
  return l;
}

Status matches_erase(const ErasureLogEntry& l, const ProvenTx& proven) {
  auto erase = decode_record_erase(proven.tx.payload);
  if (!erase) return erase.error();
  if (erase->record.hex() != l.record || erasure_reason_code(erase->reason) != l.reason ||
      nonce_owner(proven.tx.signer) != l.signer ||
      (l.erased_by == "holder") != erase->credential.empty())
    return make_error(Errc::corruption,
                      "erasure " + l.id + " as served differs from the proven transaction");
  return Status::ok();
}

}  // namespace pv::cli
