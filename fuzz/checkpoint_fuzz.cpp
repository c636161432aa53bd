// libFuzzer target for C2SP checkpoints and signed notes.
//
// Invariants checked:
//   1. open_checkpoint / verify_note / parse_checkpoint_body never crash on any input.
//   2. Canonical round trip: if the input, used as note text and signed with a fixed key, opens
//      as a checkpoint, then checkpoint_body() of the result is exactly that text, and signing
//      the parsed checkpoint again yields the identical note (Ed25519 is deterministic).
//   3. If the raw input opens under the fixed key, re-signing its checkpoint reproduces a note
//      that opens to the same checkpoint.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ledger/checkpoint.hpp"

namespace {

const pv::SigningKey& fuzz_key() {
  static const pv::SigningKey key = [] {
    pv::Seed seed;
    seed.bytes.fill(0x42);
    return pv::SigningKey::from_seed(seed);
  }();
  return key;
}

constexpr std::string_view kName = "fuzz.patientvault.local";

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const pv::SigningKey& key = fuzz_key();

  // (1) + (3): the raw input as a signed note.
  auto opened = pv::open_checkpoint(input, kName, key.public_key());
  if (opened) {
    const std::string again = pv::sign_checkpoint(*opened, kName, key);
    auto reopened = pv::open_checkpoint(again, kName, key.public_key());
    check(reopened.is_ok() && *reopened == *opened);
  }

  // (2): the raw input as the signed text; only the body parser can refuse it now.
  if (size > pv::kMaxNoteBytes / 2) return 0;
  const std::string note = pv::sign_note(input, kName, key);
  auto cp = pv::open_checkpoint(note, kName, key.public_key());
  auto body = pv::parse_checkpoint_body(input);
  // The signature is valid by construction, so the body parser alone decides.
  check(cp.is_ok() == body.is_ok());
  if (cp) {
    check(body.is_ok() && *body == *cp);
    check(pv::checkpoint_body(*cp) == input);
    check(pv::sign_checkpoint(*cp, kName, key) == note);
  }
  return 0;
}
