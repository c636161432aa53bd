#pragma once
// Errors as values: every fallible operation returns Status or Result<T>.
// Exceptions never cross a module boundary.

#include <string>
#include <utility>
#include <variant>

namespace pv {

enum class Errc {
  invalid_argument,  // caller passed something unusable (4xx)
  malformed,         // bytes do not decode
  non_canonical,     // bytes decode but are not the one canonical form
  too_large,         // over a documented size limit
  bad_signature,     // a signature does not verify
  unauthorized,      // no or bad credentials
  forbidden,         // authenticated but not allowed
  not_found,
  conflict,          // replay, stale nonce, duplicate
  unavailable,       // node refuses writes (startup check failed, shutting down)
  corruption,        // stored data failed an integrity check
  io,                // disk or network failure
  internal,          // a bug
};

const char* errc_name(Errc code);

struct Error {
  Errc code;
  std::string message;
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error e) : error_(std::move(e)), failed_(true) {}  // NOLINT: implicit by design
  static Status ok() { return Status(); }
  bool is_ok() const { return !failed_; }
  explicit operator bool() const { return !failed_; }
  const Error& error() const { return error_; }

 private:
  Error error_{Errc::internal, {}};
  bool failed_ = false;
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error e) : v_(std::move(e)) {}      // NOLINT: implicit by design
  Result(Status s) : v_(s.error()) {}        // NOLINT: only for failed statuses

  bool is_ok() const { return v_.index() == 0; }
  explicit operator bool() const { return is_ok(); }
  // REQUIRES: is_ok().
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  // REQUIRES: !is_ok().
  const Error& error() const { return std::get<1>(v_); }
  Status status() const { return is_ok() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> v_;
};

inline Error make_error(Errc code, std::string message) { return Error{code, std::move(message)}; }

}  // namespace pv

// Propagate a failed Status/Result from the current function.
#define PV_TRY(expr)                                   \
  do {                                                 \
    auto pv_try_status_ = (expr);                      \
    if (!pv_try_status_) return pv_try_status_.error(); \
  } while (0)
