#include "cli/config_dir.hpp"

#include <cstdlib>

namespace pv::cli {

std::string config_dir() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
    return std::string(xdg) + "/pv";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.config/pv";
  return ".";
}

}  // namespace pv::cli
