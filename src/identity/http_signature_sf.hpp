#pragma once
// The subset of RFC 8941 Structured Field Values that HTTP Message Signatures (RFC 9421) and
// Content-Digest (RFC 9530) use: dictionaries whose members are items or inner lists, with
// parameters; bare items are integers, strings, tokens, byte sequences and booleans.
//
// The parser is strict: it reads untrusted header values and returns an error (Errc::malformed)
// on anything outside the grammar, never crashes, and never reads past the input. Beyond
// RFC 8941 it also refuses (a) decimals, which no field here uses, (b) a repeated dictionary key
// or parameter key, which RFC 8941 would silently overwrite and which would let two readers of
// one header disagree, and (c) byte sequences whose base64 lacks padding or has non-zero
// trailing bits. Serialization is canonical (RFC 8941 section 4.1), so for any value the parser
// accepts, serialize(parse(x)) is the one canonical text of that value.

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "base/bytes.hpp"

namespace pv::sf {

// Limits on untrusted input; a header over them is refused rather than parsed.
inline constexpr std::size_t kMaxFieldChars = 16 * 1024;
inline constexpr std::size_t kMaxMembers = 64;     // dictionary members
inline constexpr std::size_t kMaxListItems = 64;   // items of one inner list
inline constexpr std::size_t kMaxParameters = 32;  // parameters of one item or inner list
inline constexpr std::int64_t kMaxInteger = 999'999'999'999'999;  // 15 digits (RFC 8941)

struct Token {
  std::string text;
  friend bool operator==(const Token&, const Token&) = default;
};

// Integer, String, Token, Byte Sequence, Boolean (in that variant order).
using BareItem = std::variant<std::int64_t, std::string, Token, Bytes, bool>;
// Ordered; keys are unique.
using Parameters = std::vector<std::pair<std::string, BareItem>>;

struct Item {
  BareItem value;
  Parameters params;
};

struct InnerList {
  std::vector<Item> items;
  Parameters params;
};

using Member = std::variant<Item, InnerList>;
// Ordered as in the field; keys are unique.
using Dictionary = std::vector<std::pair<std::string, Member>>;

[[nodiscard]] Result<Dictionary> parse_dictionary(std::string_view field);

// Canonical serializations. REQUIRES: the value is serializable (keys and tokens well formed,
// strings printable ASCII, integers within kMaxInteger); callers build values from checked input.
std::string serialize_bare_item(const BareItem& item);
std::string serialize_parameters(const Parameters& params);
std::string serialize_inner_list(const InnerList& list);
std::string serialize_dictionary(const Dictionary& dict);

// Checks that `text` may be serialized as an sf-string (printable ASCII only).
[[nodiscard]] bool is_valid_string(std::string_view text);
// Checks that `text` is a valid dictionary or parameter key.
[[nodiscard]] bool is_valid_key(std::string_view text);

// The first parameter named `key`, or nullptr.
const BareItem* find_parameter(const Parameters& params, std::string_view key);
// The member named `key`, or nullptr.
const Member* find_member(const Dictionary& dict, std::string_view key);

}  // namespace pv::sf
