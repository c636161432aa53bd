// Fuzzes the transaction decoder. Invariants, for every input that decodes:
//  - canonicality: encode(decode(x)) == x, byte for byte (one encoding per transaction);
//  - the signing message is the domain tag, the network id and x without its signature;
//  - the signer re-encodes to the same did:key;
//  - signature verification returns a value (ok or bad_signature) and never crashes.
// Inputs that do not decode must fail with a value, never a crash or a sanitizer report.

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "codec/did_key.hpp"
#include "codec/did_pv.hpp"
#include "ledger/transaction.hpp"

namespace {

void require(bool ok, const char* invariant) {
  if (ok) return;
  std::fprintf(stderr, "transaction_fuzz: invariant violated: %s\n", invariant);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pv;
  const ByteView input(data, size);
  auto tx = decode_transaction(input);
  if (!tx) {
    require(!tx.error().message.empty(), "a decode error names what failed");
    return 0;
  }
  const Bytes again = encode_transaction(*tx);
  require(again.size() == size && std::equal(again.begin(), again.end(), data),
          "encode(decode(x)) == x");
  require(size <= kMaxTxBytes, "decoded transactions respect kMaxTxBytes");
  require(tx->type != 0, "type 0 never decodes");

  // The signer is a canonical did:key, or a canonical did:pv URL naming a key.
  if (is_did_pv(tx->signer)) {
    auto url = parse_did_pv_url(tx->signer);
    require(url.is_ok() && !url->fragment.empty() && url->did + "#" + url->fragment == tx->signer,
            "did:pv signer is canonical and names a key");
  } else {
    auto key = public_key_from_did_key(tx->signer);
    require(key.is_ok() && did_key_from_public_key(*key) == tx->signer, "signer is canonical");
  }

  NetworkId network;
  network.bytes.fill(0x11);
  const Bytes message = signing_message(network, *tx);
  const ByteView unsigned_part = input.first(size - Signature::size());
  require(message.size() > unsigned_part.size() &&
              std::equal(unsigned_part.begin(), unsigned_part.end(),
                         message.end() - static_cast<std::ptrdiff_t>(unsigned_part.size())),
          "signing message ends with the unsigned encoding");

  auto verdict = verify_transaction_signature(network, *tx);
  require(verdict.is_ok() || verdict.error().code == Errc::bad_signature,
          "verification fails only with bad_signature");
  return 0;
}
