# compare_xnnpack.mjs drops disturbed rounds (cmake -P): our threaded build and XNNPACK on s1 at two
# threads, three rounds, with given peaks and foreign loads instead of measured ones. Round 2's peak
# moves 25 %: the table keeps s1 from rounds 1 and 3 and says round 2 was dropped. With every round
# disturbed it prints no table and says so.
#   cmake -DBENCH_JS=<convplay-bench.js> -DSRC=<repository> -P compare_rounds.cmake
set(compare /usr/bin/node ${SRC}/bench/compare_xnnpack.mjs --threads 2 --ids s1 --reps 1 --min-sample-ms 0 --ours-mt ${BENCH_JS})
execute_process(COMMAND ${compare} --rounds 3 --assume-peaks 40,40,40,30,40,40 --assume-loads 0,0,0.2 --json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "\\| s1 \\| 2 \\| [^\n]* \\| yes \\|"
   OR NOT out MATCHES "rounds dropped, 2 thread\\(s\\): 1 of 3 rounds disturbed, dropped \\(round 2: peak moved 25 % \\(40.0 -> 30.0 GFLOP/s\\)\\)"
   OR NOT out MATCHES "\"info\":\"round\",\"threads\":2,\"round\":2,\"peak_before\":40,\"peak_after\":30,\"load\":0,[^\n]*\"disturbed\":true"
   OR NOT out MATCHES "\"info\":\"round\",\"threads\":2,\"round\":3,\"peak_before\":40,\"peak_after\":40,\"load\":0.2,[^\n]*\"disturbed\":false")
  message(FATAL_ERROR "compare_xnnpack with one disturbed round (${rc}): ${out} ${err}")
endif()
execute_process(COMMAND ${compare} --rounds 2 --assume-peaks 40,40,40,40 --assume-loads 0.9,3
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "every round was disturbed: no table" OR out MATCHES "\\| shape \\|"
   OR NOT out MATCHES "2 thread\\(s\\): every round was disturbed \\(round 1: load 0.90; round 2: load 3.00\\)")
  message(FATAL_ERROR "compare_xnnpack with every round disturbed (${rc}): ${out} ${err}")
endif()
execute_process(COMMAND ${compare} --rounds 2 --assume-peaks 40,40 RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 2 OR NOT err MATCHES "--assume-peaks: give 4 numbers \\(2 per round\\), not 2")
  message(FATAL_ERROR "compare_xnnpack with too few peaks (${rc}): ${out} ${err}")
endif()
message(STATUS "compare_xnnpack: disturbed rounds dropped and named, every round disturbed said so")
