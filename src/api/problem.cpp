#include "api/problem.hpp"

#include <array>
#include <string_view>

namespace pv::api {
namespace {

constexpr std::array kAllCodes = {
    Errc::invalid_argument, Errc::malformed,    Errc::non_canonical, Errc::too_large,
    Errc::bad_signature,    Errc::unauthorized, Errc::forbidden,     Errc::not_found,
    Errc::conflict,         Errc::unavailable,  Errc::corruption,    Errc::io,
    Errc::internal,
};

const char* title_for(Errc code) {
  switch (code) {
    case Errc::invalid_argument:
      return "Invalid argument";
    case Errc::malformed:
      return "Malformed input";
    case Errc::non_canonical:
      return "Non-canonical encoding";
    case Errc::too_large:
      return "Too large";
    case Errc::bad_signature:
      return "Bad signature";
    case Errc::unauthorized:
      return "Unauthorized";
    case Errc::forbidden:
      return "Forbidden";
    case Errc::not_found:
      return "Not found";
    case Errc::conflict:
      return "Conflict";
    case Errc::unavailable:
      return "Unavailable";
    case Errc::corruption:
      return "Stored data is corrupt";
    case Errc::io:
      return "Input/output failure";
    case Errc::internal:
      return "Internal error";
  }
  return "Internal error";
}

Errc errc_for_status(int status) {
  switch (status) {
    case 400:
      return Errc::invalid_argument;
    case 401:
      return Errc::unauthorized;
    case 403:
      return Errc::forbidden;
    case 404:
      return Errc::not_found;
    case 409:
      return Errc::conflict;
    case 413:
      return Errc::too_large;
    case 422:
      return Errc::bad_signature;
    case 503:
      return Errc::unavailable;
    default:
      return status >= 500 ? Errc::internal : Errc::invalid_argument;
  }
}

std::string string_member(const nlohmann::json& doc, const char* key) {
  auto it = doc.find(key);
  return it != doc.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

int http_status(Errc code) {
  switch (code) {
    case Errc::invalid_argument:
    case Errc::malformed:
    case Errc::non_canonical:
      return 400;
    case Errc::unauthorized:
      return 401;
    case Errc::forbidden:
      return 403;
    case Errc::not_found:
      return 404;
    case Errc::conflict:
      return 409;
    case Errc::too_large:
      return 413;
    // The request is well-formed but its signature does not verify: 422, never 401, because no
    // credentials are involved.
    case Errc::bad_signature:
      return 422;
    case Errc::unavailable:
      return 503;
    case Errc::corruption:
    case Errc::io:
    case Errc::internal:
      return 500;
  }
  return 500;
}

const char* status_phrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 202:
      return "Accepted";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 409:
      return "Conflict";
    case 410:
      return "Gone";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 417:
      return "Expectation Failed";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return status >= 500 ? "Server Error" : "Client Error";
  }
}

Problem problem_from_error(const Error& error) {
  Problem p;
  p.status = http_status(error.code);
  p.type = std::string(kProblemTypePrefix) + errc_name(error.code);
  p.title = title_for(error.code);
  p.detail = error.message;
  return p;
}

Problem http_problem(int status, std::string detail) {
  Problem p;
  p.status = status;
  p.title = status_phrase(status);
  p.detail = std::move(detail);
  return p;
}

nlohmann::json problem_to_json(const Problem& problem) {
  nlohmann::json j = problem.extensions.is_object() ? problem.extensions : nlohmann::json::object();
  j["type"] = problem.type;
  j["title"] = problem.title;
  j["status"] = problem.status;
  j["detail"] = problem.detail;
  return j;
}

Error error_from_problem(int status, const std::string& body) {
  Errc code = errc_for_status(status);
  auto doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_object()) {
    std::string detail = "HTTP " + std::to_string(status) + " " + status_phrase(status);
    return make_error(code, detail);
  }
  std::string type = string_member(doc, "type");
  std::string_view prefix = kProblemTypePrefix;
  if (type.size() > prefix.size() && type.compare(0, prefix.size(), prefix) == 0) {
    std::string_view name = std::string_view(type).substr(prefix.size());
    for (Errc c : kAllCodes)
      if (name == errc_name(c)) code = c;
  }
  std::string detail = string_member(doc, "detail");
  if (detail.empty()) detail = string_member(doc, "title");
  if (detail.empty())
    detail = std::string("HTTP ") + std::to_string(status) + " " + status_phrase(status);
  return make_error(code, detail);
}

}  // namespace pv::api
