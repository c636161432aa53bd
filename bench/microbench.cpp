// Micro-benchmarks of the primitives under the ledger's hot path.

#include <benchmark/benchmark.h>

#include "codec/did_key.hpp"
#include "ledger/anchor.hpp"
#include "ledger/merkle.hpp"
#include "ledger/transaction.hpp"

using namespace pv;

static void BM_Ed25519Verify(benchmark::State& state) {
  auto key = SigningKey::generate();
  Bytes msg(200, 1);
  auto sig = key.sign(msg);
  for (auto _ : state) benchmark::DoNotOptimize(ed25519_verify(key.public_key(), msg, sig));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Ed25519Verify);

static void BM_Sha256_1MiB(benchmark::State& state) {
  Bytes data(1 << 20, 7);
  for (auto _ : state) benchmark::DoNotOptimize(sha256(data));
  state.SetBytesProcessed(state.iterations() * static_cast<std::int64_t>(data.size()));
}
BENCHMARK(BM_Sha256_1MiB);

static void BM_MerkleAppend(benchmark::State& state) {
  MerkleFrontier f;
  std::vector<MerkleNode> nodes;
  Hash32 leaf = sha256(as_bytes("leaf"));
  for (auto _ : state) {
    nodes.clear();
    f.append(leaf, nodes);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_MerkleAppend);

static void BM_DecodeAndVerifyTransaction(benchmark::State& state) {
  auto key = SigningKey::generate();
  NetworkId net{};
  Transaction tx;
  tx.type = kTxTypeAnchor;
  tx.signer = did_key_from_public_key(key.public_key());
  tx.nonce = 1;
  tx.created_ms = 1;
  tx.payload = encode_anchor({sha256(as_bytes("doc"))});
  sign_transaction(net, key, tx);
  Bytes enc = encode_transaction(tx);
  for (auto _ : state) {
    auto d = decode_transaction(enc);
    benchmark::DoNotOptimize(verify_transaction_signature(net, *d).is_ok());
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_DecodeAndVerifyTransaction);

BENCHMARK_MAIN();
