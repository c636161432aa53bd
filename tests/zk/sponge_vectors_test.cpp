// The duplex sponge and codecs of draft-irtf-cfrg-fiat-shamir against its published SHAKE128
// and codec vectors (../shared/vectors/sigma-protocols/vectors/, read at run time).

#include <gtest/gtest.h>

#include "zk/duplex_sponge.hpp"
#include "zk_test_support.hpp"

namespace pv::zk {
namespace {

using testing::hex;
using testing::load_vectors;

TEST(ZkSponge, Shake128VectorsOfTheFiatShamirDraft) {
  const auto vectors = load_vectors("sigma-protocols/vectors/fiatShamirShake128Vectors.json");
  int checked = 0, skipped = 0;
  for (const auto& v : vectors) {
    const std::string id = v["Id"];
    const std::string fn = v["Function"];
    if (fn == "Sumcheck") {  // the draft's example protocol over Mersenne31: not used here
      ++skipped;
      continue;
    }
    if (fn == "DeriveSessionID") {
      EXPECT_EQ(derive_session_id(hex(v["Tag"])).hex(), v["Output"].get<std::string>()) << id;
      ++checked;
      continue;
    }
    ASSERT_TRUE(fn == "DuplexSponge" || fn == "DecodeUint") << "unhandled record " << id;
    auto sid = SessionId::from(hex(v["SessionId"]));
    ASSERT_TRUE(sid.is_ok()) << id;
    DuplexSponge sponge(*sid);
    Bytes all;
    for (const auto& op : v["Operations"]) {
      if (op["type"] == "absorb") {
        sponge.absorb(hex(op["data"]));
      } else {
        const Bytes s = sponge.squeeze(op["length"].get<std::size_t>());
        all.insert(all.end(), s.begin(), s.end());
      }
    }
    EXPECT_EQ(to_hex(all), v["Output"].get<std::string>()) << id;
    if (fn == "DecodeUint") {
      // Challenge = LE2IP(Output) mod n, n the P-256 order (the record's Modulus).
      EXPECT_EQ(v["Modulus"].get<std::string>(), "0x" + group_order().hex()) << id;
      std::string expected = v["Challenge"].get<std::string>().substr(2);
      expected.insert(0, 64 - expected.size(), '0');
      EXPECT_EQ(Scalar::from_le_bytes_mod_order(all).encode().hex(), expected) << id;
    }
    ++checked;
  }
  EXPECT_EQ(checked, 11);
  EXPECT_EQ(skipped, 2);
}

}  // namespace
}  // namespace pv::zk
