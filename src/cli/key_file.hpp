#pragma once
// Where the CLI keeps its files by default. The key file format itself is node/key_file.hpp.

#include <string>

#include "node/key_file.hpp"

namespace pv::cli {

// $PV_KEY is handled by the flag parser; this is the fallback:
// $XDG_CONFIG_HOME/pv/key.json, else $HOME/.config/pv/key.json, else ./pv-key.json.
std::string default_key_path();
// $XDG_CONFIG_HOME/pv (or $HOME/.config/pv, or ".").
std::string config_dir();

}  // namespace pv::cli
