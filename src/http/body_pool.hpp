#pragma once
// Buffers for large request bodies, kept for the next upload: a fresh 8 MiB buffer per request
// is a new mapping (the node's mmap threshold is 256 KiB) faulted in page by page, which cost a
// quarter of the node's CPU during an upload. Two are kept, as many as `pv blob put` has in
// flight: about 2 x 16 MiB once the node has taken an upload.

#include <cstddef>
#include <string>

namespace pv::http {

// An empty string with room for `size` bytes (a recycled one when large).
std::string acquire_body_buffer(std::size_t size);
// Gives a body's buffer back for reuse (small ones are simply freed).
void recycle_body_buffer(std::string&& body);

}  // namespace pv::http
