#pragma once
// Where the CLI keeps its files by default.

#include <string>

namespace pv::cli {

// $XDG_CONFIG_HOME/pv (or $HOME/.config/pv, or ".").
std::string config_dir();

}  // namespace pv::cli
