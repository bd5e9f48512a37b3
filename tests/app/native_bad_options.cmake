# Bad command lines get one clear line on stderr and exit status 2, before any window opens.
foreach(case "--frames: 0 is out of range|--frames;0" "--frames: 'x' is not an integer|--frames;x"
             "--frames: '5x' is not an integer|--frames;5x" "option --frames needs a value|--frames"
             "option --frames is given twice|--frames;1;--frames;2"
             "unknown option --bogus|--bogus" "unexpected argument 'extra'|extra" "--screenshot needs --frames N|--screenshot;a.png"
             "--size: 10x10 is smaller than 200x150|--size;10x10" "--size: '300x' has an empty number|--size;300x"
             "unknown scene 'nope'|--scene;nope" "--state: |--state;{bad" "--keys needs --frames N|--keys;Tab"
             "--keys: 'Tabb' is not a key|--frames;20;--keys;Tab,Tabb" "--keys: 'Hyper+Tab' has an unknown modifier|--frames;20;--keys;Hyper+Tab"
             "--keys: 2 keys need --frames 10 or more|--frames;9;--keys;Tab,Space")
  string(REPLACE "|" ";" args "${case}")
  list(GET args 0 expected)
  list(REMOVE_AT args 0)
  execute_process(COMMAND ${APP} ${args} RESULT_VARIABLE rc ERROR_VARIABLE err OUTPUT_QUIET)
  string(REGEX MATCHALL "\n" newlines "${err}")
  list(LENGTH newlines lines)
  string(FIND "${err}" "convplay_app: ${expected}" at)
  if(NOT rc EQUAL 2 OR NOT at EQUAL 0 OR NOT lines EQUAL 1)
    message(FATAL_ERROR "'${args}': expected exit 2 and one line 'convplay_app: ${expected}...', got ${rc}: ${err}")
  endif()
  message("ok '${args}' -> ${err}")
endforeach()
