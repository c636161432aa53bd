#include "cli/pseudonym_pool_file.hpp"

#include <fstream>
#include <sstream>

#include "cli/acting.hpp"
#include "cli/config_dir.hpp"
#include "crypto/sha256.hpp"
#include "codec/did_key.hpp"
#include "identity/pseudonym_pool.hpp"
#include "identity/wallet_file.hpp"

namespace pv::cli {
namespace {

// The keys the patient's DID speaks with: a did:key's own, a did:pv's active keys on the node.
Result<std::vector<PublicKey>> patient_keys(api::NodeClient& client, const std::string& did) {
  if (did.rfind("did:key:", 0) == 0) {
    auto key = public_key_from_did_key(did);
    if (!key) return key.error();
    return std::vector<PublicKey>{*key};
  }
  auto doc = resolve_did_pv_on_node(client, did);
  if (!doc) return doc.error();
  if (doc->deactivated) return make_error(Errc::forbidden, did + " is deactivated");
  std::vector<PublicKey> keys;
  for (const auto& k : doc->keys) keys.push_back(k.key);
  return keys;
}

// The pool in `path`, decoded and its signature checked against the patient's keys.
Result<PseudonymPool> read_signed_pool(api::NodeClient& client, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(Errc::not_found, "cannot read pseudonym pool " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto pool = decode_pool(text.str());
  if (!pool) return pool.error();
  auto keys = patient_keys(client, pool->patient);
  if (!keys) return keys.error();
  if (!pool_signed_by(*pool, *keys))
    return make_error(Errc::unauthorized,
                      "the pool in " + path + " is not signed by " + pool->patient +
                          ": do not use it (ask the patient for a pool from `pv pseudonym issue`)");
  return pool;
}

}  // namespace

std::string registered_pool_path(const std::string& patient_did) {
  return config_dir() + "/pools/" + sha256(as_bytes(patient_did)).hex().substr(0, 32) + ".pool";
}

Result<TakenPseudonym> import_pool(api::NodeClient& client, const std::string& pool_path,
                                   bool replace) {
  auto pool = read_signed_pool(client, pool_path);
  if (!pool) return pool.error();
  const std::string dest = registered_pool_path(pool->patient);
  std::error_code ec;
  if (std::filesystem::exists(dest, ec) && !replace) {
    auto current = read_signed_pool(client, dest);
    if (current && next_unused(*current))
      return make_error(Errc::conflict,
                        "a pool for " + pool->patient + " with unused pseudonyms is registered (" +
                            dest + "); add --replace to drop it for this one");
  }
  std::filesystem::create_directories(std::filesystem::path(dest).parent_path(), ec);
  if (ec) return make_error(Errc::io, "cannot create " + dest + ": " + ec.message());
  PV_TRY(write_identity_file_text(dest, encode_pool(*pool), /*replace=*/true));
  return TakenPseudonym{pool->patient, dest, pool->pseudonyms.size() - pool->used.size()};
}

Result<TakenPseudonym> take_pseudonym(api::NodeClient& client, const std::string& pool_path) {
  auto pool = read_signed_pool(client, pool_path);
  if (!pool) return pool.error();
  auto next = next_unused(*pool);
  if (!next) return next.error();
  pool->used.push_back(*next);
  PV_TRY(write_identity_file_text(pool_path, encode_pool(*pool), /*replace=*/true));
  return TakenPseudonym{pool->patient, *next, pool->pseudonyms.size() - pool->used.size()};
}

}  // namespace pv::cli
