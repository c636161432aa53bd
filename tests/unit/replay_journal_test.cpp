// The request-signature replay journal (node/replay_journal.hpp) with a real RocksDB: what a
// ReplayGuard accepted is refused again after the guard (the node) restarts, expired entries are
// neither loaded nor kept, and a journal that cannot be opened is an error, not a silent
// memory-only guard.

#include "node/replay_journal.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "identity/http_signature_replay.hpp"
#include "node_test_support.hpp"

namespace pv {
namespace {

Signature signature_of(const char* text) {
  return SigningKey::generate().sign(as_bytes(std::string_view(text)));
}

TEST(ReplayJournal, AcceptedSignaturesAreRefusedAfterARestart) {
  crypto_init();
  testing::TempDir dir;
  const std::string path = dir.str() + "/replay-guard";
  const std::int64_t now = 1'800'000'000;
  const Signature early = signature_of("early"), late = signature_of("late"),
                  never = signature_of("never");
  {
    auto journal = RocksReplayJournal::open(path);
    ASSERT_TRUE(journal) << journal.error().message;
    ReplayGuard guard;
    ASSERT_TRUE(guard.attach(**journal, now));
    EXPECT_TRUE(guard.check_and_remember(early, now + 10, now));
    EXPECT_TRUE(guard.check_and_remember(late, now + 300, now));
    // Before the restart the guard refuses a replay from memory.
    EXPECT_EQ(guard.check_and_remember(late, now + 300, now).error().code, Errc::unauthorized);
  }
  // "Restart": a new guard on the reopened journal, 60 s later. `early` could no longer pass the
  // freshness check (forget_after passed), so it is not loaded; `late` still could and is
  // refused as a replay; a signature never seen is accepted.
  auto journal = RocksReplayJournal::open(path);
  ASSERT_TRUE(journal) << journal.error().message;
  ReplayGuard guard;
  ASSERT_TRUE(guard.attach(**journal, now + 60));
  EXPECT_EQ(guard.size(), 1u);
  auto replay = guard.check_and_remember(late, now + 300, now + 60);
  ASSERT_FALSE(replay);
  EXPECT_EQ(replay.error().code, Errc::unauthorized);
  EXPECT_NE(replay.error().message.find("replayed"), std::string::npos);
  EXPECT_TRUE(guard.check_and_remember(never, now + 360, now + 60));
  // The journal itself dropped the expired entry when the guard attached.
  auto kept = (*journal)->load(0);
  ASSERT_TRUE(kept);
  EXPECT_EQ(kept->size(), 2u);  // late and never
  for (const auto& e : *kept) EXPECT_GE(e.forget_after, now + 60);
}

TEST(ReplayJournal, LoadReturnsOnlyLiveEntriesInExpiryOrder) {
  crypto_init();
  testing::TempDir dir;
  auto journal = RocksReplayJournal::open(dir.str() + "/j");
  ASSERT_TRUE(journal);
  Hash32 a, b, c;
  a.data()[0] = 1;
  b.data()[0] = 2;
  c.data()[0] = 3;
  ASSERT_TRUE((*journal)->remember(c, 300));
  ASSERT_TRUE((*journal)->remember(a, 100));
  ASSERT_TRUE((*journal)->remember(b, 200));
  auto live = (*journal)->load(150);
  ASSERT_TRUE(live);
  ASSERT_EQ(live->size(), 2u);
  EXPECT_EQ((*live)[0].id, b);
  EXPECT_EQ((*live)[0].forget_after, 200);
  EXPECT_EQ((*live)[1].id, c);
  (*journal)->forget_before(250);
  auto after = (*journal)->load(0);
  ASSERT_TRUE(after);
  ASSERT_EQ(after->size(), 1u);
  EXPECT_EQ((*after)[0].id, c);
}

TEST(ReplayJournal, AJournalThatCannotBeOpenedIsAnError) {
  testing::TempDir dir;
  const std::string path = dir.str() + "/not-a-directory";
  std::ofstream(path) << "a file where the journal's directory should be";
  auto journal = RocksReplayJournal::open(path);
  ASSERT_FALSE(journal);
  EXPECT_NE(journal.error().message.find("replay journal"), std::string::npos)
      << journal.error().message;
}

}  // namespace
}  // namespace pv
