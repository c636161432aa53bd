#include "cli/party_names.hpp"

namespace pv::cli {

Result<std::string> did_of(const ActingOptions& options, const std::string& who) {
  if (who.rfind("did:", 0) == 0) return who;
  auto wallet = open_wallet(options);
  if (!wallet) return wallet.error();
  auto found = wallet->find(who);
  if (!found)
    return make_error(Errc::not_found, "\"" + who +
                                           "\" is neither a DID nor an identity in the wallet " +
                                           wallet->dir().string() + "; give the DID");
  return found->did;
}

PartyNames::PartyNames(const ActingOptions& options) {
  auto wallet = open_wallet(options);
  if (!wallet) return;
  auto entries = wallet->list();
  if (!entries) return;
  for (const auto& e : *entries)
    if (e.metadata) names_[e.metadata->did] = e.metadata->name;
}

std::string PartyNames::name_of(const std::string& did) const {
  auto it = names_.find(did);
  return it == names_.end() ? std::string() : it->second;
}

std::string PartyNames::show(const std::string& did) const {
  std::string name = name_of(did);
  if (name.empty()) return did;
  return name + " (" + did.substr(0, std::min<std::size_t>(did.size(), 20)) + "…)";
}

}  // namespace pv::cli
