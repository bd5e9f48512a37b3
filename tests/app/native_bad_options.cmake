# Bad command lines get one clear line on stderr and exit status 2, before any window opens.
foreach(args "--frames;0" "--frames;x" "--bogus" "--screenshot;a.png" "--size;10x10" "--scene;nope" "--state;{bad")
  execute_process(COMMAND ${APP} ${args} RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
  if(NOT rc EQUAL 2 OR NOT err MATCHES "^convplay_app: ")
    message(FATAL_ERROR "'${args}': expected exit 2 and a 'convplay_app: ' message, got ${rc}: ${err}")
  endif()
  message("ok '${args}' -> ${err}")
endforeach()
