#include "audit/witness.hpp"

#include <charconv>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "crypto/sha256.hpp"
#include "ledger/cosignature.hpp"
#include "ledger/merkle.hpp"
#include "node/atomic_file.hpp"

namespace pv::audit {
namespace {

using json = nlohmann::json;

struct AddCheckpointRequest {
  std::uint64_t old_size = 0;
  std::vector<Hash32> proof;
  std::string_view note;
};

WitnessAnswer answer(int status, std::string body) {
  WitnessAnswer a;
  a.status = status;
  a.body = std::move(body);
  if (!a.body.empty() && a.body.back() != '\n') a.body += '\n';
  return a;
}

Result<std::uint64_t> strict_decimal(std::string_view s) {
  if (s.empty() || (s.size() > 1 && s[0] == '0'))
    return make_error(Errc::malformed, "old size is not a decimal without leading zeros");
  std::uint64_t v = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || end != s.data() + s.size())
    return make_error(Errc::malformed, "old size is not a decimal number that fits in 64 bits");
  return v;
}

// "old <size>\n", up to 63 base64 hash lines, "\n", then the signed checkpoint.
Result<AddCheckpointRequest> parse_request(std::string_view body) {
  AddCheckpointRequest r;
  auto nl = body.find('\n');
  if (nl == std::string_view::npos || body.substr(0, 4) != "old ")
    return make_error(Errc::malformed, "the body must start with the line \"old <size>\"");
  auto size = strict_decimal(body.substr(4, nl - 4));
  if (!size) return size.error();
  r.old_size = *size;
  body.remove_prefix(nl + 1);
  while (true) {
    nl = body.find('\n');
    if (nl == std::string_view::npos)
      return make_error(Errc::malformed, "no empty line before the checkpoint");
    const std::string_view line = body.substr(0, nl);
    body.remove_prefix(nl + 1);
    if (line.empty()) break;
    if (r.proof.size() == kMaxConsistencyProofLines)
      return make_error(Errc::malformed, "more than 63 consistency proof lines");
    auto raw = from_base64(line);
    if (!raw || raw->size() != Hash32::size())
      return make_error(Errc::malformed, "a consistency proof line is not base64 of 32 bytes");
    Hash32 h;
    std::copy(raw->begin(), raw->end(), h.bytes.begin());
    r.proof.push_back(h);
  }
  r.note = body;
  return r;
}

std::string describe(const Checkpoint& cp) {
  return cp.origin + " at size " + std::to_string(cp.size);
}

}  // namespace

Witness::Witness(std::string name, SigningKey key, std::vector<WitnessedLog> logs,
                 std::string state_dir, CheckpointGate gate)
    : name_(std::move(name)),
      key_(std::move(key)),
      logs_(std::move(logs)),
      state_dir_(std::move(state_dir)),
      gate_(std::move(gate)) {}

std::string Witness::verifier_key() const {
  return cosigner_verifier_key(name_, key_.public_key());
}

std::string Witness::state_path(std::string_view origin) const {
  return state_dir_ + "/" + sha256(as_bytes(origin)).hex() + ".json";
}

Status Witness::load() {
  std::lock_guard lock(mu_);
  for (const auto& log : logs_) {
    const std::string path = state_path(log.origin);
    std::ifstream in(path);
    if (!in) continue;  // never cosigned for this log
    std::stringstream text;
    text << in.rdbuf();
    const json j = json::parse(text.str(), nullptr, false);
    if (j.is_discarded() || !j.contains("note") || !j["note"].is_string())
      return make_error(Errc::corruption, "witness state " + path + " does not parse");
    auto parsed = parse_signed_note(j["note"].get<std::string>());
    if (!parsed)
      return make_error(Errc::corruption, "witness state " + path + ": " + parsed.error().message);
    auto cp = parse_checkpoint_body(parsed->text);
    if (!cp || cp->origin != log.origin)
      return make_error(Errc::corruption,
                        "witness state " + path + " is not a checkpoint of " + log.origin);
    latest_[log.origin] = CosignedCheckpoint{*cp, j["note"].get<std::string>()};
  }
  return Status::ok();
}

std::optional<CosignedCheckpoint> Witness::latest(std::string_view origin) const {
  std::lock_guard lock(mu_);
  auto it = latest_.find(origin);
  if (it == latest_.end()) return std::nullopt;
  return it->second;
}

WitnessAnswer Witness::add_checkpoint(std::string_view request_body, std::uint64_t now) {
  if (request_body.size() > kMaxAddCheckpointBytes)
    return answer(
        413, "the request is larger than " + std::to_string(kMaxAddCheckpointBytes) + " bytes");
  auto req = parse_request(request_body);
  if (!req) return answer(400, req.error().message);
  auto note = parse_signed_note(req->note);
  if (!note) return answer(400, "the checkpoint: " + note.error().message);
  auto cp = parse_checkpoint_body(note->text);
  if (!cp) return answer(400, "the checkpoint: " + cp.error().message);

  const WitnessedLog* log = nullptr;
  for (const auto& l : logs_)
    if (l.origin == cp->origin) log = &l;
  if (log == nullptr) return answer(404, "this witness does not follow the log " + cp->origin);
  bool signed_by_log = false;
  for (const auto& k : log->keys)
    if (verify_note(req->note, k.name, k.key)) signed_by_log = true;
  if (!signed_by_log)
    return answer(403, "no signature on the checkpoint verifies with a key of " + cp->origin);
  if (req->old_size > cp->size)
    return answer(400, "old size " + std::to_string(req->old_size) +
                           " is larger than the checkpoint's size " + std::to_string(cp->size));

  std::lock_guard lock(mu_);  // from here to the persisted update, one request per witness
  auto it = latest_.find(cp->origin);
  const std::uint64_t latest_size = it == latest_.end() ? 0 : it->second.checkpoint.size;
  if (req->old_size != latest_size) {
    WitnessAnswer a = answer(409, std::to_string(latest_size));
    a.content_type = "text/x.tlog.size";
    return a;
  }
  if (it != latest_.end() && cp->size == latest_size) {
    if (cp->root != it->second.checkpoint.root) {
      WitnessAnswer a =
          answer(409, "the log signed two different roots at size " + std::to_string(cp->size));
      a.conflicting_note = std::string(req->note);
      return a;
    }
    if (!req->proof.empty()) return answer(422, "the consistency proof must be empty");
  } else if (it == latest_.end()) {
    if (!req->proof.empty())
      return answer(422, "the consistency proof must be empty when the old size is 0");
  } else if (auto st = verify_merkle_consistency(latest_size, cp->size, req->proof,
                                                 it->second.checkpoint.root, cp->root);
             !st.is_ok()) {
    return answer(422, "the consistency proof from size " + std::to_string(latest_size) +
                           " does not verify: " + st.error().message);
  }
  if (gate_) {
    const GateAnswer g = gate_(*log, *cp);
    if (g.verdict == GateVerdict::not_yet) {
      WitnessAnswer a =
          answer(503, "the auditor has not verified " + describe(*cp) + " yet: " + g.reason);
      return a;
    }
    if (g.verdict == GateVerdict::contradicts) {
      WitnessAnswer a =
          answer(422, "the auditor's re-execution contradicts " + describe(*cp) + ": " + g.reason);
      a.conflicting_note = std::string(req->note);
      return a;
    }
  }
  const json state = {{"origin", cp->origin},
                      {"size", cp->size},
                      {"root", to_base64(cp->root.view())},
                      {"note", std::string(req->note)}};
  std::error_code ec;
  std::filesystem::create_directories(state_dir_, ec);
  if (auto st = write_file_atomically(state_path(cp->origin), state.dump(2) + "\n", 0600);
      !st.is_ok())
    return answer(500, "the witness could not persist its state: " + st.error().message);
  latest_[cp->origin] = CosignedCheckpoint{*cp, std::string(req->note)};
  return answer(200, cosign(note->text, name_, key_, now));
}

}  // namespace pv::audit
