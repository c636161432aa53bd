#pragma once
// What the Kubo RPC routes share (routes_kubo.cpp, routes_kubo_repo.cpp): Kubo's error shape,
// the loopback check of its administrative port, its boolean options.

#include "http/message.hpp"

#include <optional>
#include <string>

#include "base/result.hpp"
#include "content/block_store.hpp"

namespace pv::api {

// Kubo's {"Message","Code","Type":"error"}: 400 with Code 1 for a bad request, 403 when
// forbidden, 500 with Code 0 otherwise.
void kubo_error(http::Response& res, const Error& e);
bool is_loopback(const std::string& addr);
// Kubo booleans: "true"/"1", "false"/"0"; a bare flag ("?pin") is true; absent: nothing.
[[nodiscard]] Result<std::optional<bool>> bool_param(const http::Request& req, const char* name);

// POST /api/v0/repo/gc: removes every block no pin reaches and that was not written within the
// store's grace period; answers one {"Key":{"/":CID}} line per removed block (none with
// silent=true), as Kubo does.
void kubo_repo_gc(content::BlockStore& store, const http::Request& req, http::Response& res);

}  // namespace pv::api
