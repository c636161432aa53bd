#include "evm/precompiles.hpp"

#include "evm/precompiles_internal.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>

#include <algorithm>
#include <cstring>
#include <memory>

namespace pv::evm {

namespace {

std::int64_t words(std::size_t n) { return static_cast<std::int64_t>((n + 31) / 32); }

CallResult charge(std::int64_t gas, std::int64_t cost, Bytes output) {
  if (cost > gas) return {Status::out_of_gas, 0, {}, {}};
  return {Status::success, gas - cost, std::move(output), {}};
}


Bytes digest(const char* name, ByteView input) {
  std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> md(EVP_MD_fetch(nullptr, name, nullptr),
                                                     &EVP_MD_free);
  if (!md) return {};
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(input.data(), input.size(), out, &len, md.get(), nullptr) != 1) return {};
  return Bytes(out, out + len);
}

const secp256k1_context* secp_context() {
  static const secp256k1_context* ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
  return ctx;
}

// 0x01: the address that signed a hash; empty output for any invalid input.
CallResult ecrecover(ByteView input, std::int64_t gas) {
  constexpr std::int64_t cost = 3000;
  if (cost > gas) return {Status::out_of_gas, 0, {}, {}};
  const Bytes in = padded_input(input, 0, 128);
  // v is a whole 32-byte word and must be 27 or 28.
  for (int i = 32; i < 63; ++i)
    if (in[i] != 0) return charge(gas, cost, {});
  if (in[63] != 27 && in[63] != 28) return charge(gas, cost, {});
  secp256k1_ecdsa_recoverable_signature sig;
  if (!secp256k1_ecdsa_recoverable_signature_parse_compact(secp_context(), &sig, in.data() + 64,
                                                           in[63] - 27))
    return charge(gas, cost, {});
  secp256k1_pubkey pubkey;
  if (!secp256k1_ecdsa_recover(secp_context(), &pubkey, &sig, in.data()))
    return charge(gas, cost, {});
  std::uint8_t serialized[65];
  std::size_t len = sizeof serialized;
  secp256k1_ec_pubkey_serialize(secp_context(), serialized, &len, &pubkey,
                                SECP256K1_EC_UNCOMPRESSED);
  const Bytes32 h = keccak256({serialized + 1, 64});
  Bytes out(32, 0);
  std::memcpy(out.data() + 12, h.data() + 12, 20);
  return charge(gas, cost, std::move(out));
}

CallResult sha256_precompile(ByteView input, std::int64_t gas) {
  const std::int64_t cost = 60 + 12 * words(input.size());
  if (cost > gas) return {Status::out_of_gas, 0, {}, {}};
  return charge(gas, cost, digest("SHA256", input));
}

CallResult ripemd160_precompile(ByteView input, std::int64_t gas) {
  const std::int64_t cost = 600 + 120 * words(input.size());
  if (cost > gas) return {Status::out_of_gas, 0, {}, {}};
  const Bytes d = digest("RIPEMD160", input);
  if (d.size() != 20) return {Status::precompile_failure, 0, {}, {}};
  Bytes out(32, 0);
  std::memcpy(out.data() + 12, d.data(), 20);
  return charge(gas, cost, std::move(out));
}

CallResult identity(ByteView input, std::int64_t gas) {
  return charge(gas, 15 + 3 * words(input.size()), Bytes(input.begin(), input.end()));
}

// A 32-byte big-endian length, saturated to 2^64 - 1.
std::uint64_t read_length(ByteView input, std::size_t offset) {
  const Bytes b = padded_input(input, offset, 32);
  for (int i = 0; i < 24; ++i)
    if (b[i] != 0) return UINT64_MAX;
  std::uint64_t v = 0;
  for (int i = 24; i < 32; ++i) v = (v << 8) | b[i];
  return v;
}

// 0x05: base^exp mod m over big numbers (EIP-198), priced by EIP-2565.
CallResult modexp(ByteView input, std::int64_t gas) {
  const std::uint64_t base_len = read_length(input, 0), exp_len = read_length(input, 32),
                      mod_len = read_length(input, 64);
  // Gas, in floating point-free saturating arithmetic.
  const std::uint64_t max_len = std::max(base_len, mod_len);
  const u128 mwords = (static_cast<u128>(max_len) + 7) / 8;
  const u128 complexity = mwords > (static_cast<u128>(1) << 40) ? ~static_cast<u128>(0) >> 1
                                                                 : mwords * mwords;
  // The exponent's head: its first 32 bytes (or fewer), read only where it is in the input.
  u128 iterations = 0;
  {
    const std::size_t head_len = static_cast<std::size_t>(std::min<std::uint64_t>(exp_len, 32));
    const std::uint64_t exp_offset = 96 + std::min<std::uint64_t>(base_len, UINT64_MAX - 96);
    const Bytes head = exp_offset < input.size()
                           ? padded_input(input, static_cast<std::size_t>(exp_offset), head_len)
                           : Bytes(head_len, 0);
    unsigned bits = bit_length(load_be(head.data(), head.size()));
    u128 it = exp_len <= 32 ? (bits == 0 ? 0 : bits - 1)
                            : static_cast<u128>(8) * (exp_len - 32) + (bits == 0 ? 0 : bits - 1);
    iterations = std::max<u128>(it, 1);
  }
  u128 cost128;
  if (complexity != 0 && iterations > (~static_cast<u128>(0) >> 1) / complexity)
    cost128 = ~static_cast<u128>(0) >> 1;
  else
    cost128 = complexity * iterations / 3;
  cost128 = std::max<u128>(cost128, 200);
  if (cost128 > static_cast<u128>(gas)) return {Status::out_of_gas, 0, {}, {}};
  const auto cost = static_cast<std::int64_t>(cost128);
  if (mod_len == 0) return charge(gas, cost, {});
  // Here the gas paid bounds every length well below 2^32.
  const Bytes b = padded_input(input, 96, base_len);
  const Bytes e = padded_input(input, 96 + base_len, exp_len);
  const Bytes m = padded_input(input, 96 + base_len + exp_len, mod_len);
  Bytes out(mod_len, 0);
  BN_CTX* ctx = BN_CTX_new();
  BIGNUM* bb = BN_bin2bn(b.data(), static_cast<int>(b.size()), nullptr);
  BIGNUM* eb = BN_bin2bn(e.data(), static_cast<int>(e.size()), nullptr);
  BIGNUM* mb = BN_bin2bn(m.data(), static_cast<int>(m.size()), nullptr);
  BIGNUM* rb = BN_new();
  bool ok = ctx && bb && eb && mb && rb;
  if (ok && !BN_is_zero(mb)) {
    ok = BN_mod_exp(rb, bb, eb, mb, ctx) == 1 &&
         BN_bn2binpad(rb, out.data(), static_cast<int>(out.size())) >= 0;
  }
  BN_free(rb);
  BN_free(mb);
  BN_free(eb);
  BN_free(bb);
  BN_CTX_free(ctx);
  if (!ok) return {Status::precompile_failure, 0, {}, {}};
  return charge(gas, cost, std::move(out));
}

}  // namespace

Bytes padded_input(ByteView input, std::size_t offset, std::size_t n) {
  Bytes out(n, 0);
  if (n != 0 && offset < input.size())
    std::memcpy(out.data(), input.data() + offset, std::min(n, input.size() - offset));
  return out;
}

CallResult run_precompile(std::uint8_t number, ByteView input, std::int64_t gas) {
  switch (number) {
    case 1: return ecrecover(input, gas);
    case 2: return sha256_precompile(input, gas);
    case 3: return ripemd160_precompile(input, gas);
    case 4: return identity(input, gas);
    case 5: return modexp(input, gas);
    case 6: return bn254_add(input, gas);
    case 7: return bn254_mul(input, gas);
    default: return {Status::unsupported_precompile, 0, {}, {}};
  }
}

}  // namespace pv::evm
