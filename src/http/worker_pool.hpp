#pragma once
// The threads that run route handlers, fed through a bounded queue: when the queue is full a
// task is refused at once (the front answers 503 with Retry-After) instead of piling up.

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace pv::http {

class WorkerPool {
 public:
  WorkerPool(std::size_t threads, std::size_t queue_capacity);
  ~WorkerPool();  // finishes the queued tasks, then joins
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  // False, without running `task`, when the queue is full or the pool is stopping.
  [[nodiscard]] bool try_submit(std::function<void()> task);
  std::size_t queued() const;
  // Stops taking tasks; the queued ones still run. Idempotent.
  void stop();

 private:
  void run();
  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace pv::http
