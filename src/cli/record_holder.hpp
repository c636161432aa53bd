#pragma once
// The patient's side of pseudonymous records (docs/erasure.md, "Pseudonymous records"): a record
// anchored under one of her pseudonyms is read, shared and erased with that pseudonym's key, which
// her wallet keeps in `<name>.pseudonyms` (identity/pseudonym_store.hpp). Commands act as the
// patient (`--as alice`) and these functions pick the key that speaks for each record.
//
// The mapping pseudonym -> record is learnt from the node (GET /v1/patients/{pseudonym}/records,
// signed by the pseudonym) and cached in the store; the node never sees it asked for by her DID.

#include <vector>

#include "cli/acting.hpp"
#include "cli/record_views.hpp"
#include "identity/pseudonym_store.hpp"

namespace pv::cli {

// The owner's pseudonym store, unlocked with the wallet passphrase (one more Argon2id; none when
// the store does not exist and `create` is false: an empty locked store).
[[nodiscard]] Result<PseudonymStore> open_pseudonyms(const ActingOptions& options,
                                                     const Actor& owner, bool create = false);

// An Actor for one pseudonym (a did:key that signs transactions and requests).
[[nodiscard]] Result<Actor> pseudonym_actor(const Actor& owner, const PseudonymStore& store,
                                            const std::string& pseudonym_did);

// Asks the node for the records of each pseudonym whose record the store does not know yet
// (signed by that pseudonym), and saves what it learns. Leaves `client` signing as `owner`.
[[nodiscard]] Status learn_pseudonym_records(api::NodeClient& client, const Actor& owner,
                                             PseudonymStore& store);

// Every record of the patient, under her DID and under each of her pseudonyms, with the key that
// speaks for it. Learns (and saves) the pseudonyms' records. Leaves `client` signing as `owner`.
struct HeldRecord {
  RecordView view;
  std::string holder;  // the owner's DID, or the pseudonym's
};
[[nodiscard]] Result<std::vector<HeldRecord>> fetch_held_records(api::NodeClient& client,
                                                                 const Actor& owner,
                                                                 PseudonymStore& store,
                                                                 const std::string& category = {});

// The actor that speaks for `record`: the pseudonym holding it, else `owner` itself. Makes
// `client` sign as the returned actor.
[[nodiscard]] Result<Actor> holder_of(api::NodeClient& client, const Actor& owner,
                                      PseudonymStore& store, const RecordId& record);

}  // namespace pv::cli
