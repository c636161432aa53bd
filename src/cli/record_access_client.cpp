#include "cli/record_access_client.hpp"

#include <sodium.h>

#include "cli/consent_keys.hpp"

namespace pv::cli {

Result<PermittedRead> request_record_access(api::NodeClient& client, const Actor& reader,
                                            const RecordId& record, const std::string& purpose,
                                            const std::string& action,
                                            const std::string& emergency_credential) {
  const std::string body = emergency_credential.empty()
                               ? std::string()
                               : nlohmann::json{{"credential", emergency_credential}}.dump();
  auto reply = client.call(
      "POST", "/v1/records/" + record.hex() + "/access?purpose=" + purpose + "&action=" + action,
      body);
  if (!reply) return reply.error();
  auto j = nlohmann::json::parse(reply->body, nullptr, false);
  auto bad = [](const std::string& what) {
    return make_error(Errc::malformed, "the node's access answer has no valid " + what);
  };
  if (!j.is_object()) return bad("JSON body");
  PermittedRead out;
  out.answer = j;
  out.record = record;
  out.basis = j.value("basis", "");
  if (j.contains("consent") && j["consent"].is_string()) {
    auto c = ConsentId::from_hex(j["consent"].get<std::string>());
    if (!c) return bad("consent id");
    out.consent = *c;
  }
  if (!j.contains("accessEvent") || !j["accessEvent"].is_object() ||
      !j["accessEvent"].value("id", nlohmann::json()).is_string())
    return bad("access event");
  auto event = TxId::from_hex(j["accessEvent"]["id"].get<std::string>());
  if (!event) return bad("access event id");
  out.access_event = *event;
  auto metadata = parse_record_view(j.value("metadata", nlohmann::json()));
  if (!metadata) return metadata.error();
  if (metadata->id != record) return bad("record metadata (it names another record)");
  out.metadata = std::move(*metadata);

  if (out.basis == "emergency") {
    if (!j.contains("emergency") || !j["emergency"].is_object())
      return make_error(Errc::not_found,
                        "the emergency read was permitted and is on the ledger, "
                        "but no key can be released: " +
                            j.value("keysProblem", std::string("")));
    out.needs_custodians = true;
    return out;
  }
  const nlohmann::json& keys = j.value("keys", nlohmann::json());
  if (!keys.is_object())
    return make_error(Errc::not_found, "the read was permitted (basis " + out.basis +
                                           ") but the ledger holds no key for " + reader.did() +
                                           ": " + j.value("keysProblem", std::string("")));
  if (keys.contains("dataKey")) {
    auto wrapped = parse_wrapped(keys["dataKey"], "data");
    if (!wrapped) return wrapped.error();
    auto key = open_wrapped(reader, *wrapped);
    if (!key) return key.error();
    out.data_key = *key;
    sodium_memzero(key->data(), key->size());
    return out;
  }
  if (!keys.contains("categoryWrap") || !keys.contains("categorySecret"))
    return bad("keys (neither a data key nor a category wrap)");
  auto secret_wrap = parse_wrapped(keys["categorySecret"], "category secret");
  auto category_wrap = parse_category_wrap(keys["categoryWrap"]);
  if (!secret_wrap) return secret_wrap.error();
  if (!category_wrap) return category_wrap.error();
  auto secret = open_wrapped(reader, *secret_wrap);
  if (!secret) return secret.error();
  X25519KeyPair pair = X25519KeyPair::from_secret(*secret);
  sodium_memzero(secret->data(), secret->size());
  if (!(pair.public_key() == category_wrap->category_key))
    return make_error(Errc::bad_signature,
                      "the category secret served does not match the record's category key "
                      "of epoch " +
                          std::to_string(category_wrap->epoch));
  auto key = open_key(category_wrap->sealed, pair);
  if (!key) return key.error();
  out.data_key = *key;
  sodium_memzero(key->data(), key->size());
  return out;
}

}  // namespace pv::cli
