#include "content/car.hpp"

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

Status CarReader::read_exact(std::uint8_t* buf, std::size_t n, const std::string& what,
                             bool* clean_eof) {
  std::size_t got = 0;
  while (got < n) {
    auto r = in_->read(buf + got, n - got);
    if (!r) return r.status();
    if (*r == 0) {
      if (clean_eof && got == 0) {
        *clean_eof = true;
        return Status::ok();
      }
      return make_error(Errc::malformed, "CAR is truncated: " + what + " ends at byte " +
                                             std::to_string(offset_ + got) + " (" +
                                             std::to_string(n - got) + " bytes missing)");
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
  if (!*len) return make_error(Errc::malformed, "CAR is empty: no header");
  if (**len == 0 || **len > kMaxCarHeaderBytes)
    return make_error(Errc::malformed, "CAR header length " + std::to_string(**len) +
                                           " is out of range (1 to 65536 bytes)");
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
  if (**len == 0 || **len > kMaxCarSectionBytes)
    return fail(make_error(Errc::malformed, "CAR " + what + " at byte " + std::to_string(start) +
                                                ": length " + std::to_string(**len) +
                                                " is out of range (1 byte to 4 MiB)"));
  Bytes section(**len);
  if (auto s = read_exact(section.data(), section.size(), what); !s) return fail(s.error());
  std::size_t pos = 0;
  auto cid = Cid::read(section, pos);
  if (!cid)
    return fail(make_error(Errc::malformed, "CAR " + what + " at byte " + std::to_string(start) +
                                                ": " + cid.error().message));
  ByteView block = ByteView(section).subspan(pos);
  if (auto s = verify_block(*cid, block); !s)
    return fail(make_error(Errc::corruption, "CAR " + what + " at byte " + std::to_string(start) +
                                                 ": " + s.error().message));
  ++section_;
  section.erase(section.begin(), section.begin() + static_cast<std::ptrdiff_t>(pos));
  return std::optional<CarBlock>(CarBlock{*cid, std::move(section), CheckedByCarReader()});
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
