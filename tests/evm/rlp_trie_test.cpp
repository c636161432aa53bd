// RLP, the Merkle-Patricia trie and Keccak-256 of the test level, on published examples: the
// RLP examples of the yellow paper's appendix B and Ethereum's RLP documentation, the empty
// trie and empty code hashes, and every legacy transaction of the state tests (decoded and
// compared with the fields the same file states). The trie's real check is the 3,795 state
// roots of state_tests_test.cpp.

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "evm/precompiles.hpp"
#include "rlp.hpp"
#include "trie.hpp"

namespace pv::evm::test {
namespace {

std::string hex(const Bytes& b) { return to_hex(b); }
Bytes str(std::string_view s) { return to_bytes(s); }

TEST(Rlp, PublishedExamples) {
  EXPECT_EQ(hex(rlp_string(str("dog"))), "83646f67");
  EXPECT_EQ(hex(rlp_list({rlp_string(str("cat")), rlp_string(str("dog"))})),
            "c88363617483646f67");
  EXPECT_EQ(hex(rlp_string({})), "80");
  EXPECT_EQ(hex(rlp_list({})), "c0");
  EXPECT_EQ(hex(rlp_uint(uint256{0})), "80");
  EXPECT_EQ(hex(rlp_string(Bytes{0})), "00");
  EXPECT_EQ(hex(rlp_uint(uint256{15})), "0f");
  EXPECT_EQ(hex(rlp_uint(uint256{1024})), "820400");
  // [ [], [[]], [ [], [[]] ] ]
  const Bytes empty = rlp_list({});
  const Bytes one = rlp_list({empty});
  EXPECT_EQ(hex(rlp_list({empty, one, rlp_list({empty, one})})), "c7c0c1c0c3c0c1c0");
  const Bytes lorem = rlp_string(str("Lorem ipsum dolor sit amet, consectetur adipisicing elit"));
  EXPECT_EQ(hex(Bytes(lorem.begin(), lorem.begin() + 2)), "b838");
}

TEST(Rlp, DecoderRejectsNonCanonicalAndTruncatedInput) {
  EXPECT_TRUE(rlp_decode(*from_hex("8180")).has_value());  // 0x80 needs its prefix
  EXPECT_FALSE(rlp_decode(*from_hex("817f")).has_value());    // single byte < 0x80 wrapped
  EXPECT_FALSE(rlp_decode(*from_hex("b80100")).has_value());  // long form for a short string
  EXPECT_FALSE(rlp_decode(*from_hex("83646f")).has_value());  // truncated
  EXPECT_FALSE(rlp_decode(*from_hex("c88363617483646f")).has_value());
  EXPECT_FALSE(rlp_decode(*from_hex("8080")).has_value());  // trailing bytes
  auto ok = rlp_decode(*from_hex("c88363617483646f67"));
  ASSERT_TRUE(ok.has_value());
  ASSERT_EQ(ok->items.size(), 2u);
  EXPECT_EQ(ok->items[1].bytes, str("dog"));
}

TEST(Keccak, EmptyInputsAndTheEmptyTrie) {
  EXPECT_EQ(keccak256({}).hex(),
            "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
  // keccak256(rlp([])): the "no logs" hash of the state tests' README.
  EXPECT_EQ(keccak256(rlp_list({})).hex(),
            "1dcc4de8dec75d7aab85b567b6ccd41ad312451b948a7413f0a142fd40d49347");
  EXPECT_EQ(trie_root({}).hex(),
            "56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421");
}

// Every legacy transaction in stExample: txbytes decode to the nonce, gas price, gas limit, to,
// value and data the file's template names for that case, and re-encode to the same bytes.
TEST(Rlp, StateTestTransactionsRoundTrip) {
  const auto dir =
      std::filesystem::path(PV_VECTORS_DIR) / "ethereum-tests" / "GeneralStateTests" / "stExample";
  if (!std::filesystem::is_directory(dir)) GTEST_SKIP() << "no vectors at " << dir;
  int checked = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(e.path());
    const auto doc = nlohmann::json::parse(in);
    for (const auto& [name, t] : doc.items()) {
      const auto& tx = t.at("transaction");
      for (const auto& post : t.at("post").at("Cancun")) {
        const Bytes raw = *from_hex(post.at("txbytes").get<std::string>().substr(2));
        if (raw.empty() || raw[0] < 0xc0) continue;  // typed envelope
        auto item = rlp_decode(raw);
        ASSERT_TRUE(item.has_value()) << name;
        ASSERT_EQ(item->items.size(), 9u) << name;
        auto field = [&](const char* key, int index = -1) {
          std::string v = index < 0 ? tx.at(key).get<std::string>()
                                    : tx.at(key).at(index).get<std::string>();
          Bytes b = *from_hex(v.substr(2));
          while (!b.empty() && b[0] == 0 && std::string(key) != "data" &&
                 std::string(key) != "to")
            b.erase(b.begin());
          return b;
        };
        const auto& idx = post.at("indexes");
        EXPECT_EQ(item->items[0].bytes, field("nonce")) << name;
        EXPECT_EQ(item->items[1].bytes, field("gasPrice")) << name;
        EXPECT_EQ(item->items[2].bytes, field("gasLimit", idx.at("gas").get<int>())) << name;
        EXPECT_EQ(item->items[3].bytes, field("to")) << name;
        EXPECT_EQ(item->items[4].bytes, field("value", idx.at("value").get<int>())) << name;
        EXPECT_EQ(item->items[5].bytes, field("data", idx.at("data").get<int>())) << name;
        std::vector<Bytes> fields;
        for (const auto& f : item->items) fields.push_back(rlp_string(f.bytes));
        EXPECT_EQ(rlp_list(fields), raw) << name;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 10);
}

TEST(Precompiles, HashesAndIdentityOnPublishedVectors) {
  const Bytes abc = str("abc");
  auto sha = run_precompile(2, abc, 1000);
  ASSERT_EQ(sha.status, Status::success);
  // FIPS 180-2, appendix B.1.
  EXPECT_EQ(hex(sha.output), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha.gas_left, 1000 - 72);
  auto rmd = run_precompile(3, abc, 1000);
  ASSERT_EQ(rmd.status, Status::success);
  // The RIPEMD-160 paper's "abc" vector, left-padded to 32 bytes.
  EXPECT_EQ(hex(rmd.output),
            "0000000000000000000000008eb208f7e05d987a9b044a8e98c6b087f15a0bfc");
  auto id = run_precompile(4, abc, 18);
  EXPECT_EQ(id.status, Status::success);
  EXPECT_EQ(id.output, abc);
  EXPECT_EQ(run_precompile(4, abc, 17).status, Status::out_of_gas);
  // modexp: 3^5 mod 7 = 5, lengths 1, 1, 1.
  Bytes in(96, 0);
  in[31] = in[63] = in[95] = 1;
  in.insert(in.end(), {3, 5, 7});
  auto mx = run_precompile(5, in, 1000);
  ASSERT_EQ(mx.status, Status::success);
  EXPECT_EQ(mx.output, Bytes{5});
  EXPECT_EQ(mx.gas_left, 800);  // the EIP-2565 minimum of 200
  // ecrecover with v neither 27 nor 28 returns nothing but costs its 3000.
  auto ec = run_precompile(1, Bytes(128, 0), 3000);
  EXPECT_EQ(ec.status, Status::success);
  EXPECT_TRUE(ec.output.empty());
  EXPECT_EQ(run_precompile(1, Bytes(128, 0), 2999).status, Status::out_of_gas);
}

}  // namespace
}  // namespace pv::evm::test
