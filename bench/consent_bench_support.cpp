#include "consent_bench_support.hpp"

#include <algorithm>
#include <atomic>
#include <thread>

#include "codec/did_key.hpp"
#include "content/cid.hpp"
#include "identity/key_wrap.hpp"
#include "identity/record_commitment.hpp"

namespace pv::bench {

std::uint64_t unix_ms() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

Person Person::generate() {
  Person p{SigningKey::generate(), {}, 0};
  p.did = did_key_from_public_key(p.key.public_key());
  return p;
}

cli::Actor Person::actor() const {
  IdentityMetadata m;
  m.name = did.substr(did.size() - 12);
  m.did = did;
  m.current_key = key.public_key();
  return cli::Actor(m, IdentitySecrets{key, {}, {}}, did, key);
}

Bytes sign_as(Person& who, const NetworkId& network, TxType type, Bytes payload) {
  Transaction tx;
  tx.type = type;
  tx.signer = who.did;
  tx.nonce = ++who.nonce;
  tx.created_ms = unix_ms();
  tx.payload = std::move(payload);
  sign_transaction(network, who.key, tx);
  return encode_transaction(tx);
}

namespace {
WrappedKey wrap_for(const SecretKey32& key, const PublicKey& recipient) {
  auto sealed = seal_key_to_ed25519(key, recipient);
  if (!sealed) std::abort();  // a did:key made here always has an X25519 counterpart
  return {recipient, *sealed};
}
}  // namespace

RecordAnchor synthetic_anchor(const Person& patient, const Person& author,
                              const std::string& organization, Bytes& ciphertext) {
  const SecretKey32 data_key = generate_secret_key();
  ciphertext.assign(64, 0);
  random_bytes(ciphertext.data(), ciphertext.size());
  const std::string plaintext =
      R"({"resourceType":"Observation","status":"final","valueQuantity":{"value":6.1}})";
  RecordAnchor a;
  a.patient = patient.did;
  a.organization = organization;
  a.cid = content::Cid::of(content::Multicodec::raw, ciphertext).bytes();
  a.commitment = record_commitment(data_key, as_bytes(plaintext));
  a.category = "Observation";
  a.media_type = "application/fhir+json";
  a.size = plaintext.size();
  a.for_patient = wrap_for(data_key, patient.key.public_key());
  a.for_author = wrap_for(data_key, author.key.public_key());
  return a;
}

ConsentGrant synthetic_grant(const Person& grantee, std::vector<RecordId> records,
                             std::vector<std::string> purposes, int days) {
  std::sort(records.begin(), records.end());
  records.erase(std::unique(records.begin(), records.end()), records.end());
  std::sort(purposes.begin(), purposes.end());
  ConsentGrant g;
  g.grantee = grantee.did;
  g.records = records;
  g.actions = static_cast<std::uint8_t>(ConsentAction::access);
  g.purposes = std::move(purposes);
  g.not_before_ms = unix_ms() - 60'000;
  g.not_after_ms = unix_ms() + static_cast<std::uint64_t>(days) * 86'400'000;
  for (const auto& r : records)
    g.record_keys.push_back({r, wrap_for(generate_secret_key(), grantee.key.public_key()), {}});
  return g;
}

double percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())))];
}

double measure_verify_rate(unsigned threads) {
  auto key = SigningKey::generate();
  Bytes msg(200, 0x42);
  Signature sig = key.sign(msg);
  std::atomic<std::uint64_t> count{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> pool;
  auto start = Clock::now();
  for (unsigned t = 0; t < threads; ++t)
    pool.emplace_back([&] {
      std::uint64_t n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        if (!ed25519_verify(key.public_key(), msg, sig)) std::abort();
        ++n;
      }
      count += n;
    });
  std::this_thread::sleep_for(std::chrono::seconds(1));
  stop = true;
  for (auto& th : pool) th.join();
  return static_cast<double>(count) / std::chrono::duration<double>(Clock::now() - start).count();
}

nlohmann::json question_json(const ReadQuestion& q) {
  return {{"reader", q.reader},
          {"record", q.record.hex()},
          {"purpose", q.purpose},
          {"permit", q.permit}};
}

Result<ReadQuestion> question_from(const nlohmann::json& j) {
  try {
    auto record = RecordId::from_hex(j.at("record").get<std::string>());
    if (!record) return record.error();
    return ReadQuestion{j.at("reader").get<std::string>(), *record,
                        j.at("purpose").get<std::string>(), j.at("permit").get<bool>()};
  } catch (const nlohmann::json::exception& e) {
    return make_error(Errc::malformed, std::string("bad question: ") + e.what());
  }
}

}  // namespace pv::bench
