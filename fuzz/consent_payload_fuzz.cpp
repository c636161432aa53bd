// Fuzzes the record, consent and access payload decoders (ledger/consent_payloads.hpp). The first
// byte picks the decoder (mod 8: record anchor, consent grant, consent revoke, category key,
// access event, emergency policy, emergency release, key envelope); the rest is the payload.
// Invariants, for every payload that decodes:
//  - canonicality: encode(decode(x)) == x, byte for byte;
//  - lists are strictly ascending (one encoding per set), windows non-empty, epochs >= 1;
//  - an access event's outcome, basis and reason agree.
// Payloads that do not decode fail with a value naming what failed, never a crash.

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "ledger/emergency_payloads.hpp"
#include "ledger/record_key_envelope.hpp"

namespace {

void require(bool ok, const char* invariant) {
  if (ok) return;
  std::fprintf(stderr, "consent_payload_fuzz: invariant violated: %s\n", invariant);
  std::abort();
}

template <class T, class Encode>
void check(const pv::Result<T>& decoded, pv::ByteView input, Encode encode) {
  if (!decoded) {
    require(!decoded.error().message.empty(), "a decode error names what failed");
    return;
  }
  const pv::Bytes again = encode(*decoded);
  require(again.size() == input.size() && std::equal(again.begin(), again.end(), input.begin()),
          "encode(decode(x)) == x");
}

template <class T>
bool ascending(const std::vector<T>& v) {
  return std::adjacent_find(v.begin(), v.end(), [](const T& a, const T& b) { return !(a < b); }) ==
         v.end();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pv;
  if (size == 0) return 0;
  const ByteView payload(data + 1, size - 1);
  switch (data[0] % 8) {
    case 0: {
      auto a = decode_record_anchor(payload);
      check(a, payload, encode_record_anchor);
      if (a)
        require(!a->cid.empty() && (!a->for_category || a->for_category->epoch >= 1) &&
                    (!a->emergency ||
                     (a->emergency->epoch >= 1 && a->emergency->shares.size() >= kMinCustodians &&
                      a->emergency->shares.size() <= kMaxCustodians)),
                "anchor fields in range");
      break;
    }
    case 1: {
      auto g = decode_consent_grant(payload);
      check(g, payload, encode_consent_grant);
      if (g) {
        require(ascending(g->records) && ascending(g->purposes), "grant lists ascending");
        require(g->not_before_ms < g->not_after_ms && g->actions != 0, "grant window and actions");
        require(g->scope == ScopeKind::category
                    ? g->category_secret.has_value() && g->category_epoch >= 1
                    : g->record_keys.size() == g->records.size(),
                "grant keys match its scope");
      }
      break;
    }
    case 2:
      check(decode_consent_revoke(payload), payload, encode_consent_revoke);
      break;
    case 3: {
      auto u = decode_category_key_update(payload);
      check(u, payload, encode_category_key_update);
      if (u) require(u->epoch >= 1, "epochs start at 1");
      break;
    }
    case 5: {
      auto p = decode_emergency_policy(payload);
      check(p, payload, encode_emergency_policy);
      if (p)
        require(p->epoch >= 1 && ascending(p->custodians) && p->threshold >= 2 &&
                    p->threshold <= p->custodians.size(),
                "policy epoch, custodians and threshold in range");
      break;
    }
    case 6: {
      auto r = decode_emergency_release(payload);
      check(r, payload, encode_emergency_release);
      if (r) require(r->share >= 1 && r->share <= kMaxCustodians, "share number in range");
      break;
    }
    case 7: {
      // A key envelope, opened for an anchor that declares no category wrap and no shares, and
      // as a grantee's key of record 0.
      RecordAnchor declared;
      declared.key_envelope = {0x01};
      auto a = open_record_key_envelope(declared, payload);
      if (a) {
        const Bytes again = encode_record_key_envelope(*a);
        require(again.size() == payload.size() &&
                    std::equal(again.begin(), again.end(), payload.begin()),
                "a record key envelope has one encoding");
        require(!a->for_category && !a->emergency, "the envelope holds what the anchor declares");
      }
      auto k = open_grant_key_envelope(RecordId{}, payload);
      if (k) {
        const Bytes again = encode_grant_key_envelope(RecordId{}, *k);
        require(again.size() == payload.size() &&
                    std::equal(again.begin(), again.end(), payload.begin()),
                "a grant key envelope has one encoding");
      }
      break;
    }
    default: {
      auto e = decode_access_event(payload);
      check(e, payload, encode_access_event);
      if (e)
        require((e->outcome == AccessOutcome::permitted) == (e->basis != AccessBasis::none) &&
                    (e->outcome == AccessOutcome::refused) == !e->reason.empty(),
                "outcome, basis and reason agree");
      break;
    }
  }
  return 0;
}
