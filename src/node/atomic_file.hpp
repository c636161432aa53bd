#pragma once
// Whole-file replacement that readers never see half-written.

#include <string>

#include "base/result.hpp"

namespace pv {

// Writes `text` to `path` atomically (temporary file, fsync, rename) with the given mode,
// creating missing parent directories.
[[nodiscard]] Status write_file_atomically(const std::string& path, const std::string& text,
                                           unsigned mode);

}  // namespace pv
