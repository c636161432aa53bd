#pragma once
// Reads of an erased record (docs/erasure.md): from the block that erased it on, every route
// that would serve the record or its content answers 410 Gone with an RFC 9457 problem of type
// "urn:pv:problem:record-erased" saying when, by whom (the holder, or an officer's organization)
// and why. The node answers from the ledger's tombstone, before its eraser has finished.

#include <optional>

#include "api/problem.hpp"
#include "content/cid.hpp"
#include "ledger/erasure/erasure_state.hpp"

namespace pv {
class StateView;
}

namespace pv::api {

inline constexpr const char* kRecordErasedProblemType = "urn:pv:problem:record-erased";

Problem record_erased_problem(const RecordId& record, const ErasureTombstone& t);

// The problem to answer for `record` if it is erased; nullopt if it is not (or the tombstone
// cannot be read: the caller's own lookup then reports it).
std::optional<Problem> erased_record_problem(const StateView& state, const RecordId& record);
// The same for a content root CID (binary CIDv1) that an erased record anchored.
std::optional<Problem> erased_content_problem(const StateView& state, ByteView binary_cid);
// 410 for a block this node's eraser removed (content::BlockStore::erased): an erased record's
// block other than its root, which names no record.
Problem erased_block_problem(const content::Cid& cid);

}  // namespace pv::api

namespace pv::api {
class RouteTable;
struct ApiContext;
// GET /v1/records/{id}/erasure (signed): the record's erasure status: its tombstone, active
// legal holds, and for every member node key its receipt or "pending". While the record exists
// only its patient and author may ask (the holds name officers); once erased, any signer.
void add_erasure_routes(RouteTable& routes, ApiContext& ctx);
}  // namespace pv::api
