// Hooks of the ASan/UBSan/LSan runtimes, compiled into every executable of the sanitizer build
// (PV_SANITIZE, see CMakeLists.txt) and into nothing else.
//
// Invariant: any sanitizer report fails the run that caused it, whoever started the process
// (ctest, an e2e test spawning `pv node` and later killing it, a developer by hand). Two parts:
// - the default options stop the process at the first report with SIGABRT, a status no caller
//   can mistake for success;
// - every report's SUMMARY line is also appended to $PV_SANITIZER_REPORTS/report.<pid> when that
//   variable names a directory, so scripts/test.sh --sanitize fails even when the report came
//   from a child process whose exit status no test looked at.
// The runtimes read the default options before ASAN_OPTIONS, UBSAN_OPTIONS and LSAN_OPTIONS, so
// the environment can still override one of them by hand.

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" {

// detect_stack_use_after_return: references to locals that outlive their frame (handlers,
// lambdas, threads). check_initialization_order/strict_init_order: static initializers reading
// another translation unit's globals before those are constructed.
const char* __asan_default_options() {
  return "halt_on_error=1:abort_on_error=1:detect_leaks=1:detect_stack_use_after_return=1:"
         "check_initialization_order=1:strict_init_order=1:print_summary=1";
}

// The build passes -fno-sanitize-recover=undefined, so every UBSan check already stops the
// process; these add the stack trace and the SUMMARY line (GCC's runtime, combined with ASan,
// prints no UBSan summary unless print_summary is set here), and stop with SIGABRT like ASan.
const char* __ubsan_default_options() {
  return "halt_on_error=1:abort_on_error=1:print_stacktrace=1:report_error_type=1:"
         "print_summary=1";
}

// Called by every sanitizer with its one-line summary ("SUMMARY: AddressSanitizer: ...") at the
// end of a report. Prints it as the runtime's default does, then records it, with plain
// open/write/close and no allocation: the process is in the middle of a report.
void __sanitizer_report_error_summary(const char* summary) {
  const std::size_t length = std::strlen(summary);
  (void)!write(STDERR_FILENO, summary, length);
  (void)!write(STDERR_FILENO, "\n", 1);
  const char* dir = std::getenv("PV_SANITIZER_REPORTS");
  if (dir == nullptr || *dir == '\0') return;
  char path[4096];
  const int n = std::snprintf(path, sizeof path, "%s/report.%ld", dir, static_cast<long>(getpid()));
  if (n <= 0 || static_cast<std::size_t>(n) >= sizeof path) return;
  const int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) return;
  (void)!write(fd, summary, length);
  (void)!write(fd, "\ncommand: ", 10);
  // The command line, NUL-separated in /proc, written space-separated.
  const int cmdline = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
  if (cmdline >= 0) {
    char buf[1024];
    const ssize_t got = read(cmdline, buf, sizeof buf);
    for (ssize_t i = 0; i < got; ++i)
      if (buf[i] == '\0') buf[i] = ' ';
    if (got > 0) (void)!write(fd, buf, static_cast<std::size_t>(got));
    close(cmdline);
  }
  (void)!write(fd, "\n", 1);
  close(fd);
}

}  // extern "C"
