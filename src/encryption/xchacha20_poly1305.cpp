#include "encryption/xchacha20_poly1305.hpp"

#include <openssl/evp.h>
#include <sodium.h>

#include <cstdlib>
#include <limits>

#include "crypto/ed25519.hpp"  // crypto_init

namespace pv {
namespace {

const EVP_CIPHER* chacha20_poly1305() {
  // Fetched once: an explicit fetch spares OpenSSL 3 a provider lookup on every chunk.
  static EVP_CIPHER* cipher = EVP_CIPHER_fetch(nullptr, "ChaCha20-Poly1305", nullptr);
  if (cipher == nullptr) std::abort();  // this OpenSSL cannot do RFC 8439: nothing to fall back to
  return cipher;
}

// An OpenSSL failure on valid lengths means a broken library, not bad input.
void check(int rc) {
  if (rc != 1) std::abort();
}

}  // namespace

struct XChaCha20Poly1305::State {
  std::uint8_t subkey[crypto_core_hchacha20_OUTPUTBYTES];
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  ~State() {
    sodium_memzero(subkey, sizeof subkey);
    EVP_CIPHER_CTX_free(ctx);  // cleanses the context's key schedule
  }
  // Starts one message: the RFC 8439 nonce is 4 zero bytes and the nonce tail.
  void begin(const XChaChaNonceTail& tail, ByteView ad, int encrypt) {
    std::uint8_t nonce[12] = {};
    std::copy(tail.bytes.begin(), tail.bytes.end(), nonce + 4);
    check(EVP_CipherInit_ex2(ctx, chacha20_poly1305(), subkey, nonce, encrypt, nullptr));
    int n = 0;
    if (!ad.empty())
      check(EVP_CipherUpdate(ctx, nullptr, &n, ad.data(), static_cast<int>(ad.size())));
  }
};

static_assert(crypto_core_hchacha20_KEYBYTES == kXChaChaKeyBytes);
static_assert(crypto_core_hchacha20_INPUTBYTES == kXChaChaSubkeyNonceBytes);

Result<XChaCha20Poly1305> XChaCha20Poly1305::create(ByteView key, ByteView nonce_head) {
  if (key.size() != kXChaChaKeyBytes || nonce_head.size() != kXChaChaSubkeyNonceBytes)
    return make_error(Errc::invalid_argument,
                      "XChaCha20-Poly1305 needs a 32-byte key and the nonce's first 16 bytes");
  crypto_init();
  XChaCha20Poly1305 c;
  c.state_ = std::make_unique<State>();
  if (c.state_->ctx == nullptr) std::abort();
  check(crypto_core_hchacha20(c.state_->subkey, nonce_head.data(), key.data(), nullptr) == 0);
  return c;
}

XChaCha20Poly1305::~XChaCha20Poly1305() = default;
XChaCha20Poly1305::XChaCha20Poly1305(XChaCha20Poly1305&&) noexcept = default;
XChaCha20Poly1305& XChaCha20Poly1305::operator=(XChaCha20Poly1305&&) noexcept = default;

void XChaCha20Poly1305::seal(const XChaChaNonceTail& tail, ByteView ad, ByteView plain,
                             std::uint8_t* out) {
  if (plain.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) std::abort();
  state_->begin(tail, ad, 1);
  int n = 0, tail_n = 0;
  check(EVP_CipherUpdate(state_->ctx, out, &n, plain.data(), static_cast<int>(plain.size())));
  check(EVP_CipherFinal_ex(state_->ctx, out + n, &tail_n));
  check(EVP_CIPHER_CTX_ctrl(state_->ctx, EVP_CTRL_AEAD_GET_TAG, kPoly1305TagBytes,
                            out + plain.size()));
}

bool XChaCha20Poly1305::open(const XChaChaNonceTail& tail, ByteView ad, ByteView sealed,
                             std::uint8_t* out) {
  if (sealed.size() < kPoly1305TagBytes) return false;
  const std::size_t len = sealed.size() - kPoly1305TagBytes;
  if (len > static_cast<std::size_t>(std::numeric_limits<int>::max())) return false;
  state_->begin(tail, ad, 0);
  std::uint8_t tag[kPoly1305TagBytes];
  std::copy(sealed.begin() + static_cast<long>(len), sealed.end(), tag);
  check(EVP_CIPHER_CTX_ctrl(state_->ctx, EVP_CTRL_AEAD_SET_TAG, kPoly1305TagBytes, tag));
  int n = 0, tail_n = 0;
  check(EVP_CipherUpdate(state_->ctx, out, &n, sealed.data(), static_cast<int>(len)));
  if (EVP_CipherFinal_ex(state_->ctx, out + n, &tail_n) != 1) {
    sodium_memzero(out, len);
    return false;
  }
  return true;
}

}  // namespace pv
