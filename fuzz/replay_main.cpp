// A stand-in for libFuzzer's main() in builds without it: runs LLVMFuzzerTestOneInput over every
// seed file, then over deterministic pseudo-random mutations of the seeds. Not coverage-guided;
// it exists so that `ctest -R fuzz` exercises every decoder in every build.
//
// Usage: <target> [-runs=N] [-seed=S] [file-or-dir...]   (other -flags are ignored)

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

using Input = std::vector<std::uint8_t>;

// splitmix64: a small deterministic generator, so a failure replays from the same -seed.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform enough in [0, n); REQUIRES: n > 0.
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }

 private:
  std::uint64_t state_;
};

Input read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  return Input(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void collect(const std::filesystem::path& path, std::vector<Input>& seeds) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    std::vector<std::filesystem::path> files;
    for (const auto& entry : std::filesystem::directory_iterator(path, ec))
      if (entry.is_regular_file()) files.push_back(entry.path());
    std::sort(files.begin(), files.end());  // deterministic order
    for (const auto& f : files) seeds.push_back(read_file(f));
  } else if (std::filesystem::is_regular_file(path, ec)) {
    seeds.push_back(read_file(path));
  } else {
    std::fprintf(stderr, "replay: skipping missing %s\n", path.c_str());
  }
}

// Length fields are big-endian u32s: values around them find most boundary bugs.
constexpr std::uint32_t kInterestingU32[] = {
    0,   1,     31,    32,     33,         64,         255,        256,
    257, 65535, 65536, 100000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff};

void mutate(Input& in, const std::vector<Input>& seeds, Rng& rng) {
  const std::size_t steps = 1 + rng.below(4);
  for (std::size_t s = 0; s < steps; ++s) {
    switch (rng.below(8)) {
      case 0:  // flip one bit
        if (!in.empty()) in[rng.below(in.size())] ^= static_cast<std::uint8_t>(1u << rng.below(8));
        break;
      case 1:  // overwrite a byte
        if (!in.empty()) in[rng.below(in.size())] = static_cast<std::uint8_t>(rng.next());
        break;
      case 2:  // insert a byte
        in.insert(in.begin() + static_cast<std::ptrdiff_t>(rng.below(in.size() + 1)),
                  static_cast<std::uint8_t>(rng.next()));
        break;
      case 3:  // erase a byte
        if (!in.empty()) in.erase(in.begin() + static_cast<std::ptrdiff_t>(rng.below(in.size())));
        break;
      case 4:  // truncate
        in.resize(rng.below(in.size() + 1));
        break;
      case 5: {  // write an interesting big-endian u32
        if (in.size() < 4) break;
        const std::size_t at = rng.below(in.size() - 3);
        const std::uint32_t v =
            kInterestingU32[rng.below(sizeof(kInterestingU32) / sizeof(kInterestingU32[0]))];
        for (int i = 0; i < 4; ++i) in[at + i] = static_cast<std::uint8_t>(v >> (24 - 8 * i));
        break;
      }
      case 6: {  // duplicate a chunk in place
        if (in.empty()) break;
        const std::size_t from = rng.below(in.size());
        const std::size_t len = 1 + rng.below(std::min<std::size_t>(64, in.size() - from));
        Input chunk(in.begin() + static_cast<std::ptrdiff_t>(from),
                    in.begin() + static_cast<std::ptrdiff_t>(from + len));
        in.insert(in.begin() + static_cast<std::ptrdiff_t>(from), chunk.begin(), chunk.end());
        break;
      }
      default: {  // splice: keep a prefix, append the tail of another seed
        const Input& other = seeds[rng.below(seeds.size())];
        in.resize(rng.below(in.size() + 1));
        const std::size_t from = rng.below(other.size() + 1);
        in.insert(in.end(), other.begin() + static_cast<std::ptrdiff_t>(from), other.end());
        break;
      }
    }
  }
}

void run(const Input& in) {
  LLVMFuzzerTestOneInput(in.data(), in.size());
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t runs = 5000;
  std::uint64_t seed = 1;
  std::vector<Input> seeds;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg.rfind("-runs=", 0) == 0) {
      runs = std::strtoull(argv[i] + 6, nullptr, 10);
    } else if (arg.rfind("-seed=", 0) == 0) {
      seed = std::strtoull(argv[i] + 6, nullptr, 10);
    } else if (arg.rfind("-", 0) == 0) {
      continue;  // a libFuzzer flag that means nothing here
    } else {
      collect(argv[i], seeds);
    }
  }
  const std::size_t seed_files = seeds.size();
  if (seeds.empty()) seeds.emplace_back();  // mutate from the empty input

  for (const auto& s : seeds) run(s);
  Rng rng(seed);
  for (std::uint64_t i = 0; i < runs; ++i) {
    Input in = seeds[rng.below(seeds.size())];
    mutate(in, seeds, rng);
    run(in);
  }
  std::printf("replay: %zu seed files, %llu mutations, no invariant violated\n", seed_files,
              static_cast<unsigned long long>(runs));
  return 0;
}
