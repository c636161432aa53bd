// POST /v1/tx, GET /v1/tx/{id}, GET /v1/tx/{id}/proof.

#include <algorithm>

#include "api/json_views.hpp"
#include "api/key_envelopes.hpp"
#include "api/metrics.hpp"
#include "api/routes.hpp"

namespace pv::api {
namespace {

using nlohmann::json;

// The decoded request body of POST /v1/tx.
struct SubmissionBody {
  bool batch = false;
  std::vector<std::string> entries;  // base64 texts, as sent
};

Result<SubmissionBody> parse_submission_body(const std::string& text, std::size_t max_batch) {
  auto doc = parse_json(text);
  if (!doc) return doc.error();
  if (!doc->is_object())
    return make_error(Errc::malformed, "body must be a JSON object with \"tx\" or \"txs\"");
  const bool has_one = doc->contains("tx"), has_many = doc->contains("txs");
  if (has_one == has_many)
    return make_error(Errc::malformed, "body must have exactly one of \"tx\" or \"txs\"");
  SubmissionBody body;
  if (has_one) {
    const json& tx = (*doc)["tx"];
    if (!tx.is_string()) return make_error(Errc::malformed, "\"tx\" must be a base64 string");
    body.entries.push_back(tx.get<std::string>());
    return body;
  }
  const json& txs = (*doc)["txs"];
  if (!txs.is_array() || txs.empty())
    return make_error(Errc::malformed, "\"txs\" must be a non-empty array of base64 strings");
  if (txs.size() > max_batch)
    return make_error(Errc::too_large, "a batch holds at most " + std::to_string(max_batch) +
                                           " transactions, got " + std::to_string(txs.size()));
  body.batch = true;
  for (const auto& item : txs) {
    if (!item.is_string())
      return make_error(Errc::malformed, "\"txs\" must be an array of base64 strings");
    body.entries.push_back(item.get<std::string>());
  }
  return body;
}

bool wants_wait(const http::Request& req) {
  if (!req.has_param("wait")) return false;
  std::string v = req.get_param_value("wait");
  return v == "true" || v == "1" || v.empty();
}

Result<std::chrono::milliseconds> wait_timeout(const http::Request& req, const HttpOptions& o) {
  if (!req.has_param("timeout_ms")) return o.default_wait;
  auto ms = parse_decimal(req.get_param_value("timeout_ms"), "timeout_ms");
  if (!ms) return ms.error();
  return std::min(std::chrono::milliseconds(*ms), o.max_wait);
}

// Waits for the accepted entries in slices, so that a stopping server does not hold its
// threads for the whole timeout.
void wait_for_commits(ApiContext& ctx, std::vector<SubmissionResult>& results,
                      std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  constexpr std::chrono::milliseconds kSlice{250};
  for (;;) {
    std::vector<TxId> ids;
    std::vector<std::size_t> where;
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (results[i].outcome != SubmissionOutcome::accepted) continue;
      ids.push_back(*results[i].id);
      where.push_back(i);
    }
    if (ids.empty() || ctx.stopping) return;
    auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now);
    auto committed = ctx.node.wait_committed(ids, std::min(left, kSlice));
    for (std::size_t k = 0; k < committed.size() && k < where.size(); ++k) {
      if (!committed[k]) continue;
      results[where[k]].outcome = SubmissionOutcome::committed;
      results[where[k]].committed = *committed[k];
    }
  }
}

// All refused: one status if they agree, else 400.
int refused_batch_status(const std::vector<SubmissionResult>& results) {
  int status = results.front().problem->status;
  for (const auto& r : results)
    if (r.problem->status != status) return 400;
  return status;
}

// Authenticated by signed_post: the request signature checked out (routes.hpp). Each
// transaction carries its own signature as well; the request signer may be a relay.
void post_tx(ApiContext& ctx, SignedRequest& signed_req, http::Response& res) {
  const http::Request& req = signed_req.http;
  const std::string& text = signed_req.body;
  auto timeout = wait_timeout(req, ctx.options);
  if (!timeout) return send_error(res, timeout.error());
  auto body = parse_submission_body(text, ctx.options.max_batch);
  if (!body) {
    ctx.metrics.record_refused_submission();
    return send_error(res, body.error());
  }

  // Decode base64; entries that fail are refused here and never reach the node.
  std::vector<SubmissionResult> results(body->entries.size());
  std::vector<Bytes> encoded;
  std::vector<std::size_t> where;
  for (std::size_t i = 0; i < body->entries.size(); ++i) {
    auto raw = from_base64(body->entries[i]);
    if (!raw) {
      std::string what = body->batch ? "txs[" + std::to_string(i) + "]" : std::string("tx");
      results[i].problem = problem_from_error(
          make_error(Errc::malformed, what + " is not valid base64: " + raw.error().message));
      ctx.metrics.record_refused_submission();
      continue;
    }
    results[i].id = transaction_id(*raw);
    // Key envelopes first (on this node, right recipients, pinned and replicated), then a
    // record anchor waits here until its content is on enough nodes (or is refused).
    Status admitted = check_key_envelopes(ctx, *raw);
    if (admitted) admitted = check_anchor_replication(ctx, *raw);
    if (Status replicated = admitted; !replicated) {
      results[i].problem = problem_from_error(replicated.error());
      ctx.metrics.record_refused_submission();
      continue;
    }
    encoded.push_back(std::move(*raw));
    where.push_back(i);
  }
  auto verdicts = ctx.node.submit(encoded);
  for (std::size_t k = 0; k < verdicts.size() && k < where.size(); ++k) {
    SubmissionResult& r = results[where[k]];
    if (verdicts[k]) {
      r.id = *verdicts[k];
      r.outcome = SubmissionOutcome::accepted;
    } else {
      r.problem = problem_from_error(verdicts[k].error());
    }
  }
  if (wants_wait(req)) wait_for_commits(ctx, results, *timeout);

  const auto refused = std::count_if(results.begin(), results.end(), [](const auto& r) {
    return r.outcome == SubmissionOutcome::refused;
  });
  const bool all_committed = std::all_of(results.begin(), results.end(), [](const auto& r) {
    return r.outcome != SubmissionOutcome::accepted;
  });
  const int ok_status = all_committed ? 200 : 202;

  if (!body->batch) {
    const SubmissionResult& r = results.front();
    if (r.outcome != SubmissionOutcome::refused)
      return send_json(res, ok_status, submission_result_json(r));
    Problem p = *r.problem;
    if (r.id) p.extensions["id"] = r.id->hex();
    return send_problem(res, p);
  }

  json list = json::array();
  for (const auto& r : results) list.push_back(submission_result_json(r));
  const auto total = static_cast<std::ptrdiff_t>(results.size());
  if (refused == total) {
    Problem p = http_problem(refused_batch_status(results),
                             "every transaction in the batch was refused; see results");
    p.type = std::string(kProblemTypePrefix) + "batch-refused";
    p.title = "Batch refused";
    p.extensions["results"] = std::move(list);
    return send_problem(res, p);
  }
  send_json(
      res, ok_status,
      json{{"accepted", total - refused}, {"refused", refused}, {"results", std::move(list)}});
}

void get_tx(ApiContext& ctx, const http::Request& req, http::Response& res) {
  auto id = parse_tx_id(req.matches[1]);
  if (!id) return send_error(res, id.error());
  TxView view = ctx.node.get_tx(*id);
  if (view.state == TxState::unknown)
    return send_error(res, make_error(Errc::not_found, "no transaction with id " + id->hex()));
  send_json(res, 200, tx_status_json(*id, view));
}

void get_tx_proof(ApiContext& ctx, const http::Request& req, http::Response& res) {
  auto id = parse_tx_id(req.matches[1]);
  if (!id) return send_error(res, id.error());
  auto proof = ctx.node.inclusion_proof(*id);
  if (!proof) return send_error(res, proof.error());
  send_json(res, 200, inclusion_proof_json(*proof));
}

}  // namespace

void add_tx_routes(RouteTable& routes, ApiContext& ctx) {
  routes.post("POST /v1/tx", signed_post(ctx, [&ctx](SignedRequest& req, http::Response& res) {
                post_tx(ctx, req, res);
              }));
  routes.get("GET /v1/tx/{id}",
             [&ctx](const http::Request& req, http::Response& res) { get_tx(ctx, req, res); });
  routes.get("GET /v1/tx/{id}/proof", [&ctx](const http::Request& req, http::Response& res) {
    get_tx_proof(ctx, req, res);
  });
}

}  // namespace pv::api
