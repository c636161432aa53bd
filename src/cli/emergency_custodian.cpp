#include "cli/emergency_custodian.hpp"

#include <sodium.h>

#include "cli/consent_keys.hpp"
#include "cli/emergency_views.hpp"
#include "cli/ledger_prover.hpp"
#include "cli/record_content.hpp"
#include "cli/record_views.hpp"
#include "identity/emergency_shares.hpp"
#include "ledger/record_key_envelope.hpp"

namespace pv::cli {
namespace {

Error untrusted(const std::string& what) {
  return make_error(Errc::corruption, what + "; the node's answer is not to be trusted");
}

}  // namespace

Result<ShareRelease> release_emergency_share(api::NodeClient& client, const Actor& custodian,
                                             const NetworkId& network, const TxId& event,
                                             const std::string& checkpoint_key,
                                             std::chrono::milliseconds timeout) {
  auto view = fetch_emergency_event(client, event);
  if (!view) return view.error();
  ShareRelease out;
  out.event = event;
  out.record = view->record;
  out.patient = view->patient;
  out.reader = view->reader;
  out.reader_organization = view->organization;
  if (view->epoch == 0)
    return make_error(Errc::not_found,
                      "the record was anchored before its patient set up emergency access: no "
                      "custodian holds a share of it");
  const EmergencyCustodianView* mine = nullptr;
  for (const auto& c : view->custodians)
    if (c.organization == custodian.did()) mine = &c;
  if (!mine)
    return make_error(Errc::forbidden,
                      custodian.did() + " is not a custodian of this record's emergency shares");
  out.share = mine->share;
  for (const auto& r : view->releases)
    if (r.release.share == mine->share) {
      out.already_released = true;
      out.tx = r.tx;
      out.height = r.height;
      return out;
    }
  if (!view->open)
    return make_error(Errc::forbidden,
                      "emergency access " + event.hex() + " is more than 24 hours old");

  // Prove what the node says before acting on it.
  auto prover = LedgerProver::create(client, checkpoint_key);
  if (!prover) return prover.error();
  auto proven_event = prover->prove(event, kTxTypeAccessEvent);
  if (!proven_event) return proven_event.error();
  auto e = decode_access_event(proven_event->tx.payload);
  if (!e) return untrusted("the proven access event does not decode");
  if (e->outcome != AccessOutcome::permitted || e->basis != AccessBasis::emergency ||
      e->purpose != kEmergencyPurpose)
    return make_error(Errc::forbidden, "access event " + event.hex() +
                                           " is not a permitted emergency read (ETREAT)");
  if (e->record != view->record || e->reader != view->reader)
    return untrusted("the emergency event served differs from the proven access event");
  auto proven_anchor = prover->prove(view->record, kTxTypeRecordAnchor);
  if (!proven_anchor) return proven_anchor.error();
  auto decoded = decode_record_anchor(proven_anchor->tx.payload);
  if (!decoded) return untrusted("the proven record anchor does not decode");
  // A version-2 anchor's shares are in its key envelope, checked against the proven CID.
  auto anchor = with_fetched_keys(client, std::move(*decoded));
  if (!anchor) return anchor.error();
  if (anchor->patient != view->patient || !anchor->emergency ||
      anchor->emergency->epoch != view->epoch || anchor->emergency->shares.size() < mine->share)
    return untrusted("the record's shares served differ from the proven anchor");
  out.proof = {{"accessEvent", proven_event->summary}, {"record", proven_anchor->summary}};

  auto opened = open_wrapped(custodian, anchor->emergency->shares[mine->share - 1]);
  if (!opened) return opened.error();
  SecretShare share{mine->share, *opened};
  sodium_memzero(opened->data(), opened->size());
  auto reader_key = recipient_key_of(client, e->reader);
  if (!reader_key) {
    sodium_memzero(share.value.data(), share.value.size());
    return reader_key.error();
  }
  auto release = seal_release(event, view->epoch, share, *reader_key);
  sodium_memzero(share.value.data(), share.value.size());
  if (!release) return release.error();
  // Version 2: the re-sealed share goes to the node in a key envelope, never into the
  // transaction, so erasing the record erases it too (docs/erasure.md).
  auto envelope = upload_raw_blocks(client, {encode_release_key_envelope(*release)});
  if (!envelope)
    return make_error(envelope.error().code,
                      "uploading the released share's key envelope: " + envelope.error().message);
  release->sealed_envelope = std::move(envelope->front());
  release->sealed = SealedRelease{};
  Bytes tx = custodian.sign_transaction(network, kTxTypeEmergencyRelease,
                                        encode_emergency_release(*release));
  auto committed = client.submit_and_commit(tx, timeout);
  if (!committed) return committed.error();
  out.tx = transaction_id(tx);
  out.height = committed->location.height;
  return out;
}

}  // namespace pv::cli
