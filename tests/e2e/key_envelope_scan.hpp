#pragma once
// The wrapped keys of one record as a byte scan looks for them (docs/erasure.md, "Key
// envelopes"): the record anchor and the consent grants are read back from a node's ledger
// (GET /v1/tx/{id}), their key envelopes from its gateway, and every sealed box found there (the
// patient's, the author's, the category wrap, each emergency share, each grantee's key) becomes
// a sample: 32 bytes from the middle of the box. Each transaction is also checked to carry none
// of them. Header-only, for the erasure tests.

#include <gtest/gtest.h>
#include <httplib.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "content/cid.hpp"
#include "ledger/emergency_payloads.hpp"
#include "ledger/record_key_envelope.hpp"
#include "ledger/transaction.hpp"

namespace pv::e2e {

struct KeySample {
  std::string bytes;  // 32 bytes of one sealed box
  std::string what;   // for failure messages
};

inline Result<Bytes> tx_bytes(int port, const std::string& id) {
  auto r = httplib::Client("127.0.0.1", port).Get("/v1/tx/" + id);
  if (!r || r->status != 200)
    return make_error(Errc::not_found,
                      "GET /v1/tx/" + id + " answered " +
                          (r ? std::to_string(r->status) : std::string("nothing")));
  auto j = nlohmann::json::parse(r->body, nullptr, false);
  if (!j.is_object() || !j.contains("tx") || !j["tx"].is_string())
    return make_error(Errc::malformed, "GET /v1/tx/" + id + ": no tx in " + r->body);
  return from_base64(j["tx"].get<std::string>());
}

inline Result<Bytes> envelope_bytes(int port, const Bytes& binary_cid) {
  auto cid = content::Cid::decode(binary_cid);
  if (!cid) return cid.error();
  auto r = httplib::Client("127.0.0.1", port).Get("/ipfs/" + cid->to_string() + "?format=raw");
  if (!r || r->status != 200)
    return make_error(Errc::not_found, "the gateway has no key envelope " + cid->to_string());
  return Bytes(r->body.begin(), r->body.end());
}

inline KeySample sample_of(const SealedKeyBox& box, const std::string& what) {
  return {std::string(reinterpret_cast<const char*>(box.bytes.data()) + 24, 32), what};
}

// The samples of record `record_tx`'s keys and of the grantee keys of `consent_txs`, read from
// the node at `port` while the record lives. Fails the test if a transaction is not version 2 or
// carries a sample itself.
inline std::vector<KeySample> record_key_samples(int port, const std::string& record_tx,
                                                 const std::vector<std::string>& consent_txs) {
  std::vector<KeySample> samples;
  auto raw = tx_bytes(port, record_tx);
  EXPECT_TRUE(raw) << raw.error().message;
  if (!raw) return samples;
  auto tx = decode_transaction(*raw);
  EXPECT_TRUE(tx);
  auto anchor = decode_record_anchor(tx->payload);
  EXPECT_TRUE(anchor && has_key_envelope(*anchor)) << "the anchor is not version 2";
  if (!anchor || !has_key_envelope(*anchor)) return samples;
  auto bytes = envelope_bytes(port, anchor->key_envelope);
  EXPECT_TRUE(bytes) << bytes.error().message;
  if (!bytes) return samples;
  auto opened = open_record_key_envelope(*anchor, *bytes);
  EXPECT_TRUE(opened) << opened.error().message;
  if (!opened) return samples;
  samples.push_back(sample_of(opened->for_patient.sealed, "the patient's wrapped key"));
  samples.push_back(sample_of(opened->for_author.sealed, "the author's wrapped key"));
  if (opened->for_category)
    samples.push_back(sample_of(opened->for_category->sealed, "the category wrap"));
  if (opened->emergency)
    for (std::size_t i = 0; i < opened->emergency->shares.size(); ++i)
      samples.push_back(sample_of(opened->emergency->shares[i].sealed,
                                  "emergency share " + std::to_string(i + 1)));
  const std::string anchor_text(raw->begin(), raw->end());
  for (const auto& consent_tx : consent_txs) {
    auto craw = tx_bytes(port, consent_tx);
    EXPECT_TRUE(craw) << craw.error().message;
    if (!craw) continue;
    auto ctx = decode_transaction(*craw);
    auto grant = ctx ? decode_consent_grant(ctx->payload) : Result<ConsentGrant>(ctx.error());
    EXPECT_TRUE(grant);
    if (!grant) continue;
    for (const auto& k : grant->record_keys) {
      EXPECT_FALSE(k.key_envelope.empty()) << "the consent grant is not version 2";
      auto gbytes = envelope_bytes(port, k.key_envelope);
      EXPECT_TRUE(gbytes) << gbytes.error().message;
      if (!gbytes) continue;
      auto key = open_grant_key_envelope(k.record, *gbytes);
      EXPECT_TRUE(key) << key.error().message;
      if (key) samples.push_back(sample_of(key->sealed, "the grantee's wrapped key"));
    }
    for (const auto& s : samples)
      EXPECT_EQ(std::string(craw->begin(), craw->end()).find(s.bytes), std::string::npos)
          << "the consent grant carries " << s.what;
  }
  for (const auto& s : samples)
    EXPECT_EQ(anchor_text.find(s.bytes), std::string::npos) << "the anchor carries " << s.what;
  return samples;
}

// The samples of the shares custodians re-sealed to an emergency reader in the releases
// `release_txs`, read from the node at `port`: each release must be version 2 (the share in a
// key envelope) and carry no sample itself.
inline std::vector<KeySample> released_share_samples(int port,
                                                     const std::vector<std::string>& release_txs) {
  std::vector<KeySample> samples;
  for (const auto& id : release_txs) {
    auto raw = tx_bytes(port, id);
    EXPECT_TRUE(raw) << raw.error().message;
    if (!raw) continue;
    auto tx = decode_transaction(*raw);
    auto release = tx ? decode_emergency_release(tx->payload) : Result<EmergencyRelease>(tx.error());
    EXPECT_TRUE(release && !release->sealed_envelope.empty()) << "the release is not version 2";
    if (!release || release->sealed_envelope.empty()) continue;
    auto bytes = envelope_bytes(port, release->sealed_envelope);
    EXPECT_TRUE(bytes) << bytes.error().message;
    if (!bytes) continue;
    auto sealed = open_release_key_envelope(*release, *bytes);
    EXPECT_TRUE(sealed) << sealed.error().message;
    if (!sealed) continue;
    KeySample sample{std::string(reinterpret_cast<const char*>(sealed->bytes.data()) + 24, 32),
                     "share " + std::to_string(release->share) + " re-sealed to the reader"};
    EXPECT_EQ(std::string(raw->begin(), raw->end()).find(sample.bytes), std::string::npos)
        << "the release transaction carries " << sample.what;
    samples.push_back(std::move(sample));
  }
  return samples;
}

}  // namespace pv::e2e
