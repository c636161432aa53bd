#pragma once
// The `pv id` subcommands (registered by add_id_commands in id_register.cpp). Each returns the
// process exit code.

#include <cstdint>
#include <string>

#include "cli/acting.hpp"

namespace pv::cli {

struct IdOptions {
  ActingOptions acting;
  std::string name;  // NAME (or DID where a command accepts one)
  std::string method = "key", node, out, file, backup;
  std::uint32_t timeout_ms = 30'000;
  bool json = false;
};

enum class LedgerOp { rotate, recover, deactivate };

int id_create(const IdOptions& o);
int id_show(const IdOptions& o);
int id_list(const IdOptions& o);
int id_ledger_op(const IdOptions& o, LedgerOp op);
int id_export(const IdOptions& o);
int id_import(const IdOptions& o);

}  // namespace pv::cli
