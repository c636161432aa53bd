// The regulator's report as one self-contained HTML page: inline CSS, inline SVG bar charts, no
// script and no external resource, so it opens offline and prints as it shows.

#include <algorithm>

#include "audit/report.hpp"

namespace pv::audit {
namespace {

using nlohmann::json;

std::string escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string text_of(const json& j) {
  if (j.is_string()) return j.get<std::string>();
  if (j.is_null()) return "—";
  return j.dump();
}

// Horizontal bars, one per (label, value), scaled to the largest value.
std::string bar_chart(const std::vector<std::pair<std::string, double>>& bars, const char* colour) {
  if (bars.empty()) return "<p class=\"none\">none</p>";
  double top = 1;
  for (auto& [label, v] : bars) top = std::max(top, v);
  const int row = 22, label_width = 260, width = 680;
  std::string svg = "<svg role=\"img\" width=\"" + std::to_string(width) + "\" height=\"" +
                    std::to_string(row * static_cast<int>(bars.size()) + 4) +
                    "\" xmlns=\"http://www.w3.org/2000/svg\">";
  int y = 2;
  for (auto& [label, v] : bars) {
    const int w = static_cast<int>((width - label_width - 60) * (v / top));
    svg += "<text x=\"0\" y=\"" + std::to_string(y + 15) + "\" class=\"l\">" +
           escape(label.size() > 40 ? label.substr(0, 39) + "…" : label) + "</text>";
    svg += "<rect x=\"" + std::to_string(label_width) + "\" y=\"" + std::to_string(y + 3) +
           "\" width=\"" + std::to_string(std::max(w, 1)) + "\" height=\"" +
           std::to_string(row - 6) + "\" fill=\"" + colour + "\"/>";
    svg += "<text x=\"" + std::to_string(label_width + w + 6) + "\" y=\"" + std::to_string(y + 15) +
           "\" class=\"v\">" + std::to_string(static_cast<long>(v)) + "</text>";
    y += row;
  }
  return svg + "</svg>";
}

std::vector<std::pair<std::string, double>> bars_of(const json& object) {
  std::vector<std::pair<std::string, double>> out;
  if (!object.is_object()) return out;
  for (auto& [k, v] : object.items())
    if (v.is_number()) out.push_back({k, v.get<double>()});
  std::stable_sort(out.begin(), out.end(), [](auto& a, auto& b) { return a.second > b.second; });
  return out;
}

std::string table(const json& rows, const char* key_label, const char* key) {
  std::string out = "<table><tr><th>" + std::string(key_label) + "</th><th>count</th></tr>";
  if (rows.is_array())
    for (const auto& r : rows)
      out += "<tr><td>" + escape(text_of(r.value(key, json()))) + "</td><td class=\"n\">" +
             escape(text_of(r.value("count", json()))) + "</td></tr>";
  if (!rows.is_array() || rows.empty())
    out += "<tr><td colspan=\"2\" class=\"none\">none</td></tr>";
  return out + "</table>";
}

std::string org_kind_table(const json& by_org) {
  std::vector<std::string> kinds;
  for (auto& [org, counts] : by_org.items())
    for (auto& [kind, n] : counts.items())
      if (std::find(kinds.begin(), kinds.end(), kind) == kinds.end()) kinds.push_back(kind);
  std::sort(kinds.begin(), kinds.end());
  std::string out = "<table><tr><th>organization</th>";
  for (auto& k : kinds) out += "<th>" + escape(k) + "</th>";
  out += "</tr>";
  for (auto& [org, counts] : by_org.items()) {
    out += "<tr><td>" + escape(org) + "</td>";
    for (auto& k : kinds) out += "<td class=\"n\">" + std::to_string(counts.value(k, 0)) + "</td>";
    out += "</tr>";
  }
  return out + "</table>";
}

}  // namespace

std::string report_html(const json& r) {
  const json& in = r.value("integrity", json::object());
  const bool alarm = in.value("status", "") != "verified, no alarm";
  std::string h =
      "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<title>PatientVault audit report</title><style>"
      "body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#1b1f23;max-width:980px}"
      "h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}"
      "table{border-collapse:collapse;margin:8px 0}td,th{border:1px solid #ddd;padding:3px 8px;"
      "text-align:left}td.n{text-align:right}.none{color:#777}"
      ".ok{background:#e6f4ea;border:1px solid #34a853}.alarm{background:#fce8e6;border:1px solid "
      "#d93025}.status{padding:8px 12px;font-weight:600;display:inline-block}"
      "svg text{font:12px system-ui,sans-serif}svg .v{fill:#333}"
      "code{font-size:12px;word-break:break-all}</style></head><body>";
  h += "<h1>PatientVault audit report</h1>";
  h += "<p>Generated " + escape(text_of(r.value("generated", json()))) + "; period " +
       escape(text_of(r.value("range", json::object()).value("from", json()))) + " to " +
       escape(text_of(r.value("range", json::object()).value("to", json()))) +
       ". Counts only: no patient identifier, record id or practitioner name appears here.</p>";
  h += "<h2>Integrity</h2><div class=\"status " + std::string(alarm ? "alarm" : "ok") + "\">" +
       escape(text_of(in.value("status", json()))) + "</div>";
  h += "<table><tr><td>verified height</td><td>" +
       escape(text_of(in.value("verifiedHeight", json()))) + "</td></tr><tr><td>log size</td><td>" +
       escape(text_of(in.value("logSize", json()))) + "</td></tr><tr><td>log root</td><td><code>" +
       escape(text_of(in.value("logRoot", json()))) +
       "</code></td></tr><tr><td>state digest</td><td><code>" +
       escape(text_of(in.value("stateDigest", json()))) +
       "</code></td></tr><tr><td>head time</td><td>" +
       escape(text_of(in.value("headTime", json()))) + "</td></tr>";
  const json& cosigned = in.value("cosignedCheckpoint", json());
  h += "<tr><td>latest cosigned checkpoint</td><td>" +
       (cosigned.is_object() ? "size " + escape(text_of(cosigned["size"])) + ", root <code>" +
                                   escape(text_of(cosigned["root"])) + "</code>"
                             : std::string("none yet")) +
       "</td></tr></table>";
  h += "<p>Alarms by kind:</p>" + bar_chart(bars_of(in.value("alarms", json::object())), "#d93025");

  const json& totals = r.value("totals", json::object());
  h += "<h2>Ledger growth</h2><p>" + escape(text_of(totals.value("blocks", json()))) + " blocks, " +
       escape(text_of(totals.value("transactions", json()))) + " transactions in the period.</p>";
  std::vector<std::pair<std::string, double>> days;
  for (const auto& d : r.value("growth", json::array()))
    days.push_back({d.value("day", ""), d.value("transactions", 0.0)});
  h += "<p>Transactions per day:</p>" + bar_chart(days, "#1a73e8");

  h += "<h2>Transactions per organization and kind</h2>" +
       org_kind_table(r.value("transactionsByOrganization", json::object()));
  h += bar_chart(bars_of(r.value("transactionsByKind", json::object())), "#5f6368");

  const json& reads = r.value("reads", json::object());
  h += "<h2>Reads</h2><p>Permitted reads by basis:</p>" +
       bar_chart(bars_of(reads.value("permittedByBasis", json::object())), "#188038");
  h += "<p>Consented reads by reading organization:</p>" +
       bar_chart(bars_of(reads.value("consentedByOrganization", json::object())), "#188038");
  h += "<p>Refused reads by reason:</p>" +
       table(reads.value("refusals", json()), "reason", "reason");

  const json& em = r.value("emergency", json::object());
  h += "<h2>Emergency (break-glass) access</h2><p>Emergency reads by organization:</p>" +
       bar_chart(bars_of(em.value("readsByOrganization", json::object())), "#e37400");
  h += "<p>Custodian releases by organization:</p>" +
       bar_chart(bars_of(em.value("custodianReleasesByOrganization", json::object())), "#e37400");

  h += "<h2>Refused transactions</h2>" +
       table(r.value("refusedTransactions", json()), "kind: reason", "reason");
  h +=
      "<h2>Credential revocations</h2>" +
      bar_chart(bars_of(r.value("credentialRevocationsByOrganization", json::object())), "#9334e6");
  const json& at = r.value("attestations", json::object());
  h += "<h2>Attestations</h2><p>issued " + escape(text_of(at.value("issued", json()))) +
       ", revoked " + escape(text_of(at.value("revoked", json()))) + "</p>";
  const json& er = r.value("erasures", json::object());
  const json& holds = er.value("legalHolds", json::object());
  h += "<h2>Erasures</h2><p>" + escape(text_of(er.value("count", json()))) +
       " records erased. By the records' organization:</p>" +
       bar_chart(bars_of(er.value("byOrganization", json::object())), "#b06000") +
       "<p>By reason:</p>" + bar_chart(bars_of(er.value("byReason", json::object())), "#b06000") +
       "<p>By signer:</p>" + bar_chart(bars_of(er.value("bySigner", json::object())), "#b06000") +
       "<p>Node erasure receipts by organization:</p>" +
       bar_chart(bars_of(er.value("nodeReceiptsByOrganization", json::object())), "#5f6368") +
       "<p>Legal holds placed by organization:</p>" +
       bar_chart(bars_of(holds.value("placedByOrganization", json::object())), "#9334e6") +
       "<p>Legal holds lifted by organization:</p>" +
       bar_chart(bars_of(holds.value("liftedByOrganization", json::object())), "#9334e6");
  return h + "</body></html>\n";
}

}  // namespace pv::audit
