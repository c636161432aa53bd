// The WebAuthn fuzz target's seeds are accepted by the decoder each one is for, so the fuzzer
// starts from valid inputs of every kind (fuzz/webauthn_fuzz.cpp: the first byte mod 4 picks
// authenticatorData, clientDataJSON, a key or DER signature, a did:key).

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "codec/did_key_p256.hpp"
#include "crypto/p256_ecdsa.hpp"
#include "webauthn/authenticator_data.hpp"
#include "webauthn/client_data.hpp"

namespace pv {
namespace {

TEST(WebAuthnFuzzSeeds, EverySeedDecodes) {
  const std::filesystem::path dir =
      std::filesystem::path(PV_SOURCE_DIR) / "fuzz/corpus/webauthn_fuzz";
  bool kinds[4] = {false, false, false, false};
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    Bytes seed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ASSERT_FALSE(seed.empty()) << entry.path();
    const ByteView input = ByteView(seed).subspan(1);
    const int kind = seed[0] % 4;
    bool ok = false;
    if (kind == 0) {
      ok = static_cast<bool>(webauthn::check_assertion_authenticator_data(input, "example.org",
                                                                          (seed[0] & 0x10) != 0));
    } else if (kind == 1) {
      const Hash32 challenge = sha256(as_bytes(std::string_view("a transaction")));
      const std::string origins[] = {"https://portal.example.org"};
      ok = static_cast<bool>(
          webauthn::check_assertion_client_data(input, challenge.view(), origins));
    } else if (kind == 2) {
      ok = P256PublicKey::from_sec1(input) || p256_signature_from_der(input);
    } else {
      ok = static_cast<bool>(p256_from_did_key(
          std::string(reinterpret_cast<const char*>(input.data()), input.size())));
    }
    EXPECT_TRUE(ok) << entry.path();
    kinds[kind] = true;
  }
  EXPECT_TRUE(kinds[0] && kinds[1] && kinds[2] && kinds[3]);
}

}  // namespace
}  // namespace pv
