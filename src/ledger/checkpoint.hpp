#pragma once
// Checkpoints in the C2SP tlog-checkpoint format, signed as C2SP signed notes with Ed25519:
//
//   <origin>\n<tree size, decimal>\n<base64 root hash>\n\n— <key name> <base64(key id || sig)>\n
//
// The key id is the first 4 bytes of SHA-256(key name || "\n" || 0x01 || public key), read as a
// big-endian u32. The signature covers the note text: the body lines including the final "\n",
// without the blank line that separates text and signatures. The format is interoperable with
// golang.org/x/mod/sumdb/note (tested against its published vectors).
//
// Strictness (a consensus-visible format has exactly one encoding per value):
//   - the body is exactly three lines; C2SP's optional extension lines are REJECTED, because
//     PatientVault never writes them and accepting them would give one checkpoint many notes;
//   - origin is non-empty; size is decimal without sign or leading zeros ("0" alone is fine)
//     and fits in u64; the root is canonical padded base64 of exactly 32 bytes;
//   - the whole note is valid UTF-8 with no ASCII control characters except "\n", ends in "\n",
//     is at most kMaxNoteBytes long and carries at most kMaxNoteSignatures signature lines.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/ed25519.hpp"
#include "crypto/sha256.hpp"

namespace pv {

inline constexpr std::size_t kMaxNoteBytes = 64 * 1024;
inline constexpr std::size_t kMaxNoteSignatures = 100;

struct Checkpoint {
  std::string origin;  // unique name of the log, e.g. "patientvault.local/<network>"
  std::uint64_t size = 0;
  Hash32 root;
  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// The note text that is signed (three lines, each ending in "\n").
std::string checkpoint_body(const Checkpoint& cp);
// Strict inverse of checkpoint_body (no signature involved).
[[nodiscard]] Result<Checkpoint> parse_checkpoint_body(std::string_view text);

std::uint32_t note_key_id(std::string_view key_name, const PublicKey& key);
// Verifier key string "<name>+<hex key id>+<base64(0x01 || public key)>", as Go's note package.
std::string note_verifier_key(std::string_view key_name, const PublicKey& key);

struct NoteVerifierKey {
  std::string name;
  PublicKey key;
};
// Parses a verifier key string; fails unless the algorithm is Ed25519 and the key id matches.
[[nodiscard]] Result<NoteVerifierKey> parse_note_verifier_key(std::string_view text);

// A valid key name is non-empty UTF-8 without spaces, "+" or control characters.
bool is_valid_note_key_name(std::string_view key_name);

// Signs arbitrary note text. REQUIRES: text is non-empty, ends in "\n", and has no blank line
// or control character; key_name is valid. (Violations produce a note that verify_note refuses.)
std::string sign_note(std::string_view text, std::string_view key_name, const SigningKey& key);
// One signature line of a signed note: "— <name> base64(key id || signature bytes)".
struct NoteSignature {
  std::string name;
  std::uint32_t key_id = 0;
  Bytes sig;  // everything after the key id
};
struct SignedNote {
  std::string text;  // the body lines, each ending in "\n"
  std::vector<NoteSignature> signatures;
};
// Checks a signed note's envelope (size, clean UTF-8 text, the blank line, well-formed signature
// lines, at most kMaxNoteSignatures of them) and splits it. Verifies no signature.
[[nodiscard]] Result<SignedNote> parse_signed_note(std::string_view note);

// Parses a signed note and verifies the signature line(s) for (key_name, key); returns the text.
// Unknown signature lines must be well-formed but are otherwise ignored; no matching line, or
// any matching line that fails to verify, is an error.
[[nodiscard]] Result<std::string> verify_note(std::string_view note, std::string_view key_name,
                                              const PublicKey& key);

// The full signed note. REQUIRES: origin is non-empty without newline; key_name is valid.
std::string sign_checkpoint(const Checkpoint& cp, std::string_view key_name, const SigningKey& key);

// Parses a signed note, finds the signature line for (key_name, key), verifies it and parses the
// body strictly. Unknown extra signature lines are ignored; a missing or bad signature fails.
[[nodiscard]] Result<Checkpoint> open_checkpoint(std::string_view note, std::string_view key_name,
                                                 const PublicKey& key);

}  // namespace pv
