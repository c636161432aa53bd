// The forms of a P-256 signature: the low-S rule and strict DER <-> raw r ‖ s.
#include <algorithm>
#include <cstring>

#include "crypto/p256_ecdsa.hpp"
#include "crypto/p256_openssl.hpp"

namespace pv {
namespace {

// floor(n / 2) for the P-256 group order n, big-endian.
constexpr std::uint8_t kHalfOrder[32] = {
    0x7f, 0xff, 0xff, 0xff, 0x80, 0x00, 0x00, 0x00, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
    0xde, 0x73, 0x7d, 0x56, 0xd3, 0x8b, 0xcf, 0x42, 0x79, 0xdc, 0xe5, 0x61, 0x7e, 0x31, 0x92, 0xa8};

constexpr std::uint8_t kDerSequence = 0x30;
constexpr std::uint8_t kDerInteger = 0x02;

// Reads one DER INTEGER holding a non-negative value of at most 32 bytes into `out`
// (left-padded). Advances `at`.
Status read_integer(ByteView der, std::size_t& at, std::uint8_t* out, const char* name) {
  const std::string what = std::string("DER signature ") + name;
  if (at + 2 > der.size() || der[at] != kDerInteger)
    return make_error(Errc::malformed, what + " is not an INTEGER");
  const std::size_t len = der[at + 1];
  at += 2;
  // Short-form lengths only: a P-256 integer needs at most 33 bytes.
  if (len == 0 || len > kP256ScalarSize + 1 || at + len > der.size())
    return make_error(Errc::malformed, what + " has a bad length");
  ByteView value = der.subspan(at, len);
  if (value[0] & 0x80) return make_error(Errc::malformed, what + " is negative");
  if (value[0] == 0x00 && len > 1 && !(value[1] & 0x80))
    return make_error(Errc::malformed, what + " is not minimally encoded");
  if (value[0] == 0x00 && len > 1) value = value.subspan(1);
  if (value.size() > kP256ScalarSize)
    return make_error(Errc::malformed, what + " is longer than 32 bytes");
  std::memset(out, 0, kP256ScalarSize);
  std::copy(value.begin(), value.end(), out + (kP256ScalarSize - value.size()));
  at += len;
  return Status::ok();
}

void append_integer(Bytes& out, const std::uint8_t* v) {
  std::size_t skip = 0;
  while (skip + 1 < kP256ScalarSize && v[skip] == 0) ++skip;
  const bool pad = v[skip] & 0x80;
  out.push_back(kDerInteger);
  out.push_back(static_cast<std::uint8_t>(kP256ScalarSize - skip + (pad ? 1 : 0)));
  if (pad) out.push_back(0x00);
  out.insert(out.end(), v + skip, v + kP256ScalarSize);
}

}  // namespace

bool p256_signature_is_low_s(const P256Signature& sig) {
  const std::uint8_t* s = sig.data() + kP256ScalarSize;
  return std::memcmp(s, kHalfOrder, kP256ScalarSize) <= 0;
}

P256Signature p256_signature_normalize_s(const P256Signature& sig) {
  using namespace p256_detail;
  if (p256_signature_is_low_s(sig)) return sig;
  BnPtr s(BN_bin2bn(sig.data() + kP256ScalarSize, kP256ScalarSize, nullptr));
  if (!s || BN_cmp(s.get(), p256_order()) >= 0) return sig;  // never verifies; leave it
  P256Signature out = sig;
  if (BN_sub(s.get(), p256_order(), s.get()) != 1 ||
      BN_bn2binpad(s.get(), out.data() + kP256ScalarSize, kP256ScalarSize) != kP256ScalarSize)
    return sig;
  return out;
}

Result<P256Signature> p256_signature_from_der(ByteView der) {
  if (der.size() < 2 || der[0] != kDerSequence)
    return make_error(Errc::malformed, "DER signature is not a SEQUENCE");
  // Short-form length only (the longest P-256 signature is 72 bytes) and nothing after it.
  if (der[1] & 0x80)
    return make_error(Errc::malformed, "DER signature length is not in short form");
  if (std::size_t{der[1]} != der.size() - 2)
    return make_error(Errc::malformed,
                      "DER signature length does not match its size (trailing or missing bytes)");
  P256Signature sig;
  std::size_t at = 2;
  PV_TRY(read_integer(der, at, sig.data(), "r"));
  PV_TRY(read_integer(der, at, sig.data() + kP256ScalarSize, "s"));
  if (at != der.size()) return make_error(Errc::malformed, "DER signature has bytes after s");
  return sig;
}

Bytes p256_signature_to_der(const P256Signature& sig) {
  Bytes out;
  out.reserve(2 + 2 * (2 + kP256ScalarSize + 1));
  out.push_back(kDerSequence);
  out.push_back(0);  // the length, set below
  append_integer(out, sig.data());
  append_integer(out, sig.data() + kP256ScalarSize);
  out[1] = static_cast<std::uint8_t>(out.size() - 2);
  return out;
}

}  // namespace pv
