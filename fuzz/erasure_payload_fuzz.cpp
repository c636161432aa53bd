// Fuzzes the erasure payload decoders (ledger/erasure/erasure_payloads.hpp). The first byte picks
// the decoder (mod 4: record-erase, legal-hold, erasure-receipt,
// pseudonyms-only); the rest is the payload.
// Invariants, for every payload that decodes:
//  - canonicality: encode(decode(x)) == x, byte for byte;
//  - every enumeration is a known code (its name is not "unknown");
//  - a legal hold carries a credential; officer-other erasure carries one;
//  - a receipt's compacted flag came from a 0/1 byte;
//  - a pseudonyms-only setting is require or off.
// Payloads that do not decode fail with a value naming what failed, never a crash.

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "ledger/erasure/erasure_payloads.hpp"

namespace {

void require(bool ok, const char* invariant) {
  if (ok) return;
  std::fprintf(stderr, "erasure_payload_fuzz: invariant violated: %s\n", invariant);
  std::abort();
}

void same(const pv::Bytes& again, pv::ByteView input) {
  require(again.size() == input.size() && std::equal(again.begin(), again.end(), input.begin()),
          "encode(decode(x)) == x");
}

template <class T>
bool refused(const pv::Result<T>& r) {
  if (r) return false;
  require(!r.error().message.empty(), "a decode error names what failed");
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pv;
  if (size == 0) return 0;
  const ByteView payload(data + 1, size - 1);
  switch (data[0] % 4) {
    case 0: {
      auto e = decode_record_erase(payload);
      if (refused(e)) return 0;
      same(encode_record_erase(*e), payload);
      require(erasure_reason_code(e->reason) != "unknown", "known erasure reason");
      require(e->reason != ErasureReason::officer_other || !e->credential.empty(),
              "officer-other carries a credential");
      require(e->credential.size() <= kMaxOfficerCredentialBytes, "credential bounded");
      break;
    }
    case 1: {
      auto h = decode_legal_hold(payload);
      if (refused(h)) return 0;
      same(encode_legal_hold(*h), payload);
      require(hold_reason_code(h->reason) != "unknown", "known hold reason");
      require(h->action == HoldAction::place || h->action == HoldAction::lift, "known action");
      require(!h->credential.empty(), "a hold carries a credential");
      break;
    }
    case 2: {
      auto rc = decode_erasure_receipt(payload);
      if (refused(rc)) return 0;
      same(encode_erasure_receipt(*rc), payload);
      break;
    }
    default: {
      auto p = decode_pseudonyms_only(payload);
      if (refused(p)) return 0;
      same(encode_pseudonyms_only(*p), payload);
      require(pseudonyms_only_setting_code(p->setting) != "unknown", "known setting");
      break;
    }
  }
  return 0;
}
