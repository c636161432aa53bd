#include "zk/duplex_sponge.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdlib>

namespace pv::zk {

namespace {

constexpr std::size_t kRate = 168;  // SHAKE128

void check(int ok) {
  if (ok != 1) std::abort();  // allocation failure: never input-dependent
}

}  // namespace

// OpenSSL 3.0 has no incremental XOF squeeze: `out` caches the first bytes of the output
// stream of a finalized copy of `ctx`, recomputed longer when a squeeze goes past its end
// (SHAKE output is prefix-consistent, so the stream read is the same).
struct DuplexSponge::State {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  bool squeezing = false;
  Bytes out;
  std::size_t pos = 0;
  ~State() { EVP_MD_CTX_free(ctx); }
};

DuplexSponge::DuplexSponge(const SessionId& session_id) : s_(std::make_unique<State>()) {
  if (s_->ctx == nullptr) std::abort();
  check(EVP_DigestInit_ex(s_->ctx, EVP_shake128(), nullptr));
  std::uint8_t block[kRate] = {};
  std::copy(session_id.bytes.begin(), session_id.bytes.end(), block);
  check(EVP_DigestUpdate(s_->ctx, block, kRate));
}

DuplexSponge::DuplexSponge(const DuplexSponge& other) : s_(std::make_unique<State>()) {
  if (s_->ctx == nullptr) std::abort();
  check(EVP_MD_CTX_copy_ex(s_->ctx, other.s_->ctx));
  s_->squeezing = other.s_->squeezing;
  s_->out = other.s_->out;
  s_->pos = other.s_->pos;
}

DuplexSponge::~DuplexSponge() = default;

void DuplexSponge::absorb(ByteView data) {
  if (data.empty()) return;
  check(EVP_DigestUpdate(s_->ctx, data.data(), data.size()));
  s_->squeezing = false;
  s_->out.clear();
  s_->pos = 0;
}

Bytes DuplexSponge::squeeze(std::size_t n) {
  State& s = *s_;
  if (!s.squeezing) {
    s.squeezing = true;
    s.out.clear();
    s.pos = 0;
  }
  const std::size_t need = s.pos + n;
  if (s.out.size() < need) {
    const std::size_t len = std::max(need, 2 * kRate);
    EVP_MD_CTX* copy = EVP_MD_CTX_new();
    if (copy == nullptr) std::abort();
    check(EVP_MD_CTX_copy_ex(copy, s.ctx));
    s.out.resize(len);
    check(EVP_DigestFinalXOF(copy, s.out.data(), len));
    EVP_MD_CTX_free(copy);
  }
  Bytes r(s.out.begin() + static_cast<std::ptrdiff_t>(s.pos),
          s.out.begin() + static_cast<std::ptrdiff_t>(need));
  s.pos = need;
  return r;
}

Scalar DuplexSponge::challenge() {
  return Scalar::from_le_bytes_mod_order(squeeze(48));
}

SessionId derive_session_id(ByteView tag) {
  SessionId domain;
  const std::string_view label = "irtf-cfrg-fiat-shamir/session-id";
  std::copy(label.begin(), label.end(), domain.bytes.begin());
  DuplexSponge sponge(domain);
  sponge.absorb(tag);
  auto out = SessionId::from(sponge.squeeze(32));
  return *out;
}

}  // namespace pv::zk
