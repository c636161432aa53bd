#pragma once
// People and organizations on the command line: `--to WHO`, `--patient WHO` take a DID or the
// name of an identity in the local wallet, and human output shows a wallet name next to a DID
// when the wallet knows it (no passphrase needed: names and DIDs are public metadata).

#include <map>
#include <string>

#include "cli/acting.hpp"

namespace pv::cli {

// `who` when it is a DID, else the DID of the wallet identity named `who`.
[[nodiscard]] Result<std::string> did_of(const ActingOptions& options, const std::string& who);

class PartyNames {
 public:
  explicit PartyNames(const ActingOptions& options);
  // "alice (did:key:z6Mk…)" for a DID the wallet knows, else the DID.
  std::string show(const std::string& did) const;
  // The wallet name, or empty.
  std::string name_of(const std::string& did) const;

 private:
  std::map<std::string, std::string> names_;
};

}  // namespace pv::cli
