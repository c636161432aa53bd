// Sanitizer build only (PV_SANITIZE): commits one deliberate error of the kind named by argv[1],
// so that tests/sanitizer/check_reports.cmake can check that every kind of report stops the
// process with a failure and is recorded in $PV_SANITIZER_REPORTS (src/sanitizer_hooks.cpp).
// If one of these ran to the end, scripts/test.sh --sanitize could pass with a report in it.

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace {

// The errors go through volatile values so that the optimizer keeps them.
int heap_use_after_free() {
  int* volatile cell = static_cast<int*>(std::malloc(sizeof(int)));
  *cell = 1;
  std::free(cell);
  return *cell;
}

int signed_overflow() {
  volatile int big = INT_MAX;
  int sum = big + 1;
  return sum == 0;
}

int null_to_nonnull() {
  const char* volatile empty = nullptr;
  // UBSan invalid-null-argument (nonnull-attribute): the error FileSink::write once had with an
  // empty view.
  return static_cast<int>(std::fwrite(empty, 1, 0, stdout));
}

int leak() {
  void* volatile block = std::malloc(64);
  block = nullptr;
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view kind = argc > 1 ? argv[1] : "";
  int result = 0;
  if (kind == "heap-use-after-free") {
    result = heap_use_after_free();
  } else if (kind == "signed-integer-overflow") {
    result = signed_overflow();
  } else if (kind == "invalid-null-argument") {
    result = null_to_nonnull();
  } else if (kind == "leak") {
    result = leak();
  } else {
    std::fprintf(stderr,
                 "usage: pv_sanitizer_selftest heap-use-after-free|signed-integer-overflow|"
                 "invalid-null-argument|leak\n");
    return 2;
  }
  std::printf("survived %s (%d)\n", argv[1], result);
  return 0;
}
