#pragma once
// Shared by the encryptor and decryptor: libsodium's secretstream state behind an opaque type,
// so that headers above this level need not include sodium.h.

#include <sodium.h>

namespace pv {

struct BlobStreamState {
  crypto_secretstream_xchacha20poly1305_state s;
  ~BlobStreamState() { sodium_memzero(&s, sizeof s); }
};

}  // namespace pv
