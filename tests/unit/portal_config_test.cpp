// The network's portal in its genesis (docs/passkeys.md, "Network configuration"): which origins
// and RP IDs are accepted, that a genesis without a portal keeps its version-2 encoding (so
// existing networks keep their id), that one with a portal round-trips as version 3, and that
// every malformed portal is refused with a reason, from the genesis file and from the encoding.

#include "ledger/portal_config.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "crypto/ed25519.hpp"
#include "ledger/genesis.hpp"
#include "node/genesis_file.hpp"

namespace pv {
namespace {

Genesis base_genesis() {
  crypto_init();
  static const SigningKey node = SigningKey::generate();
  return development_genesis("portal-test", node.public_key(), 1'700'000'000'000);
}

std::string refusal(const PortalConfig& p) {
  auto s = check_portal_config(p);
  return s ? "" : s.error().message;
}

TEST(PortalConfig, AcceptsHttpsOriginsUnderTheRpIdAndLocalOriginsForTests) {
  EXPECT_EQ(refusal({}), "");
  EXPECT_EQ(refusal({{"https://example.org", "https://portal.example.org"}, "example.org"}), "");
  EXPECT_EQ(refusal({{"https://portal.example.org:8443"}, "portal.example.org"}), "");
  EXPECT_EQ(refusal({{"http://localhost:7700"}, "localhost"}), "");
  EXPECT_EQ(refusal({{"http://127.0.0.1:7700"}, "127.0.0.1"}), "");
}

TEST(PortalConfig, RefusesEveryMalformedOriginAndForeignRpId) {
  const std::vector<std::pair<PortalConfig, std::string>> cases = {
      {{{"http://portal.example.org"}, "example.org"}, "plain http only for localhost"},
      {{{"ftp://example.org"}, "example.org"}, "https://host[:port]"},
      {{{"https://example.org/"}, "example.org"}, "no path"},
      {{{"https://example.org/portal"}, "example.org"}, "no path"},
      {{{"https://Example.org"}, "example.org"}, "lower-case"},
      {{{"https://example.org:0"}, "example.org"}, "the port is 1 to 65535"},
      {{{"https://example.org:65536"}, "example.org"}, "the port is 1 to 65535"},
      {{{"https://example.org:0443"}, "example.org"}, "leading zeros"},
      {{{"https://example.org:"}, "example.org"}, "the port"},
      {{{"https://"}, "example.org"}, "no host"},
      {{{"https://.example.org"}, "example.org"}, "not a domain name"},
      {{{"https://example.org"}, "evil.org"}, "is neither the host of https://example.org"},
      {{{"https://example.org"}, "ample.org"}, "is neither the host"},
      {{{"https://portal.example.org"}, "org"}, "registrable domain"},
      {{{"http://localhost:7700"}, "example.org"}, "is neither the host"},
      {{{"https://b.example.org", "https://a.example.org"}, "example.org"}, "ascending order"},
      {{{"https://a.example.org", "https://a.example.org"}, "example.org"}, "listed once"},
      {{{}, "example.org"}, "1 to 8 origins"},
      {{{"https://example.org"}, ""}, "RP ID"},
  };
  for (const auto& [config, reason] : cases) {
    const std::string got = refusal(config);
    EXPECT_NE(got.find(reason), std::string::npos)
        << (config.origins.empty() ? "(none)" : config.origins[0]) << " / " << config.rp_id << ": "
        << got;
  }
  PortalConfig nine{{}, "example.org"};
  for (char c = 'a'; c <= 'i'; ++c)
    nine.origins.push_back(std::string("https://") + c + ".example.org");
  EXPECT_NE(refusal(nine).find("1 to 8 origins"), std::string::npos);
}

TEST(PortalConfig, GenesisWithoutAPortalKeepsItsEncodingAndOneWithAPortalRoundTrips) {
  Genesis plain = base_genesis();
  const Bytes plain_bytes = encode_genesis(plain);
  EXPECT_EQ(plain_bytes[4], 2);  // "PVGN" then the version: unchanged for networks without one
  Genesis with = plain;
  with.portal = {{"https://portal.example.org"}, "example.org"};
  const Bytes with_bytes = encode_genesis(with);
  EXPECT_EQ(with_bytes[4], 3);
  EXPECT_NE(genesis_network_id(with), genesis_network_id(plain));
  auto back = decode_genesis(with_bytes);
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->portal, with.portal);
  EXPECT_EQ(encode_genesis(*back), with_bytes);
  auto plain_back = decode_genesis(plain_bytes);
  ASSERT_TRUE(plain_back);
  EXPECT_TRUE(plain_back->portal.empty());

  // Every truncation of the portal part, a trailing byte, and a portal that breaks its rules.
  for (std::size_t cut = plain_bytes.size(); cut < with_bytes.size(); ++cut)
    EXPECT_FALSE(decode_genesis(ByteView(with_bytes).first(cut))) << cut;
  Bytes trailing = with_bytes;
  trailing.push_back(0);
  EXPECT_FALSE(decode_genesis(trailing));
  Bytes no_origins = plain_bytes;
  no_origins[4] = 3;
  no_origins.push_back(0);  // zero origins
  no_origins.push_back(0);  // empty RP ID
  auto refused = decode_genesis(no_origins);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("1 to 8 origins"), std::string::npos);
  Genesis foreign = plain;
  foreign.portal = {{"https://portal.example.org"}, "evil.org"};
  auto bad = decode_genesis(encode_genesis(foreign));
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("evil.org"), std::string::npos);
  Bytes version4 = with_bytes;
  version4[4] = 4;
  EXPECT_FALSE(decode_genesis(version4));
}

TEST(PortalConfig, TheGenesisFileNamesThePortal) {
  Genesis g = base_genesis();
  g.portal = {{"http://localhost:7700", "https://portal.example.org"}, "example.org"};
  // localhost under example.org is refused; a file with only local origins is fine.
  EXPECT_FALSE(parse_genesis_json(genesis_to_json(g)));
  g.portal = {{"http://localhost:7700"}, "localhost"};
  auto back = parse_genesis_json(genesis_to_json(g));
  ASSERT_TRUE(back) << back.error().message;
  EXPECT_EQ(back->portal, g.portal);
  EXPECT_EQ(encode_genesis(*back), encode_genesis(g));

  // Origins in any order in the file, sorted in the genesis.
  auto j = nlohmann::json::parse(genesis_to_json(base_genesis()));
  j["portal"] = {{"origins", {"https://b.example.org", "https://a.example.org"}},
                 {"rpId", "example.org"}};
  auto sorted = parse_genesis_json(j.dump());
  ASSERT_TRUE(sorted) << sorted.error().message;
  EXPECT_EQ(sorted->portal.origins,
            (std::vector<std::string>{"https://a.example.org", "https://b.example.org"}));
  for (const char* bad :
       {R"("https://example.org")", R"({"origins": []  , "rpId": "example.org"})",
        R"({"origins": ["https://example.org"]})", R"({"origins": [1], "rpId": "example.org"})"}) {
    j["portal"] = nlohmann::json::parse(bad);
    auto refused = parse_genesis_json(j.dump());
    ASSERT_FALSE(refused) << bad;
    EXPECT_NE(refused.error().message.find("portal"), std::string::npos) << bad;
  }
}

}  // namespace
}  // namespace pv
