#pragma once
// docs/openapi.yaml, the OpenAPI 3.1 description of the node's HTTP API, as built into the
// binary (the source is generated at build time by cmake/embed_openapi.cmake). Served at
// GET /openapi.yaml.

#include <string_view>

namespace pv::api {

inline constexpr const char* kOpenApiContentType = "application/yaml";

// The document's text, exactly as in docs/openapi.yaml when the binary was built.
std::string_view openapi_document();

}  // namespace pv::api
