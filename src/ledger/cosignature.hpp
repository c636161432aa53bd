#pragma once
// Witness cosignatures of checkpoints, C2SP tlog-cosignature v1 (Ed25519, "cosignature/v1"):
//
//   signed message = "cosignature/v1\n" || "time " <decimal timestamp> "\n" || checkpoint text
//   signature line = "— " <cosigner name> " " base64(key id || u64 timestamp (big-endian) || sig)
//   key id         = SHA-256(<name> || "\n" || 0x04 || 32-byte Ed25519 public key)[:4]
//
// A cosignature says: as of `timestamp`, the largest consistent tree this cosigner has seen for
// the checkpoint's origin has this root. Verifiers are configured with (name, key) pairs, the
// verifier-key strings "<name>+<hex key id>+<base64(0x04 || key)>", and ignore other lines.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519.hpp"

namespace pv {

inline constexpr std::uint8_t kCosignatureV1Algorithm = 0x04;
// C2SP: the timestamp must not exceed 2^63 - 1.
inline constexpr std::uint64_t kMaxCosignatureTime = (std::uint64_t{1} << 63) - 1;

struct Cosigner {
  std::string name;
  PublicKey key;
};

std::uint32_t cosigner_key_id(std::string_view name, const PublicKey& key);
std::string cosigner_verifier_key(std::string_view name, const PublicKey& key);
// Strict: lower-case hex key id that matches, canonical base64, algorithm byte 0x04.
[[nodiscard]] Result<Cosigner> parse_cosigner_verifier_key(std::string_view text);

// The message a cosigner signs for a checkpoint's note text (its body lines, each ending in
// "\n", without the signatures).
std::string cosigned_message(std::string_view checkpoint_text, std::uint64_t timestamp);

// One signature line, ending in "\n", ready to append to the checkpoint's signed note.
// REQUIRES: name is a valid note key name; timestamp <= kMaxCosignatureTime.
std::string cosign(std::string_view checkpoint_text, std::string_view name, const SigningKey& key,
                   std::uint64_t timestamp);

struct VerifiedCosignature {
  std::string name;
  std::uint64_t timestamp = 0;
};

// The cosignatures in `note` (a signed checkpoint with any signature lines) by `cosigners` that
// verify. Lines by other keys are ignored. A line that carries a trusted cosigner's name and key
// id but does not verify, has the wrong length, a timestamp above 2^63 - 1, or a timestamp more
// than `max_future_seconds` after `now` is an error (Errc::bad_signature): a trusted witness never
// writes one, so it is evidence of tampering, not noise. At most one cosignature per cosigner is
// counted.
[[nodiscard]] Result<std::vector<VerifiedCosignature>> verify_cosignatures(
    std::string_view note, std::span<const Cosigner> cosigners, std::uint64_t now,
    std::uint64_t max_future_seconds = 600);

}  // namespace pv
