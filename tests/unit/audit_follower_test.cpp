// The auditor's follower checks, attacked (docs/audit.md, "Following and alarms"): a replica
// re-executes a node's blocks with the nodes' own committer and refuses every flipped byte, a
// forged state digest or verdict, a foreign seal and blocks out of order; checkpoints that shrink,
// fork or come with a bad consistency proof raise the right alarm; evidence files round-trip and
// are re-checked offline.
#include <gtest/gtest.h>
#include <httplib.h>

#include <thread>

#include "audit/alarms.hpp"
#include "audit/auditor.hpp"
#include "audit/divergence.hpp"
#include "audit/follower.hpp"
#include "audit/ledger_replica.hpp"
#include "ledger/cosignature.hpp"
#include "ledger/merkle.hpp"
#include "node/committer.hpp"
#include "node/genesis_file.hpp"
#include "node_test_support.hpp"

namespace pv::audit {
namespace {

using pv::testing::make_anchor;
using pv::testing::now_ms;
using pv::testing::TempDir;

// A node's ledger built in-process with the node's own committer: the blocks a real node serves.
struct NodeLedger {
  TempDir dir;
  SigningKey key = SigningKey::generate();
  SigningKey signer = SigningKey::generate();
  Genesis genesis = development_genesis("pv-audit-test", key.public_key(), now_ms() - 1000);
  NetworkId network = genesis_network_id(genesis);
  std::unique_ptr<LedgerStore> store;
  std::unique_ptr<Committer> committer;
  std::uint64_t nonce = 0;

  NodeLedger() {
    crypto_init();
    store =
        std::move(LedgerStore::open(dir.str() + "/node", LedgerStore::Mode::read_write).value());
    EXPECT_TRUE(commit_genesis_block(*store, genesis, key).is_ok());
    committer = std::move(Committer::resume(*store, builtin_tx_registry(), key).value());
  }
  // Commits one block of `n` anchors; `spoil` may damage transaction i's bytes first.
  void commit(std::size_t n, std::optional<std::size_t> bad_signature = std::nullopt) {
    OrderedBatch batch;
    batch.time_ms = now_ms();
    for (std::size_t i = 0; i < n; ++i) {
      Bytes tx = make_anchor(network, signer, ++nonce);
      if (bad_signature == i) tx[tx.size() - 1] ^= 1;
      batch.transactions.push_back(OrderedTx{std::move(tx), false, 0});
    }
    ASSERT_TRUE(committer->commit(std::move(batch)).is_ok());
  }
  Bytes block_bytes(std::uint64_t h) const { return *store->block_bytes(h); }
  Block block(std::uint64_t h) const { return *store->block(h); }
  std::string note(std::uint64_t size, std::optional<Hash32> root = std::nullopt) const {
    return sign_checkpoint(
        {checkpoint_origin(genesis), size, root ? *root : *merkle_root_at(*store, size)},
        checkpoint_origin(genesis), key);
  }
  EvidenceNote evidence_note(std::uint64_t size, std::optional<Hash32> root = std::nullopt) const {
    return {"http://node.test", note(size, root),
            note_verifier_key(checkpoint_origin(genesis), key.public_key())};
  }
  Checkpoint checkpoint(std::uint64_t size) const {
    return {checkpoint_origin(genesis), size, *merkle_root_at(*store, size)};
  }
  ConsistencyProof proof(std::uint64_t from, std::uint64_t to) const {
    return {from, to, *merkle_root_at(*store, from), *merkle_root_at(*store, to),
            *merkle_consistency_proof(*store, from, to)};
  }
};

std::unique_ptr<LedgerReplica> open_replica(const NodeLedger& node, const std::string& sub = "r") {
  auto r = LedgerReplica::open(node.dir.str() + "/" + sub, node.genesis);
  EXPECT_TRUE(r.is_ok()) << r.error().message;
  return std::move(*r);
}

// The block `b` with its header changed by `edit`, resealed by `key` (a node that lies and signs).
Bytes forged(Block b, const SigningKey& key, const std::function<void(Block&)>& edit) {
  edit(b);
  b.seal = seal_block(b.header, key);
  return encode_block(b);
}

TEST(AuditReplica, VerifiesAnHonestChainAndResumesAfterReopening) {
  NodeLedger node;
  node.commit(3);
  node.commit(100, /*bad_signature=*/17);  // two threads check signatures; one must fail
  node.commit(0);                          // a block without transactions ends where 2 did
  node.commit(1);
  ASSERT_EQ(node.block(2).results[17].code, TxCode::bad_signature);
  {
    auto replica = open_replica(node);
    EXPECT_FALSE(replica->check_genesis_block(node.block_bytes(0)));
    for (std::uint64_t h = 1; h <= 4; ++h) {
      auto refused = replica->apply(node.block_bytes(h), node.key.public_key());
      ASSERT_TRUE(refused.is_ok()) << refused.error().message;
      EXPECT_FALSE(*refused) << (*refused)->reason;
    }
    const ReplicaHead head = replica->head();
    EXPECT_EQ(head.height, 4u);
    EXPECT_EQ(head.hash, block_hash(node.committer->head()));
    EXPECT_EQ(head.state_digest, node.committer->head().state_digest);
    EXPECT_EQ(head.log_size, 104u);
    EXPECT_EQ(head.transactions, 104u);
    // The replica keeps only each block's right edge: every size, at a block boundary or inside
    // a block, still has the node's root.
    for (std::uint64_t size = 0; size <= 104; ++size) {
      auto root = replica->root_at(size);
      ASSERT_TRUE(root.is_ok()) << size << ": " << root.error().message;
      EXPECT_EQ(*root, *merkle_root_at(*node.store, size)) << size;
    }
    EXPECT_FALSE(replica->root_at(105).is_ok());
  }
  // Reopened (as after kill -9): the replica resumes at its head and goes on from there.
  auto replica = open_replica(node);
  EXPECT_EQ(replica->head().height, 4u);
  EXPECT_EQ(replica->head().transactions, 0u);
  node.commit(2);
  auto refused = replica->apply(node.block_bytes(5), node.key.public_key());
  ASSERT_TRUE(refused.is_ok());
  EXPECT_FALSE(*refused);
  for (std::uint64_t size : {0u, 1u, 3u, 50u, 103u, 104u, 105u, 106u})
    EXPECT_EQ(*replica->root_at(size), *merkle_root_at(*node.store, size)) << size;
}

TEST(AuditReplica, PrecheckMarksOnlyValidSignatures) {
  NodeLedger node;
  node.commit(80, 3);
  const Block b = node.block(1);
  const auto checked = precheck_signatures(node.network, b.transactions);
  ASSERT_EQ(checked.size(), 80u);
  for (std::size_t i = 0; i < checked.size(); ++i) EXPECT_EQ(checked[i], i != 3) << i;
}

TEST(AuditReplica, PoolChecksABlockOnceForAllFollowersWithTheSameVerdicts) {
  NodeLedger node;
  node.commit(70, 5);
  node.commit(40, 11);
  const Block a = node.block(1), b = node.block(2);
  auto pool = std::make_shared<SignaturePool>(2);
  // Four followers of three nodes ask at once; two blocks, each checked once.
  std::vector<std::thread> followers;
  std::vector<std::vector<bool>> verdicts(4);
  for (int i = 0; i < 4; ++i)
    followers.emplace_back([&, i] {
      const Block& blk = i % 2 ? b : a;
      auto check = pool->submit(node.network, blk.transactions);
      verdicts[i] = pool->wait(*check);
    });
  for (auto& t : followers) t.join();
  EXPECT_EQ(pool->checked_blocks(), 2u);
  EXPECT_EQ(pool->shared_blocks(), 2u);
  for (int i = 0; i < 4; ++i) {
    const std::size_t bad = i % 2 ? 11 : 5;
    ASSERT_EQ(verdicts[i].size(), i % 2 ? 40u : 70u);
    for (std::size_t j = 0; j < verdicts[i].size(); ++j) EXPECT_EQ(verdicts[i][j], j != bad) << i;
  }
  // One byte of one transaction differs: not the same block, checked on its own, and the
  // flipped transaction fails.
  std::vector<Bytes> txs = a.transactions;
  txs[7][txs[7].size() - 1] ^= 0x01;
  auto check = pool->submit(node.network, txs);
  const auto flipped = pool->wait(*check);
  EXPECT_EQ(pool->checked_blocks(), 3u);
  EXPECT_FALSE(flipped[7]);
  EXPECT_TRUE(flipped[8]);
  // Another network's signing domain: nothing verifies.
  NetworkId other = node.network;
  other.data()[0] ^= 0x01;
  auto foreign = pool->submit(other, a.transactions);
  for (bool v : pool->wait(*foreign)) EXPECT_FALSE(v);
}

// Blocks of one height from two nodes, described: a dropped transaction (the dropping node's next
// block shifted, not invented), an invented one, another order, other verdicts.
TEST(AuditDivergence, NamesWhatOneNodesBlocksLackOrAdd) {
  auto block = [](std::uint64_t height, std::vector<std::string> txs) {
    Block b;
    b.header.height = height;
    for (const auto& t : txs) {
      b.transactions.push_back(to_bytes(t));
      b.results.push_back({});
    }
    return b;
  };
  const std::string x = "tx one", y = "tx two", z = "tx three";
  const std::string id_y = transaction_id(to_bytes(y)).hex();
  // Node a dropped y: its block 5 holds z, which b holds at block 6.
  Divergence d = describe_blocks({block(5, {z})}, {block(5, {y}), block(6, {z})}, "a", "b");
  EXPECT_EQ(d.height, 5u);
  EXPECT_TRUE(d.dropped);
  EXPECT_EQ(d.what.rfind("dropped: a's ledger from block 5 on lacks 1 transaction", 0), 0u) << d.what;
  EXPECT_NE(d.what.find(id_y), std::string::npos) << d.what;
  EXPECT_EQ(d.what.find(transaction_id(to_bytes(z)).hex()), std::string::npos) << d.what;
  // Seen from b: it has one that a lacks, which is no drop.
  Divergence other = describe_blocks({block(5, {y}), block(6, {z})}, {block(5, {z})}, "b", "a");
  EXPECT_FALSE(other.dropped);
  EXPECT_NE(other.what.find("has 1 transaction that a's lacks (" + id_y), std::string::npos)
      << other.what;
  // Invented and lacking at once.
  Divergence swap = describe_blocks({block(5, {x})}, {block(5, {y})}, "a", "b");
  EXPECT_FALSE(swap.dropped);
  EXPECT_NE(swap.what.find("lacks 1 transaction"), std::string::npos) << swap.what;
  EXPECT_NE(swap.what.find("; it has 1 transaction"), std::string::npos) << swap.what;
  // Same transactions, another order.
  Divergence order = describe_blocks({block(5, {x, y})}, {block(5, {y, x})}, "a", "b");
  EXPECT_NE(order.what.find("another order"), std::string::npos) << order.what;
  // Same transactions, one verdict differs.
  Block refused = block(5, {x, y});
  refused.results[1].code = TxCode::rejected;
  Divergence verdict = describe_blocks({refused}, {block(5, {x, y})}, "a", "b");
  EXPECT_NE(verdict.what.find("1 other verdict"), std::string::npos) << verdict.what;
  EXPECT_FALSE(verdict.dropped);
}

TEST(AuditReplica, RefusesEveryFlippedByte) {
  NodeLedger node;
  node.commit(2);
  auto replica = open_replica(node);
  const Bytes good = node.block_bytes(1);
  for (std::size_t i = 0; i < good.size(); ++i) {
    Bytes bad = good;
    bad[i] ^= 0x01;
    auto refused = replica->apply(bad, node.key.public_key());
    ASSERT_TRUE(refused.is_ok()) << refused.error().message;
    ASSERT_TRUE(*refused) << "byte " << i << " flipped was accepted";
  }
  EXPECT_EQ(replica->head().height, 0u);  // nothing was kept
  auto refused = replica->apply(good, node.key.public_key());
  ASSERT_TRUE(refused.is_ok());
  EXPECT_FALSE(*refused);
  // Truncations never crash and are refused as undecodable.
  for (std::size_t n = 0; n < good.size(); n += 7) {
    auto cut = replica->apply(ByteView(good.data(), n), node.key.public_key());
    ASSERT_TRUE(cut.is_ok());
    ASSERT_TRUE(*cut);
  }
}

TEST(AuditReplica, RefusesAForgedStateDigestAsReexecution) {
  NodeLedger node;
  node.commit(2);
  auto replica = open_replica(node);
  Bytes lie =
      forged(node.block(1), node.key, [](Block& b) { b.header.state_digest.bytes[0] ^= 1; });
  auto refused = replica->apply(lie, node.key.public_key());
  ASSERT_TRUE(refused.is_ok());
  ASSERT_TRUE(*refused);
  EXPECT_EQ((*refused)->fault, BlockFault::reexecution);
  EXPECT_NE((*refused)->reason.find("state digest"), std::string::npos) << (*refused)->reason;
  EXPECT_EQ((*refused)->reason.find("log root"), std::string::npos) << (*refused)->reason;
  EXPECT_EQ(replica->head().height, 0u);
}

TEST(AuditReplica, RefusesAForgedVerdictAsReexecution) {
  NodeLedger node;
  node.commit(2);
  auto replica = open_replica(node);
  Bytes lie = forged(node.block(1), node.key, [](Block& b) {
    b.results[1] = TxResult{TxCode::rejected, "the node says no"};
    b.header.tx_results_hash = tx_results_hash(b.transactions, b.results);
  });
  auto refused = replica->apply(lie, node.key.public_key());
  ASSERT_TRUE(refused.is_ok());
  ASSERT_TRUE(*refused);
  EXPECT_EQ((*refused)->fault, BlockFault::reexecution);
  EXPECT_NE((*refused)->reason.find("transaction verdicts"), std::string::npos)
      << (*refused)->reason;
}

TEST(AuditReplica, RefusesForeignSealsOrderAndGenesis) {
  NodeLedger node;
  node.commit(1);
  node.commit(1);
  auto replica = open_replica(node);
  const SigningKey stranger = SigningKey::generate();
  auto foreign =
      replica->apply(forged(node.block(1), stranger, [](Block&) {}), node.key.public_key());
  ASSERT_TRUE(foreign.is_ok() && *foreign);
  EXPECT_EQ((*foreign)->fault, BlockFault::bad_seal);
  // Sealed by the node, but the followed key is another one.
  auto other = replica->apply(node.block_bytes(1), stranger.public_key());
  ASSERT_TRUE(other.is_ok() && *other);
  EXPECT_EQ((*other)->fault, BlockFault::bad_seal);
  auto skipped = replica->apply(node.block_bytes(2), node.key.public_key());
  ASSERT_TRUE(skipped.is_ok() && *skipped);
  EXPECT_EQ((*skipped)->fault, BlockFault::out_of_order);

  NodeLedger elsewhere;
  auto genesis = replica->check_genesis_block(elsewhere.block_bytes(0));
  ASSERT_TRUE(genesis);
  EXPECT_EQ(genesis->fault, BlockFault::foreign_network);
  // A replica directory of one network does not open for another.
  EXPECT_FALSE(LedgerReplica::open(node.dir.str() + "/r", elsewhere.genesis).is_ok());
}

TEST(AuditFollower, AcceptsOnlyCheckpointsThatExtendTheLastOne) {
  NodeLedger node;
  node.commit(3);
  node.commit(4);
  const EvidenceNote old_note = node.evidence_note(3), new_note = node.evidence_note(7);
  const Checkpoint old_cp = node.checkpoint(3), new_cp = node.checkpoint(7);
  const ConsistencyProof proof = node.proof(3, 7);
  EXPECT_FALSE(Follower::check_extension(old_note, old_cp, new_note, new_cp, &proof));
  EXPECT_FALSE(Follower::check_extension(new_note, new_cp, new_note, new_cp, nullptr));

  // Every flipped bit of every proof hash is refused, as a consistency alarm.
  for (std::size_t i = 0; i < proof.hashes.size(); ++i)
    for (int bit = 0; bit < 8; ++bit) {
      ConsistencyProof bad = proof;
      bad.hashes[i].bytes[bit] ^= static_cast<std::uint8_t>(1 << bit);
      auto alarm = Follower::check_extension(old_note, old_cp, new_note, new_cp, &bad);
      ASSERT_TRUE(alarm);
      EXPECT_EQ(alarm->kind, AlarmKind::consistency);
    }
  ConsistencyProof truncated = proof;
  truncated.hashes.pop_back();
  EXPECT_TRUE(Follower::check_extension(old_note, old_cp, new_note, new_cp, &truncated));
  ConsistencyProof wrong_sizes = node.proof(2, 7);
  EXPECT_TRUE(Follower::check_extension(old_note, old_cp, new_note, new_cp, &wrong_sizes));

  // A smaller tree after a bigger one: the log shrank.
  auto shrank = Follower::check_extension(new_note, new_cp, old_note, old_cp, nullptr);
  ASSERT_TRUE(shrank);
  EXPECT_EQ(shrank->kind, AlarmKind::consistency);
  // The same size with another root, signed by the same key: equivocation.
  Hash32 other_root = new_cp.root;
  other_root.bytes[5] ^= 1;
  const EvidenceNote forked = node.evidence_note(7, other_root);
  auto fork = Follower::check_extension(new_note, new_cp, forked,
                                        Checkpoint{new_cp.origin, 7, other_root}, nullptr);
  ASSERT_TRUE(fork);
  EXPECT_EQ(fork->kind, AlarmKind::equivocation);
  ASSERT_EQ(fork->notes.size(), 2u);
}

TEST(AuditEvidence, AlarmsRoundTripAndAreRecheckedOffline) {
  NodeLedger node;
  node.commit(3);
  node.commit(4);
  const Checkpoint cp = node.checkpoint(7);
  Hash32 other_root = cp.root;
  other_root.bytes[0] ^= 0x80;
  auto fork =
      Follower::check_extension(node.evidence_note(7), cp, node.evidence_note(7, other_root),
                                Checkpoint{cp.origin, 7, other_root}, nullptr);
  ASSERT_TRUE(fork);
  const std::string text = evidence_json(*fork).dump();
  auto parsed = parse_evidence(text);
  ASSERT_TRUE(parsed.is_ok()) << parsed.error().message;
  EvidenceCheck check = check_evidence(*parsed);
  EXPECT_TRUE(check.confirmed) << check.problem;

  // A note whose signature was tampered with proves nothing.
  Alarm tampered = *parsed;
  tampered.notes[1].note[tampered.notes[1].note.size() - 5] ^= 1;
  EXPECT_FALSE(check_evidence(tampered).confirmed);
  // Two copies of one note do not conflict.
  Alarm agreeing = *parsed;
  agreeing.notes[1] = agreeing.notes[0];
  EXPECT_FALSE(check_evidence(agreeing).confirmed);

  // A bad consistency proof is confirmed offline; the honest proof is not.
  ConsistencyProof bad = node.proof(3, 7);
  bad.hashes[0].bytes[0] ^= 1;
  auto inconsistent = Follower::check_extension(node.evidence_note(3), node.checkpoint(3),
                                                node.evidence_note(7), cp, &bad);
  ASSERT_TRUE(inconsistent);
  EXPECT_TRUE(check_evidence(*parse_evidence(evidence_json(*inconsistent).dump())).confirmed);
  Alarm honest = *inconsistent;
  honest.proof = node.proof(3, 7);
  EXPECT_FALSE(check_evidence(honest).confirmed);

  // A block that does not verify as served is confirmed; an intact one is not.
  Alarm block_alarm;
  block_alarm.kind = AlarmKind::reexecution;
  Bytes flipped = node.block_bytes(1);
  flipped[flipped.size() - 3] ^= 1;  // inside the seal
  block_alarm.blocks = {{"http://node.test", 1, flipped}};
  EXPECT_TRUE(check_evidence(*parse_evidence(evidence_json(block_alarm).dump())).confirmed);
  block_alarm.blocks = {{"http://node.test", 1, node.block_bytes(1)}};
  EXPECT_FALSE(check_evidence(block_alarm).confirmed);

  // Every truncation of an evidence file is an error or a parse, never a crash.
  for (std::size_t n = 0; n < text.size(); n += 3) (void)parse_evidence(text.substr(0, n));
  EXPECT_FALSE(parse_evidence("[]").is_ok());
  EXPECT_FALSE(parse_evidence(R"({"kind":"meteor","time":1,"reason":""})").is_ok());
  EXPECT_FALSE(parse_evidence(R"({"kind":"equivocation","time":-1,"reason":""})").is_ok());
  EXPECT_FALSE(
      parse_evidence(
          R"({"kind":"equivocation","time":1,"reason":"","blocks":[{"node":"x","height":1,"bytes":"***"}]})")
          .is_ok());
}

TEST(AuditFollower, AWitnessCosignatureThatDoesNotVerifyIsAnAlarmWithCheckableEvidence) {
  NodeLedger node;
  node.commit(2);
  const std::uint64_t now = 1796000000;
  const SigningKey witness = SigningKey::generate();
  const std::string wname = "witness.test/w",
                    vkey = cosigner_verifier_key(wname, witness.public_key());
  EvidenceNote note = node.evidence_note(2);
  const std::string text = note.note.substr(0, note.note.find("\n\n") + 1);
  note.note += cosign(text, wname, witness, now);
  EXPECT_FALSE(Follower::check_cosignatures(note, {vkey}, now));
  EXPECT_FALSE(Follower::check_cosignatures(note, {}, now));  // no witness named: nothing checked

  // One flipped byte in the cosignature's signature: the alarm, and evidence that proves it.
  EvidenceNote tampered = note;
  const auto line = tampered.note.rfind("\xE2\x80\x94 " + wname + " ");
  ASSERT_NE(line, std::string::npos);
  char& c = tampered.note[tampered.note.size() - 6];
  c = c == 'A' ? 'B' : 'A';
  auto alarm = Follower::check_cosignatures(tampered, {vkey}, now);
  ASSERT_TRUE(alarm);
  EXPECT_EQ(alarm->kind, AlarmKind::witness_signature);
  auto parsed = parse_evidence(evidence_json(*alarm).dump());
  ASSERT_TRUE(parsed.is_ok()) << parsed.error().message;
  EXPECT_TRUE(check_evidence(*parsed).confirmed) << check_evidence(*parsed).problem;
  // The same evidence with the honest note proves nothing.
  parsed->notes[0] = note;
  EXPECT_FALSE(check_evidence(*parsed).confirmed);
}

// The witness of `pv audit serve` cosigns through the auditor's gate: only what a follower's
// replica re-executed, with the same root.
TEST(AuditGate, TheWitnessCosignsOnlyWhatAFollowerVerified) {
  NodeLedger node;
  node.commit(3);
  node.commit(4);
  const std::string url = "http://127.0.0.1:9";  // never contacted: the replica is filled here
  const std::string data = node.dir.str() + "/auditor";
  {
    auto replica = LedgerReplica::open(follower_dir(data, url) + "/replica", node.genesis);
    ASSERT_TRUE(replica.is_ok()) << replica.error().message;
    auto refused = (*replica)->apply(node.block_bytes(1), node.key.public_key());
    ASSERT_TRUE(refused.is_ok() && !*refused);
  }
  AuditorConfig config;
  config.nodes = {url};
  config.data_dir = data;
  config.genesis = node.genesis;
  auto auditor = Auditor::open(config);
  ASSERT_TRUE(auditor.is_ok()) << auditor.error().message;
  const WitnessedLog log = (*auditor)->witnessed_log();
  EXPECT_EQ(log.origin, checkpoint_origin(node.genesis));

  EXPECT_EQ((*auditor)->gate(log, node.checkpoint(3)).verdict, GateVerdict::verified);
  EXPECT_EQ((*auditor)->gate(log, node.checkpoint(2)).verdict, GateVerdict::verified);
  EXPECT_EQ((*auditor)->gate(log, node.checkpoint(7)).verdict, GateVerdict::not_yet);
  Checkpoint forked = node.checkpoint(3);
  forked.root.bytes[31] ^= 1;
  EXPECT_EQ((*auditor)->gate(log, forked).verdict, GateVerdict::contradicts);

  // Through the witness: 503 before, 200 once verified, 422 (kept as evidence) when the
  // auditor's re-execution contradicts the node's signed root.
  Witness witness(
      "witness.test/gate", SigningKey::generate(), {log}, data + "/witness-state",
      [&](const WitnessedLog& l, const Checkpoint& cp) { return (*auditor)->gate(l, cp); });
  ASSERT_TRUE(witness.load().is_ok());
  auto add = [&](std::uint64_t old_size, const std::vector<Hash32>& proof,
                 const std::string& note) {
    std::string body = "old " + std::to_string(old_size) + "\n";
    for (const auto& h : proof) body += to_base64(h.view()) + "\n";
    return witness.add_checkpoint(body + "\n" + note, 1796000000);
  };
  EXPECT_EQ(add(0, {}, node.note(7)).status, 503);
  const auto forged = add(0, {}, node.note(3, forked.root));
  EXPECT_EQ(forged.status, 422);
  EXPECT_TRUE(forged.conflicting_note.has_value());
  EXPECT_EQ(add(0, {}, node.note(3)).status, 200);

  const std::string metrics = (*auditor)->metrics_text();
  EXPECT_NE(metrics.find("pv_audit_alarm{kind=\"divergent-node\"} 0\n"), std::string::npos);
  EXPECT_NE(metrics.find("pv_audit_verified_height{node=\"" + url + "\"} 1\n"), std::string::npos)
      << metrics;
  const auto status = (*auditor)->status_json();
  EXPECT_EQ(status["ok"], true);
  EXPECT_EQ(status["nodes"][0]["verifiedHeight"], 1);
  EXPECT_EQ(status["nodes"][0]["resumedAtHeight"], 1);
}

TEST(AuditAlarms, AnAlarmWritesEvidenceSetsItsGaugeAndStaysRaisedAfterARestart) {
  TempDir dir;
  {
    AlarmBoard board(dir.str(), "");
    ASSERT_TRUE(board.load().is_ok());
    EXPECT_EQ(board.gauges().at(AlarmKind::stalled), 0);
    Alarm a;
    a.kind = AlarmKind::stalled;
    a.time = 1796000000;
    a.reason = "no progress";
    auto first = board.raise(a);
    auto second = board.raise(a);  // same kind, same second: a file of its own
    ASSERT_TRUE(first.is_ok() && second.is_ok());
    EXPECT_NE(*first, *second);
    EXPECT_EQ(board.gauges().at(AlarmKind::stalled), 1);
    EXPECT_EQ(board.gauges().at(AlarmKind::equivocation), 0);
  }
  AlarmBoard restarted(dir.str(), "");
  ASSERT_TRUE(restarted.load().is_ok());
  EXPECT_EQ(restarted.gauges().at(AlarmKind::stalled), 1);
  EXPECT_EQ(restarted.evidence_files().size(), 2u);
  auto listed = list_evidence(dir.str());
  ASSERT_TRUE(listed.is_ok());
  ASSERT_EQ(listed->size(), 2u);
}

TEST(AuditAlarms, AnAlarmIsPostedToTheWebhook) {
  TempDir dir;
  httplib::Server hook;
  std::mutex mu;
  std::vector<std::string> received;
  hook.Post("/pv-alarms", [&](const httplib::Request& req, httplib::Response& res) {
    std::lock_guard lock(mu);
    received.push_back(req.body);
    res.status = 204;
  });
  const int port = hook.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  std::thread serving([&] { hook.listen_after_bind(); });
  while (!hook.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  AlarmBoard board(dir.str(), "http://127.0.0.1:" + std::to_string(port) + "/pv-alarms");
  Alarm a;
  a.kind = AlarmKind::equivocation;
  a.time = 1796000000;
  a.reason = "two trees of size 7";
  ASSERT_TRUE(board.raise(a).is_ok());
  hook.stop();
  serving.join();
  ASSERT_EQ(received.size(), 1u);  // posted before raise() returned
  auto posted = parse_evidence(received[0]);
  ASSERT_TRUE(posted.is_ok()) << received[0];
  EXPECT_EQ(posted->kind, AlarmKind::equivocation);
  EXPECT_EQ(posted->reason, "two trees of size 7");
}

}  // namespace
}  // namespace pv::audit
