#pragma once
// The hospital's side of a pseudonym pool (identity/pseudonym_pool.hpp): `pv record add
// --pseudonyms FILE` checks that the patient signed the pool, takes its first unused pseudonym
// and marks it used in the file before anchoring (a crash then wastes a pseudonym, never reuses
// one).

#include <string>

#include "api/client.hpp"

namespace pv::cli {

struct TakenPseudonym {
  std::string patient;    // who the pool says it is for (never sent to the node)
  std::string pseudonym;  // did:key the anchor names
  std::size_t left = 0;   // unused pseudonyms left in the pool
};

[[nodiscard]] Result<TakenPseudonym> take_pseudonym(api::NodeClient& client,
                                                    const std::string& pool_path);

}  // namespace pv::cli
