#include "ledger/transaction.hpp"

#include <cassert>
#include <string_view>

#include "codec/binary.hpp"
#include "codec/did_key.hpp"
#include "codec/did_pv.hpp"

namespace pv {
namespace {

constexpr std::string_view kTxMagic = "PVTX";
// Domain tag of the signing message; the 0x00 after it keeps it prefix-free.
constexpr std::string_view kTxSigningDomain = "PatientVault tx v1";

// Invariant: the unsigned encoding is a prefix of the signed encoding, so the signature covers
// every byte of the transaction except itself.
void write_unsigned(BinaryWriter& w, const Transaction& tx) {
  w.raw(as_bytes(kTxMagic));
  w.u8(kTxVersion);
  w.u16(tx.type);
  w.var(tx.signer);
  w.u64(tx.nonce);
  w.u64(tx.created_ms);
  w.var(tx.payload);
}

// The single place that says which signer strings a transaction may carry: the canonical
// did:key of an Ed25519 key, or a did:pv DID URL naming one of its keys ("did:pv:...#key-1").
Status check_signer_form(std::string_view signer) {
  if (is_did_pv(signer)) {
    auto url = parse_did_pv_url(signer);
    if (!url) return make_error(url.error().code, "transaction signer: " + url.error().message);
    if (url->fragment.empty())
      return make_error(Errc::malformed, "transaction signer: a did:pv signer must name its key (did:pv:...#key-id)");
    return Status::ok();
  }
  auto key = public_key_from_did_key(signer);
  if (!key) return make_error(key.error().code, "transaction signer: " + key.error().message);
  return Status::ok();
}

}  // namespace

Bytes signing_message(const NetworkId& network, const Transaction& tx) {
  BinaryWriter w;
  w.reserve(kTxSigningDomain.size() + 1 + NetworkId::size() + tx.signer.size() + tx.payload.size() +
            64);
  w.raw(as_bytes(kTxSigningDomain));
  w.u8(0x00);
  w.fixed(network);
  write_unsigned(w, tx);
  return w.take();
}

Bytes encode_transaction(const Transaction& tx) {
  BinaryWriter w;
  w.reserve(tx.signer.size() + tx.payload.size() + 128);
  write_unsigned(w, tx);
  w.fixed(tx.signature);
  return w.take();
}

Result<Transaction> decode_transaction(ByteView encoded) {
  if (encoded.size() > kMaxTxBytes)
    return make_error(Errc::too_large, "transaction is " + std::to_string(encoded.size()) +
                                           " bytes, over the limit of " +
                                           std::to_string(kMaxTxBytes));
  BinaryReader r(encoded);
  auto magic = r.raw(kTxMagic.size(), "transaction magic");
  if (!magic) return magic.error();
  if (as_chars(*magic) != kTxMagic)
    return make_error(Errc::malformed, "transaction magic is not \"PVTX\"");
  auto version = r.u8("transaction version");
  if (!version) return version.error();
  if (*version != kTxVersion)
    return make_error(Errc::malformed,
                      "transaction version " + std::to_string(*version) + " is not supported");

  Transaction tx;
  auto type = r.u16("transaction type");
  if (!type) return type.error();
  if (*type == 0) return make_error(Errc::malformed, "transaction type must not be 0");
  tx.type = *type;

  auto signer = r.text(kMaxSignerBytes, "transaction signer");
  if (!signer) return signer.error();
  PV_TRY(check_signer_form(*signer));
  tx.signer = std::move(*signer);

  auto nonce = r.u64("transaction nonce");
  if (!nonce) return nonce.error();
  tx.nonce = *nonce;
  auto created = r.u64("transaction created_ms");
  if (!created) return created.error();
  tx.created_ms = *created;

  auto payload = r.var(kMaxPayloadBytes, "transaction payload");
  if (!payload) return payload.error();
  tx.payload.assign(payload->begin(), payload->end());

  auto signature = r.fixed<64>("transaction signature");
  if (!signature) return signature.error();
  tx.signature = *signature;
  PV_TRY(r.expect_end("transaction"));
  return tx;
}

void sign_transaction(const NetworkId& network, const SigningKey& key, Transaction& tx) {
  // REQUIRES: the key is the signer's; otherwise the signature would never verify.
  assert(is_did_pv(tx.signer) || did_key_from_public_key(key.public_key()) == tx.signer);
  tx.signature = key.sign(signing_message(network, tx));
}

Status verify_transaction_signature(const NetworkId& network, const Transaction& tx,
                                    const PublicKey& key) {
  if (!ed25519_verify(key, signing_message(network, tx), tx.signature))
    return make_error(Errc::bad_signature, "transaction signature does not verify for signer " +
                                               tx.signer + " on network " + network.hex());
  return Status::ok();
}

Status verify_transaction_signature(const NetworkId& network, const Transaction& tx) {
  auto key = public_key_from_did_key(tx.signer);
  if (!key)
    return make_error(Errc::bad_signature,
                      "transaction signer has no verifiable key: " + key.error().message);
  if (!ed25519_verify(*key, signing_message(network, tx), tx.signature))
    return make_error(Errc::bad_signature, "transaction signature does not verify for signer " +
                                               tx.signer + " on network " + network.hex());
  return Status::ok();
}

}  // namespace pv
