#pragma once
// The openings of an attestation (each attribute's value and blinding factor) between the
// issuer's client and the patient's: encoded, encrypted with a fresh data key (docs/blob-format.md)
// and uploaded to the content store; the data key is sealed to the patient's key and travels in
// the attestation payload. Only the patient's wallet can open them; no node ever holds a value.
//
// Plaintext layout: "PVAO" ‖ u8 version 1 ‖ var patient ‖ u8 count ‖
//                   count × (var name ‖ u64 value (two's complement) ‖ bytes[32] blinding)

#include <string>
#include <vector>

#include "api/client.hpp"
#include "cli/acting.hpp"
#include "encryption/data_key.hpp"
#include "ledger/attestation_payloads.hpp"
#include "zk/presentation.hpp"

namespace pv::cli {

struct AttributeOpening {
  std::string name;
  std::int64_t value = 0;
  zk::Scalar blinding;
};

Bytes encode_openings(const std::string& patient, const std::vector<AttributeOpening>& openings);
[[nodiscard]] Result<std::vector<AttributeOpening>> decode_openings(const std::string& patient,
                                                                    ByteView plain);

// Encrypts and uploads the openings; returns the binary CID. The client must sign.
[[nodiscard]] Result<Bytes> upload_openings(api::NodeClient& client, const DataKey& key,
                                            const std::string& patient,
                                            const std::vector<AttributeOpening>& openings);

// Downloads, decrypts and decodes the openings of `attestation`, then checks that they open its
// commitments (in payload order); Errc::corruption when they do not.
[[nodiscard]] Result<std::vector<AttributeOpening>> fetch_openings(
    const std::string& node_url, const AttestationIssue& attestation, const Actor& patient);

// The openings as the zk prover takes them, in the attestation's attribute order.
std::vector<zk::Opening> zk_openings(const std::vector<AttributeOpening>& openings);

}  // namespace pv::cli
