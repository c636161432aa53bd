#include "content/car.hpp"

#include "content/dag_walk.hpp"
#include "content/varint.hpp"

namespace pv::content {

Status CarWriter::write_header(const std::vector<Cid>& roots) {
  if (header_written_) return make_error(Errc::internal, "CAR header written twice");
  const Bytes header = encode_car_header(roots);
  PV_TRY(out_.write(header));
  header_written_ = true;
  written_ += header.size();
  return Status::ok();
}

Status CarWriter::put(const Cid& cid, ByteView bytes) {
  if (!header_written_) return make_error(Errc::internal, "CAR block written before the header");
  PV_TRY(verify_block(cid, bytes));
  return write_section(cid, bytes);
}

Status CarWriter::put_hashed(HashedByImporter, const Cid& cid, ByteView bytes) {
  if (!header_written_) return make_error(Errc::internal, "CAR block written before the header");
  return write_section(cid, bytes);
}

Status CarWriter::write_dag(BlockStore& store, const Cid& root, ByteSink& out) {
  CarWriter car(out);
  PV_TRY(car.write_header({root}));
  return walk_dag(store, root, LeafRead::verify,
                  [&car](const Cid& cid, ByteView bytes) { return car.write_section(cid, bytes); });
}

Status CarWriter::write_section(const Cid& cid, ByteView bytes) {
  Bytes prefix;
  const Bytes cid_bytes = cid.bytes();
  append_varint(prefix, cid_bytes.size() + bytes.size());
  prefix.insert(prefix.end(), cid_bytes.begin(), cid_bytes.end());
  PV_TRY(out_.write(prefix));
  PV_TRY(out_.write(bytes));
  written_ += prefix.size() + bytes.size();
  return Status::ok();
}

// Errors shared by the streaming and the in-place reader, so both say the same thing.
namespace {

Error section_length_out_of_range(const std::string& what, std::uint64_t start, std::uint64_t n) {
  return make_error(Errc::malformed, "CAR " + what + " at byte " + std::to_string(start) +
                                         ": length " + std::to_string(n) +
                                         " is out of range (1 byte to 4 MiB)");
}

bool section_length_ok(std::uint64_t n) {
  return n != 0 && n <= kMaxCarSectionBytes;
}

Error truncated(const std::string& what, std::uint64_t at, std::uint64_t missing) {
  return make_error(Errc::malformed, "CAR is truncated: " + what + " ends at byte " +
                                         std::to_string(at) + " (" + std::to_string(missing) +
                                         " bytes missing)");
}

// A CID of ours is at most 4 varints and a 32-byte digest: well under this many bytes.
constexpr std::size_t kCidPeekBytes = 64;

// The CID at the start of a section, and its size in bytes.
Result<std::pair<Cid, std::size_t>> section_cid(ByteView section_start, const std::string& what,
                                                std::uint64_t start) {
  std::size_t pos = 0;
  auto cid = Cid::read(section_start, pos);
  if (!cid)
    return make_error(Errc::malformed, "CAR " + what + " at byte " + std::to_string(start) + ": " +
                                           cid.error().message);
  return std::pair<Cid, std::size_t>(*cid, pos);
}

// The header's length varint: nullopt (no byte at all) is an empty CAR.
Status check_header_length(std::optional<std::uint64_t> n) {
  if (!n) return make_error(Errc::malformed, "CAR is empty: no header");
  if (*n == 0 || *n > kMaxCarHeaderBytes)
    return make_error(Errc::malformed, "CAR header length " + std::to_string(*n) +
                                           " is out of range (1 to 65536 bytes)");
  return Status::ok();
}

Error block_refused(const std::string& what, std::uint64_t start, const Error& e) {
  return make_error(Errc::corruption,
                    "CAR " + what + " at byte " + std::to_string(start) + ": " + e.message);
}

}  // namespace

Status CarReader::read_exact(std::uint8_t* buf, std::size_t n, const std::string& what,
                             bool* clean_eof, std::size_t more_after) {
  std::size_t got = 0;
  while (got < n) {
    auto r = in_->read(buf + got, n - got);
    if (!r) return r.status();
    if (*r == 0) {
      if (clean_eof && got == 0) {
        *clean_eof = true;
        return Status::ok();
      }
      return truncated(what, offset_ + got, n - got + more_after);
    }
    got += *r;
  }
  offset_ += n;
  return Status::ok();
}

// A section or header length varint; nullopt at a clean end of the stream.
Result<std::optional<std::uint64_t>> CarReader::read_length(const std::string& what) {
  Bytes varint;
  for (std::size_t i = 0; i < kMaxVarintBytes; ++i) {
    std::uint8_t byte = 0;
    bool eof = false;
    PV_TRY(read_exact(&byte, 1, what + " length", i == 0 ? &eof : nullptr));
    if (eof) return std::optional<std::uint64_t>();
    varint.push_back(byte);
    if ((byte & 0x80) == 0) break;
  }
  std::size_t pos = 0;
  auto n = read_varint(varint, pos, (what + " length").c_str());
  if (!n) return n.error();
  return std::optional<std::uint64_t>(*n);
}

Result<CarReader> CarReader::open(ByteSource& in) {
  CarReader reader(in);
  auto len = reader.read_length("CAR header");
  if (!len) return len.error();
  PV_TRY(check_header_length(*len));
  Bytes header(**len);
  PV_TRY(reader.read_exact(header.data(), header.size(), "the CAR header"));
  auto roots = decode_car_header(header);
  if (!roots) return roots.error();
  reader.roots_ = std::move(*roots);
  return reader;
}

Result<std::optional<CarBlock>> CarReader::next() {
  if (failed_) return make_error(Errc::internal, "CAR reader used after an error");
  const std::string what = "section " + std::to_string(section_);
  const std::uint64_t start = offset_;
  auto fail = [&](Error e) {
    failed_ = true;
    return e;
  };
  auto len = read_length(what);
  if (!len) return fail(len.error());
  if (!*len) return std::optional<CarBlock>();
  if (!section_length_ok(**len)) return fail(section_length_out_of_range(what, start, **len));
  // The CID is read from a small prefix of the section; the block goes straight into its own
  // buffer (no copy of the whole section, no shifting it down past the CID).
  std::uint8_t prefix[kCidPeekBytes];
  const std::size_t peek = std::min<std::size_t>(**len, sizeof prefix);
  if (auto s = read_exact(prefix, peek, what, nullptr, **len - peek); !s) return fail(s.error());
  auto cid = section_cid(ByteView(prefix, peek), what, start);
  if (!cid) return fail(cid.error());
  const std::size_t cid_size = cid->second;
  Bytes block(**len - cid_size);
  std::copy(prefix + cid_size, prefix + peek, block.begin());
  const std::size_t have = peek - cid_size;
  if (auto s = read_exact(block.data() + have, block.size() - have, what); !s)
    return fail(s.error());
  if (auto s = verify_block(cid->first, block); !s)
    return fail(block_refused(what, start, s.error()));
  ++section_;
  return std::optional<CarBlock>(CarBlock{cid->first, std::move(block), CheckedByCarReader()});
}

Result<CheckedCar> CarReader::read_in_place(ByteView car) {
  std::size_t pos = 0;
  // A length varint at `pos`; nullopt at the end of the CAR.
  auto length = [&](const std::string& what) -> Result<std::optional<std::uint64_t>> {
    if (pos == car.size()) return std::optional<std::uint64_t>();
    std::size_t end = pos;
    while (end < car.size() && end - pos < kMaxVarintBytes && (car[end] & 0x80) != 0) ++end;
    // Cut inside a varint that could still be valid: truncated, as the streaming reader says.
    // Nine continuation bytes are too long whatever follows: read_varint says so for both.
    if (end == car.size() && end - pos < kMaxVarintBytes)
      return truncated(what + " length", car.size(), 1);
    auto n = read_varint(car, pos, (what + " length").c_str());
    if (!n) return n.error();
    return std::optional<std::uint64_t>(*n);
  };
  auto header_len = length("CAR header");
  if (!header_len) return header_len.error();
  PV_TRY(check_header_length(*header_len));
  if (car.size() - pos < **header_len)
    return truncated("the CAR header", car.size(), **header_len - (car.size() - pos));
  auto roots = decode_car_header(car.subspan(pos, **header_len));
  if (!roots) return roots.error();
  pos += **header_len;
  CheckedCar out{std::move(*roots), {}, 0, CheckedByCarReader()};
  for (std::uint64_t section = 0;; ++section) {
    const std::string what = "section " + std::to_string(section);
    const std::uint64_t start = pos;
    auto len = length(what);
    if (!len) return len.error();
    if (!*len) break;
    if (!section_length_ok(**len)) return section_length_out_of_range(what, start, **len);
    // The CID first, from the same few bytes the streaming reader peeks at, so that both
    // readers name the same fault when a section is both cut short and wrong.
    const std::size_t available = car.size() - pos;
    const std::size_t peek = std::min<std::size_t>(**len, kCidPeekBytes);
    if (available < peek) return truncated(what, car.size(), **len - available);
    auto cid = section_cid(car.subspan(pos, peek), what, start);
    if (!cid) return cid.error();
    if (available < **len) return truncated(what, car.size(), **len - available);
    const ByteView block = car.subspan(pos + cid->second, **len - cid->second);
    if (auto s = verify_block(cid->first, block); !s) return block_refused(what, start, s.error());
    out.blocks.push_back({cid->first, block});
    out.block_bytes += block.size();
    pos += **len;
  }
  return out;
}

Result<ImportResult> import_file_to_car(ByteSource& file, FileSink& car) {
  const Bytes placeholder = encode_car_header({Cid::v1(Multicodec::dag_pb, Hash32{})});
  CarWriter writer(car);
  PV_TRY(writer.write_header({Cid::v1(Multicodec::dag_pb, Hash32{})}));
  FileImporter importer(writer);
  Bytes buf(kChunkSize);
  for (;;) {
    auto n = file.read(buf.data(), buf.size());
    if (!n) return n.error();
    if (*n == 0) break;
    PV_TRY(importer.write(ByteView(buf).first(*n)));
  }
  auto result = importer.finish();
  if (!result) return result.error();
  const Bytes header = encode_car_header({result->root});
  if (header.size() != placeholder.size())
    return make_error(Errc::internal, "CAR header size changed with the root");
  PV_TRY(car.overwrite_at(0, header));
  return result;
}

Result<std::vector<Cid>> import_car(ByteSource& in, BlockSink& sink) {
  auto reader = CarReader::open(in);
  if (!reader) return reader.error();
  for (;;) {
    auto block = reader->next();
    if (!block) return block.error();
    if (!*block) break;
    PV_TRY(sink.put((*block)->cid, (*block)->bytes));
  }
  return reader->roots();
}

}  // namespace pv::content
