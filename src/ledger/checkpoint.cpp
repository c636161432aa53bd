#include "ledger/checkpoint.hpp"

#include <array>
#include <charconv>

namespace pv {
namespace {

constexpr std::uint8_t kAlgEd25519 = 0x01;
// "— " : U+2014 EM DASH in UTF-8, then a space.
constexpr std::string_view kSigPrefix = "\xE2\x80\x94 ";
constexpr std::size_t kKeyIdBytes = 4;

Error malformed(std::string what) {
  return make_error(Errc::malformed, "signed note: " + std::move(what));
}
Error bad_body(Errc code, std::string what) {
  return make_error(code, "checkpoint body: " + std::move(what));
}

// Decodes one UTF-8 code point at s[i], advancing i; -1 on invalid, overlong or surrogate input.
long decode_utf8(std::string_view s, std::size_t& i) {
  auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) {
    ++i;
    return b0;
  }
  std::size_t len;
  long cp;
  long min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return -1;
  }
  if (s.size() - i < len) return -1;
  for (std::size_t k = 1; k < len; ++k) {
    auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return -1;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return -1;
  i += len;
  return cp;
}

bool is_unicode_space(long cp) {
  return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

// Valid UTF-8 with no ASCII control character except "\n" (as golang.org/x/mod/sumdb/note).
bool is_clean_text(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    long cp = decode_utf8(s, i);
    if (cp < 0) return false;
    if ((cp < 0x20 && cp != '\n') || cp == 0x7F) return false;
  }
  return true;
}

std::array<std::uint8_t, kKeyIdBytes> key_id_bytes(std::uint32_t id) {
  return {static_cast<std::uint8_t>(id >> 24), static_cast<std::uint8_t>(id >> 16),
          static_cast<std::uint8_t>(id >> 8), static_cast<std::uint8_t>(id)};
}

// The verifier's encoded key: algorithm byte, then the raw public key.
Bytes encoded_key(const PublicKey& key) {
  Bytes out;
  out.reserve(1 + key.size());
  out.push_back(kAlgEd25519);
  out.insert(out.end(), key.bytes.begin(), key.bytes.end());
  return out;
}

// Strict u64 decimal: digits only, no sign, no leading zero except "0" itself, no overflow.
Result<std::uint64_t> parse_decimal_u64(std::string_view s) {
  if (s.empty()) return bad_body(Errc::malformed, "tree size is empty");
  for (char c : s)
    if (c < '0' || c > '9') return bad_body(Errc::malformed, "tree size is not a decimal number");
  if (s.size() > 1 && s[0] == '0')
    return bad_body(Errc::non_canonical, "tree size has a leading zero");
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec == std::errc::result_out_of_range)
    return bad_body(Errc::too_large, "tree size overflows u64");
  if (ec != std::errc() || end != s.data() + s.size())
    return bad_body(Errc::malformed, "tree size is not a decimal number");
  return v;
}

Result<NoteSignature> parse_signature_line(std::string_view line) {
  if (line.substr(0, kSigPrefix.size()) != kSigPrefix)
    return malformed("signature line does not start with an em dash and a space");
  line.remove_prefix(kSigPrefix.size());
  auto space = line.find(' ');
  if (space == std::string_view::npos) return malformed("signature line has no signature");
  NoteSignature out;
  out.name = std::string(line.substr(0, space));
  if (!is_valid_note_key_name(out.name)) return malformed("signature line has an invalid key name");
  auto raw = from_base64(line.substr(space + 1));
  if (!raw) return malformed("signature is not canonical base64: " + raw.error().message);
  if (raw->size() <= kKeyIdBytes) return malformed("signature is too short");
  out.key_id = (std::uint32_t{(*raw)[0]} << 24) | (std::uint32_t{(*raw)[1]} << 16) |
               (std::uint32_t{(*raw)[2]} << 8) | std::uint32_t{(*raw)[3]};
  out.sig.assign(raw->begin() + kKeyIdBytes, raw->end());
  return out;
}

}  // namespace

bool is_valid_note_key_name(std::string_view key_name) {
  if (key_name.empty()) return false;
  for (std::size_t i = 0; i < key_name.size();) {
    long cp = decode_utf8(key_name, i);
    if (cp < 0 || cp < 0x20 || cp == 0x7F || cp == '+' || is_unicode_space(cp)) return false;
  }
  return true;
}

std::uint32_t note_key_id(std::string_view key_name, const PublicKey& key) {
  Sha256 h;
  h.update(key_name).update("\n").update(encoded_key(key));
  Hash32 d = h.finish();
  return (std::uint32_t{d.bytes[0]} << 24) | (std::uint32_t{d.bytes[1]} << 16) |
         (std::uint32_t{d.bytes[2]} << 8) | std::uint32_t{d.bytes[3]};
}

std::string note_verifier_key(std::string_view key_name, const PublicKey& key) {
  auto id = key_id_bytes(note_key_id(key_name, key));
  std::string out(key_name);
  out += '+';
  out += to_hex(ByteView(id.data(), id.size()));
  out += '+';
  out += to_base64(encoded_key(key));
  return out;
}

Result<NoteVerifierKey> parse_note_verifier_key(std::string_view text) {
  auto p1 = text.find('+');
  if (p1 == std::string_view::npos) return malformed("verifier key has no '+'");
  auto p2 = text.find('+', p1 + 1);
  if (p2 == std::string_view::npos) return malformed("verifier key has one '+' only");
  std::string_view name = text.substr(0, p1);
  std::string_view hex = text.substr(p1 + 1, p2 - p1 - 1);
  std::string_view b64 = text.substr(p2 + 1);
  if (!is_valid_note_key_name(name)) return malformed("verifier key has an invalid name");
  // Lower-case hex only, so that a key has one spelling.
  if (hex.size() != 2 * kKeyIdBytes) return malformed("verifier key id is not 8 hex digits");
  for (char c : hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return malformed("verifier key id is not lower-case hex");
  auto raw = from_base64(b64);
  if (!raw) return malformed("verifier key is not canonical base64");
  if (raw->size() != 1 + PublicKey::size() || (*raw)[0] != kAlgEd25519)
    return malformed("verifier key is not an Ed25519 key");
  auto key = PublicKey::from(ByteView(raw->data() + 1, PublicKey::size()));
  if (!key) return key.error();
  auto id = key_id_bytes(note_key_id(name, *key));
  if (to_hex(ByteView(id.data(), id.size())) != hex)
    return malformed("verifier key id does not match the name and key");
  return NoteVerifierKey{std::string(name), *key};
}

std::string sign_note(std::string_view text, std::string_view key_name, const SigningKey& key) {
  Signature sig = key.sign(as_bytes(text));
  auto id = key_id_bytes(note_key_id(key_name, key.public_key()));
  Bytes blob(id.begin(), id.end());
  blob.insert(blob.end(), sig.bytes.begin(), sig.bytes.end());
  std::string out(text);
  out += '\n';
  out += kSigPrefix;
  out += key_name;
  out += ' ';
  out += to_base64(blob);
  out += '\n';
  return out;
}

Result<SignedNote> parse_signed_note(std::string_view note) {
  if (note.size() > kMaxNoteBytes)
    return make_error(Errc::too_large,
                      "signed note: longer than " + std::to_string(kMaxNoteBytes) + " bytes");
  if (!is_clean_text(note)) return malformed("not UTF-8, or contains a control character");
  // The text ends at the last blank line; everything after it is signature lines.
  auto split = note.rfind("\n\n");
  if (split == std::string_view::npos) return malformed("no blank line before the signatures");
  SignedNote out;
  out.text = std::string(note.substr(0, split + 1));
  std::string_view sigs = note.substr(split + 2);
  if (sigs.empty()) return malformed("no signature lines");
  if (sigs.back() != '\n') return malformed("does not end with a newline");
  while (!sigs.empty()) {
    auto nl = sigs.find('\n');  // present: sigs ends in "\n"
    std::string_view line = sigs.substr(0, nl);
    sigs.remove_prefix(nl + 1);
    if (out.signatures.size() == kMaxNoteSignatures)
      return malformed("more than " + std::to_string(kMaxNoteSignatures) + " signatures");
    auto parsed = parse_signature_line(line);
    if (!parsed) return parsed.error();
    out.signatures.push_back(std::move(*parsed));
  }
  return out;
}

Result<std::string> verify_note(std::string_view note, std::string_view key_name,
                                const PublicKey& key) {
  auto parsed = parse_signed_note(note);
  if (!parsed) return parsed.error();
  const std::uint32_t want_id = note_key_id(key_name, key);
  std::size_t verified = 0;
  for (const auto& line : parsed->signatures) {
    if (line.name != key_name || line.key_id != want_id) continue;
    if (line.sig.size() != Signature::size())
      return make_error(Errc::bad_signature, "signed note: signature by " + std::string(key_name) +
                                                 " has the wrong length");
    auto sig = Signature::from(line.sig);
    if (!sig || !ed25519_verify(key, as_bytes(parsed->text), *sig))
      return make_error(Errc::bad_signature,
                        "signed note: invalid signature by " + std::string(key_name));
    ++verified;
  }
  if (verified == 0)
    return make_error(Errc::bad_signature,
                      "signed note: no signature by " + note_verifier_key(key_name, key));
  return std::move(parsed->text);
}

std::string checkpoint_body(const Checkpoint& cp) {
  std::string out = cp.origin;
  out += '\n';
  out += std::to_string(cp.size);
  out += '\n';
  out += to_base64(cp.root.view());
  out += '\n';
  return out;
}

Result<Checkpoint> parse_checkpoint_body(std::string_view text) {
  if (text.empty() || text.back() != '\n')
    return bad_body(Errc::malformed, "does not end with a newline");
  // Same character rules as a whole note, so a body parses alone iff it parses inside a note.
  if (!is_clean_text(text))
    return bad_body(Errc::malformed, "not UTF-8, or contains a control character");
  std::array<std::string_view, 3> lines;
  std::size_t count = 0;
  while (!text.empty()) {
    auto nl = text.find('\n');
    if (count == lines.size())
      return bad_body(Errc::malformed, "has more than three lines (extension lines are refused)");
    lines[count++] = text.substr(0, nl);
    text.remove_prefix(nl + 1);
  }
  if (count != lines.size()) return bad_body(Errc::malformed, "has fewer than three lines");
  Checkpoint cp;
  if (lines[0].empty()) return bad_body(Errc::malformed, "origin is empty");
  cp.origin = std::string(lines[0]);
  auto size = parse_decimal_u64(lines[1]);
  if (!size) return size.error();
  cp.size = *size;
  auto raw = from_base64(lines[2]);
  if (!raw) return bad_body(raw.error().code, "root hash: " + raw.error().message);
  auto root = Hash32::from(*raw);
  if (!root) return bad_body(Errc::malformed, "root hash: " + root.error().message);
  cp.root = *root;
  return cp;
}

std::string sign_checkpoint(const Checkpoint& cp, std::string_view key_name,
                            const SigningKey& key) {
  return sign_note(checkpoint_body(cp), key_name, key);
}

Result<Checkpoint> open_checkpoint(std::string_view note, std::string_view key_name,
                                   const PublicKey& key) {
  auto text = verify_note(note, key_name, key);
  if (!text) return text.error();
  return parse_checkpoint_body(*text);
}

}  // namespace pv
