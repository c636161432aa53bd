#pragma once
// Internal to the api level: the attestation routes and POST /v1/proofs/verify
// (routes_attestations.cpp, docs/attestations.md).

#include "api/routes.hpp"

namespace pv::api {

void add_attestation_routes(RouteTable& routes, ApiContext& ctx);

}  // namespace pv::api
