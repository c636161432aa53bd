#include "ledger/erasure/access_unlink.hpp"

namespace pv {

Result<std::uint64_t> unlink_access_events(StateOverlay& state, const RecordId& record,
                                           const std::string& patient) {
  const std::string own = index_key("acc-record", {record.hex()});
  auto events = index_read(state, own);
  if (!events) return events.error();
  std::uint64_t removed = 0;
  if (!events->empty())
    removed = index_remove_all(state, index_key("acc-patient", {patient}), *events);
  index_delete(state, own);
  return removed;
}

}  // namespace pv
