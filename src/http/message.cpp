#include "http/message.hpp"

#include <algorithm>
#include <cctype>

#include "http/multipart.hpp"

namespace pv::http {

bool CaseInsensitiveLess::operator()(std::string_view a, std::string_view b) const {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](unsigned char x, unsigned char y) {
                                        return std::tolower(x) < std::tolower(y);
                                      });
}

bool ContentReader::operator()(const PartCallback& on_part, const DataCallback& on_data) const {
  auto boundary = multipart_boundary(content_type_);
  if (!boundary) return false;
  MultipartDecoder decoder(*boundary, on_part, on_data);
  bool malformed = false;
  const bool read = pull_([&](const char* data, std::size_t size) {
    if (!decoder.feed(std::string_view(data, size))) {
      malformed = true;
      return false;
    }
    return true;
  });
  return read && !malformed && decoder.finish();
}

bool Request::has_header(std::string_view name) const {
  return headers.find(std::string(name)) != headers.end();
}

std::string Request::get_header_value(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}

bool Request::has_param(std::string_view name) const {
  return params.find(std::string(name)) != params.end();
}

std::string Request::get_param_value(std::string_view name) const {
  auto it = params.find(std::string(name));
  return it == params.end() ? std::string() : it->second;
}

std::size_t Request::get_param_value_count(std::string_view name) const {
  return params.count(std::string(name));
}

bool Request::is_multipart_form_data() const {
  return multipart_boundary(get_header_value("Content-Type")).has_value();
}

void Response::set_header(std::string_view name, std::string_view value) {
  auto [first, last] = headers.equal_range(std::string(name));
  headers.erase(first, last);
  headers.emplace(std::string(name), std::string(value));
}

void Response::set_content(std::string content, std::string_view content_type) {
  body = std::move(content);
  set_header("Content-Type", content_type);
}

void Response::set_chunked_content_provider(std::string_view content_type,
                                            ChunkedProvider provider) {
  set_header("Content-Type", content_type);
  chunked_provider = std::move(provider);
}

std::string Response::get_header_value(std::string_view name) const {
  auto it = headers.find(std::string(name));
  return it == headers.end() ? std::string() : it->second;
}

}  // namespace pv::http
