# What every command-line error case checks, include()d by cli_errors.cmake and cli_train_errors.cmake:
# the run exits with status 2, prints one line "<prefix>: <expected>" on stderr and nothing on stdout.
# The including script adds its own checks of what must not be written, then calls error_case_report.
set(failures 0)
set(cases 0)

# error_case_run(<prefix> <expected> <command...>): runs the command; sets `problems` and `err` here.
function(error_case_run prefix expected)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(problems "")
  if(NOT rc EQUAL 2)
    string(APPEND problems " exit status ${rc} (expected 2);")
  endif()
  string(FIND "${err}" "${prefix}: ${expected}" at)
  if(at EQUAL -1)
    string(APPEND problems " stderr does not contain '${prefix}: ${expected}';")
  endif()
  string(REGEX MATCHALL "\n" newlines "${err}")
  list(LENGTH newlines lines)
  if(NOT lines EQUAL 1)
    string(APPEND problems " stderr has ${lines} lines (expected 1);")
  endif()
  if(NOT out STREQUAL "")
    string(APPEND problems " stdout is not empty;")
  endif()
  set(problems "${problems}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
endfunction()

# error_case_report(<what was run>): counts the case, and the failure if `problems` is not empty.
# A macro, so that called from the including script's function it counts in the script's scope.
macro(error_case_report what)
  math(EXPR cases "${cases} + 1")
  set(cases ${cases} PARENT_SCOPE)
  if(problems)
    message(SEND_ERROR "${what}:${problems}\n  stderr: ${err}")
    math(EXPR failures "${failures} + 1")
    set(failures ${failures} PARENT_SCOPE)
  else()
    message(STATUS "ok (status 2): ${err}")
  endif()
endmacro()
