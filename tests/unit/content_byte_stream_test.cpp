// Byte streams over files and memory (content/byte_stream.hpp), including empty writes and reads:
// an empty ByteView carries a null pointer, which must never reach fwrite/fread (UBSan found
// FileSink::write passing it on when a 0-byte file was written).

#include <gtest/gtest.h>

#include "content/byte_stream.hpp"
#include "content_test_support.hpp"

namespace pv::content {
namespace {

Bytes read_all(ByteSource& source) {
  Bytes out;
  std::uint8_t buf[7];
  for (;;) {
    auto n = source.read(buf, sizeof buf);
    EXPECT_TRUE(n) << n.error().message;
    if (!n || *n == 0) return out;
    out.insert(out.end(), buf, buf + *n);
  }
}

TEST(FileSink, EmptyWritesLeaveTheFileAsItIs) {
  test::TempDir dir;
  const auto path = dir.path() / "out.bin";
  auto sink = FileSink::create(path);
  ASSERT_TRUE(sink) << sink.error().message;
  ASSERT_TRUE((*sink)->write(ByteView{}));
  const Bytes data = test::pseudo_random_bytes(20, 1);
  ASSERT_TRUE((*sink)->write(data));
  ASSERT_TRUE((*sink)->write(ByteView{}));
  ASSERT_TRUE((*sink)->overwrite_at(3, ByteView{}));
  ASSERT_TRUE((*sink)->close());

  auto source = FileSource::open(path);
  ASSERT_TRUE(source) << source.error().message;
  EXPECT_EQ(read_all(**source), data);
}

TEST(FileSink, AZeroByteFileIsCreatedAndReadsBackEmpty) {
  test::TempDir dir;
  const auto path = dir.path() / "empty.bin";
  auto sink = FileSink::create(path);
  ASSERT_TRUE(sink);
  ASSERT_TRUE((*sink)->write(ByteView{}));
  ASSERT_TRUE((*sink)->close());
  EXPECT_EQ(std::filesystem::file_size(path), 0u);
  auto source = FileSource::open(path);
  ASSERT_TRUE(source);
  EXPECT_TRUE(read_all(**source).empty());
}

TEST(FileSink, OverwriteReplacesBytesAndReturnsToTheEnd) {
  test::TempDir dir;
  const auto path = dir.path() / "out.bin";
  auto sink = FileSink::create(path);
  ASSERT_TRUE(sink);
  ASSERT_TRUE((*sink)->write(Bytes{1, 2, 3, 4}));
  ASSERT_TRUE((*sink)->overwrite_at(1, Bytes{9, 9}));
  ASSERT_TRUE((*sink)->write(Bytes{5}));
  ASSERT_TRUE((*sink)->close());
  EXPECT_FALSE((*sink)->write(Bytes{6})) << "a closed sink must refuse writes";
  auto source = FileSource::open(path);
  ASSERT_TRUE(source);
  EXPECT_EQ(read_all(**source), (Bytes{1, 9, 9, 4, 5}));
}

TEST(MemorySource, ReadsEverythingThenZeroAndHandlesAnEmptyView) {
  const Bytes data = test::pseudo_random_bytes(30, 2);
  MemorySource source(data);
  EXPECT_EQ(read_all(source), data);
  MemorySource empty{ByteView{}};
  EXPECT_TRUE(read_all(empty).empty());
}

}  // namespace
}  // namespace pv::content
