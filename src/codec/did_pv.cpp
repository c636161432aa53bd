#include "codec/did_pv.hpp"

#include "codec/did_key.hpp"

namespace pv {
namespace {
constexpr std::string_view kPrefix = "did:pv:";
constexpr std::string_view kCreateDomain = "did:pv create v1";
constexpr std::size_t kIdBytes = 16;
constexpr std::size_t kNetworkHex = 16;
}  // namespace

std::string did_pv_from_create(const Hash32& network, ByteView create_payload) {
  Sha256 h;
  h.update(kCreateDomain).update(ByteView(std::array<std::uint8_t, 1>{0}.data(), 1));
  h.update(network.view()).update(create_payload);
  Hash32 digest = h.finish();
  return std::string(kPrefix) + network.hex().substr(0, kNetworkHex) + ":" +
         base58btc_encode(digest.view().subspan(0, kIdBytes));
}

Status check_did_key_id(std::string_view key_id) {
  if (key_id.empty() || key_id.size() > kMaxDidKeyIdBytes)
    return make_error(Errc::malformed, "key id must be 1 to 32 characters");
  for (char c : key_id)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
      return make_error(Errc::malformed, "key id may hold only a-z, 0-9 and '-'");
  return Status::ok();
}

std::string_view did_without_fragment(std::string_view did_url) {
  return did_url.substr(0, did_url.find('#'));
}

bool is_did_pv(std::string_view text) { return text.substr(0, kPrefix.size()) == kPrefix; }

Result<DidPvUrl> parse_did_pv_url(std::string_view text) {
  if (!is_did_pv(text)) return make_error(Errc::malformed, "not a did:pv");
  if (text.size() > 128) return make_error(Errc::too_large, "did:pv is too long");
  std::string_view rest = text.substr(kPrefix.size());
  std::size_t hash = rest.find('#');
  std::string_view did_part = rest.substr(0, hash);
  std::size_t colon = did_part.find(':');
  if (colon != kNetworkHex) return make_error(Errc::malformed, "did:pv needs a 16-hex-digit network prefix");
  for (char c : did_part.substr(0, colon))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
      return make_error(Errc::non_canonical, "did:pv network prefix must be lower-case hex");
  std::string_view id = did_part.substr(colon + 1);
  auto raw = base58btc_decode(id);
  if (!raw || raw->size() != kIdBytes || base58btc_encode(*raw) != id)
    return make_error(Errc::non_canonical, "did:pv id must be the base58btc of 16 bytes");
  DidPvUrl out;
  out.did = std::string(kPrefix) + std::string(did_part);
  if (hash != std::string_view::npos) {
    out.fragment = std::string(rest.substr(hash + 1));
    if (auto s = check_did_key_id(out.fragment); !s) return make_error(s.error().code, "did:pv " + s.error().message);
  }
  return out;
}

}  // namespace pv
