#pragma once
// A writer of the version 1 blob container, written for the tests from docs/blob-format.md
// (section "Version 1") with libsodium's secretstream directly. The product no longer writes
// version 1; readers must still accept it (BlobDecryptor, `pv blob get`).

#include <sodium.h>

#include <algorithm>

#include "base/bytes.hpp"

namespace pv::testing_v1 {

inline Bytes encrypt_blob_v1(ByteView key32, ByteView plain, std::uint32_t chunk = 262144) {
  Bytes out = {'P', 'V', 'B', 'L', 'O', 'B', 1, 1};
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(chunk >> (24 - 8 * i)));
  crypto_secretstream_xchacha20poly1305_state st;
  std::uint8_t stream_header[crypto_secretstream_xchacha20poly1305_HEADERBYTES];
  crypto_secretstream_xchacha20poly1305_init_push(&st, stream_header, key32.data());
  out.insert(out.end(), std::begin(stream_header), std::end(stream_header));
  const Bytes header = out;  // 36 bytes: associated data of chunk 0
  std::size_t at = 0;
  bool first = true;
  do {
    const std::size_t n = std::min<std::size_t>(chunk, plain.size() - at);
    const bool last = at + n == plain.size();
    const std::size_t o = out.size();
    out.resize(o + n + crypto_secretstream_xchacha20poly1305_ABYTES);
    crypto_secretstream_xchacha20poly1305_push(
        &st, out.data() + o, nullptr, plain.data() + at, n, first ? header.data() : nullptr,
        first ? header.size() : 0,
        last ? crypto_secretstream_xchacha20poly1305_TAG_FINAL
             : crypto_secretstream_xchacha20poly1305_TAG_MESSAGE);
    first = false;
    at += n;
  } while (at < plain.size());
  sodium_memzero(&st, sizeof st);
  return out;
}

}  // namespace pv::testing_v1
