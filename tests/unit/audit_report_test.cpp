// The regulator's report never carries an identifier and never lets a reason become markup:
// DIDs and long hex runs are masked, every string is escaped in the HTML page.
#include <gtest/gtest.h>

#include "audit/report.hpp"

namespace pv::audit {
namespace {

TEST(AuditReport, ReasonsLoseEveryIdentifier) {
  EXPECT_EQ(mask_identifiers("no consent grants did:key:z6MkAbc123 access to record "
                             "0123456789abcdef0123"),
            "no consent grants <did> access to record <id>");
  EXPECT_EQ(mask_identifiers("issuer did:pv:abcd#key-1, not member"), "issuer <did>, not member");
  EXPECT_EQ(mask_identifiers("attestation ffffffffffffffff is not on this ledger"),
            "attestation <id> is not on this ledger");
  // Short hex and hex inside a word are words, not identifiers.
  EXPECT_EQ(mask_identifiers("nonce 12 is stale"), "nonce 12 is stale");
  EXPECT_EQ(mask_identifiers("x0123456789abcdef0123"), "x0123456789abcdef0123");
  EXPECT_EQ(mask_identifiers(""), "");
  EXPECT_EQ(mask_identifiers("did:"), "<did>");
}

TEST(AuditReport, HtmlEscapesEverythingItShows) {
  nlohmann::json r = {
      {"generated", "2026-12-07T00:00:00Z"},
      {"range", {{"from", nullptr}, {"to", nullptr}}},
      {"integrity", {{"status", "verified, no alarm"}, {"alarms", nlohmann::json::object()}}},
      {"totals", {{"blocks", 1}, {"transactions", 1}}},
      {"transactionsByOrganization", {{"<script>alert(1)</script>", {{"anchor", 1}}}}},
      {"transactionsByKind", {{"anchor", 1}}},
      {"refusedTransactions", {{{"reason", "a \"quoted\" <b>reason</b> & more"}, {"count", 2}}}}};
  const std::string html = report_html(r);
  EXPECT_EQ(html.find("<script>"), std::string::npos);
  EXPECT_NE(html.find("&lt;script&gt;alert(1)&lt;/script&gt;"), std::string::npos);
  EXPECT_NE(html.find("a &quot;quoted&quot; &lt;b&gt;reason&lt;/b&gt; &amp; more"),
            std::string::npos);
  EXPECT_NE(html.find("class=\"status ok\""), std::string::npos);
  r["integrity"]["status"] = "ALARM";
  EXPECT_NE(report_html(r).find("class=\"status alarm\""), std::string::npos);
  // Missing parts render as "none", not as a crash.
  EXPECT_NE(report_html(nlohmann::json::object()).find("none"), std::string::npos);
}

}  // namespace
}  // namespace pv::audit
