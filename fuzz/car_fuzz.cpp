// Fuzzes the strict CARv1 reader. Invariants:
//  - every block the reader hands out hashes to its CID;
//  - canonicality: a CAR that reads to the end is re-written byte for byte by CarWriter from
//    the roots and blocks read (the reader accepts exactly one encoding of each CAR);
//  - an input that fails names what failed (a non-empty message), and never crashes;
//  - the in-place reader (the node's, on an upload) agrees with the streaming one: it reads
//    the same roots and blocks, or fails with the same error.

#include <algorithm>
#include <cstdio>
#include <cstdlib>

#include "content/car.hpp"

namespace {

void require(bool ok, const char* invariant) {
  if (ok) return;
  std::fprintf(stderr, "car_fuzz: invariant violated: %s\n", invariant);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace pv;
  using namespace pv::content;
  const ByteView input(data, size);
  auto in_place = CarReader::read_in_place(input);
  auto same_failure = [&](const Error& e) {
    require(!in_place && in_place.error().message == e.message,
            "the in-place reader fails as the streaming one does");
  };
  MemorySource in(input);
  auto reader = CarReader::open(in);
  if (!reader) {
    require(!reader.error().message.empty(), "a header error names what failed");
    same_failure(reader.error());
    return 0;
  }
  MemorySink rewritten;
  CarWriter writer(rewritten);
  require(writer.write_header(reader->roots()).is_ok(), "roots that were read can be written");
  std::size_t count = 0;
  for (;;) {
    auto block = reader->next();
    if (!block) {
      require(!block.error().message.empty(), "a section error names what failed");
      same_failure(block.error());
      return 0;
    }
    if (!*block) break;
    require((*block)->cid.matches((*block)->bytes), "every block read hashes to its CID");
    require(writer.put((*block)->cid, (*block)->bytes).is_ok(), "a verified block can be written");
    // (A CAR that fails further on fails whole in place: compared at its failure.)
    require(!in_place ||
                (count < in_place->blocks.size() && in_place->blocks[count].cid == (*block)->cid &&
                 std::ranges::equal(in_place->blocks[count].bytes, (*block)->bytes)),
            "the in-place reader reads the same blocks");
    ++count;
  }
  require(in_place && in_place->roots == reader->roots() && in_place->blocks.size() == count,
          "the in-place reader reads the same CAR");
  require(rewritten.bytes.size() == size &&
              std::equal(rewritten.bytes.begin(), rewritten.bytes.end(), input.begin()),
          "write(read(car)) == car");
  return 0;
}
