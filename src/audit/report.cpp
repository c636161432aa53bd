#include "audit/report.hpp"

#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "audit/alarms.hpp"
#include "base/time_text.hpp"
#include "codec/did_key.hpp"
#include "ledger/consent_payloads.hpp"
#include "ledger/credential_revocation.hpp"
#include "ledger/erasure/erasure_payloads.hpp"
#include "ledger/erasure/erasure_state.hpp"
#include "ledger/org_state.hpp"
#include "ledger/signer.hpp"
#include "ledger/tx_registry.hpp"
#include "ledger/vc_jwt.hpp"
#include "storage/ledger_store.hpp"

namespace pv::audit {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kPersons = "persons (not named)";

bool is_hex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

std::string utc_day(std::uint64_t ms) {
  return rfc3339_from_ms(ms).substr(0, 10);
}

// Names signers by organization: a member organization's DID, or a key of one of its nodes.
class OrganizationNames {
 public:
  explicit OrganizationNames(const StateView& state) : state_(state) {}

  std::string of(const std::string& signer) {
    const std::string did = nonce_owner(signer);
    if (auto it = cache_.find(did); it != cache_.end()) return it->second;
    std::string name = org_name(did);
    if (name.empty() && did.rfind("did:key:", 0) == 0) {
      if (auto key = public_key_from_did_key(did))
        if (auto owner = state_.get(node_key_state_key(*key)))
          name = org_name(std::string(as_chars(*owner)));
    }
    if (name.empty()) name = kPersons;
    return cache_[did] = name;
  }
  // The organization named in an access event (a DID), or "" when none.
  std::string of_did(const std::string& did) {
    if (did.empty()) return "(none)";
    std::string name = org_name(did);
    return name.empty() ? "(not a member)" : name;
  }

 private:
  std::string org_name(const std::string& did) {
    auto org = load_organization(state_, did);
    if (!org || !*org) return "";
    return (*org)->name;
  }
  const StateView& state_;
  std::map<std::string, std::string> cache_;
};

// The verified replica that got furthest: <data_dir>/nodes/<node>/replica.
Result<std::string> best_replica(const std::string& data_dir) {
  const fs::path nodes = fs::path(data_dir) / "nodes";
  std::error_code ec;
  if (!fs::is_directory(nodes, ec))
    return make_error(Errc::not_found, data_dir +
                                           " holds no verified ledger (no nodes/ directory): is it "
                                           "the --data-dir of pv audit serve?");
  std::string best;
  std::uint64_t best_height = 0;
  for (const auto& entry : fs::directory_iterator(nodes, ec)) {
    const fs::path replica = entry.path() / "replica";
    if (!fs::is_directory(replica, ec)) continue;
    auto store = LedgerStore::open(replica.string(), LedgerStore::Mode::read_only);
    if (!store) continue;
    auto head = (*store)->head();
    if (!head || !*head) continue;
    if (best.empty() || **head > best_height) {
      best = replica.string();
      best_height = **head;
    }
  }
  if (best.empty())
    return make_error(Errc::not_found, "no follower in " + data_dir + " has verified a block yet");
  return best;
}

json read_json_file(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return json();
  std::stringstream text;
  text << in.rdbuf();
  return json::parse(text.str(), nullptr, false);
}

// The integrity part: what was verified, the latest checkpoint cosigned by this auditor's
// witness, and the alarms raised (from the evidence files).
json integrity(const std::string& data_dir, const LedgerStore& store, std::uint64_t head) {
  json out = json::object();
  auto block = store.block(head);
  if (block) {
    out["verifiedHeight"] = head;
    out["logSize"] = block->header.log_size;
    out["logRoot"] = block->header.log_root.hex();
    out["stateDigest"] = block->header.state_digest.hex();
    out["headTime"] = rfc3339_from_ms(block->header.time_ms);
  }
  json cosigned = nullptr;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(fs::path(data_dir) / "witness-state", ec)) {
    if (entry.path().extension() != ".json") continue;
    json j = read_json_file(entry.path());
    if (!j.is_object() || !j.contains("size") || !j["size"].is_number_unsigned()) continue;
    if (cosigned.is_null() ||
        j["size"].get<std::uint64_t>() > cosigned["size"].get<std::uint64_t>()) {
      // The witness keeps the root as the note writes it (base64); the report shows hex, as
      // the block headers' log root above.
      auto root = from_base64(j.value("root", ""));
      cosigned = {{"origin", j.value("origin", "")},
                  {"size", j["size"]},
                  {"root", root && root->size() == 32 ? to_hex(*root) : j.value("root", "")}};
    }
  }
  out["cosignedCheckpoint"] = cosigned;
  json alarms = json::object();
  int total = 0;
  if (auto files = list_evidence(data_dir)) {
    for (const auto& f : *files) {
      json e = read_json_file(f);
      const std::string kind = e.is_object() ? e.value("kind", "unknown") : "unreadable";
      alarms[kind] = alarms.value(kind, 0) + 1;
      ++total;
    }
  }
  out["alarms"] = alarms;
  out["status"] = total == 0 ? "verified, no alarm" : "ALARM";
  return out;
}

void bump(json& object, const std::string& key, int by = 1) {
  if (!object.is_object()) object = json::object();
  object[key] = object.value(key, 0) + by;
}

// Sorted by count, largest first: [{"reason": ..., "count": n}, ...].
json ranked(const std::map<std::string, int>& counts, const char* label) {
  std::vector<std::pair<std::string, int>> v(counts.begin(), counts.end());
  std::stable_sort(v.begin(), v.end(), [](auto& a, auto& b) { return a.second > b.second; });
  json out = json::array();
  for (auto& [k, n] : v) out.push_back({{label, k}, {"count", n}});
  return out;
}

}  // namespace

std::string mask_identifiers(std::string_view reason) {
  std::string out;
  std::size_t i = 0;
  while (i < reason.size()) {
    if (reason.compare(i, 4, "did:") == 0) {
      std::size_t j = i + 4;
      while (j < reason.size() && reason[j] != ' ' && reason[j] != ',' && reason[j] != ')' &&
             reason[j] != '"' && reason[j] != '\'' && reason[j] != ';')
        ++j;
      out += "<did>";
      i = j;
      continue;
    }
    std::size_t j = i;
    while (j < reason.size() && is_hex(reason[j])) ++j;
    const bool word_start = i == 0 || !std::isalnum(static_cast<unsigned char>(reason[i - 1]));
    if (j - i >= 16 && word_start) {
      out += "<id>";
      i = j;
      continue;
    }
    if (j > i) {
      out.append(reason.substr(i, j - i));
      i = j;
      continue;
    }
    out += reason[i++];
  }
  return out;
}

Result<json> audit_report(const std::string& data_dir, const ReportRange& range) {
  auto path = best_replica(data_dir);
  if (!path) return path.error();
  auto opened = LedgerStore::open(*path, LedgerStore::Mode::read_only);
  if (!opened) return opened.error();
  const LedgerStore& store = **opened;
  auto head = store.head();
  if (!head) return head.error();
  const std::uint64_t top = head->value_or(0);

  OrganizationNames names(store);
  const TxRegistry& registry = builtin_tx_registry();
  json growth = json::object();  // day -> {blocks, transactions}
  json by_org = json::object();  // org -> kind -> n
  json by_kind = json::object();
  json reads_by_basis = json::object();
  json consented_by_org = json::object();
  json emergency_by_org = json::object();
  json releases_by_org = json::object();
  json credential_revocations = json::object();
  json attestations = {{"issued", 0}, {"revoked", 0}};
  // Erasures (issue 17): per author organization, reason and who signed (the patient, or an
  // officer of that organization); legal holds per organization and reason; node receipts.
  json erased_by_org = json::object(), erased_by_reason = json::object(),
       erased_by_signer = json::object(), holds_placed = json::object(),
       holds_lifted = json::object(), holds_by_reason = json::object(),
       receipts_by_org = json::object();
  std::uint64_t erasures = 0;
  // Patients' pseudonyms-only rules set and lifted (counts only: the signer is a patient).
  json pseudonyms_only = {{"required", 0}, {"lifted", 0}};
  std::map<std::string, int> read_refusals, tx_refusals;
  std::uint64_t blocks = 0, transactions = 0, refused_reads = 0, refused_txs = 0;

  for (std::uint64_t h = 1; h <= top; ++h) {
    auto block = store.block(h);
    if (!block)
      return make_error(block.error().code,
                        "block " + std::to_string(h) + ": " + block.error().message);
    const std::uint64_t t = block->header.time_ms;
    if (range.from_ms && t < *range.from_ms) continue;
    if (range.to_ms && t >= *range.to_ms) break;
    ++blocks;
    json& day = growth[utc_day(t)];
    bump(day, "blocks");
    bump(day, "transactions", static_cast<int>(block->transactions.size()));
    for (std::size_t i = 0; i < block->transactions.size(); ++i) {
      ++transactions;
      auto tx = decode_transaction(block->transactions[i]);
      if (!tx) continue;  // the verdict already says malformed; nothing to attribute
      const TxResult& result = block->results[i];
      const TxTypeRules* rules = registry.find(tx->type);
      const std::string kind = rules ? rules->name : "type-" + std::to_string(tx->type);
      const std::string org = names.of(tx->signer);
      bump(by_kind, kind);
      bump(by_org[org], kind);
      if (result.code != TxCode::valid) {
        ++refused_txs;
        ++tx_refusals[kind + ": " +
                      mask_identifiers(result.reason.empty() ? tx_code_name(result.code)
                                                             : result.reason)];
        continue;
      }
      if (tx->type == kTxTypeAccessEvent) {
        auto e = decode_access_event(tx->payload);
        if (!e) continue;
        const std::string reader_org = names.of_did(e->reader_organization);
        if (e->outcome == AccessOutcome::refused) {
          ++refused_reads;
          ++read_refusals[mask_identifiers(e->reason)];
          continue;
        }
        bump(reads_by_basis, std::string(access_basis_name(e->basis)));
        if (e->basis == AccessBasis::consent) bump(consented_by_org, reader_org);
        if (e->basis == AccessBasis::emergency) bump(emergency_by_org, reader_org);
      } else if (tx->type == kTxTypeEmergencyRelease) {
        bump(releases_by_org, org);
      } else if (tx->type == kTxTypeCredentialRevoke) {
        bump(credential_revocations, org);
      } else if (tx->type == kTxTypeRecordErase) {
        auto e = decode_record_erase(tx->payload);
        if (!e) continue;
        ++erasures;
        bump(erased_by_reason, std::string(erasure_reason_code(e->reason)));
        bump(erased_by_signer, e->credential.empty() ? "patient" : "data-protection officer");
        std::string author = "(unknown)";
        if (auto tomb = load_erasure_tombstone(store, e->record); tomb && *tomb)
          author = names.of_did((*tomb)->record_organization);
        bump(erased_by_org, author);
      } else if (tx->type == kTxTypeLegalHold) {
        auto hold = decode_legal_hold(tx->payload);
        if (!hold) continue;
        auto cred = peek_role_credential(hold->credential);
        const std::string officer_org = cred ? names.of_did(cred->issuer) : "(unknown)";
        bump(hold->action == HoldAction::place ? holds_placed : holds_lifted, officer_org);
        if (hold->action == HoldAction::place)
          bump(holds_by_reason, std::string(hold_reason_code(hold->reason)));
      } else if (tx->type == kTxTypeErasureReceipt) {
        bump(receipts_by_org, org);
      } else if (tx->type == kTxTypePseudonymsOnly) {
        auto p = decode_pseudonyms_only(tx->payload);
        if (!p) continue;
        const char* key = p->setting == PseudonymsOnlySetting::require ? "required" : "lifted";
        pseudonyms_only[key] = pseudonyms_only[key].get<int>() + 1;
      } else if (tx->type == 40) {
        attestations["issued"] = attestations["issued"].get<int>() + 1;
      } else if (tx->type == 41) {
        attestations["revoked"] = attestations["revoked"].get<int>() + 1;
      }
    }
  }

  json growth_list = json::array();
  for (auto& [d, v] : growth.items())
    growth_list.push_back(
        {{"day", d}, {"blocks", v["blocks"]}, {"transactions", v["transactions"]}});
  json report = {
      {"format", "pv-audit-report-v1"},
      {"generated", rfc3339_from_ms(static_cast<std::uint64_t>(std::time(nullptr)) * 1000)},
      {"range",
       {{"from", range.from_ms ? json(rfc3339_from_ms(*range.from_ms)) : json(nullptr)},
        {"to", range.to_ms ? json(rfc3339_from_ms(*range.to_ms)) : json(nullptr)}}},
      {"integrity", integrity(data_dir, store, top)},
      {"totals",
       {{"blocks", blocks},
        {"transactions", transactions},
        {"refusedTransactions", refused_txs},
        {"refusedReads", refused_reads}}},
      {"growth", growth_list},
      {"transactionsByOrganization", by_org},
      {"transactionsByKind", by_kind},
      {"reads",
       {{"permittedByBasis", reads_by_basis},
        {"consentedByOrganization", consented_by_org},
        {"refusals", ranked(read_refusals, "reason")}}},
      {"emergency",
       {{"readsByOrganization", emergency_by_org},
        {"custodianReleasesByOrganization", releases_by_org}}},
      {"refusedTransactions", ranked(tx_refusals, "reason")},
      {"credentialRevocationsByOrganization", credential_revocations},
      {"attestations", attestations},
      {"erasures",
       {{"count", erasures},
        {"byOrganization", erased_by_org},
        {"byReason", erased_by_reason},
        {"bySigner", erased_by_signer},
        {"nodeReceiptsByOrganization", receipts_by_org},
        {"pseudonymsOnlyRules", pseudonyms_only},
        {"legalHolds",
         {{"placedByOrganization", holds_placed},
          {"liftedByOrganization", holds_lifted},
          {"placedByReason", holds_by_reason}}}}}};
  return report;
}

}  // namespace pv::audit
