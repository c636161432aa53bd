# ctest -P script (sanitizer build only): runs pv_sanitizer_selftest once per kind of error and
# fails unless the process ended with a failure status, never printed "survived", and left its
# SUMMARY line in its own PV_SANITIZER_REPORTS directory (so this test's deliberate reports never
# reach the directory scripts/test.sh --sanitize checks).
# Inputs: -DSELFTEST=<path of pv_sanitizer_selftest> -DWORK_DIR=<scratch directory>
set(expected
    "heap-use-after-free|SUMMARY: AddressSanitizer: heap-use-after-free"
    "signed-integer-overflow|SUMMARY: UndefinedBehaviorSanitizer: signed-integer-overflow"
    "invalid-null-argument|SUMMARY: UndefinedBehaviorSanitizer: invalid-null-argument"
    "leak|SUMMARY: AddressSanitizer: 64 byte\\(s\\) leaked")
foreach(entry ${expected})
  string(REPLACE "|" ";" parts "${entry}")
  list(GET parts 0 kind)
  list(GET parts 1 summary)
  set(reports ${WORK_DIR}/${kind})
  file(REMOVE_RECURSE ${reports})
  file(MAKE_DIRECTORY ${reports})
  set(ENV{PV_SANITIZER_REPORTS} ${reports})
  execute_process(COMMAND ${SELFTEST} ${kind} RESULT_VARIABLE result OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(result EQUAL 0 OR out MATCHES "survived")
    message(FATAL_ERROR "${kind}: the process did not fail (result ${result})\n${out}\n${err}")
  endif()
  file(GLOB files ${reports}/report.*)
  list(LENGTH files count)
  if(NOT count EQUAL 1)
    message(FATAL_ERROR "${kind}: expected one report file in ${reports}, found ${count}\n${err}")
  endif()
  file(READ ${files} recorded)
  if(NOT recorded MATCHES "${summary}" OR NOT recorded MATCHES "command: [^\n]*pv_sanitizer_selftest ${kind}")
    message(FATAL_ERROR "${kind}: report file does not name the error and command:\n${recorded}")
  endif()
  if(NOT err MATCHES "${summary}")
    message(FATAL_ERROR "${kind}: the SUMMARY line is missing from stderr:\n${err}")
  endif()
  message(STATUS "${kind}: failed with '${result}' and recorded: ${recorded}")
endforeach()
