// Phase 4 of pv_consent_http_bench: the latency of one consented read of a small record, end to
// end over HTTP, one read at a time. Set up with the client library exactly as `pv record add`
// and `pv consent grant` do it (content encrypted and uploaded, keys sealed to patient, author
// and grantee); then each read is timed in two spans:
//   decision: signed POST /v1/records/{id}/access -> the node decides at the current height,
//             writes the access event and waits for its commit -> CID and the reader's wrap
//             served -> the reader opens the data key;
//   with content: the above, then the ciphertext downloaded, every block checked against its
//             CID, decrypted and checked against the anchored commitment, the file written.

#include <filesystem>
#include <fstream>
#include <iostream>

#include "cli/consent_writer.hpp"
#include "cli/record_access_client.hpp"
#include "cli/record_content.hpp"
#include "consent_bench_support.hpp"
#include "content/byte_stream.hpp"

namespace pv::bench {
namespace {

using nlohmann::json;

int fail(const std::string& what, const Error& e) {
  std::cerr << "pv_consent_http_bench (latency): " << what << ": " << e.message << "\n";
  return 1;
}

}  // namespace
}  // namespace pv::bench

using namespace pv;
using namespace pv::bench;

int run_latency_phase(const std::string& node, std::size_t reads, const NetworkId& net,
                      const std::string& org, nlohmann::json& figures) {
  constexpr std::size_t kRecords = 20;
  constexpr auto kTimeout = std::chrono::seconds(30);
  const Person author = Person::generate(), patient = Person::generate(),
               reader = Person::generate();
  const cli::Actor author_actor = author.actor(), patient_actor = patient.actor(),
                   reader_actor = reader.actor();
  auto author_client = api::NodeClient::connect(node);
  auto patient_client = api::NodeClient::connect(node);
  auto reader_client = api::NodeClient::connect(node);
  if (!author_client || !patient_client || !reader_client)
    return fail("connect", make_error(Errc::invalid_argument, node));
  author_actor.sign_requests_of(*author_client);
  patient_actor.sign_requests_of(*patient_client);
  reader_actor.sign_requests_of(*reader_client);

  std::vector<RecordId> ids;
  std::vector<std::string> plaintexts;
  for (std::size_t i = 0; i < kRecords; ++i) {
    std::string plain =
        R"({"resourceType":"Observation","status":"final","code":{"text":"Fasting glucose"},)"
        R"("subject":{"display":"synthetic patient"},"valueQuantity":{"value":)" +
        std::to_string(5 + i % 4) + R"(.1,"unit":"mmol/L"},"note":[{"text":"sample )" +
        std::to_string(i) + R"("}]})";
    DataKey key = DataKey::generate();
    content::MemorySource source(as_bytes(plain));
    auto stored = cli::encrypt_and_upload(*author_client, source, key);
    if (!stored) return fail("upload", stored.error());
    cli::RecordPlan plan{patient.did,         org,
                         "Observation",       "application/fhir+json",
                         stored->cid.bytes(), stored->commitment,
                         stored->plain_size};
    auto raw = SecretKey32::from(key.view());
    if (!raw) return fail("data key", raw.error());
    auto anchor = cli::build_record_anchor(*author_client, author_actor, plan, *raw);
    if (!anchor) return fail("anchor", anchor.error());
    Bytes tx =
        author_actor.sign_transaction(net, kTxTypeRecordAnchor, encode_record_anchor(*anchor));
    auto committed = author_client->submit_and_commit(tx, kTimeout);
    if (!committed) return fail("anchor commit", committed.error());
    ids.push_back(transaction_id(tx));
    plaintexts.push_back(std::move(plain));
  }
  cli::GrantPlan grant{reader.did,
                       GranteeKind::person,
                       ids,
                       "",
                       static_cast<std::uint8_t>(ConsentAction::access),
                       {"TREAT"},
                       unix_ms() - 60'000,
                       unix_ms() + 30ull * 86'400'000};
  auto grant_txs = cli::build_grant(*patient_client, patient_actor, net, grant);
  if (!grant_txs) return fail("grant", grant_txs.error());
  for (const auto& tx : *grant_txs)
    if (auto c = patient_client->submit_and_commit(tx, kTimeout); !c)
      return fail("grant commit", c.error());

  const auto out = std::filesystem::temp_directory_path() /
                   ("pv-read-bench-" + std::to_string(unix_ms()) + ".json");
  std::vector<double> decision_ms, content_ms;
  for (std::size_t i = 0; i < reads; ++i) {
    const std::size_t r = i % kRecords;
    auto t0 = Clock::now();
    auto read = cli::request_record_access(*reader_client, reader_actor, ids[r], "TREAT");
    if (!read) return fail("consented read", read.error());
    auto t1 = Clock::now();
    auto cid = content::Cid::parse(read->metadata.cid);
    if (!cid) return fail("cid", cid.error());
    auto key = DataKey::from(read->data_key.view());
    if (!key) return fail("data key", key.error());
    auto size = cli::download_and_decrypt(node, *cid, *key, read->metadata.commitment, out);
    if (!size) return fail("download and decrypt", size.error());
    auto t2 = Clock::now();
    std::ifstream in(out, std::ios::binary);
    std::string got((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (got != plaintexts[r])
      return fail("decrypted record", make_error(Errc::corruption, "differs from the plaintext"));
    decision_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    content_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t0).count());
  }
  std::filesystem::remove(out);
  figures["readLatency"] = {{"reads", reads},
                            {"recordBytes", plaintexts[0].size()},
                            {"decisionP50Ms", percentile(decision_ms, 0.5)},
                            {"decisionP99Ms", percentile(decision_ms, 0.99)},
                            {"withContentP50Ms", percentile(content_ms, 0.5)},
                            {"withContentP99Ms", percentile(content_ms, 0.99)}};
  std::printf(
      "consented read, end to end   p50 %.1f ms, p99 %.1f ms: signed request -> decision -> access "
      "event committed -> wrapped key served and opened (%zu reads, one at a time)\n",
      percentile(decision_ms, 0.5), percentile(decision_ms, 0.99), reads);
  std::printf(
      "  ... with the content       p50 %.1f ms, p99 %.1f ms: + ciphertext downloaded, blocks "
      "checked, decrypted, commitment checked (%zu-byte FHIR record)\n",
      percentile(content_ms, 0.5), percentile(content_ms, 0.99), plaintexts[0].size());
  return 0;
}
