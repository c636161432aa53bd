#include "http/multipart.hpp"

#include <algorithm>

namespace pv::http {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// The value of `key` among "a; key=value; b="quoted"" parameters ("" when absent).
std::string header_parameter(std::string_view header, std::string_view key) {
  std::size_t pos = header.find(';');
  while (pos != std::string_view::npos) {
    std::string_view rest = header.substr(pos + 1);
    const std::size_t eq = rest.find('=');
    if (eq == std::string_view::npos) return "";
    std::string_view name = trim(rest.substr(0, eq));
    rest = trim(rest.substr(eq + 1));
    std::string value;
    std::size_t consumed;
    if (!rest.empty() && rest.front() == '"') {
      std::size_t i = 1;
      for (; i < rest.size() && rest[i] != '"'; ++i) {
        if (rest[i] == '\\' && i + 1 < rest.size()) ++i;
        value += rest[i];
      }
      consumed = std::min(rest.size(), i + 1);
    } else {
      consumed = std::min(rest.size(), rest.find(';'));
      value = std::string(trim(rest.substr(0, consumed)));
    }
    if (lower(name) == key) return value;
    const std::size_t next = rest.find(';', consumed);
    if (next == std::string_view::npos) return "";
    pos = static_cast<std::size_t>(rest.data() - header.data()) + next;
  }
  return "";
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  const std::string type = lower(trim(content_type.substr(0, content_type.find(';'))));
  if (type != "multipart/form-data") return std::nullopt;
  std::string boundary = header_parameter(content_type, "boundary");
  if (boundary.empty() || boundary.size() > 70) return std::nullopt;
  return boundary;
}

MultipartDecoder::MultipartDecoder(std::string boundary, ContentReader::PartCallback on_part,
                                   ContentReader::DataCallback on_data)
    : delimiter_("\r\n--" + boundary), on_part_(std::move(on_part)), on_data_(std::move(on_data)) {
  // The first delimiter may open the body without the CRLF before it: pretend one was there.
  pending_ = "\r\n";
}

Status MultipartDecoder::feed(std::string_view data) {
  if (state_ == State::done) return Status::ok();  // the epilogue is ignored
  pending_.append(data);
  bool progressed = true;
  while (progressed && state_ != State::done) {
    progressed = false;
    PV_TRY(step(progressed));
  }
  if (state_ == State::headers && pending_.size() > kMaxPartHeaderBytes)
    return make_error(Errc::invalid_argument, "a multipart part's headers exceed 16 KiB");
  return Status::ok();
}

Status MultipartDecoder::step(bool& progressed) {
  switch (state_) {
    case State::preamble: {
      const std::size_t at = pending_.find(delimiter_);
      if (at == std::string::npos) {
        // Keep only what could still be the start of the delimiter.
        if (pending_.size() >= delimiter_.size())
          pending_.erase(0, pending_.size() - delimiter_.size() + 1);
        if (pending_.size() > kMaxPartHeaderBytes)
          return make_error(Errc::invalid_argument, "no multipart boundary found");
        return Status::ok();
      }
      pending_.erase(0, at + delimiter_.size());
      state_ = State::after_delimiter;
      progressed = true;
      return Status::ok();
    }
    case State::after_delimiter: {
      if (pending_.size() < 2) return Status::ok();
      if (pending_.compare(0, 2, "--") == 0) {
        state_ = State::done;
        pending_.clear();
        progressed = true;
        return Status::ok();
      }
      // Transport padding (spaces, tabs) may follow a delimiter before its CRLF.
      const std::size_t eol = pending_.find("\r\n");
      if (eol == std::string::npos) {
        if (pending_.size() > 256)
          return make_error(Errc::invalid_argument, "a multipart boundary line is malformed");
        return Status::ok();
      }
      if (!trim(std::string_view(pending_).substr(0, eol)).empty())
        return make_error(Errc::invalid_argument, "a multipart boundary line is malformed");
      pending_.erase(0, eol + 2);
      state_ = State::headers;
      progressed = true;
      return Status::ok();
    }
    case State::headers: {
      // A part without headers starts with the blank line at once.
      std::size_t end;
      std::size_t skip;
      if (pending_.compare(0, 2, "\r\n") == 0) {
        end = 0;
        skip = 2;
      } else {
        end = pending_.find("\r\n\r\n");
        if (end == std::string::npos) return Status::ok();
        skip = 4;
      }
      PV_TRY(start_part(std::string_view(pending_).substr(0, end)));
      pending_.erase(0, end + skip);
      state_ = State::data;
      progressed = true;
      return Status::ok();
    }
    case State::data: {
      const std::size_t at = pending_.find(delimiter_);
      const std::size_t safe =
          at != std::string::npos
              ? at
              : (pending_.size() >= delimiter_.size() ? pending_.size() - delimiter_.size() + 1
                                                      : 0);
      if (safe > 0 && !on_data_(pending_.data(), safe))
        {
        stopped_ = true;
        return make_error(Errc::invalid_argument, "stopped by the reader");
      }
      if (at == std::string::npos) {
        pending_.erase(0, safe);
        return Status::ok();
      }
      pending_.erase(0, at + delimiter_.size());
      state_ = State::after_delimiter;
      progressed = true;
      return Status::ok();
    }
    case State::done:
      return Status::ok();
  }
  return Status::ok();
}

Status MultipartDecoder::start_part(std::string_view header_block) {
  MultipartPart part;
  std::size_t pos = 0;
  while (pos < header_block.size()) {
    std::size_t eol = header_block.find("\r\n", pos);
    if (eol == std::string_view::npos) eol = header_block.size();
    std::string_view line = header_block.substr(pos, eol - pos);
    pos = eol + 2;
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0)
      return make_error(Errc::invalid_argument, "a multipart part header has no name");
    const std::string name = lower(trim(line.substr(0, colon)));
    std::string_view value = trim(line.substr(colon + 1));
    if (name == "content-disposition") {
      part.name = header_parameter(value, "name");
      part.filename = header_parameter(value, "filename");
    } else if (name == "content-type") {
      part.content_type = std::string(value);
    }
  }
  if (!on_part_(part)) {
    stopped_ = true;
        return make_error(Errc::invalid_argument, "stopped by the reader");
      }
  return Status::ok();
}

Status MultipartDecoder::finish() const {
  if (state_ != State::done)
    return make_error(Errc::invalid_argument,
                      "the multipart body ended before its closing boundary");
  return Status::ok();
}

}  // namespace pv::http
