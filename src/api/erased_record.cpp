#include "api/erased_record.hpp"

#include "base/time_text.hpp"

namespace pv::api {

Problem record_erased_problem(const RecordId& record, const ErasureTombstone& t) {
  Problem p;
  p.status = 410;
  p.type = kRecordErasedProblemType;
  p.title = "Record erased";
  const std::string by = t.by == ErasedBy::officer
                             ? "a data-protection officer of " + t.officer_organization
                             : std::string("its holder (the patient)");
  p.detail = "record " + record.hex() + " was erased at height " + std::to_string(t.height) + " (" +
             rfc3339_from_ms(t.time_ms) + ") by " + by + ", reason " +
             std::string(erasure_reason_code(t.reason));
  p.extensions["record"] = record.hex();
  p.extensions["erasedAtHeight"] = t.height;
  p.extensions["erasedAt"] = rfc3339_from_ms(t.time_ms);
  p.extensions["erasedBy"] = std::string(erased_by_name(t.by));
  if (!t.officer_organization.empty()) p.extensions["organization"] = t.officer_organization;
  p.extensions["reason"] = std::string(erasure_reason_code(t.reason));
  p.extensions["eraseTransaction"] = t.erase_tx.hex();
  return p;
}

std::optional<Problem> erased_record_problem(const StateView& state, const RecordId& record) {
  auto t = load_erasure_tombstone(state, record);
  if (!t || !*t) return std::nullopt;
  return record_erased_problem(record, **t);
}

std::optional<Problem> erased_content_problem(const StateView& state, ByteView binary_cid) {
  auto id = state.get(erased_cid_key(binary_cid));
  if (!id) return std::nullopt;
  auto record = Hash32::from(*id);
  if (!record) return std::nullopt;
  return erased_record_problem(state, *record);
}

Problem erased_block_problem(const content::Cid& cid) {
  Problem p;
  p.status = 410;
  p.type = kRecordErasedProblemType;
  p.title = "Block erased";
  p.detail = "block " + cid.to_string() +
             " belonged to an erased record and was removed from this node; it is not served or "
             "fetched again";
  p.extensions["cid"] = cid.to_string();
  return p;
}

}  // namespace pv::api
