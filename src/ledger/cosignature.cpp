#include "ledger/cosignature.hpp"

#include "crypto/sha256.hpp"
#include "ledger/checkpoint.hpp"

namespace pv {
namespace {

constexpr std::size_t kKeyIdBytes = 4, kTimeBytes = 8;
constexpr std::string_view kSigPrefix = "\xE2\x80\x94 ";  // U+2014 EM DASH, then a space

Error malformed(std::string what) {
  return make_error(Errc::malformed, "cosigner key: " + std::move(what));
}

Bytes encoded_key(const PublicKey& key) {
  Bytes out{kCosignatureV1Algorithm};
  out.insert(out.end(), key.bytes.begin(), key.bytes.end());
  return out;
}

void put_be(Bytes& out, std::uint64_t v, std::size_t bytes) {
  for (std::size_t i = bytes; i-- > 0;) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::string key_id_hex(std::uint32_t id) {
  Bytes b;
  put_be(b, id, kKeyIdBytes);
  return to_hex(b);
}

}  // namespace

std::uint32_t cosigner_key_id(std::string_view name, const PublicKey& key) {
  Sha256 h;
  h.update(name).update("\n").update(encoded_key(key));
  const Hash32 d = h.finish();
  return (std::uint32_t{d.bytes[0]} << 24) | (std::uint32_t{d.bytes[1]} << 16) |
         (std::uint32_t{d.bytes[2]} << 8) | std::uint32_t{d.bytes[3]};
}

std::string cosigner_verifier_key(std::string_view name, const PublicKey& key) {
  return std::string(name) + "+" + key_id_hex(cosigner_key_id(name, key)) + "+" +
         to_base64(encoded_key(key));
}

Result<Cosigner> parse_cosigner_verifier_key(std::string_view text) {
  const auto p1 = text.find('+');
  if (p1 == std::string_view::npos) return malformed("no '+' (expected name+keyid+key)");
  const auto p2 = text.find('+', p1 + 1);
  if (p2 == std::string_view::npos) return malformed("one '+' only (expected name+keyid+key)");
  const std::string_view name = text.substr(0, p1), hex = text.substr(p1 + 1, p2 - p1 - 1);
  if (!is_valid_note_key_name(name)) return malformed("invalid name");
  if (hex.size() != 2 * kKeyIdBytes) return malformed("key id is not 8 hex digits");
  for (char c : hex)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return malformed("key id is not lower-case hex");
  auto raw = from_base64(text.substr(p2 + 1));
  if (!raw) return malformed("key is not canonical base64");
  if (raw->size() != 1 + PublicKey::size() || (*raw)[0] != kCosignatureV1Algorithm)
    return malformed("not an Ed25519 cosignature/v1 key (algorithm byte 0x04)");
  auto key = PublicKey::from(ByteView(raw->data() + 1, PublicKey::size()));
  if (!key) return key.error();
  if (key_id_hex(cosigner_key_id(name, *key)) != hex)
    return malformed("key id does not match the name and key");
  return Cosigner{std::string(name), *key};
}

std::string cosigned_message(std::string_view checkpoint_text, std::uint64_t timestamp) {
  std::string out = "cosignature/v1\ntime " + std::to_string(timestamp) + "\n";
  out += checkpoint_text;
  return out;
}

std::string cosign(std::string_view checkpoint_text, std::string_view name, const SigningKey& key,
                   std::uint64_t timestamp) {
  const Signature sig = key.sign(as_bytes(cosigned_message(checkpoint_text, timestamp)));
  Bytes blob;
  put_be(blob, cosigner_key_id(name, key.public_key()), kKeyIdBytes);
  put_be(blob, timestamp, kTimeBytes);
  blob.insert(blob.end(), sig.bytes.begin(), sig.bytes.end());
  return std::string(kSigPrefix) + std::string(name) + " " + to_base64(blob) + "\n";
}

Result<std::vector<VerifiedCosignature>> verify_cosignatures(std::string_view note,
                                                             std::span<const Cosigner> cosigners,
                                                             std::uint64_t now,
                                                             std::uint64_t max_future_seconds) {
  auto parsed = parse_signed_note(note);
  if (!parsed) return parsed.error();
  std::vector<VerifiedCosignature> out;
  for (const auto& c : cosigners) {
    const std::uint32_t id = cosigner_key_id(c.name, c.key);
    for (const auto& line : parsed->signatures) {
      if (line.name != c.name || line.key_id != id) continue;
      const std::string who = "cosignature by " + c.name;
      if (line.sig.size() != kTimeBytes + Signature::size())
        return make_error(Errc::bad_signature, who + " has the wrong length");
      std::uint64_t t = 0;
      for (std::size_t i = 0; i < kTimeBytes; ++i) t = (t << 8) | line.sig[i];
      if (t > kMaxCosignatureTime)
        return make_error(Errc::bad_signature, who + " has a timestamp above 2^63 - 1");
      if (t > now && t - now > max_future_seconds)
        return make_error(Errc::bad_signature,
                          who + " is dated " + std::to_string(t - now) + " s in the future");
      auto sig = Signature::from(ByteView(line.sig.data() + kTimeBytes, Signature::size()));
      if (!sig || !ed25519_verify(c.key, as_bytes(cosigned_message(parsed->text, t)), *sig))
        return make_error(Errc::bad_signature, who + " does not verify");
      if (out.empty() || out.back().name != c.name) out.push_back({c.name, t});
    }
  }
  return out;
}

}  // namespace pv
