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

// Where the hospital keeps the pool it imported for `patient_did`:
// <config_dir>/pools/<first 32 hex of SHA-256(DID)>.pool. `pv record add --patient P` takes
// from it when it exists.
std::string registered_pool_path(const std::string& patient_did);

// `pv pseudonym import`: checks the pool (format, the patient's signature) and copies it to
// registered_pool_path(). A registered pool that still has unused pseudonyms is replaced only
// with `replace`. Returns the patient and how many pseudonyms are unused.
[[nodiscard]] Result<TakenPseudonym> import_pool(api::NodeClient& client,
                                                 const std::string& pool_path, bool replace);

}  // namespace pv::cli
