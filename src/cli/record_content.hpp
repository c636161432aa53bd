#pragma once
// A record's content between the client and the node: encrypted here with the
// record's data key (encryption/, docs/blob-format.md), imported into IPFS
// blocks and uploaded in signed CAR batches (cli/blob_transfer.hpp), and on the
// way back downloaded block by block (each checked against its CID), decrypted
// and checked against the record's keyed commitment before the plaintext file
// is kept. Memory stays flat whatever the file's size.

#include <filesystem>

#include "api/client.hpp"
#include "content/byte_stream.hpp"
#include "content/cid.hpp"
#include "encryption/data_key.hpp"
#include "ledger/consent_payloads.hpp"

namespace pv::cli {

struct StoredContent {
  content::Cid cid = content::Cid::v1(content::Multicodec::raw, Hash32{});
  std::uint64_t plain_size = 0, encrypted_size = 0;
  Hash32 commitment;  // identity/record_commitment.hpp over the plaintext
};

// Reads `plain` to its end, encrypting and uploading as it goes, then pins the
// root. The client must sign (the node's block routes take signed requests
// only).
[[nodiscard]] Result<StoredContent> encrypt_and_upload(api::NodeClient& client,
                                                       content::ByteSource& plain,
                                                       const DataKey& key);

// Uploads small objects (key envelopes, ledger/record_key_envelope.hpp) as raw blocks in one
// signed batch and returns their binary CIDs, in order. The node pins each when it admits the
// transaction that names it.
[[nodiscard]] Result<std::vector<Bytes>> upload_raw_blocks(api::NodeClient& client,
                                                           const std::vector<Bytes>& objects);

// A proven version-2 anchor with its keys filled from its key envelope, fetched from the node's
// gateway and checked against the CID the anchor names (so a node cannot serve other keys than
// the ledger committed to). A version-1 anchor is returned as it is.
[[nodiscard]] Result<RecordAnchor> with_fetched_keys(api::NodeClient& client, RecordAnchor anchor);

// Downloads `cid` from the node at `node_url`, decrypts it into `out` (through
// a temporary file renamed only on success) and checks the plaintext against
// `commitment`. Returns the plaintext size. Nothing is left at `out` on any
// failure.
[[nodiscard]] Result<std::uint64_t> download_and_decrypt(const std::string& node_url,
                                                         const content::Cid& cid,
                                                         const DataKey& key,
                                                         const Hash32& commitment,
                                                         const std::filesystem::path& out);

}  // namespace pv::cli
