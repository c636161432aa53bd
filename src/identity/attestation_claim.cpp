#include "identity/attestation_claim.hpp"

#include "ledger/attribute_table.hpp"

namespace pv {
namespace {

using nlohmann::json;

std::string_view trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

Error usage(std::string_view text, const std::string& why) {
  return make_error(Errc::invalid_argument, "claim \"" + std::string(text) + "\": " + why);
}

const char* kind_name(zk::ClaimKind k) {
  switch (k) {
    case zk::ClaimKind::equal:
      return "equal";
    case zk::ClaimKind::at_least:
      return "at_least";
    case zk::ClaimKind::at_most:
      return "at_most";
    case zk::ClaimKind::between:
      return "between";
    case zk::ClaimKind::member:
      return "member";
  }
  return "?";
}

}  // namespace

Result<AttestationClaim> parse_claim(std::string_view schema, std::string_view text) {
  std::string_view t = trim(text);
  std::size_t name_end = 0;
  while (name_end < t.size() && ((t[name_end] >= 'a' && t[name_end] <= 'z') ||
                                 (t[name_end] >= '0' && t[name_end] <= '9') || t[name_end] == '_'))
    ++name_end;
  AttestationClaim c;
  c.attribute = std::string(t.substr(0, name_end));
  const AttributeDefinition* a = find_attribute(schema, c.attribute);
  if (c.attribute.empty())
    return usage(text, "write NAME OP VALUE, e.g. 'birth_date <= 2008-12-06'");
  if (!a) {
    std::string names;
    for (const auto& d : attribute_table_v1()) names += " " + std::string(d.name);
    return usage(text, "unknown attribute " + c.attribute + " (known:" + names + ")");
  }
  std::string_view rest = trim(t.substr(name_end));
  auto value = [&](std::string_view v) -> Result<std::int64_t> {
    auto parsed = parse_attribute_value(*a, trim(v));
    if (!parsed) return usage(text, parsed.error().message);
    return parsed;
  };
  if (rest.rfind("in ", 0) == 0) {
    std::string_view list = trim(rest.substr(3));
    if (!list.empty() && list.front() == '{' && list.back() == '}')
      list = list.substr(1, list.size() - 2);
    c.kind = zk::ClaimKind::member;
    while (!list.empty()) {
      auto comma = list.find(',');
      auto v = value(list.substr(0, comma));
      if (!v) return v.error();
      c.set.push_back(*v);
      if (comma == std::string_view::npos) break;
      list.remove_prefix(comma + 1);
    }
    if (c.set.empty() || c.set.size() > 64) return usage(text, "a set holds 1 to 64 values");
    return c;
  }
  if (rest.rfind("between ", 0) == 0) {
    std::string_view both = rest.substr(8);
    auto sep = both.find(" and ");
    if (sep == std::string_view::npos) return usage(text, "write 'NAME between LOW and HIGH'");
    auto lo = value(both.substr(0, sep));
    if (!lo) return lo.error();
    auto hi = value(both.substr(sep + 5));
    if (!hi) return hi.error();
    if (*lo > *hi) return usage(text, "the lower bound is above the upper one");
    c.kind = zk::ClaimKind::between;
    c.lo = *lo;
    c.hi = *hi;
    c.bits = kClaimRangeBits;
    return c;
  }
  static constexpr std::string_view kOps[] = {"<=", ">=", "==", "<", ">", "="};
  for (std::string_view op : kOps) {
    if (rest.rfind(op, 0) != 0) continue;
    auto v = value(rest.substr(op.size()));
    if (!v) return v.error();
    if (op == "=" || op == "==") {
      c.kind = zk::ClaimKind::equal;
      c.lo = *v;
    } else if (op == "<=" || op == "<") {
      c.kind = zk::ClaimKind::at_most;
      c.hi = op == "<" ? *v - 1 : *v;
      c.bits = kClaimRangeBits;
    } else {
      c.kind = zk::ClaimKind::at_least;
      c.lo = op == ">" ? *v + 1 : *v;
      c.bits = kClaimRangeBits;
    }
    return c;
  }
  return usage(text, "the operator is one of = <= >= < > 'in' 'between'");
}

std::string describe_claim(std::string_view schema, const AttestationClaim& c) {
  const AttributeDefinition* a = find_attribute(schema, c.attribute);
  auto f = [&](std::int64_t v) { return a ? format_attribute_value(*a, v) : std::to_string(v); };
  switch (c.kind) {
    case zk::ClaimKind::equal:
      return c.attribute + " = " + f(c.lo);
    case zk::ClaimKind::at_least:
      return c.attribute + " >= " + f(c.lo);
    case zk::ClaimKind::at_most:
      return c.attribute + " <= " + f(c.hi);
    case zk::ClaimKind::between:
      return c.attribute + " between " + f(c.lo) + " and " + f(c.hi);
    case zk::ClaimKind::member: {
      std::string s = c.attribute + " in {";
      for (std::size_t i = 0; i < c.set.size(); ++i) s += (i ? ", " : "") + f(c.set[i]);
      return s + "}";
    }
  }
  return c.attribute;
}

bool claim_holds(const AttestationClaim& c, std::int64_t v) {
  switch (c.kind) {
    case zk::ClaimKind::equal:
      return v == c.lo;
    case zk::ClaimKind::at_least:
      return v >= c.lo;
    case zk::ClaimKind::at_most:
      return v <= c.hi;
    case zk::ClaimKind::between:
      return v >= c.lo && v <= c.hi;
    case zk::ClaimKind::member:
      return std::find(c.set.begin(), c.set.end(), v) != c.set.end();
  }
  return false;
}

json claim_to_json(const AttestationClaim& c) {
  json j = {{"attribute", c.attribute}, {"kind", kind_name(c.kind)}};
  switch (c.kind) {
    case zk::ClaimKind::equal:
      j["value"] = c.lo;
      break;
    case zk::ClaimKind::at_least:
      j["min"] = c.lo;
      j["bits"] = c.bits;
      break;
    case zk::ClaimKind::at_most:
      j["max"] = c.hi;
      j["bits"] = c.bits;
      break;
    case zk::ClaimKind::between:
      j["min"] = c.lo;
      j["max"] = c.hi;
      j["bits"] = c.bits;
      break;
    case zk::ClaimKind::member:
      j["set"] = c.set;
      break;
  }
  return j;
}

Result<AttestationClaim> claim_from_json(const json& j) {
  auto bad = [](const std::string& why) {
    return make_error(Errc::malformed, "a claim in the proof file is malformed: " + why);
  };
  if (!j.is_object()) return bad("not an object");
  auto text = [&](const char* k) -> const json* {
    auto it = j.find(k);
    return it == j.end() ? nullptr : &*it;
  };
  auto integer = [&](const char* k, std::int64_t& out) -> bool {
    const json* v = text(k);
    if (!v || !v->is_number_integer()) return false;
    out = v->get<std::int64_t>();
    return true;
  };
  const json* attr = text("attribute");
  const json* kind = text("kind");
  if (!attr || !attr->is_string() || !kind || !kind->is_string()) return bad("attribute, kind");
  AttestationClaim c;
  c.attribute = attr->get<std::string>();
  const std::string k = kind->get<std::string>();
  std::size_t fields = 2;
  auto bits = [&]() -> bool {
    std::int64_t b = 0;
    if (!integer("bits", b) || b != kClaimRangeBits) return false;
    c.bits = kClaimRangeBits;
    ++fields;
    return true;
  };
  if (k == "equal") {
    c.kind = zk::ClaimKind::equal;
    if (!integer("value", c.lo)) return bad("equal needs an integer value");
    ++fields;
  } else if (k == "at_least") {
    c.kind = zk::ClaimKind::at_least;
    if (!integer("min", c.lo) || !bits()) return bad("at_least needs min and bits 32");
    ++fields;
  } else if (k == "at_most") {
    c.kind = zk::ClaimKind::at_most;
    if (!integer("max", c.hi) || !bits()) return bad("at_most needs max and bits 32");
    ++fields;
  } else if (k == "between") {
    c.kind = zk::ClaimKind::between;
    if (!integer("min", c.lo) || !integer("max", c.hi) || !bits() || c.lo > c.hi)
      return bad("between needs min <= max and bits 32");
    fields += 2;
  } else if (k == "member") {
    c.kind = zk::ClaimKind::member;
    const json* set = text("set");
    if (!set || !set->is_array() || set->empty() || set->size() > 64)
      return bad("member needs a set of 1 to 64 integers");
    for (const auto& v : *set) {
      if (!v.is_number_integer()) return bad("member needs a set of integers");
      c.set.push_back(v.get<std::int64_t>());
    }
    ++fields;
  } else {
    return bad("unknown kind " + k);
  }
  if (j.size() != fields) return bad("unexpected fields for kind " + k);
  return c;
}

Result<zk::Claim> to_zk_claim(const AttestationIssue& a, const AttestationClaim& c) {
  auto index = attestation_attribute_index(a, c.attribute);
  if (!index)
    return make_error(
        Errc::invalid_argument, "the attestation holds no attribute " + c.attribute +
                                    " (it holds " +
                                    [&] {
                                      std::string s;
                                      for (const auto& at : a.attributes)
                                        s += (s.empty() ? "" : ", ") + at.name;
                                      return s;
                                    }() +
                                    ")");
  switch (c.kind) {
    case zk::ClaimKind::equal:
      return zk::Claim::equal(*index, c.lo);
    case zk::ClaimKind::at_least:
      return zk::Claim::at_least(*index, c.lo, c.bits);
    case zk::ClaimKind::at_most:
      return zk::Claim::at_most(*index, c.hi, c.bits);
    case zk::ClaimKind::between:
      return zk::Claim::between(*index, c.lo, c.hi, c.bits);
    case zk::ClaimKind::member:
      return zk::Claim::member(*index, c.set);
  }
  return make_error(Errc::invalid_argument, "unknown claim kind");
}

}  // namespace pv
