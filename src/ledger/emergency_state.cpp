#include "ledger/emergency_state.hpp"

#include "codec/binary.hpp"
#include "ledger/consent_state.hpp"

namespace pv {
namespace {

std::string hex_u32(std::uint32_t v) {
  BinaryWriter w;
  w.u32(v);
  return to_hex(w.bytes());
}

template <class T>
Result<std::optional<T>> load(const StateView& state, const std::string& key,
                              Result<T> (*decode)(ByteView), const char* what) {
  auto bytes = state.get(key);
  if (!bytes) return std::optional<T>{};
  auto value = decode(*bytes);
  if (!value)
    return make_error(Errc::corruption,
                      std::string("stored ") + what + " does not decode: " + value.error().message);
  return std::optional<T>{std::move(*value)};
}

}  // namespace

std::string emergency_policy_state_key(const std::string& patient,
                                       std::optional<std::uint32_t> epoch) {
  return epoch ? "empolv/" + patient + "/" + hex_u32(*epoch) : "empol/" + patient;
}
std::string emergency_event_state_key(const TxId& event) {
  return "emev/" + event.hex();
}
std::string emergency_release_state_key(const TxId& event, std::uint8_t share) {
  return "emrel/" + event.hex() + "/" + to_hex(ByteView(&share, 1));
}
std::string emergency_events_list() {
  return index_key("emerg", {"all"});
}

Bytes encode_emergency_policy_state(const EmergencyPolicyState& p) {
  BinaryWriter w;
  w.var(encode_emergency_policy(p.policy));
  w.u64(p.height);
  return w.take();
}

Result<EmergencyPolicyState> decode_emergency_policy_state(ByteView b) {
  BinaryReader r(b);
  auto payload = r.var(kMaxPayloadBytes, "emergency policy");
  if (!payload) return payload.error();
  auto policy = decode_emergency_policy(*payload);
  if (!policy) return policy.error();
  auto height = r.u64("height");
  if (!height) return height.error();
  PV_TRY(r.expect_end("emergency policy state"));
  return EmergencyPolicyState{std::move(*policy), *height};
}

Bytes encode_emergency_event_state(const EmergencyEventState& e) {
  BinaryWriter w;
  w.fixed(e.record);
  w.var(e.patient);
  w.var(e.reader);
  w.var(e.organization);
  w.u32(e.epoch);
  w.u64(e.height);
  w.u64(e.time_ms);
  return w.take();
}

Result<EmergencyEventState> decode_emergency_event_state(ByteView b) {
  BinaryReader r(b);
  EmergencyEventState e;
  auto record = r.fixed<32>("record");
  if (!record) return record.error();
  auto patient = r.text(kMaxSignerBytes, "patient");
  if (!patient) return patient.error();
  auto reader = r.text(kMaxSignerBytes, "reader");
  if (!reader) return reader.error();
  auto org = r.text(kMaxOrgDidBytes, "organization");
  if (!org) return org.error();
  auto epoch = r.u32("epoch");
  if (!epoch) return epoch.error();
  auto height = r.u64("height");
  if (!height) return height.error();
  auto time = r.u64("time");
  if (!time) return time.error();
  PV_TRY(r.expect_end("emergency event state"));
  e.record = *record;
  e.patient = std::move(*patient);
  e.reader = std::move(*reader);
  e.organization = std::move(*org);
  e.epoch = *epoch;
  e.height = *height;
  e.time_ms = *time;
  return e;
}

Bytes encode_emergency_release_state(const EmergencyReleaseState& s) {
  BinaryWriter w;
  w.var(encode_emergency_release(s.release));
  w.var(s.custodian);
  w.fixed(s.tx);
  w.u64(s.height);
  w.u64(s.time_ms);
  return w.take();
}

Result<EmergencyReleaseState> decode_emergency_release_state(ByteView b) {
  BinaryReader r(b);
  EmergencyReleaseState s;
  auto payload = r.var(kMaxPayloadBytes, "emergency release");
  if (!payload) return payload.error();
  auto release = decode_emergency_release(*payload);
  if (!release) return release.error();
  auto custodian = r.text(kMaxSignerBytes, "custodian");
  if (!custodian) return custodian.error();
  auto tx = r.fixed<32>("release transaction");
  if (!tx) return tx.error();
  auto height = r.u64("height");
  if (!height) return height.error();
  auto time = r.u64("time");
  if (!time) return time.error();
  PV_TRY(r.expect_end("emergency release state"));
  s.release = *release;
  s.custodian = std::move(*custodian);
  s.tx = *tx;
  s.height = *height;
  s.time_ms = *time;
  return s;
}

Result<std::optional<EmergencyPolicyState>> load_emergency_policy(
    const StateView& state, const std::string& patient, std::optional<std::uint32_t> epoch) {
  return load<EmergencyPolicyState>(state, emergency_policy_state_key(patient, epoch),
                                    decode_emergency_policy_state, "emergency policy");
}

Result<std::optional<EmergencyEventState>> load_emergency_event(const StateView& state,
                                                                const TxId& event) {
  return load<EmergencyEventState>(state, emergency_event_state_key(event),
                                   decode_emergency_event_state, "emergency event");
}

Result<std::vector<EmergencyReleaseState>> load_emergency_releases(const StateView& state,
                                                                   const TxId& event) {
  std::vector<EmergencyReleaseState> out;
  for (std::uint8_t share = 1; share <= kMaxCustodians; ++share) {
    auto r = load<EmergencyReleaseState>(state, emergency_release_state_key(event, share),
                                         decode_emergency_release_state, "emergency release");
    if (!r) return r.error();
    if (*r) out.push_back(std::move(**r));
  }
  return out;
}

}  // namespace pv
