#include "audit/evidence.hpp"

#include "ledger/checkpoint.hpp"
#include "ledger/cosignature.hpp"
#include "ledger/merkle.hpp"

namespace pv::audit {
namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxEvidenceBytes = 64 * 1024 * 1024;

json proof_json(const ConsistencyProof& p) {
  json hashes = json::array();
  for (const auto& h : p.hashes) hashes.push_back(h.hex());
  return {{"size1", p.size1},
          {"size2", p.size2},
          {"root1", p.root1.hex()},
          {"root2", p.root2.hex()},
          {"hashes", hashes}};
}

// Field readers that turn a wrong shape into an error instead of an exception.
Result<std::string> text_field(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_string())
    return make_error(Errc::malformed, std::string("evidence: \"") + name + "\" is not a string");
  return it->get<std::string>();
}
Result<std::uint64_t> number_field(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end() || !it->is_number_unsigned())
    return make_error(Errc::malformed,
                      std::string("evidence: \"") + name + "\" is not a non-negative integer");
  return it->get<std::uint64_t>();
}
Result<Hash32> hash_field(const json& j, const char* name) {
  auto text = text_field(j, name);
  if (!text) return text.error();
  auto h = Hash32::from_hex(*text);
  if (!h)
    return make_error(Errc::malformed,
                      std::string("evidence: \"") + name + "\" is not a 32-byte hex hash");
  return *h;
}
Result<const json*> array_field(const json& j, const char* name) {
  auto it = j.find(name);
  if (it == j.end()) return static_cast<const json*>(nullptr);
  if (!it->is_array())
    return make_error(Errc::malformed, std::string("evidence: \"") + name + "\" is not an array");
  return &*it;
}

Result<ConsistencyProof> parse_proof(const json& j) {
  if (!j.is_object()) return make_error(Errc::malformed, "evidence: \"proof\" is not an object");
  ConsistencyProof p;
  auto s1 = number_field(j, "size1");
  auto s2 = number_field(j, "size2");
  auto r1 = hash_field(j, "root1");
  auto r2 = hash_field(j, "root2");
  if (!s1) return s1.error();
  if (!s2) return s2.error();
  if (!r1) return r1.error();
  if (!r2) return r2.error();
  p.size1 = *s1, p.size2 = *s2, p.root1 = *r1, p.root2 = *r2;
  auto hashes = array_field(j, "hashes");
  if (!hashes) return hashes.error();
  if (*hashes == nullptr) return make_error(Errc::malformed, "evidence: the proof has no hashes");
  if ((*hashes)->size() > 64) return make_error(Errc::too_large, "evidence: proof too long");
  for (const auto& h : **hashes) {
    if (!h.is_string())
      return make_error(Errc::malformed, "evidence: a proof hash is not a string");
    auto parsed = Hash32::from_hex(h.get<std::string>());
    if (!parsed) return make_error(Errc::malformed, "evidence: a proof hash is not 32-byte hex");
    p.hashes.push_back(*parsed);
  }
  return p;
}

struct OpenedNote {
  const EvidenceNote* source;
  NoteVerifierKey key;
  Checkpoint checkpoint;
};

std::string describe(const OpenedNote& n) {
  return "size " + std::to_string(n.checkpoint.size) + " root " + n.checkpoint.root.hex() +
         " signed by " + n.source->vkey +
         (n.source->node.empty() ? "" : " (from " + n.source->node + ")");
}

EvidenceCheck fail(EvidenceCheck c, std::string problem) {
  c.confirmed = false;
  c.problem = std::move(problem);
  return c;
}

// Two notes of one log, both validly signed, that cannot both be true.
EvidenceCheck check_conflicting_notes(EvidenceCheck c, const std::vector<OpenedNote>& notes,
                                      bool same_key) {
  if (notes.size() != 2) return fail(std::move(c), "the evidence must carry exactly two notes");
  const auto &a = notes[0], &b = notes[1];
  if (a.checkpoint.origin != b.checkpoint.origin)
    return fail(std::move(c), "the two notes are of different logs");
  if (same_key && a.key.key != b.key.key)
    return fail(std::move(c), "the two notes are signed by different keys");
  if (a.checkpoint.size != b.checkpoint.size)
    return fail(std::move(c), "the two notes are of different sizes");
  if (a.checkpoint.root == b.checkpoint.root)
    return fail(std::move(c), "the two notes name the same root: they agree");
  c.checks.push_back("the two notes name different roots for the same size " +
                     std::to_string(a.checkpoint.size) + " of " + a.checkpoint.origin);
  c.confirmed = true;
  return c;
}

EvidenceCheck check_failed_consistency(EvidenceCheck c, const std::vector<OpenedNote>& notes,
                                       const std::optional<ConsistencyProof>& proof) {
  if (notes.size() != 2) return fail(std::move(c), "the evidence must carry exactly two notes");
  const Checkpoint &older = notes[0].checkpoint, &newer = notes[1].checkpoint;
  if (older.origin != newer.origin)
    return fail(std::move(c), "the two notes are of different logs");
  if (newer.size < older.size) {
    c.checks.push_back("the later note is smaller (" + std::to_string(newer.size) + " < " +
                       std::to_string(older.size) + "): the log shrank");
    c.confirmed = true;
    return c;
  }
  if (!proof) return fail(std::move(c), "the evidence carries no consistency proof");
  if (proof->size1 != older.size || proof->size2 != newer.size)
    return fail(std::move(c), "the proof is not between the two notes' sizes");
  Status s =
      verify_merkle_consistency(older.size, newer.size, proof->hashes, older.root, newer.root);
  if (s) return fail(std::move(c), "the consistency proof verifies: the notes are consistent");
  c.checks.push_back("the node's consistency proof from size " + std::to_string(older.size) +
                     " to " + std::to_string(newer.size) +
                     " does not verify: " + s.error().message);
  c.confirmed = true;
  return c;
}

// A block exactly as a node served it: does it stand as a block sealed by that node?
EvidenceCheck check_served_blocks(EvidenceCheck c, const std::vector<EvidenceBlock>& blocks) {
  if (blocks.empty()) return fail(std::move(c), "the evidence carries no block");
  for (const auto& b : blocks) {
    const std::string name = "block " + std::to_string(b.height) + " from " + b.node;
    auto block = decode_block(b.encoded);
    if (!block) {
      c.checks.push_back(name + " does not decode as a block: " + block.error().message);
      c.confirmed = true;
      continue;
    }
    if (block->header.height != b.height) {
      c.checks.push_back(name + " is in fact block " + std::to_string(block->header.height));
      c.confirmed = true;
      continue;
    }
    if (Status s = verify_block_seal(block->header, block->seal); !s) {
      c.checks.push_back(name + ": its seal does not verify: " + s.error().message);
      c.confirmed = true;
      continue;
    }
    c.checks.push_back(name + " decodes and is sealed by " + block->seal.node_key.hex() +
                       " (hash " + block_hash(block->header).hex() + ")");
  }
  if (!c.confirmed)
    c.problem =
        "every block decodes and is sealed: that its re-execution differs can only be "
        "checked with the ledger before it (pv verify on a copy of the data directory)";
  return c;
}

// Two nodes' blocks of one height, both sealed, with different hashes.
EvidenceCheck check_divergent_blocks(EvidenceCheck c, const std::vector<EvidenceBlock>& blocks) {
  if (blocks.size() != 2)
    return fail(std::move(c), "the evidence must carry two blocks or two notes");
  std::vector<Block> decoded;
  for (const auto& b : blocks) {
    auto block = decode_block(b.encoded);
    if (!block) return fail(std::move(c), "a block does not decode: " + block.error().message);
    if (Status s = verify_block_seal(block->header, block->seal); !s)
      return fail(std::move(c), "a block's seal does not verify");
    decoded.push_back(std::move(*block));
  }
  if (decoded[0].header.height != decoded[1].header.height ||
      decoded[0].header.network != decoded[1].header.network)
    return fail(std::move(c), "the blocks are not of one height of one network");
  if (block_hash(decoded[0].header) == block_hash(decoded[1].header))
    return fail(std::move(c), "the two blocks are the same block");
  c.checks.push_back("two sealed blocks of height " + std::to_string(decoded[0].header.height) +
                     " differ: " + block_hash(decoded[0].header).hex() + " by " +
                     decoded[0].seal.node_key.hex() + ", " + block_hash(decoded[1].header).hex() +
                     " by " + decoded[1].seal.node_key.hex());
  c.confirmed = true;
  return c;
}

// A note carrying a line by a trusted witness that does not verify, as of the alarm's time.
EvidenceCheck check_bad_cosignature(EvidenceCheck c, const Alarm& a) {
  if (a.notes.size() != 1) return fail(std::move(c), "the evidence must carry exactly one note");
  if (a.witness_keys.empty()) return fail(std::move(c), "the evidence names no witness key");
  std::vector<Cosigner> cosigners;
  for (const auto& vkey : a.witness_keys) {
    auto cosigner = parse_cosigner_verifier_key(vkey);
    if (!cosigner)
      return fail(std::move(c), "a witness key does not parse: " + cosigner.error().message);
    cosigners.push_back(*cosigner);
  }
  auto verified = verify_cosignatures(a.notes[0].note, cosigners, a.time);
  if (verified)
    return fail(std::move(c), "every cosignature by the named witnesses verifies (" +
                                  std::to_string(verified->size()) + " of them)");
  c.checks.push_back("a cosignature line of a named witness does not verify: " +
                     verified.error().message);
  c.confirmed = true;
  return c;
}

}  // namespace

const char* alarm_kind_name(AlarmKind kind) {
  switch (kind) {
    case AlarmKind::equivocation:
      return "equivocation";
    case AlarmKind::consistency:
      return "consistency";
    case AlarmKind::reexecution:
      return "reexecution";
    case AlarmKind::divergent_node:
      return "divergent-node";
    case AlarmKind::stalled:
      return "stalled";
    case AlarmKind::witness_signature:
      return "witness-signature";
  }
  return "unknown";
}

std::optional<AlarmKind> parse_alarm_kind(std::string_view name) {
  for (AlarmKind k : kAlarmKinds)
    if (name == alarm_kind_name(k)) return k;
  return std::nullopt;
}

json evidence_json(const Alarm& a) {
  json notes = json::array(), blocks = json::array();
  for (const auto& n : a.notes)
    notes.push_back({{"node", n.node}, {"note", n.note}, {"vkey", n.vkey}});
  for (const auto& b : a.blocks)
    blocks.push_back({{"node", b.node}, {"height", b.height}, {"bytes", to_base64(b.encoded)}});
  json j = {{"kind", alarm_kind_name(a.kind)},
            {"time", a.time},
            {"reason", a.reason},
            {"notes", notes},
            {"blocks", blocks}};
  if (a.proof) j["proof"] = proof_json(*a.proof);
  if (!a.witness_keys.empty()) j["witnessKeys"] = a.witness_keys;
  if (!a.auditor.is_null()) j["auditor"] = a.auditor;
  return j;
}

Result<Alarm> parse_evidence(std::string_view text) {
  if (text.size() > kMaxEvidenceBytes)
    return make_error(Errc::too_large, "evidence file too large");
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object())
    return make_error(Errc::malformed, "evidence: not a JSON object");
  Alarm a;
  auto kind = text_field(j, "kind");
  if (!kind) return kind.error();
  auto parsed_kind = parse_alarm_kind(*kind);
  if (!parsed_kind) return make_error(Errc::malformed, "evidence: unknown kind \"" + *kind + "\"");
  a.kind = *parsed_kind;
  auto time = number_field(j, "time");
  if (!time) return time.error();
  a.time = *time;
  auto reason = text_field(j, "reason");
  if (!reason) return reason.error();
  a.reason = *reason;
  auto notes = array_field(j, "notes");
  if (!notes) return notes.error();
  if (*notes != nullptr)
    for (const auto& n : **notes) {
      if (!n.is_object()) return make_error(Errc::malformed, "evidence: a note is not an object");
      auto node = text_field(n, "node");
      auto note = text_field(n, "note");
      auto vkey = text_field(n, "vkey");
      if (!node) return node.error();
      if (!note) return note.error();
      if (!vkey) return vkey.error();
      a.notes.push_back({*node, *note, *vkey});
    }
  auto blocks = array_field(j, "blocks");
  if (!blocks) return blocks.error();
  if (*blocks != nullptr)
    for (const auto& b : **blocks) {
      if (!b.is_object()) return make_error(Errc::malformed, "evidence: a block is not an object");
      auto node = text_field(b, "node");
      auto height = number_field(b, "height");
      auto bytes = text_field(b, "bytes");
      if (!node) return node.error();
      if (!height) return height.error();
      if (!bytes) return bytes.error();
      auto encoded = from_base64(*bytes);
      if (!encoded) return make_error(Errc::malformed, "evidence: block bytes are not base64");
      a.blocks.push_back({*node, *height, std::move(*encoded)});
    }
  if (auto it = j.find("proof"); it != j.end()) {
    auto proof = parse_proof(*it);
    if (!proof) return proof.error();
    a.proof = std::move(*proof);
  }
  auto witness_keys = array_field(j, "witnessKeys");
  if (!witness_keys) return witness_keys.error();
  if (*witness_keys != nullptr)
    for (const auto& k : **witness_keys) {
      if (!k.is_string())
        return make_error(Errc::malformed, "evidence: a witness key is not a string");
      a.witness_keys.push_back(k.get<std::string>());
    }
  if (auto it = j.find("auditor"); it != j.end()) a.auditor = *it;
  return a;
}

EvidenceCheck check_evidence(const Alarm& a) {
  EvidenceCheck c;
  std::vector<OpenedNote> opened;
  for (const auto& n : a.notes) {
    auto key = parse_note_verifier_key(n.vkey);
    if (!key)
      return fail(std::move(c), "a note's verifier key does not parse: " + key.error().message);
    auto cp = open_checkpoint(n.note, key->name, key->key);
    if (!cp)
      return fail(std::move(c), "a note does not verify with its key: " + cp.error().message);
    opened.push_back({&n, *key, *cp});
    c.checks.push_back("note " + std::to_string(opened.size()) +
                       " verifies: " + describe(opened.back()));
  }
  switch (a.kind) {
    case AlarmKind::equivocation:
      return check_conflicting_notes(std::move(c), opened, true);
    case AlarmKind::divergent_node:
      return opened.size() == 2 ? check_conflicting_notes(std::move(c), opened, false)
                                : check_divergent_blocks(std::move(c), a.blocks);
    case AlarmKind::consistency:
      return check_failed_consistency(std::move(c), opened, a.proof);
    case AlarmKind::reexecution:
      if (!a.blocks.empty()) return check_served_blocks(std::move(c), a.blocks);
      return fail(std::move(c),
                  "the node's note verifies; that the auditor's re-execution reached "
                  "another root at its size can only be checked with the ledger");
    case AlarmKind::witness_signature:
      return check_bad_cosignature(std::move(c), a);
    case AlarmKind::stalled:
      return fail(std::move(c),
                  std::string("a ") + alarm_kind_name(a.kind) +
                      " alarm is an observation; it carries nothing to re-check offline");
  }
  return fail(std::move(c), "unknown kind");
}

}  // namespace pv::audit
