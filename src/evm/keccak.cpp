#include <cryptopp/keccak.h>

#include "evm/types.hpp"

namespace pv::evm {

Bytes32 keccak256(ByteView data) {
  CryptoPP::Keccak_256 h;
  h.Update(data.data(), data.size());
  Bytes32 out;
  h.Final(out.data());
  return out;
}

}  // namespace pv::evm
