// C2SP tlog-cosignature and the auditor's tlog-witness add-checkpoint, attacked: forged and
// tampered cosignatures, unknown logs and keys, stale and rolled-back sizes, bad consistency
// proofs, equivocation, replays after a restart, and malformed bodies.
#include "audit/witness.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>

#include "ledger/cosignature.hpp"
#include "ledger/merkle_memory.hpp"

namespace pv::audit {
namespace {

constexpr std::uint64_t kNow = 1796000000;  // 2026-11-30
const std::string kOrigin = "patientvault.test/witness-log";

// A log of `n` leaves "leaf-i", kept so that any size's root and any consistency proof exist.
struct Log {
  InMemoryMerkleNodes nodes;
  MerkleFrontier frontier;
  std::vector<Hash32> roots{merkle_empty_root()};
  SigningKey key = SigningKey::generate();
  std::string key_name = "log.patientvault.test";

  explicit Log(std::uint64_t n) {
    for (std::uint64_t i = 0; i < n; ++i) {
      std::vector<MerkleNode> done;
      frontier.append(merkle_leaf_hash(as_bytes("leaf-" + std::to_string(i))), done);
      nodes.add(done);
      roots.push_back(frontier.root());
    }
  }
  std::string note(std::uint64_t size, const Hash32* root = nullptr) const {
    return sign_checkpoint({kOrigin, size, root ? *root : roots[size]}, key_name, key);
  }
  std::vector<Hash32> proof(std::uint64_t from, std::uint64_t to) const {
    auto p = merkle_consistency_proof(nodes, from, to);
    EXPECT_TRUE(p.is_ok());
    return p ? *p : std::vector<Hash32>{};
  }
  WitnessedLog witnessed() const {
    return {kOrigin, {NoteVerifierKey{key_name, key.public_key()}}};
  }
};

std::string request(std::uint64_t old_size, const std::vector<Hash32>& proof,
                    const std::string& note) {
  std::string body = "old " + std::to_string(old_size) + "\n";
  for (const auto& h : proof) body += to_base64(h.view()) + "\n";
  return body + "\n" + note;
}

class WitnessTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pv-witness-" + std::to_string(::getpid()) + "-" +
            testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Witness> make(CheckpointGate gate = {}) {
    auto w = std::make_unique<Witness>("witness.patientvault.test/w1", witness_key_,
                                       std::vector<WitnessedLog>{log_.witnessed()}, dir_.string(),
                                       std::move(gate));
    EXPECT_TRUE(w->load().is_ok());
    return w;
  }
  std::vector<Cosigner> cosigners() const {
    return {Cosigner{"witness.patientvault.test/w1", witness_key_.public_key()}};
  }

  std::filesystem::path dir_;
  Log log_{40};
  SigningKey witness_key_ = SigningKey::generate();
};

TEST(Cosignature, VerifierKeyRoundTripAndStrictness) {
  const SigningKey k = SigningKey::generate();
  const std::string vkey = cosigner_verifier_key("w.example/1", k.public_key());
  auto parsed = parse_cosigner_verifier_key(vkey);
  ASSERT_TRUE(parsed.is_ok()) << parsed.error().message;
  EXPECT_EQ(parsed->name, "w.example/1");
  EXPECT_EQ(parsed->key, k.public_key());
  // A checkpoint (0x01) key of the same name and key is not a cosignature key, and vice versa.
  EXPECT_FALSE(parse_cosigner_verifier_key(note_verifier_key("w.example/1", k.public_key())));
  EXPECT_FALSE(parse_note_verifier_key(vkey));
  std::string wrong_id = vkey;
  wrong_id[wrong_id.find('+') + 1] ^= 1;
  EXPECT_FALSE(parse_cosigner_verifier_key(wrong_id));
  EXPECT_FALSE(parse_cosigner_verifier_key("no-plus-signs"));
  std::string upper = vkey;
  for (std::size_t i = upper.find('+') + 1; upper[i] != '+'; ++i)
    upper[i] = static_cast<char>(std::toupper(upper[i]));
  if (upper != vkey) {
    EXPECT_FALSE(parse_cosigner_verifier_key(upper));
  }
}

TEST(Cosignature, SignedMessageIsTheSpecsLayout) {
  EXPECT_EQ(cosigned_message("o\n5\nroot=\n", 1679315147),
            "cosignature/v1\ntime 1679315147\no\n5\nroot=\n");
}

TEST(Cosignature, VerifiesAndRefusesTamperingForgeryAndFutureDates) {
  Log log(3);
  const std::string note = log.note(3);
  auto text = parse_signed_note(note);
  ASSERT_TRUE(text.is_ok());
  const SigningKey w = SigningKey::generate(), other = SigningKey::generate();
  const std::vector<Cosigner> trusted = {{"w1", w.public_key()}};
  const std::string line = cosign(text->text, "w1", w, kNow);
  auto ok = verify_cosignatures(note + line, trusted, kNow);
  ASSERT_TRUE(ok.is_ok()) << ok.error().message;
  ASSERT_EQ(ok->size(), 1u);
  EXPECT_EQ((*ok)[0].timestamp, kNow);
  // The same line twice counts once.
  EXPECT_EQ(verify_cosignatures(note + line + line, trusted, kNow)->size(), 1u);
  // Without it, or by an unknown cosigner: nothing counted, nothing wrong.
  EXPECT_TRUE(verify_cosignatures(note, trusted, kNow)->empty());
  EXPECT_TRUE(
      verify_cosignatures(note + cosign(text->text, "w2", other, kNow), trusted, kNow)->empty());
  // Forged: another key under w1's name and key id cannot be made, but a wrong signature can.
  const std::string forged = cosign(text->text, "w1", other, kNow);
  EXPECT_TRUE(verify_cosignatures(note + forged, trusted, kNow)->empty());  // other key id
  // Every byte of the signature line's base64 payload flipped: refused or not counted.
  const std::size_t payload = line.rfind(' ') + 1;
  for (std::size_t i = payload; i + 1 < line.size(); ++i) {
    std::string bad = line;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    auto r = verify_cosignatures(note + bad, trusted, kNow);
    EXPECT_TRUE(!r || r->empty()) << "flipped base64 character " << i;
  }
  // A cosignature moved to another checkpoint does not verify.
  const std::string note4 = log.note(2);
  EXPECT_FALSE(verify_cosignatures(note4 + line, trusted, kNow));
  // Dated an hour ahead: refused (10 minutes of clock skew allowed).
  EXPECT_FALSE(verify_cosignatures(note + cosign(text->text, "w1", w, kNow + 3600), trusted, kNow));
  EXPECT_TRUE(verify_cosignatures(note + cosign(text->text, "w1", w, kNow + 300), trusted, kNow));
  EXPECT_FALSE(verify_cosignatures(note + cosign(text->text, "w1", w, std::uint64_t{1} << 63),
                                   trusted, ~std::uint64_t{0}));
}

TEST_F(WitnessTest, CosignsAConsistentHistoryAndRefusesEverythingElse) {
  const auto owned = make();
  Witness& w = *owned;
  // Unknown origin: 404. Signed by a key the witness does not trust: 403.
  Log stranger(3);
  const std::string foreign =
      sign_checkpoint({"elsewhere.test/log", 3, stranger.roots[3]}, "x", stranger.key);
  EXPECT_EQ(w.add_checkpoint(request(0, {}, foreign), kNow).status, 404);
  const std::string wrong_key =
      sign_checkpoint({kOrigin, 3, log_.roots[3]}, log_.key_name, stranger.key);
  EXPECT_EQ(w.add_checkpoint(request(0, {}, wrong_key), kNow).status, 403);

  // First sight: old 0, empty proof.
  WitnessAnswer a = w.add_checkpoint(request(0, {}, log_.note(5)), kNow);
  ASSERT_EQ(a.status, 200) << a.body;
  auto cos = verify_cosignatures(log_.note(5) + a.body, cosigners(), kNow);
  ASSERT_TRUE(cos.is_ok()) << cos.error().message;
  EXPECT_EQ(cos->size(), 1u);

  // A client that does not know the witness's size learns it from the 409.
  a = w.add_checkpoint(request(0, {}, log_.note(9)), kNow);
  EXPECT_EQ(a.status, 409);
  EXPECT_EQ(a.content_type, "text/x.tlog.size");
  EXPECT_EQ(a.body, "5\n");

  // Growth with a valid proof.
  a = w.add_checkpoint(request(5, log_.proof(5, 9), log_.note(9)), kNow);
  ASSERT_EQ(a.status, 200) << a.body;

  // A bad proof (each hash in turn corrupted), a truncated proof, an extra hash: 422, no change.
  const auto good = log_.proof(9, 20);
  for (std::size_t i = 0; i < good.size(); ++i) {
    auto bad = good;
    bad[i].bytes[7] ^= 0x20;
    EXPECT_EQ(w.add_checkpoint(request(9, bad, log_.note(20)), kNow).status, 422);
  }
  EXPECT_EQ(
      w.add_checkpoint(request(9, {good.begin(), good.end() - 1}, log_.note(20)), kNow).status,
      422);
  auto longer = good;
  longer.push_back(good.front());
  EXPECT_EQ(w.add_checkpoint(request(9, longer, log_.note(20)), kNow).status, 422);
  EXPECT_EQ(w.latest(kOrigin)->checkpoint.size, 9u);

  // Rollback: a validly signed older checkpoint is not cosigned.
  EXPECT_EQ(w.add_checkpoint(request(9, {}, log_.note(7)), kNow).status, 400);
  EXPECT_EQ(w.add_checkpoint(request(5, log_.proof(5, 7), log_.note(7)), kNow).status, 409);

  // Equivocation: the log signs another root at the size already cosigned.
  Hash32 forked = log_.roots[9];
  forked.bytes[0] ^= 1;
  a = w.add_checkpoint(request(9, {}, log_.note(9, &forked)), kNow);
  EXPECT_EQ(a.status, 409);
  ASSERT_TRUE(a.conflicting_note.has_value());
  EXPECT_EQ(*a.conflicting_note, log_.note(9, &forked));
  // The same checkpoint again is cosigned again (same size, same root).
  EXPECT_EQ(w.add_checkpoint(request(9, {}, log_.note(9)), kNow).status, 200);
  EXPECT_EQ(w.latest(kOrigin)->checkpoint.root, log_.roots[9]);
}

TEST_F(WitnessTest, StateSurvivesARestartAndReplaysAreRefused) {
  const std::string grow = request(5, log_.proof(5, 12), log_.note(12));
  {
    const auto owned = make();
    Witness& w = *owned;
    ASSERT_EQ(w.add_checkpoint(request(0, {}, log_.note(5)), kNow).status, 200);
    ASSERT_EQ(w.add_checkpoint(grow, kNow).status, 200);
  }
  const auto again_owned = make();
  Witness& again = *again_owned;
  ASSERT_TRUE(again.latest(kOrigin).has_value());
  EXPECT_EQ(again.latest(kOrigin)->checkpoint.size, 12u);
  WitnessAnswer a = again.add_checkpoint(grow, kNow);  // replayed after the restart
  EXPECT_EQ(a.status, 409);
  EXPECT_EQ(a.body, "12\n");
  EXPECT_EQ(again.add_checkpoint(request(12, log_.proof(12, 40), log_.note(40)), kNow).status, 200);

  // A damaged state file is an error, not a fresh start.
  for (const auto& f : std::filesystem::directory_iterator(dir_)) {
    std::ofstream(f.path()) << "{ not json";
  }
  Witness broken("witness.patientvault.test/w1", witness_key_, {log_.witnessed()}, dir_.string(),
                 {});
  EXPECT_FALSE(broken.load().is_ok());
}

TEST_F(WitnessTest, CosignsOnlyWhatTheAuditorVerified) {
  GateVerdict verdict = GateVerdict::not_yet;
  const auto owned = make([&](const WitnessedLog&, const Checkpoint&) {
    return GateAnswer{verdict, "re-executed to size 0"};
  });
  Witness& w = *owned;
  EXPECT_EQ(w.add_checkpoint(request(0, {}, log_.note(5)), kNow).status, 503);
  EXPECT_FALSE(w.latest(kOrigin).has_value());
  verdict = GateVerdict::contradicts;
  WitnessAnswer a = w.add_checkpoint(request(0, {}, log_.note(5)), kNow);
  EXPECT_EQ(a.status, 422);
  EXPECT_TRUE(a.conflicting_note.has_value());
  EXPECT_FALSE(w.latest(kOrigin).has_value());
  verdict = GateVerdict::verified;
  EXPECT_EQ(w.add_checkpoint(request(0, {}, log_.note(5)), kNow).status, 200);
}

TEST_F(WitnessTest, MalformedRequestsAreRefusedWithoutChangingState) {
  const auto owned = make();
  Witness& w = *owned;
  ASSERT_EQ(w.add_checkpoint(request(0, {}, log_.note(5)), kNow).status, 200);
  const std::string note = log_.note(9);
  const std::vector<std::string> bodies = {
      "",
      "old 5",
      "old 05\n\n" + note,
      "old -5\n\n" + note,
      "old 5 \n\n" + note,
      "old 99999999999999999999999\n\n" + note,
      "new 5\n\n" + note,
      "old 5\n" + note,  // no blank line before the checkpoint
      "old 5\nnot base64!\n\n" + note,
      "old 5\n" + to_base64(as_bytes("short")) + "\n\n" + note,
      "old 5\n\n" + note.substr(0, note.size() - 1),  // note without its final newline
      "old 5\n\n" + std::string("\x00", 1) + note,
      "old 5\n\n" + note + "trailing garbage",
  };
  for (const auto& b : bodies) {
    const int status = w.add_checkpoint(b, kNow).status;
    EXPECT_TRUE(status == 400 || status == 422)
        << "status " << status << " for: " << b.substr(0, 40);
  }
  std::string many = "old 5\n";
  for (int i = 0; i < 64; ++i) many += to_base64(log_.roots[1].view()) + "\n";
  EXPECT_EQ(w.add_checkpoint(many + "\n" + note, kNow).status, 400);
  EXPECT_EQ(w.add_checkpoint(std::string(kMaxAddCheckpointBytes + 1, 'o'), kNow).status, 413);
  EXPECT_EQ(w.latest(kOrigin)->checkpoint.size, 5u);
  EXPECT_EQ(w.add_checkpoint(request(5, log_.proof(5, 9), note), kNow).status, 200);
}

}  // namespace
}  // namespace pv::audit
