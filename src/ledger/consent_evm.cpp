#include "ledger/consent_evm.hpp"

#include <algorithm>

#include "evm/abi.hpp"
#include "ledger/consent_state.hpp"
#include "ledger/contract_state.hpp"
#include "ledger/org_state.hpp"

namespace pv {
namespace {

// The contract's refusal reasons (REFUSED_* in contracts/ConsentRules.sol).
enum Refused : std::uint8_t {
  kRefusedUnknownPurpose = 1,
  kRefusedNoRecord = 2,
  kRefusedNotMember = 3,
  kRefusedByConsent = 4,
  kRefusedEmergencyPurpose = 5,
  kRefusedEmergencyAction = 6,
  kRefusedEmergencyOrganization = 7,
  kRefusedNoConsent = 8,
};

evm::uint256 word(const Hash32& h) {
  return evm::load_be32(h.data());
}
evm::uint256 word(const evm::Address& a) {
  return evm::to_word(a);
}

evm::uint256 category_word(std::string_view category) {
  return evm::to_word(evm::keccak256(as_bytes(category)));
}

std::string short_id(const Hash32& id) {
  return id.hex().substr(0, 16);
}

Status run_transaction_call(StateOverlay& state, const evm::Address& sender, Bytes input,
                            std::uint64_t height, std::uint64_t time_ms) {
  auto r = call_contract(state, ContractCall{sender, std::move(input), height, time_ms});
  if (!r) return r.error();
  if (r->status == evm::Status::success) return Status::ok();
  auto version = load_contract_version(state);
  std::string text = contract_failure_text(*r, version ? version->gas_cap : 0);
  return make_error(r->status == evm::Status::revert ? Errc::forbidden : Errc::invalid_argument,
                    std::move(text));
}

AccessDecision refuse(std::string reason, const evm::Bytes32& code_hash) {
  AccessDecision d;
  d.reason = std::move(reason);
  d.code_hash = code_hash;
  return d;
}

}  // namespace

std::uint64_t purpose_bit(std::string_view code) {
  const auto& codes = known_purposes();
  auto it = std::lower_bound(codes.begin(), codes.end(), code);
  if (it == codes.end() || *it != code) return 0;
  return 1ull << (it - codes.begin());
}

std::uint64_t purpose_bits(const std::vector<std::string>& codes) {
  std::uint64_t bits = 0;
  for (const auto& c : codes) bits |= purpose_bit(c);
  return bits;
}

Status contract_anchor_record(TxContext& ctx, const RecordAnchor& anchor,
                              const std::string& author) {
  Bytes input = evm::abi::CallEncoder("anchorRecord(bytes32,address,bytes32)")
                    .word(word(ctx.id))
                    .address(identity_address(anchor.patient))
                    .word(category_word(anchor.category))
                    .finish();
  return run_transaction_call(ctx.state, identity_address(author), std::move(input), ctx.height,
                              ctx.block_time_ms);
}

Status contract_grant(TxContext& ctx, const ConsentGrant& g, const std::string& patient) {
  // Records the contract checks: those a records consent covers, or those whose keys a category
  // consent carries.
  std::vector<evm::uint256> records;
  if (g.scope == ScopeKind::records) {
    for (const auto& r : g.records) records.push_back(word(r));
  } else {
    for (const auto& k : g.record_keys) records.push_back(word(k.record));
  }
  Bytes input =
      evm::abi::CallEncoder(
          "grant(bytes32,(address,uint8,uint8,bytes32,uint8,uint64,uint64,uint64),bytes32[],"
          "uint64)")
          .word(word(ctx.id))
          .address(identity_address(g.grantee))
          .word(static_cast<std::uint64_t>(g.grantee_kind))
          .word(static_cast<std::uint64_t>(g.scope))
          .word(g.scope == ScopeKind::category ? category_word(g.category) : evm::uint256{})
          .word(g.actions)
          .word(purpose_bits(g.purposes))
          .word(g.not_before_ms)
          .word(g.not_after_ms)
          .words(records)
          .word(ctx.block_time_ms)
          .finish();
  return run_transaction_call(ctx.state, identity_address(patient), std::move(input), ctx.height,
                              ctx.block_time_ms);
}

Status contract_revoke(TxContext& ctx, const ConsentId& consent, const std::string& patient) {
  Bytes input = evm::abi::CallEncoder("revoke(bytes32,uint64)")
                    .word(word(consent))
                    .word(ctx.block_time_ms)
                    .finish();
  return run_transaction_call(ctx.state, identity_address(patient), std::move(input), ctx.height,
                              ctx.block_time_ms);
}

Status set_member_in_contract(StateOverlay& state, const std::string& organization, bool member,
                              std::uint64_t height, std::uint64_t time_ms) {
  Bytes input = evm::abi::CallEncoder("setMember(address,bool)")
                    .address(identity_address(organization))
                    .boolean(member)
                    .finish();
  return run_transaction_call(state, ledger_caller_address(), std::move(input), height, time_ms);
}

Result<ContractForgetting> forget_record_in_contract(StateOverlay& state, const RecordId& record,
                                                     const std::vector<ConsentId>& consents,
                                                     const std::vector<ConsentId>& dropped,
                                                     std::uint64_t height, std::uint64_t time_ms) {
  static const evm::abi::Selector forget_selector =
      evm::abi::selector("forgetRecord(bytes32,bytes32[])");
  auto version = load_contract_version(state);
  if (!version) return version.error();
  LedgerEvmSource source(state);
  auto account = source.account(version->address);
  if (source.corrupt()) return make_error(Errc::corruption, "stored EVM accounts do not decode");
  if (!account || !evm::abi::code_pushes_selector(account->code, forget_selector))
    return ContractForgetting::code_lacks_function;
  std::size_t next = 0;
  do {
    const std::size_t count = std::min(consents.size() - next, kForgetConsentsPerCall);
    std::vector<evm::uint256> ids;
    ids.reserve(count);
    for (std::size_t i = next; i < next + count; ++i) ids.push_back(word(consents[i]));
    Bytes input = evm::abi::CallEncoder(forget_selector).word(word(record)).words(ids).finish();
    PV_TRY(run_transaction_call(state, ledger_caller_address(), std::move(input), height, time_ms));
    next += count;
  } while (next < consents.size());
  static const evm::abi::Selector forget_consent_selector =
      evm::abi::selector("forgetConsent(bytes32)");
  if (!evm::abi::code_pushes_selector(account->code, forget_consent_selector))
    return ContractForgetting::forgotten;
  for (const auto& consent : dropped) {
    Bytes input = evm::abi::CallEncoder(forget_consent_selector).word(word(consent)).finish();
    PV_TRY(run_transaction_call(state, ledger_caller_address(), std::move(input), height, time_ms));
  }
  return ContractForgetting::forgotten;
}

Result<ContractDecision> contract_decide(const StateView& state, const AccessRequest& req,
                                         std::uint64_t height) {
  std::vector<evm::uint256> organizations;
  organizations.reserve(req.reader_organizations.size());
  for (const auto& org : req.reader_organizations)
    organizations.push_back(word(identity_address(org)));
  const evm::Address reader = identity_address(req.reader);
  static const evm::abi::Selector decide_selector =
      evm::abi::selector("decide(address,address[],bytes32,uint8,uint64,uint64,bool,address)");
  Bytes input =
      evm::abi::CallEncoder(decide_selector)
          .address(reader)
          .words(organizations)
          .word(word(req.record))
          .word(static_cast<std::uint64_t>(req.action))
          .word(purpose_bit(req.purpose))
          .word(req.time_ms)
          .boolean(req.emergency.has_value())
          .address(req.emergency ? identity_address(req.emergency->organization) : evm::Address{})
          .finish();
  auto r = static_call_contract(state, ContractCall{reader, std::move(input), height, req.time_ms});
  if (!r) return r.error();
  if (r->status != evm::Status::success)
    return make_error(Errc::internal, contract_failure_text(*r, 0));
  const ByteView out = r->output;
  ContractDecision d;
  d.gas_used = r->gas_used;
  d.code_hash = r->code_hash;
  auto permitted = evm::abi::word_at(out, 0);
  auto basis = evm::abi::word_at(out, 1);
  auto consent = evm::abi::word_at(out, 2);
  auto via = evm::abi::word_at(out, 3);
  auto reason = evm::abi::word_at(out, 4);
  auto detail = evm::abi::word_at(out, 5);
  if (!permitted || !basis || !consent || !via || !reason || !detail)
    return make_error(Errc::malformed, "the consent contract's decision is cut short");
  if (!permitted->fits_u64() || permitted->w[0] > 1 || !basis->fits_u64() ||
      basis->w[0] > static_cast<std::uint64_t>(AccessBasis::emergency) || !via->fits_u64() ||
      !reason->fits_u64() || reason->w[0] > 255 || !detail->fits_u64())
    return make_error(Errc::malformed, "the consent contract's decision is out of range");
  d.permitted = permitted->w[0] == 1;
  d.basis = static_cast<AccessBasis>(basis->w[0]);
  evm::store_be32(d.consent.data(), *consent);
  d.via = via->w[0];
  d.reason = static_cast<std::uint8_t>(reason->w[0]);
  d.detail = detail->w[0];
  return d;
}

AccessDecision EvmConsentContract::decide(const StateView& state, const AccessRequest& req) const {
  auto answer = contract_decide(state, req);
  if (!answer)
    return refuse("the consent contract gave no decision: " + answer.error().message, {});
  const ContractDecision& c = *answer;
  if (c.permitted) {
    AccessDecision d;
    d.permitted = true;
    d.basis = c.basis;
    d.code_hash = c.code_hash;
    if (c.basis == AccessBasis::consent) {
      d.consent = c.consent;
      if (c.via > req.reader_organizations.size())
        return refuse("the consent contract named an organization the reader did not give",
                      c.code_hash);
      if (c.via > 0) d.organization = req.reader_organizations[c.via - 1];
    }
    if (c.basis == AccessBasis::emergency && req.emergency)
      d.organization = req.emergency->organization;
    return d;
  }
  // The refusal in the native rules' words.
  switch (c.reason) {
    case kRefusedUnknownPurpose:
      return refuse("unknown purpose of use \"" + req.purpose + "\"", c.code_hash);
    case kRefusedNoRecord:
      return refuse("no record " + short_id(req.record), c.code_hash);
    case kRefusedNotMember: {
      if (c.detail >= req.reader_organizations.size()) break;
      const std::string& org = req.reader_organizations[c.detail];
      auto s = check_member_organization(state, org);
      return refuse(s ? org + " is not a member organization of this network" : s.error().message,
                    c.code_hash);
    }
    case kRefusedByConsent:
      return refuse(consent_refusal_reason(state, c.consent, req), c.code_hash);
    case kRefusedEmergencyPurpose:
      return refuse("emergency access is for purpose ETREAT only", c.code_hash);
    case kRefusedEmergencyAction:
      return refuse("emergency access allows the access action only", c.code_hash);
    case kRefusedEmergencyOrganization: {
      auto s = check_member_organization(state, req.emergency ? req.emergency->organization : "");
      return refuse("emergency credential: " +
                        (s ? std::string("not a member organization") : s.error().message),
                    c.code_hash);
    }
    case kRefusedNoConsent:
      return refuse("no consent from the patient covers " + req.reader, c.code_hash);
    default:
      break;
  }
  return refuse("the consent contract refused for reason " + std::to_string(c.reason), c.code_hash);
}

}  // namespace pv
