#include "ledger/credential_revocation.hpp"

#include "codec/binary.hpp"
#include "codec/did_pv.hpp"
#include "ledger/org_state.hpp"

namespace pv {
namespace {

constexpr std::uint8_t kRevokeVersion = 1;
// More entries than organizations can ever exist is corruption, not data.
constexpr std::size_t kMaxRevocationsPerId = 1000;

}  // namespace

Status check_credential_id(std::string_view jti) {
  if (jti.empty() || jti.size() > kMaxCredentialIdBytes)
    return make_error(Errc::invalid_argument, "a credential id is 1 to 256 bytes");
  for (char c : jti)
    if (c < 0x21 || c > 0x7e || c == '/' || c == '?' || c == '#' || c == '%')
      return make_error(Errc::invalid_argument,
                        "a credential id is printable ASCII without space, '/', '?', '#' or '%'");
  return Status::ok();
}

Bytes encode_credential_revoke(std::string_view jti) {
  BinaryWriter w;
  w.u8(kRevokeVersion);
  w.var(jti);
  return w.take();
}

Result<std::string> decode_credential_revoke(ByteView payload) {
  BinaryReader r(payload);
  auto version = r.u8("revocation version");
  if (!version) return version.error();
  if (*version != kRevokeVersion)
    return make_error(Errc::malformed, "unsupported credential revocation version");
  auto jti = r.text(kMaxCredentialIdBytes, "credential id");
  if (!jti) return jti.error();
  if (auto s = check_credential_id(*jti); !s) return make_error(Errc::malformed, s.error().message);
  PV_TRY(r.expect_end("credential revocation"));
  return jti;
}

std::string credential_revocation_state_key(std::string_view jti) {
  return "credrev/" + std::string(jti);
}

Bytes encode_credential_revocations(const std::vector<CredentialRevocation>& list) {
  BinaryWriter w;
  w.u32(static_cast<std::uint32_t>(list.size()));
  for (const auto& e : list) {
    w.var(e.issuer);
    w.u64(e.height);
    w.u64(e.time_ms);
    w.fixed(e.tx);
  }
  return w.take();
}

Result<std::vector<CredentialRevocation>> decode_credential_revocations(ByteView b) {
  BinaryReader r(b);
  auto n = r.u32("revocation count");
  if (!n) return n.error();
  if (*n > kMaxRevocationsPerId) return make_error(Errc::too_large, "too many revocations");
  std::vector<CredentialRevocation> out;
  for (std::uint32_t i = 0; i < *n; ++i) {
    CredentialRevocation e;
    auto issuer = r.text(kMaxSignerBytes, "revocation issuer");
    if (!issuer) return issuer.error();
    auto height = r.u64("revocation height");
    if (!height) return height.error();
    auto time = r.u64("revocation time");
    if (!time) return time.error();
    auto tx = r.fixed<32>("revocation tx");
    if (!tx) return tx.error();
    out.push_back({std::move(*issuer), *height, *time, *tx});
  }
  PV_TRY(r.expect_end("revocations"));
  return out;
}

Result<std::vector<CredentialRevocation>> load_credential_revocations(const StateView& state,
                                                                      std::string_view jti) {
  auto bytes = state.get(credential_revocation_state_key(jti));
  if (!bytes) return std::vector<CredentialRevocation>{};
  auto list = decode_credential_revocations(*bytes);
  if (!list)
    return make_error(Errc::corruption,
                      "stored revocations of " + std::string(jti) + ": " + list.error().message);
  return list;
}

std::optional<CredentialRevocation> revocation_by(const std::vector<CredentialRevocation>& list,
                                                  std::string_view issuer) {
  for (const auto& e : list)
    if (e.issuer == issuer) return e;
  return std::nullopt;
}

TxTypeRules credential_revoke_rules() {
  TxTypeRules rules;
  rules.type = kTxTypeCredentialRevoke;
  rules.name = "credential-revoke";
  rules.check_form = [](const Transaction& tx) -> Status {
    return decode_credential_revoke(tx.payload).status();
  };
  rules.apply = [](TxContext& ctx) -> Status {
    auto jti = decode_credential_revoke(ctx.tx.payload);
    if (!jti) return jti.error();
    const std::string issuer(did_without_fragment(ctx.tx.signer));
    if (auto org = load_member_organization(ctx.state, issuer); !org)
      return make_error(org.error().code,
                        "only a member organization revokes credentials: " + org.error().message);
    auto list = load_credential_revocations(ctx.state, *jti);
    if (!list) return list.error();
    if (auto earlier = revocation_by(*list, issuer))
      return make_error(Errc::conflict, "credential " + *jti + " was already revoked by " + issuer +
                                            " at height " + std::to_string(earlier->height));
    list->push_back({issuer, ctx.height, ctx.block_time_ms, ctx.id});
    ctx.state.put(credential_revocation_state_key(*jti), encode_credential_revocations(*list));
    return Status::ok();
  };
  return rules;
}

}  // namespace pv
