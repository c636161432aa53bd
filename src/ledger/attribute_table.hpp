#pragma once
// The published attribute table "pv-attributes-v1" (docs/attestations.md): the names an
// attestation may commit to, their units, and how a value is encoded as the signed 64-bit
// integer a Pedersen commitment hides. Issuing and claiming parse values through this table, so
// "2008-12-06", "6.4" (%) and "O+" mean the same integer on both sides.
//
// Encodings: a date is days since 1970-01-01 (proleptic Gregorian, negative before 1970); a
// decimal is an integer count of its fixed unit (HbA1c in 0.1 %: "6.4" is 64); a code is its
// integer in the attribute's code table. The table is consensus data: the ledger refuses an
// attestation whose schema or attribute names it does not list. A later table is a new name.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace pv {

inline constexpr std::string_view kAttributeSchemaV1 = "pv-attributes-v1";

enum class AttributeKind : std::uint8_t { date = 1, decimal = 2, integer = 3, code = 4 };

struct AttributeCode {
  std::string_view label;  // as written on the command line, e.g. "O+", "measles"
  std::int64_t value;
};

struct AttributeDefinition {
  std::string_view name;  // [a-z0-9_], the key in the attestation
  AttributeKind kind;
  std::string_view unit;          // "day" for dates, "%", "mmHg", "mmol/L", "" for codes
  int scale = 0;                  // decimals: the value is round(x * 10^scale)
  std::int64_t min = 0, max = 0;  // accepted encoded values
  std::span<const AttributeCode> codes;
  std::string_view description;
};

// Every attribute of pv-attributes-v1, sorted by name.
std::span<const AttributeDefinition> attribute_table_v1();
// The definition of `name` in `schema`; null when the schema or the name is unknown.
const AttributeDefinition* find_attribute(std::string_view schema, std::string_view name);
// Ok when `schema` is a table this ledger knows.
[[nodiscard]] Status check_attribute_schema(std::string_view schema);

// Parses a value as a person writes it ("1990-05-01", "6.4", "120", "O+"); Errc::invalid_argument
// with a message that says what the attribute takes.
[[nodiscard]] Result<std::int64_t> parse_attribute_value(const AttributeDefinition& a,
                                                         std::string_view text);
// The inverse, for display: "1990-05-01", "6.4 %", "120 mmHg", "O+".
std::string format_attribute_value(const AttributeDefinition& a, std::int64_t value);
// What a value of the attribute looks like, for error messages ("a date YYYY-MM-DD", ...).
std::string attribute_value_hint(const AttributeDefinition& a);

// Days since 1970-01-01 of a valid YYYY-MM-DD date (years 1800..2200); invalid_argument else.
[[nodiscard]] Result<std::int64_t> parse_iso_date(std::string_view text);
std::string format_iso_date(std::int64_t days);

}  // namespace pv
