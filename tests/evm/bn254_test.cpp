// bn254 addition and scalar multiplication (0x06, 0x07): group laws on the generator, the point
// at infinity, and refused input. The state tests check them against the published results.

#include <gtest/gtest.h>

#include "evm/precompiles.hpp"

namespace pv::evm {
namespace {

Bytes word(std::string_view hex) {
  Bytes b = *from_hex(hex);
  b.insert(b.begin(), 32 - b.size(), 0);
  return b;
}
Bytes cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const auto& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}
const Bytes g = cat({word("01"), word("02")});
const std::string_view order = "30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001";
const std::string_view prime = "30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47";

TEST(Bn254, GroupLawsOnTheGenerator) {
  const CallResult doubled = run_precompile(6, cat({g, g}), 1000);
  ASSERT_EQ(doubled.status, Status::success);
  EXPECT_EQ(doubled.gas_left, 850);
  const CallResult twice = run_precompile(7, cat({g, word("02")}), 10000);
  ASSERT_EQ(twice.status, Status::success);
  EXPECT_EQ(twice.gas_left, 4000);
  EXPECT_EQ(doubled.output, twice.output);
  // 3G = 2G + G, and (r + 3)G = 3G: the scalar is taken modulo the group order.
  const CallResult three = run_precompile(6, cat({doubled.output, g}), 1000);
  Bytes r_plus_3 = *from_hex(order);
  r_plus_3[31] += 3;
  EXPECT_EQ(run_precompile(7, cat({g, r_plus_3}), 10000).output, three.output);
  // rG is the point at infinity, written as 64 zero bytes; so is G + (-G).
  EXPECT_EQ(run_precompile(7, cat({g, word(order)}), 10000).output, Bytes(64, 0));
  EXPECT_EQ(run_precompile(6, {}, 1000).output, Bytes(64, 0));  // infinity + infinity
  EXPECT_EQ(run_precompile(6, cat({g}), 1000).output, g);       // G + infinity
}

TEST(Bn254, RefusesPointsOffTheCurveAndUnreducedCoordinates) {
  EXPECT_EQ(run_precompile(6, cat({word("01"), word("03"), g}), 1000).status,
            Status::precompile_failure);
  Bytes p_plus_1 = *from_hex(prime);
  p_plus_1[31] += 1;  // p + 1 is 1 modulo p: (p + 1, 2) would be G if unreduced were allowed
  EXPECT_EQ(run_precompile(7, cat({p_plus_1, word("02"), word("01")}), 10000).status,
            Status::precompile_failure);
  EXPECT_EQ(run_precompile(6, cat({g, g}), 149).status, Status::out_of_gas);
  EXPECT_EQ(run_precompile(7, cat({g, word("02")}), 5999).status, Status::out_of_gas);
}

}  // namespace
}  // namespace pv::evm
