#pragma once
// Checkpoints in the C2SP tlog-checkpoint format, signed as C2SP signed notes with Ed25519:
//
//   <origin>\n<tree size, decimal>\n<base64 root hash>\n\n— <key name> <base64(key id || sig)>\n
//
// The key id is the first 4 bytes of SHA-256(key name || "\n" || 0x01 || public key).

#include <cstdint>
#include <string>
#include <string_view>

#include "crypto/ed25519.hpp"
#include "crypto/sha256.hpp"

namespace pv {

struct Checkpoint {
  std::string origin;  // unique name of the log, e.g. "patientvault.local/<network>"
  std::uint64_t size = 0;
  Hash32 root;
};

// The note text that is signed (three lines, each ending in "\n").
std::string checkpoint_body(const Checkpoint& cp);

std::uint32_t note_key_id(std::string_view key_name, const PublicKey& key);
// Verifier key string "<name>+<hex key id>+<base64(0x01 || public key)>", as Go's note package.
std::string note_verifier_key(std::string_view key_name, const PublicKey& key);

// The full signed note.
std::string sign_checkpoint(const Checkpoint& cp, std::string_view key_name, const SigningKey& key);

// Parses a signed note, finds the signature line for (key_name, key), verifies it and parses the
// body strictly. Unknown extra signature lines are ignored; a missing or bad signature fails.
[[nodiscard]] Result<Checkpoint> open_checkpoint(std::string_view note, std::string_view key_name,
                                                 const PublicKey& key);

}  // namespace pv
