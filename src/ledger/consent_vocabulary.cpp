#include "ledger/consent_vocabulary.hpp"

#include <algorithm>

#include "codec/did_key.hpp"
#include "codec/did_pv.hpp"
#include "ledger/did_pv_rules.hpp"

namespace pv {
namespace {

constexpr std::pair<ConsentAction, std::string_view> kActions[] = {
    {ConsentAction::collect, "collect"},
    {ConsentAction::access, "access"},
    {ConsentAction::use, "use"},
    {ConsentAction::disclose, "disclose"},
    {ConsentAction::correct, "correct"}};

}  // namespace

std::string_view consent_action_code(ConsentAction a) {
  for (const auto& [action, code] : kActions)
    if (action == a) return code;
  return "unknown";
}

Result<ConsentAction> parse_consent_action(std::string_view code) {
  for (const auto& [action, name] : kActions)
    if (name == code) return action;
  return make_error(Errc::invalid_argument,
                    "unknown consent action \"" + std::string(code) +
                        "\" (one of collect, access, use, disclose, correct)");
}

std::string consent_action_codes(std::uint8_t actions) {
  std::string out;
  for (const auto& [action, code] : kActions)
    if (actions & static_cast<std::uint8_t>(action))
      out += (out.empty() ? "" : ",") + std::string(code);
  return out;
}

const std::vector<std::string_view>& known_purposes() {
  // A subset of v3-PurposeOfUse relevant to patient records; sorted (bytewise).
  static const std::vector<std::string_view> codes = {
      "CAREMGT", "CLINTRCH",  "COVERAGE", "ETREAT", "FAMRQT",  "HMARKT",  "HOPERAT", "HPAYMT",
      "HRESCH",  "HSYSADMIN", "LEGAL",    "PATRQT", "PUBHLTH", "PWATRNY", "TREAT"};
  return codes;
}

bool is_known_purpose(std::string_view code) {
  const auto& codes = known_purposes();
  return std::binary_search(codes.begin(), codes.end(), code);
}

Status check_category(std::string_view c) {
  if (c.empty() || c.size() > kMaxCategoryBytes)
    return make_error(Errc::malformed, "a category is 1 to 64 bytes");
  auto alnum = [](char ch) {
    return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
  };
  if (!alnum(c[0])) return make_error(Errc::malformed, "a category starts with a letter or digit");
  for (char ch : c)
    if (!alnum(ch) && ch != '.' && ch != '_' && ch != '-')
      return make_error(Errc::malformed, "a category holds only letters, digits, '.', '_' and '-'");
  return Status::ok();
}

Status check_person_did(std::string_view did) {
  if (did.size() > kMaxPersonDidBytes) return make_error(Errc::malformed, "DID is too long");
  if (is_did_pv(did)) {
    auto url = parse_did_pv_url(did);
    if (!url) return make_error(Errc::malformed, url.error().message);
    if (!url->fragment.empty())
      return make_error(Errc::malformed, "a DID here names no key (no '#')");
    return Status::ok();
  }
  auto key = public_key_from_did_key(did);
  if (!key) return make_error(Errc::malformed, "not a did:key or did:pv: " + key.error().message);
  if (did_key_from_public_key(*key) != did)
    return make_error(Errc::non_canonical, "did:key is not canonical");
  return Status::ok();
}

Status check_org_did(std::string_view did) {
  if (did.size() > kMaxOrgDidBytes || did.size() < 5 || did.substr(0, 4) != "did:")
    return make_error(Errc::malformed,
                      "an organization DID is \"did:\" and at most 252 more bytes");
  for (char ch : did.substr(4))
    if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') ||
          ch == '.' || ch == '_' || ch == ':' || ch == '%' || ch == '-'))
      return make_error(Errc::malformed, "an organization DID holds only DID syntax characters");
  return Status::ok();
}

Result<std::vector<PublicKey>> current_keys_of(const StateView& state, std::string_view did) {
  if (is_did_pv(did)) {
    auto record = load_did_record(state, std::string(did));
    if (!record) return record.error();
    if (record->deactivated)
      return make_error(Errc::forbidden, std::string(did) + " is deactivated");
    std::vector<PublicKey> keys;
    for (const auto& k : record->keys) keys.push_back(k.key);
    return keys;
  }
  if (did.rfind("did:key:", 0) == 0) {
    auto key = public_key_from_did_key(did);
    if (!key) return make_error(Errc::invalid_argument, key.error().message);
    return std::vector<PublicKey>{*key};
  }
  return make_error(Errc::invalid_argument,
                    "the ledger resolves keys of did:key and did:pv only, not " + std::string(did));
}

Status check_recipient(const StateView& state, std::string_view did, const PublicKey& recipient,
                       const std::string& what) {
  auto keys = current_keys_of(state, did);
  if (!keys) return make_error(keys.error().code, what + ": " + keys.error().message);
  if (std::find(keys->begin(), keys->end(), recipient) == keys->end())
    return make_error(
        Errc::invalid_argument,
        what + " is sealed to a key that is not a current key of " + std::string(did));
  return Status::ok();
}

}  // namespace pv

#include "ledger/org_state.hpp"

namespace pv {

Status check_member_organization(const StateView& state, std::string_view did) {
  auto org = load_member_organization(state, std::string(did));
  if (!org) return make_error(Errc::forbidden, org.error().message);
  return Status::ok();
}

}  // namespace pv
