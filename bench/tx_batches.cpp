#include "tx_batches.hpp"

#include <httplib.h>

#include <atomic>
#include <iostream>
#include <thread>

#include "api/client.hpp"

namespace pv::bench {

using nlohmann::json;

// Posts each connection's batches in order (?wait=true) from its own thread, each request signed
// by that connection's key; counts transactions committed as valid.
Phase post_batches(const std::string& host, int port,
                   const std::vector<std::vector<std::string>>& bodies,
                   const std::vector<Person>& signers) {
  Phase phase;
  std::atomic<std::uint64_t> valid{0}, other{0};
  std::vector<std::vector<double>> lat(bodies.size());
  auto start = Clock::now();
  std::vector<std::thread> pool;
  for (std::size_t c = 0; c < bodies.size(); ++c)
    pool.emplace_back([&, c] {
      httplib::Client cli(host, port);
      cli.set_read_timeout(120, 0);
      const api::RequestSigner signer{signers[c].key, signers[c].did};
      for (const auto& body : bodies[c]) {
        auto t0 = Clock::now();
        auto fields =
            api::signature_headers(signer, "POST", "/v1/tx?wait=true",
                                   host + ":" + std::to_string(port), body, "application/json");
        if (!fields) std::abort();
        auto res = cli.Post("/v1/tx?wait=true", httplib::Headers(fields->begin(), fields->end()),
                            body, "application/json");
        lat[c].push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0).count());
        auto doc = res ? json::parse(res->body, nullptr, false) : json();
        if (!doc.is_object() || !doc.contains("results")) {
          other += 1;
          if (res && other < 4)
            std::cerr << "HTTP " << res->status << ": " << res->body.substr(0, 300) << "\n";
          continue;
        }
        for (const auto& r : doc["results"]) {
          bool ok = r.value("validity", "") == "valid";
          (ok ? valid : other) += 1;
          if (!ok && other < 4) std::cerr << r.dump().substr(0, 300) << "\n";
        }
      }
    });
  for (auto& t : pool) t.join();
  phase.seconds = std::chrono::duration<double>(Clock::now() - start).count();
  phase.valid = valid;
  phase.other = other;
  for (auto& l : lat) phase.latencies_ms.insert(phase.latencies_ms.end(), l.begin(), l.end());
  return phase;
}

std::vector<std::string> batch_bodies(const std::vector<Bytes>& txs, std::size_t batch) {
  std::vector<std::string> bodies;
  for (std::size_t i = 0; i < txs.size(); i += batch) {
    json list = json::array();
    for (std::size_t k = i; k < std::min(txs.size(), i + batch); ++k)
      list.push_back(to_base64(txs[k]));
    bodies.push_back(json{{"txs", list}}.dump());
  }
  return bodies;
}

}  // namespace pv::bench
