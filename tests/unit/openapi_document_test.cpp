// docs/openapi.yaml against an independent OpenAPI validator (@apidevtools/swagger-parser from
// npm, tests/interop/openapi_check.mjs): the document validates, and the same validator refuses
// it with a dangling $ref or an operation without responses (so a broken document fails here).
// The node serves the copy built into it (api/openapi_document.hpp): it must be the file.

#include "api/openapi_document.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "../interop/node_script.hpp"

namespace pv {
namespace {

using testing::run_node_script;
using testing::shell_quote;

const std::string kSpec = std::string(PV_SOURCE_DIR) + "/docs/openapi.yaml";

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// A copy of the document with `from` replaced by `to` (which must occur).
std::string broken_copy(const std::string& name, const std::string& from, const std::string& to) {
  std::string text = read_file(kSpec);
  auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  const std::string path =
      (std::filesystem::temp_directory_path() / ("pv-openapi-" + name + ".yaml")).string();
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

class OpenApiDocument : public ::testing::Test {
 protected:
  void SetUp() override { testing::require_interop_tools("@apidevtools/swagger-parser"); }
};

TEST_F(OpenApiDocument, IsValidOpenApi31) {
  auto r = run_node_script("openapi_check.mjs", "validate " + shell_quote(kSpec));
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << r.out;
  EXPECT_EQ(j["openapi"], "3.1.0");
  EXPECT_GE(j["operations"].get<int>(), 41) << r.out;
}

TEST_F(OpenApiDocument, ValidatorRefusesBrokenCopies) {
  const std::string dangling = broken_copy("dangling", R"($ref: "#/components/schemas/NodeInfo")",
                                           R"($ref: "#/components/schemas/NodeInformation")");
  auto r = run_node_script("openapi_check.mjs", "validate " + shell_quote(dangling));
  EXPECT_NE(r.exit_code, 0) << r.out;
  EXPECT_NE(r.out.find("NodeInformation"), std::string::npos) << r.out;

  const std::string no_responses = broken_copy(
      "no-responses",
      "operationId: getHealth\n      responses:", "operationId: getHealth\n      answers:");
  r = run_node_script("openapi_check.mjs", "validate " + shell_quote(no_responses));
  EXPECT_NE(r.exit_code, 0) << r.out;
  std::filesystem::remove(dangling);
  std::filesystem::remove(no_responses);
}

TEST(OpenApiEmbedded, NodeServesTheFileItWasBuiltFrom) {
  const std::string file = read_file(kSpec);
  ASSERT_FALSE(file.empty());
  EXPECT_EQ(api::openapi_document(), file)
      << "the binary embeds another docs/openapi.yaml; rebuild";
}

}  // namespace
}  // namespace pv
