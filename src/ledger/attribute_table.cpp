#include "ledger/attribute_table.hpp"

#include <array>
#include <charconv>

namespace pv {
namespace {

// Vaccines: the diseases a vaccination protects against (one attestation per vaccination).
constexpr std::array<AttributeCode, 12> kVaccines{{
    {"measles", 1},
    {"mumps", 2},
    {"rubella", 3},
    {"mmr", 4},  // measles, mumps and rubella combined
    {"tetanus", 5},
    {"diphtheria", 6},
    {"pertussis", 7},
    {"polio", 8},
    {"hepatitis_b", 9},
    {"yellow_fever", 10},
    {"influenza", 11},
    {"covid19", 12},
}};

// ABO and RhD.
constexpr std::array<AttributeCode, 8> kBloodGroups{{
    {"O-", 1},
    {"O+", 2},
    {"A-", 3},
    {"A+", 4},
    {"B-", 5},
    {"B+", 6},
    {"AB-", 7},
    {"AB+", 8},
}};

// 1800-01-01 and 2200-12-31 in days since 1970-01-01.
constexpr std::int64_t kFirstDay = -62091, kLastDay = 84370;

constexpr std::array<AttributeDefinition, 9> kTableV1{{
    {"birth_date", AttributeKind::date, "day", 0, kFirstDay, kLastDay, {}, "date of birth"},
    {"blood_group", AttributeKind::code, "", 0, 1, 8, kBloodGroups, "ABO and RhD blood group"},
    {"diagnosis_date",
     AttributeKind::date,
     "day",
     0,
     kFirstDay,
     kLastDay,
     {},
     "date a condition was diagnosed"},
    {"hba1c", AttributeKind::decimal, "%", 1, 0, 300, {}, "HbA1c (NGSP), in 0.1 %"},
    {"ldl_cholesterol",
     AttributeKind::decimal,
     "mmol/L",
     2,
     0,
     5000,
     {},
     "LDL cholesterol, in 0.01 mmol/L"},
    {"measured_on",
     AttributeKind::date,
     "day",
     0,
     kFirstDay,
     kLastDay,
     {},
     "date the attested measurement was taken"},
    {"systolic_bp", AttributeKind::integer, "mmHg", 0, 0, 400, {}, "systolic blood pressure"},
    {"vaccination_date",
     AttributeKind::date,
     "day",
     0,
     kFirstDay,
     kLastDay,
     {},
     "date the vaccine was given"},
    {"vaccine", AttributeKind::code, "", 0, 1, 12, kVaccines,
     "what the vaccination protects against"},
}};

Error bad_value(const AttributeDefinition& a, std::string_view text) {
  return make_error(Errc::invalid_argument, std::string(a.name) + " takes " +
                                                attribute_value_hint(a) + ", not \"" +
                                                std::string(text) + "\"");
}

// Howard Hinnant's days_from_civil (public domain algorithm description).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap(std::int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

bool parse_digits(std::string_view s, std::int64_t& out) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

std::span<const AttributeDefinition> attribute_table_v1() {
  return kTableV1;
}

const AttributeDefinition* find_attribute(std::string_view schema, std::string_view name) {
  if (schema != kAttributeSchemaV1) return nullptr;
  for (const auto& a : kTableV1)
    if (a.name == name) return &a;
  return nullptr;
}

Status check_attribute_schema(std::string_view schema) {
  if (schema == kAttributeSchemaV1) return Status::ok();
  return make_error(Errc::invalid_argument, "unknown attribute schema \"" + std::string(schema) +
                                                "\" (this ledger knows pv-attributes-v1)");
}

Result<std::int64_t> parse_iso_date(std::string_view t) {
  std::int64_t y = 0, m = 0, d = 0;
  if (t.size() != 10 || t[4] != '-' || t[7] != '-' || !parse_digits(t.substr(0, 4), y) ||
      !parse_digits(t.substr(5, 2), m) || !parse_digits(t.substr(8, 2), d))
    return make_error(Errc::invalid_argument, "a date is YYYY-MM-DD");
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1800 || y > 2200 || m < 1 || m > 12 || d < 1 ||
      d > kDays[m - 1] + (m == 2 && leap(y) ? 1 : 0))
    return make_error(Errc::invalid_argument,
                      "no such date: " + std::string(t) + " (years 1800 to 2200)");
  return days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
}

std::string format_iso_date(std::int64_t z) {
  // civil_from_days, the inverse of days_from_civil.
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

std::string attribute_value_hint(const AttributeDefinition& a) {
  switch (a.kind) {
    case AttributeKind::date:
      return "a date YYYY-MM-DD";
    case AttributeKind::decimal:
      return "a number in " + std::string(a.unit) + " with at most " + std::to_string(a.scale) +
             " decimal" + (a.scale == 1 ? "" : "s");
    case AttributeKind::integer:
      return "a whole number in " + std::string(a.unit);
    case AttributeKind::code: {
      std::string s = "one of";
      for (const auto& c : a.codes) s += " " + std::string(c.label);
      return s;
    }
  }
  return "a value";
}

Result<std::int64_t> parse_attribute_value(const AttributeDefinition& a, std::string_view text) {
  std::int64_t v = 0;
  switch (a.kind) {
    case AttributeKind::date: {
      auto days = parse_iso_date(text);
      if (!days)
        return make_error(Errc::invalid_argument,
                          std::string(a.name) + ": " + days.error().message);
      v = *days;
      break;
    }
    case AttributeKind::code: {
      bool found = false;
      for (const auto& c : a.codes)
        if (c.label == text) {
          v = c.value;
          found = true;
        }
      if (!found) return bad_value(a, text);
      break;
    }
    case AttributeKind::integer:
    case AttributeKind::decimal: {
      std::string_view s = text;
      // A unit written after the number ("6.4 %", "120mmHg") is accepted when it is the unit.
      if (!a.unit.empty() && s.size() > a.unit.size() &&
          s.substr(s.size() - a.unit.size()) == a.unit) {
        s.remove_suffix(a.unit.size());
        while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
      }
      const bool negative = !s.empty() && s[0] == '-';
      if (negative) s.remove_prefix(1);
      auto dot = s.find('.');
      std::string_view whole = s.substr(0, dot), frac;
      if (dot != std::string_view::npos) frac = s.substr(dot + 1);
      std::int64_t w = 0, f = 0;
      if (!parse_digits(whole, w) || whole.size() > 12 ||
          (dot != std::string_view::npos &&
           (frac.empty() || static_cast<int>(frac.size()) > a.scale || !parse_digits(frac, f))))
        return bad_value(a, text);
      std::int64_t scale = 1;
      for (int i = 0; i < a.scale; ++i) scale *= 10;
      for (std::size_t i = frac.size(); i < static_cast<std::size_t>(a.scale); ++i) f *= 10;
      v = w * scale + f;
      if (negative) v = -v;
      break;
    }
  }
  if (v < a.min || v > a.max)
    return make_error(Errc::invalid_argument, std::string(a.name) + " " + std::string(text) +
                                                  " is outside " +
                                                  format_attribute_value(a, a.min) + " .. " +
                                                  format_attribute_value(a, a.max));
  return v;
}

std::string format_attribute_value(const AttributeDefinition& a, std::int64_t v) {
  switch (a.kind) {
    case AttributeKind::date:
      return format_iso_date(v);
    case AttributeKind::code:
      for (const auto& c : a.codes)
        if (c.value == v) return std::string(c.label);
      return "code " + std::to_string(v);
    case AttributeKind::integer:
      return std::to_string(v) + " " + std::string(a.unit);
    case AttributeKind::decimal: {
      std::int64_t scale = 1;
      for (int i = 0; i < a.scale; ++i) scale *= 10;
      const std::uint64_t mag =
          v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v);
      std::string frac = std::to_string(mag % static_cast<std::uint64_t>(scale));
      while (static_cast<int>(frac.size()) < a.scale) frac.insert(0, "0");
      std::string s = (v < 0 ? "-" : "") + std::to_string(mag / static_cast<std::uint64_t>(scale));
      if (a.scale > 0) s += "." + frac;
      return s + (a.unit == "%" ? " %" : " " + std::string(a.unit));
    }
  }
  return std::to_string(v);
}

}  // namespace pv
