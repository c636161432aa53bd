// pv audit report: the regulator's report of the ledger an auditor verified (docs/audit.md,
// "Reports"): integrity, growth, transactions per organization and kind, reads, refusals,
// break-glass accesses, credential revocations, erasures. Counts only, never an identifier.

#include <fstream>

#include "audit/report.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "ledger/attribute_table.hpp"

namespace pv::cli {
namespace {

struct AuditReportOptions {
  std::string data_dir = "./pv-audit", from, to, html;
  bool json = false;
};

// YYYY-MM-DD as the first millisecond of that UTC day.
Result<std::uint64_t> day_start_ms(const std::string& text, const char* flag) {
  auto days = parse_iso_date(text);
  if (!days || *days < 0)
    return make_error(Errc::invalid_argument,
                      std::string(flag) + " takes a date such as 2026-12-01, not \"" + text + "\"");
  return static_cast<std::uint64_t>(*days) * 86'400'000ull;
}

int audit_report(const AuditReportOptions& o) {
  Output out(o.json);
  audit::ReportRange range;
  if (!o.from.empty()) {
    auto from = day_start_ms(o.from, "--from");
    if (!from) return out.fail(from.error());
    range.from_ms = *from;
  }
  if (!o.to.empty()) {
    auto to = day_start_ms(o.to, "--to");
    if (!to) return out.fail(to.error());
    range.to_ms = *to + 86'400'000ull;  // --to is inclusive: up to the end of that day
  }
  if (range.from_ms && range.to_ms && *range.from_ms >= *range.to_ms)
    return out.fail(make_error(Errc::invalid_argument, "--from must not be after --to"));
  auto report = audit::audit_report(o.data_dir, range);
  if (!report)
    return out.fail(report.error(), "run pv audit serve --data-dir " + o.data_dir +
                                        " first, or give its --data-dir");
  if (!o.html.empty()) {
    std::ofstream file(o.html, std::ios::trunc);
    file << audit::report_html(*report);
    if (!file.good()) return out.fail("cannot write " + o.html);
  }
  const auto& in = (*report)["integrity"];
  const auto& totals = (*report)["totals"];
  std::string human =
      "integrity: " + in.value("status", std::string()) + " (verified height " +
      std::to_string(in.value("verifiedHeight", 0)) + ")\n" +
      std::to_string(totals["blocks"].get<std::uint64_t>()) + " blocks, " +
      std::to_string(totals["transactions"].get<std::uint64_t>()) + " transactions, " +
      std::to_string(totals["refusedTransactions"].get<std::uint64_t>()) + " refused, " +
      std::to_string(totals["refusedReads"].get<std::uint64_t>()) + " refused reads";
  if (!o.html.empty()) human += "\nHTML report written to " + o.html;
  out.result(*report, human);
  return kExitOk;
}

}  // namespace

void add_audit_report_command(CLI::App& audit, int& exit_code) {
  auto o = std::make_shared<AuditReportOptions>();
  auto* report = audit.add_subcommand(
      "report",
      "A regulator's report of the verified ledger: integrity, growth, transactions per "
      "organization and kind, reads, refusals, break-glass, revocations (counts only, never a "
      "patient or record identifier)");
  report->add_option("--data-dir", o->data_dir, "the auditor's data directory (pv audit serve)")
      ->capture_default_str();
  report->add_option("--from", o->from, "first day, YYYY-MM-DD (UTC, by block time)");
  report->add_option("--to", o->to, "last day, YYYY-MM-DD, inclusive");
  report->add_option("--html", o->html,
                     "also write the report as one self-contained HTML page (charts, no network)");
  report->add_flag("--json", o->json, "print the whole report as JSON");
  report->footer(
      "Example:\n  pv audit report --data-dir /var/lib/pv-audit --from 2026-12-01 --to "
      "2026-12-31 --html report.html");
  report->callback([o, &exit_code] { exit_code = audit_report(*o); });
}

}  // namespace pv::cli
