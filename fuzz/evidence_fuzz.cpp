// libFuzzer target for the auditor's evidence files (audit/evidence.hpp), which
// `pv audit evidence FILE` reads from anyone.
//
// Invariants checked:
//   1. parse_evidence and check_evidence never crash on any input.
//   2. Canonical round trip: evidence that parses, written again with evidence_json(), parses
//      to evidence that writes the identical JSON.
//   3. check_evidence is a function of the evidence: the round-tripped evidence gets the same
//      verdict.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "audit/evidence.hpp"

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  auto alarm = pv::audit::parse_evidence(input);
  if (!alarm) return 0;
  const pv::audit::EvidenceCheck verdict = pv::audit::check_evidence(*alarm);
  const auto written = pv::audit::evidence_json(*alarm);
  auto again = pv::audit::parse_evidence(written.dump());
  check(again.is_ok());
  check(pv::audit::evidence_json(*again) == written);
  check(pv::audit::check_evidence(*again).confirmed == verdict.confirmed);
  return 0;
}
