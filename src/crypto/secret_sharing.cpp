#include "crypto/secret_sharing.hpp"

#include <sodium.h>

extern "C" {
#include <libgfshare.h>
}

#include <memory>
#include <mutex>
#include <set>

namespace pv {
namespace {

void fill_from_libsodium(unsigned char* out, unsigned int n) {
  randombytes_buf(out, n);
}

// libgfshare draws random bytes through a global function pointer that starts out null: for the
// polynomial coefficients, and also in gfshare_ctx_free, which overwrites a context's buffers
// with random bytes before freeing them (so a combine-only process needs it too). Point it at
// libsodium once, before any context exists.
void use_libsodium_randomness() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (sodium_init() < 0) std::abort();
    gfshare_fill_rand = fill_from_libsodium;
  });
}

struct ContextFree {
  void operator()(gfshare_ctx* ctx) const { gfshare_ctx_free(ctx); }
};

}  // namespace

Result<std::vector<SecretShare>> split_secret(const FixedBytes<kShareBytes>& secret,
                                              std::size_t count, std::size_t threshold) {
  if (threshold < 2 || threshold > count || count > kMaxShares)
    return make_error(Errc::invalid_argument,
                      "a secret is split into 2 to 16 shares with a threshold of 2 to the number "
                      "of shares");
  use_libsodium_randomness();
  std::vector<unsigned char> numbers(count);
  for (std::size_t i = 0; i < count; ++i) numbers[i] = static_cast<unsigned char>(i + 1);
  std::unique_ptr<gfshare_ctx, ContextFree> ctx(
      gfshare_ctx_init_enc(numbers.data(), static_cast<unsigned int>(count),
                           static_cast<unsigned char>(threshold), kShareBytes));
  if (!ctx) return make_error(Errc::internal, "libgfshare could not make a split context");
  FixedBytes<kShareBytes> copy = secret;
  gfshare_ctx_enc_setsecret(ctx.get(), copy.data());
  sodium_memzero(copy.data(), copy.size());
  std::vector<SecretShare> shares(count);
  for (std::size_t i = 0; i < count; ++i) {
    shares[i].number = numbers[i];
    gfshare_ctx_enc_getshare(ctx.get(), static_cast<unsigned char>(i), shares[i].value.data());
  }
  return shares;
}

Result<FixedBytes<kShareBytes>> combine_shares(std::span<const SecretShare> shares) {
  if (shares.empty() || shares.size() > kMaxShares)
    return make_error(Errc::invalid_argument, "combine 1 to 16 shares");
  use_libsodium_randomness();
  std::vector<unsigned char> numbers;
  std::set<unsigned char> seen;
  for (const auto& s : shares) {
    if (s.number == 0) return make_error(Errc::invalid_argument, "share number 0 does not exist");
    if (!seen.insert(s.number).second)
      return make_error(Errc::invalid_argument,
                        "share " + std::to_string(s.number) + " is given twice");
    numbers.push_back(s.number);
  }
  std::unique_ptr<gfshare_ctx, ContextFree> ctx(
      gfshare_ctx_init_dec(numbers.data(), static_cast<unsigned int>(numbers.size()), kShareBytes));
  if (!ctx) return make_error(Errc::internal, "libgfshare could not make a combine context");
  for (std::size_t i = 0; i < shares.size(); ++i) {
    FixedBytes<kShareBytes> value = shares[i].value;
    gfshare_ctx_dec_giveshare(ctx.get(), static_cast<unsigned char>(i), value.data());
    sodium_memzero(value.data(), value.size());
  }
  FixedBytes<kShareBytes> secret;
  gfshare_ctx_dec_extract(ctx.get(), secret.data());
  return secret;
}

}  // namespace pv
