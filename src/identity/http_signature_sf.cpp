#include "identity/http_signature_sf.hpp"

#include <algorithm>

namespace pv::sf {
namespace {

bool is_lcalpha(char c) {
  return c >= 'a' && c <= 'z';
}
bool is_alpha(char c) {
  return is_lcalpha(c) || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// RFC 9110 tchar.
bool is_tchar(char c) {
  if (is_alpha(c) || is_digit(c)) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool is_key_char(char c) {
  return is_lcalpha(c) || is_digit(c) || c == '_' || c == '-' || c == '.' || c == '*';
}

Error malformed(std::string what) {
  return make_error(Errc::malformed, "structured field: " + std::move(what));
}

// A cursor over the field; every read is bounds-checked. Invariant: pos_ <= text_.size().
class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  bool done() const { return pos_ >= text_.size(); }
  char peek() const { return done() ? '\0' : text_[pos_]; }
  void advance() {
    if (!done()) ++pos_;
  }
  void skip_sp() {
    while (peek() == ' ') advance();
  }
  void skip_ows() {
    while (peek() == ' ' || peek() == '\t') advance();
  }

  Result<std::string> key() {
    if (!is_lcalpha(peek()) && peek() != '*') return malformed("expected a key");
    std::string out;
    while (!done() && is_key_char(peek())) {
      out.push_back(peek());
      advance();
    }
    return out;
  }

  Result<BareItem> bare_item() {
    const char c = peek();
    if (c == '-' || is_digit(c)) return integer();
    if (c == '"') return string();
    if (c == ':') return byte_sequence();
    if (c == '?') return boolean();
    if (is_alpha(c) || c == '*') return token();
    return malformed("expected an item");
  }

  Result<Parameters> parameters() {
    Parameters params;
    while (peek() == ';') {
      advance();
      skip_sp();
      auto name = key();
      if (!name) return name.error();
      BareItem value = true;
      if (peek() == '=') {
        advance();
        auto parsed = bare_item();
        if (!parsed) return parsed.error();
        value = std::move(*parsed);
      }
      if (find_parameter(params, *name) != nullptr)
        return malformed("repeated parameter \"" + *name + "\"");
      if (params.size() >= kMaxParameters) return malformed("too many parameters");
      params.emplace_back(std::move(*name), std::move(value));
    }
    return params;
  }

  Result<Item> item() {
    auto value = bare_item();
    if (!value) return value.error();
    auto params = parameters();
    if (!params) return params.error();
    return Item{std::move(*value), std::move(*params)};
  }

  Result<InnerList> inner_list() {
    // REQUIRES: peek() == '('.
    advance();
    InnerList list;
    while (true) {
      skip_sp();
      if (done()) return malformed("unterminated inner list");
      if (peek() == ')') {
        advance();
        break;
      }
      auto entry = item();
      if (!entry) return entry.error();
      if (list.items.size() >= kMaxListItems) return malformed("too many inner list items");
      list.items.push_back(std::move(*entry));
      if (peek() != ' ' && peek() != ')') return malformed("inner list items need a space");
    }
    auto params = parameters();
    if (!params) return params.error();
    list.params = std::move(*params);
    return list;
  }

 private:
  Result<BareItem> integer() {
    bool negative = false;
    if (peek() == '-') {
      negative = true;
      advance();
    }
    if (!is_digit(peek())) return malformed("expected a digit");
    std::int64_t value = 0;
    int digits = 0;
    while (is_digit(peek())) {
      if (++digits > 15) return malformed("integer longer than 15 digits");
      value = value * 10 + (peek() - '0');
      advance();
    }
    if (peek() == '.') return malformed("decimals are not accepted");
    return BareItem{negative ? -value : value};
  }

  Result<BareItem> string() {
    advance();  // opening quote
    std::string out;
    while (true) {
      if (done()) return malformed("unterminated string");
      const char c = peek();
      advance();
      if (c == '"') return BareItem{std::move(out)};
      if (c == '\\') {
        const char next = peek();
        if (next != '"' && next != '\\') return malformed("bad escape in string");
        advance();
        out.push_back(next);
        continue;
      }
      if (c < 0x20 || c > 0x7e) return malformed("non-printable character in string");
      out.push_back(c);
    }
  }

  Result<BareItem> token() {
    std::string out;
    while (!done() && (is_tchar(peek()) || peek() == ':' || peek() == '/')) {
      out.push_back(peek());
      advance();
    }
    return BareItem{Token{std::move(out)}};
  }

  Result<BareItem> byte_sequence() {
    advance();  // opening colon
    const std::size_t start = pos_;
    while (!done() && peek() != ':') advance();
    if (done()) return malformed("unterminated byte sequence");
    const std::string_view encoded = text_.substr(start, pos_ - start);
    advance();  // closing colon
    auto decoded = from_base64(encoded);
    if (!decoded) return malformed("byte sequence is not strict base64");
    return BareItem{std::move(*decoded)};
  }

  Result<BareItem> boolean() {
    advance();  // '?'
    const char c = peek();
    if (c != '0' && c != '1') return malformed("boolean must be ?0 or ?1");
    advance();
    return BareItem{c == '1'};
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

std::string serialize_string(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

std::string serialize_item(const Item& item) {
  return serialize_bare_item(item.value) + serialize_parameters(item.params);
}

}  // namespace

bool is_valid_string(std::string_view text) {
  return std::all_of(text.begin(), text.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

bool is_valid_key(std::string_view text) {
  if (text.empty() || (!is_lcalpha(text[0]) && text[0] != '*')) return false;
  return std::all_of(text.begin(), text.end(), is_key_char);
}

const BareItem* find_parameter(const Parameters& params, std::string_view key) {
  for (const auto& [name, value] : params)
    if (name == key) return &value;
  return nullptr;
}

const Member* find_member(const Dictionary& dict, std::string_view key) {
  for (const auto& [name, value] : dict)
    if (name == key) return &value;
  return nullptr;
}

Result<Dictionary> parse_dictionary(std::string_view field) {
  if (field.size() > kMaxFieldChars)
    return make_error(Errc::too_large, "structured field too long");
  Reader in(field);
  in.skip_sp();
  Dictionary dict;
  while (!in.done()) {
    auto name = in.key();
    if (!name) return name.error();
    Member member = Item{true, {}};
    if (in.peek() == '=') {
      in.advance();
      if (in.peek() == '(') {
        auto list = in.inner_list();
        if (!list) return list.error();
        member = std::move(*list);
      } else {
        auto entry = in.item();
        if (!entry) return entry.error();
        member = std::move(*entry);
      }
    } else {
      auto params = in.parameters();
      if (!params) return params.error();
      member = Item{true, std::move(*params)};
    }
    if (find_member(dict, *name) != nullptr) return malformed("repeated key \"" + *name + "\"");
    if (dict.size() >= kMaxMembers) return malformed("too many dictionary members");
    dict.emplace_back(std::move(*name), std::move(member));
    in.skip_ows();
    if (in.done()) break;
    if (in.peek() != ',') return malformed("expected a comma between members");
    in.advance();
    in.skip_ows();
    if (in.done()) return malformed("trailing comma");
  }
  if (dict.empty()) return malformed("empty dictionary");
  return dict;
}

std::string serialize_bare_item(const BareItem& item) {
  struct Visitor {
    std::string operator()(std::int64_t v) const { return std::to_string(v); }
    std::string operator()(const std::string& v) const { return serialize_string(v); }
    std::string operator()(const Token& v) const { return v.text; }
    std::string operator()(const Bytes& v) const { return ":" + to_base64(v) + ":"; }
    std::string operator()(bool v) const { return v ? "?1" : "?0"; }
  };
  return std::visit(Visitor{}, item);
}

std::string serialize_parameters(const Parameters& params) {
  std::string out;
  for (const auto& [name, value] : params) {
    out += ";" + name;
    // A true boolean parameter is serialized as the bare key.
    if (const bool* flag = std::get_if<bool>(&value); flag != nullptr && *flag) continue;
    out += "=" + serialize_bare_item(value);
  }
  return out;
}

std::string serialize_inner_list(const InnerList& list) {
  std::string out = "(";
  for (std::size_t i = 0; i < list.items.size(); ++i) {
    if (i > 0) out.push_back(' ');
    out += serialize_item(list.items[i]);
  }
  out.push_back(')');
  return out + serialize_parameters(list.params);
}

std::string serialize_dictionary(const Dictionary& dict) {
  std::string out;
  for (const auto& [name, member] : dict) {
    if (!out.empty()) out += ", ";
    out += name;
    if (const auto* list = std::get_if<InnerList>(&member)) {
      out += "=" + serialize_inner_list(*list);
      continue;
    }
    const auto& entry = std::get<Item>(member);
    if (const bool* flag = std::get_if<bool>(&entry.value); flag != nullptr && *flag) {
      out += serialize_parameters(entry.params);
    } else {
      out += "=" + serialize_item(entry);
    }
  }
  return out;
}

}  // namespace pv::sf
