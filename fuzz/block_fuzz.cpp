// Fuzzes the block and block header decoders. Invariants:
//  - canonicality: for every input that decodes as a block (or a header), re-encoding gives the
//    input back byte for byte, and the body matches the header's tx_results_hash;
//  - round trip of constructed blocks: a block built from the input bytes (arbitrary
//    transaction bytes, codes and reasons) with a correct tx_results_hash decodes to itself.
//    Mutated encodings almost never get past the tx_results_hash check, so this second half is
//    what drives the body decoder with well-formed but unusual content.

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "ledger/block.hpp"

namespace {

void require(bool ok, const char* invariant) {
  if (ok) return;
  std::fprintf(stderr, "block_fuzz: invariant violated: %s\n", invariant);
  std::abort();
}

bool same_bytes(const pv::Bytes& a, pv::ByteView b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin());
}

bool same_block(const pv::Block& a, const pv::Block& b) {
  if (pv::encode_block_header(a.header) != pv::encode_block_header(b.header)) return false;
  if (a.transactions != b.transactions || a.results.size() != b.results.size()) return false;
  for (std::size_t i = 0; i < a.results.size(); ++i)
    if (a.results[i].code != b.results[i].code || a.results[i].reason != b.results[i].reason)
      return false;
  return a.seal.node_key == b.seal.node_key && a.seal.signature == b.seal.signature;
}

// Splits the input into entries: each takes a length byte, a code byte, then that many bytes
// of transaction; the reason is the transaction's first bytes when the code is not `valid`.
pv::Block block_from_bytes(pv::ByteView in) {
  pv::Block b;
  b.header.height = in.size();
  b.header.time_ms = 1700000000000;
  std::size_t pos = 0;
  while (pos + 2 <= in.size() && b.transactions.size() < 64) {
    const std::size_t len = std::min<std::size_t>(in[pos], in.size() - pos - 2);
    const auto code = static_cast<pv::TxCode>(in[pos + 1] % 10);
    pv::ByteView tx = in.subspan(pos + 2, len);
    b.transactions.emplace_back(tx.begin(), tx.end());
    pv::TxResult result{code, {}};
    if (code != pv::TxCode::valid) result.reason.assign(pv::as_chars(tx.first(len / 2)));
    b.results.push_back(std::move(result));
    pos += 2 + len;
  }
  b.header.tx_count = static_cast<std::uint32_t>(b.transactions.size());
  b.header.tx_results_hash = pv::tx_results_hash(b.transactions, b.results);
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pv;
  const ByteView input(data, size);

  if (auto block = decode_block(input)) {
    require(same_bytes(encode_block(*block), input), "encode_block(decode_block(x)) == x");
    require(block->transactions.size() == block->header.tx_count &&
                block->results.size() == block->header.tx_count,
            "body counts match header tx_count");
    require(tx_results_hash(block->transactions, block->results) == block->header.tx_results_hash,
            "body matches tx_results_hash");
    auto header = decode_block_header(encode_block_header(block->header));
    require(header.is_ok() && block_hash(*header) == block_hash(block->header),
            "header round trips with the same block hash");
  } else {
    require(!block.error().message.empty(), "a decode error names what failed");
  }

  if (auto header = decode_block_header(input)) {
    require(same_bytes(encode_block_header(*header), input),
            "encode_block_header(decode_block_header(x)) == x");
  }

  const Block built = block_from_bytes(input);
  const Bytes encoded = encode_block(built);
  auto decoded = decode_block(encoded);
  require(decoded.is_ok(), "a well-formed block decodes");
  require(same_block(*decoded, built), "decode_block(encode_block(b)) == b");
  return 0;
}
