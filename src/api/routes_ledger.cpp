// GET /v1/blocks/{height}, /v1/checkpoint, /v1/proof/consistency, /v1/node, /v1/witnesses.

#include "api/json_views.hpp"
#include "api/routes.hpp"
#include "api/witness_submitter.hpp"

namespace pv::api {
namespace {

void get_block(ApiContext& ctx, const http::Request& req, http::Response& res) {
  auto height = parse_decimal(req.matches[1], "block height");
  if (!height) return send_error(res, height.error());
  std::string format = req.has_param("format") ? req.get_param_value("format") : "json";
  if (format != "json" && format != "binary")
    return send_error(res,
                      make_error(Errc::invalid_argument,
                                 "format must be \"json\" or \"binary\", got \"" + format + "\""));
  if (format == "binary") {
    auto encoded = ctx.node.get_block_bytes(*height);
    if (!encoded) return send_error(res, encoded.error());
    res.status = 200;
    res.set_content(std::string(as_chars(*encoded)), "application/octet-stream");
    return;
  }
  auto block = ctx.node.get_block(*height);
  if (!block) return send_error(res, block.error());
  send_json(res, 200, block_json(*block));
}

// The latest signed checkpoint with the cosignatures its witnesses returned for it. With
// ?witnesses=k: the newest recent checkpoint that at least k witnesses cosigned (503 if none).
void get_checkpoint(ApiContext& ctx, const http::Request& req, http::Response& res) {
  if (req.has_param("witnesses")) {
    auto k = parse_decimal(req.get_param_value("witnesses"), "witnesses");
    if (!k) return send_error(res, k.error());
    if (*k > 0) {
      std::optional<std::string> note;
      if (ctx.witnesses != nullptr) note = ctx.witnesses->newest_cosigned(*k);
      if (!note) {
        res.set_header("Retry-After", "1");
        std::string why;
        if (ctx.witnesses == nullptr) why = " (this node has no --witness)";
        else
          for (const auto& w : ctx.witnesses->status())
            if (!w.last_error.empty()) why += "; witness " + w.name + " " + w.last_error;
        return send_error(res, make_error(Errc::unavailable,
                                          "no recent checkpoint has " + std::to_string(*k) +
                                              " witness cosignatures yet" + why));
      }
      res.status = 200;
      return res.set_content(*note, "text/plain; charset=utf-8");
    }
  }
  std::string note = ctx.node.checkpoint_note();
  if (ctx.witnesses != nullptr) {
    if (auto parsed = parse_signed_note(note))
      note += ctx.witnesses->cosignatures_for(parsed->text);
  }
  res.status = 200;
  res.set_content(note, "text/plain; charset=utf-8");
}

void get_consistency(ApiContext& ctx, const http::Request& req, http::Response& res) {
  if (!req.has_param("size1") || !req.has_param("size2"))
    return send_error(
        res, make_error(Errc::invalid_argument, "give both size1 and size2 as query parameters"));
  auto size1 = parse_decimal(req.get_param_value("size1"), "size1");
  if (!size1) return send_error(res, size1.error());
  auto size2 = parse_decimal(req.get_param_value("size2"), "size2");
  if (!size2) return send_error(res, size2.error());
  if (*size1 > *size2)
    return send_error(res, make_error(Errc::invalid_argument, "size1 must not exceed size2"));
  auto proof = ctx.node.consistency_proof(*size1, *size2);
  if (!proof) return send_error(res, proof.error());
  send_json(res, 200, consistency_proof_json(*proof));
}

void get_node(ApiContext& ctx, const http::Request&, http::Response& res) {
  send_json(res, 200, node_info_json(ctx.node.info()));
}

}  // namespace

void add_ledger_routes(RouteTable& routes, ApiContext& ctx) {
  routes.get("GET /v1/blocks/{height}",
             [&ctx](const http::Request& req, http::Response& res) { get_block(ctx, req, res); });
  routes.get("GET /v1/checkpoint", [&ctx](const http::Request& req, http::Response& res) {
    get_checkpoint(ctx, req, res);
  });
  routes.get("GET /v1/proof/consistency", [&ctx](const http::Request& req, http::Response& res) {
    get_consistency(ctx, req, res);
  });
  // The node's witnesses as it sees them (its word, for operators: cosigned sizes, refusals).
  routes.get("GET /v1/witnesses", [&ctx](const http::Request&, http::Response& res) {
    res.status = 200;
    res.set_content(witness_status_json(ctx.witnesses != nullptr ? ctx.witnesses->status()
                                                                 : std::vector<WitnessStatus>{}),
                    "application/json");
  });
  routes.get("GET /v1/node",
             [&ctx](const http::Request& req, http::Response& res) { get_node(ctx, req, res); });
}

}  // namespace pv::api
