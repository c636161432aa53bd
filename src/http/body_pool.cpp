#include "http/body_pool.hpp"

#include <mutex>
#include <vector>

namespace pv::http {
namespace {

constexpr std::size_t kPooledBodies = 2;
constexpr std::size_t kPooledBodyMinBytes = 1u << 20;
std::mutex pool_mu;
std::vector<std::string> pool;

}  // namespace

std::string acquire_body_buffer(std::size_t size) {
  std::string text;
  if (size >= kPooledBodyMinBytes) {
    std::lock_guard lock(pool_mu);
    if (!pool.empty()) {
      text = std::move(pool.back());
      pool.pop_back();
    }
  }
  text.clear();
  text.reserve(size);
  return text;
}

void recycle_body_buffer(std::string&& body) {
  if (body.capacity() < kPooledBodyMinBytes) return;
  body.clear();
  std::lock_guard lock(pool_mu);
  if (pool.size() < kPooledBodies) pool.push_back(std::move(body));
}

}  // namespace pv::http
