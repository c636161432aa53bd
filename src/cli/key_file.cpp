#include "cli/key_file.hpp"

#include <cstdlib>

namespace pv::cli {

std::string config_dir() {
  if (const char* xdg = std::getenv("XDG_CONFIG_HOME"); xdg && *xdg)
    return std::string(xdg) + "/pv";
  if (const char* home = std::getenv("HOME"); home && *home)
    return std::string(home) + "/.config/pv";
  return ".";
}

std::string default_key_path() {
  std::string dir = config_dir();
  return dir == "." ? "./pv-key.json" : dir + "/key.json";
}

}  // namespace pv::cli
