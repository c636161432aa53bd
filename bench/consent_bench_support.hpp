#pragma once
// What the records-and-consent benchmarks share: people with keys, signed record anchors and
// consent grants as a client would make them (keys really sealed to the recipients), the
// figures file that the HTTP phase hands to the in-process phase, percentiles, and this
// machine's Ed25519 verification rate measured in the same run.

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli/acting.hpp"
#include "ledger/consent_payloads.hpp"
#include "ledger/transaction.hpp"

namespace pv::bench {

using Clock = std::chrono::steady_clock;

std::uint64_t unix_ms();

// A person or organization with a did:key and the next nonce it will sign with.
struct Person {
  SigningKey key;
  std::string did;
  std::uint64_t nonce = 0;
  static Person generate();
  cli::Actor actor() const;  // for the client library (cli/), signing as this person
};

// A signed, encoded transaction of `type` from `who` (nonce incremented).
Bytes sign_as(Person& who, const NetworkId& network, TxType type, Bytes payload);

// A record anchor for `patient` by `author`: the CID of `ciphertext` (64 random bytes, one raw
// block, which the caller uploads before the anchor: a node accepts an anchor only for content
// it holds), a real commitment and a fresh data key really sealed to patient and author.
RecordAnchor synthetic_anchor(const Person& patient, const Person& author,
                              const std::string& organization, Bytes& ciphertext);

// A grant from the patient to `grantee` of `records` for `purposes`, for `days`, carrying each
// record's key sealed to the grantee (fresh keys: the benchmark does not read these records'
// content).
ConsentGrant synthetic_grant(const Person& grantee, std::vector<RecordId> records,
                             std::vector<std::string> purposes, int days);

double percentile(std::vector<double> v, double p);

// Ed25519 verifications per second on `threads` threads, over about one second.
double measure_verify_rate(unsigned threads);

// One consented-read question for the in-process phase: who asks for what, and whether the
// ledger should permit it.
struct ReadQuestion {
  std::string reader;
  RecordId record;
  std::string purpose;
  bool permit = false;
};
nlohmann::json question_json(const ReadQuestion& q);
[[nodiscard]] Result<ReadQuestion> question_from(const nlohmann::json& j);

}  // namespace pv::bench
