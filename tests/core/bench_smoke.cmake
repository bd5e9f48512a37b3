# The benchmark runs and says the right things (cmake -P): its outputs agree with the other
# implementations' (abssum of the shared harness' deterministic inputs, as XNNPACK and PyTorch print
# them), every row has the fields run_all.sh reads, the allocation rule holds, and bad input is one
# line on stderr with status 2.
#   cmake "-DBENCH=cmd|args" -DSRC=<repository> -DWORK=<scratch dir> -P bench_smoke.cmake
string(REPLACE "|" ";" BENCH "${BENCH}") # '|' separates the command's words (a ';' would split add_test's)
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})
set(failures 0)
function(fail message)
  message(SEND_ERROR "${message}")
  math(EXPR n "${failures} + 1")
  set(failures ${n} PARENT_SCOPE)
endfunction()

# 1. The harness' shapes and our stride/depthwise shapes, every way, a short timing.
execute_process(COMMAND ${BENCH} --shapes ${SRC}/bench/shapes.json --ids s1,s2,p2_max,p2_avg --impl direct,im2col
                        --reps 2 --min-sample-ms 0 --json
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
execute_process(COMMAND ${BENCH} --shapes ${SRC}/bench/shapes_extra.json --ids x1_s2,x2_dw --reps 2 --min-sample-ms 0 --json
                RESULT_VARIABLE rc2 OUTPUT_VARIABLE out2 ERROR_VARIABLE err2)
if(NOT rc EQUAL 0 OR NOT rc2 EQUAL 0)
  fail("the bench failed (${rc}, ${rc2}): ${err} ${err2}")
endif()
string(APPEND out "${out2}")
# shape → abssum printed by XNNPACK and PyTorch for the same inputs (../shared/perf-anchors/baseline,
# tfjs_xnnpack.cjs for the x shapes)
foreach(pair "s1|2491.196" "s2|1392.783" "p2_max|395.0937" "p2_avg|96.48724" "x1_s2|145210.6" "x2_dw|40211.05")
  string(REPLACE "|" ";" pair "${pair}")
  list(GET pair 0 shape)
  list(GET pair 1 abssum)
  string(REGEX MATCHALL "[^\n]*\"shape\":\"${shape}\"[^\n]*" rows "${out}")
  list(LENGTH rows count)
  if(count EQUAL 0)
    fail("no row for ${shape}: ${out}")
  endif()
  foreach(row IN LISTS rows)
    if(NOT row MATCHES "\"abssum\":${abssum}[,}]")
      fail("${shape}: abssum is not ${abssum}: ${row}")
    endif()
    foreach(field impl threads median_ms min_ms max_ms flop gflops peak_bytes alloc_peak_bytes)
      if(NOT row MATCHES "\"${field}\":")
        fail("${shape}: no field ${field}: ${row}")
      endif()
    endforeach()
    if(NOT row MATCHES "\"alloc_within_2x\":true")
      fail("${shape}: allocates more than twice its output plus workspace: ${row}")
    endif()
  endforeach()
endforeach()
# 1b. The harness' text form on stdin (run_all.sh --extra), as shapes_to_txt.py writes it: pooling has M 0.
file(WRITE ${WORK}/shapes.txt "s1 conv 1 1 28 28 6 5 valid 1\np2_avg avgpool 1 6 28 28 0 2 - 2\n")
execute_process(COMMAND ${BENCH} --reps 2 --min-sample-ms 0 --json INPUT_FILE ${WORK}/shapes.txt
                RESULT_VARIABLE rc3 OUTPUT_VARIABLE out3 ERROR_VARIABLE err3)
if(NOT rc3 EQUAL 0 OR NOT out3 MATCHES "\"shape\":\"s1\"[^\n]*\"abssum\":2491.196"
   OR NOT out3 MATCHES "\"shape\":\"p2_avg\"[^\n]*\"abssum\":96.48724")
  fail("the text form on stdin (${rc3}): ${out3} ${err3}")
endif()
if(NOT out MATCHES "\"impl\":\"convplay-(wasm-)?im2col\",\"shape\":\"s2\"")
  fail("--impl im2col gave no s2 row")
endif()
# 1c. s5 (64 → 64 channels, 3×3): the default impl takes Winograd, names the row after it, and its sum
# is XNNPACK's and PyTorch's to the printed digits; --impl winograd on a 5×5 layer is skipped, not an error.
execute_process(COMMAND ${BENCH} --shapes ${SRC}/bench/shapes.json --ids s5,s2 --impl fast,winograd --reps 1 --min-sample-ms 0 --json
                RESULT_VARIABLE rc4 OUTPUT_VARIABLE out4 ERROR_VARIABLE err4)
if(NOT rc4 EQUAL 0 OR NOT out4 MATCHES "\"impl\":\"convplay-(wasm-)?winograd\",\"shape\":\"s5\"[^\n]*\"abssum\":138607.1[,}]"
   OR NOT out4 MATCHES "\"shape\":\"s5\"[^\n]*\"alloc_within_2x\":true" OR NOT err4 MATCHES "s2: winograd skipped")
  fail("s5 on the Winograd path (${rc4}): ${out4} ${err4}")
endif()
# 1d. --peak: one row with a positive multiply-add rate. How fast is the benchmark's question, not a test's:
# under AddressSanitizer on a busy 2-core CI machine it measured 0.89 GFLOP/s.
execute_process(COMMAND ${BENCH} --peak --json RESULT_VARIABLE rc5 OUTPUT_VARIABLE out5 ERROR_VARIABLE err5)
if(NOT rc5 EQUAL 0 OR NOT out5 MATCHES "\"impl\":\"convplay-(wasm-)?peak\"[^\n]*\"gflops\":([0-9.e+]+),")
  fail("--peak (${rc5}): ${out5} ${err5}")
elseif(NOT CMAKE_MATCH_2 GREATER 0)
  fail("--peak measured ${CMAKE_MATCH_2} GFLOP/s: ${out5}")
endif()
# 1f. LeNet-5's training products at batch 64 (bench/shapes_train.json) through train_ops.h: each
# gradient's sum is the one bench/torch_train.py prints (torch.nn.grad, matmuls; XNNPACK for the
# forward rows); the input gradient's row is the whole backward pass less the weight gradient's.
execute_process(COMMAND ${BENCH} --shapes ${SRC}/bench/shapes_train.json --reps 1 --min-sample-ms 0 --json
                RESULT_VARIABLE rc10 OUTPUT_VARIABLE out10 ERROR_VARIABLE err10)
if(NOT rc10 EQUAL 0)
  fail("the training shapes (${rc10}): ${err10}")
endif()
foreach(pair "t_conv1_fwd|204590.1" "t_conv1_dgrad|191920.2" "t_conv1_wgrad|3760.75[89]" "t_conv2_fwd|91203.23"
             "t_conv2_dgrad|93654.19" "t_conv2_wgrad|8053.374" "t_fc1_fwd|98062.51" "t_fc1_dgrad|21940.89" "t_fc1_wgrad|10332.36"
             "t_fc2_fwd|21053.2" "t_fc2_dgrad|2088.572" "t_fc2_wgrad|9710.999" "t_fc3_fwd|1758.54" "t_fc3_dgrad|1063.214"
             "t_fc3_wgrad|378.531")
  string(REPLACE "|" ";" pair "${pair}")
  list(GET pair 0 shape)
  list(GET pair 1 abssum)
  if(NOT out10 MATCHES "\"shape\":\"${shape}\"[^\n]*\"abssum\":${abssum}[,}]")
    fail("${shape}: no row with abssum ${abssum}: ${out10}")
  endif()
endforeach()
if(NOT out10 MATCHES "\"shape\":\"t_conv2_dgrad\"[^\n]*\"kernel\":\"conv2d_backward_fast \\(input gradient\\)\"[^\n]*\"backward_ms\":[0-9.e+-]+,\"weight_gradient_ms\":[0-9.e+-]+,\"derived\":\"(backward minus|upper bound)"
   OR NOT out10 MATCHES "\"shape\":\"t_fc1_wgrad\"[^\n]*\"kernel\":\"dense_backward_fast \\(weight gradient\\)\"[^\n]*\"alloc_within_2x\":null")
  fail("the training rows' kernel and fields: ${out10}")
endif()

# 1e. The round check (bench/round_check.h) on given peaks and loads: a round is disturbed when its peak
# moved by more than 10 % or other processes kept more than 0.5 CPUs busy; exactly 10 % and 0.5 are clean.
execute_process(COMMAND ${BENCH} --shapes ${SRC}/bench/shapes.json --ids s1 --reps 1 --min-sample-ms 0 --rounds 4 --json
                        --assume-peaks 40,40,40,30,40,44,50,50 --assume-loads 0,0,0.5,0.51
                RESULT_VARIABLE rc6 OUTPUT_VARIABLE out6 ERROR_VARIABLE err6)
set(expect6 "\"bench_round\":0,[^\n]*\"peak_before\":40,\"peak_after\":40,\"load\":0,[^\n]*\"disturbed\":false"
            "\"bench_round\":1,[^\n]*\"peak_after\":30,[^\n]*\"disturbed\":true,\"why\":\"peak moved 25 %[^\n;]*\"}"
            "\"bench_round\":2,[^\n]*\"peak_after\":44,\"load\":0.5,[^\n]*\"disturbed\":false"
            "\"bench_round\":3,[^\n]*\"disturbed\":true,\"why\":\"load 0.51\"}"
            "\"shape\":\"s1\"[^\n]*\"bench_round\":0,\"disturbed\":false}"
            "\"shape\":\"s1\"[^\n]*\"bench_round\":1,\"disturbed\":true}"
            "\"info\":\"bench-rounds\",\"threads\":1,\"rounds\":4,\"dropped\":2}")
foreach(pattern IN LISTS expect6)
  if(NOT out6 MATCHES "${pattern}")
    fail("round check: no match for ${pattern} in ${out6}")
  endif()
endforeach()
if(NOT rc6 EQUAL 0 OR NOT err6 MATCHES "2 of 4 rounds disturbed, dropped: round 2: peak moved 25 %[^;]*; round 4: load 0.51")
  fail("round check summary (${rc6}): ${err6}")
endif()
# The text table: the median of the two clean rounds; when every round is disturbed it says so, no table.
execute_process(COMMAND ${BENCH} --shapes ${SRC}/bench/shapes.json --ids s1 --reps 1 --min-sample-ms 0 --rounds 4
                        --assume-peaks 40,40,40,30,40,44,50,50 --assume-loads 0,0,0.5,0.51
                RESULT_VARIABLE rc7 OUTPUT_VARIABLE out7 ERROR_VARIABLE err7)
if(NOT rc7 EQUAL 0 OR NOT out7 MATCHES "round 2 of 4: [^\n]*disturbed, peak moved 25 %"
   OR NOT out7 MATCHES "median over the 2 undisturbed round\\(s\\):\n[^\n]*\ns1 +direct +1 [^\n]*2491.196")
  fail("round check, text (${rc7}): ${out7} ${err7}")
endif()
execute_process(COMMAND ${BENCH} --shapes ${SRC}/bench/shapes.json --ids s1 --reps 1 --min-sample-ms 0 --rounds 2
                        --assume-peaks 40,20,40,40 --assume-loads 0,3
                RESULT_VARIABLE rc8 OUTPUT_VARIABLE out8 ERROR_VARIABLE err8)
if(NOT rc8 EQUAL 0 OR NOT out8 MATCHES "every round was disturbed \\(round 1: peak moved 50 %[^;]*; round 2: load 3.00\\)"
   OR out8 MATCHES "median over")
  fail("every round disturbed (${rc8}): ${out8} ${err8}")
endif()
# Measured (no numbers given): a round record with both peaks and the load (-1 only where /proc is unreadable).
execute_process(COMMAND ${BENCH} --shapes ${SRC}/bench/shapes.json --ids s1 --reps 1 --min-sample-ms 0 --json
                RESULT_VARIABLE rc9 OUTPUT_VARIABLE out9 ERROR_VARIABLE err9)
if(NOT rc9 EQUAL 0 OR NOT out9 MATCHES "\"info\":\"bench-round\",\"bench_round\":0,\"threads\":1,\"peak_before\":[0-9.e+]+,\"peak_after\":[0-9.e+]+,\"load\":[0-9.e+-]+,[^\n]*\"disturbed\":(true|false)")
  fail("measured round record (${rc9}): ${out9} ${err9}")
endif()
# --peak names the limits compare_xnnpack.mjs judges its rounds by.
if(NOT out5 MATCHES "\"peak_drift_limit\":0.1,\"load_limit\":0.5}")
  fail("--peak does not give the round check's limits: ${out5}")
endif()

# 2. Bad input: one line on stderr, status 2.
file(WRITE ${WORK}/bad_groups.json "[{\"id\":\"g\",\"op\":\"conv\",\"N\":1,\"C\":6,\"H\":8,\"W\":8,\"M\":4,\"K\":3,\"G\":4}]")
file(WRITE ${WORK}/not_json.json "this is not json")
file(WRITE ${WORK}/bad_dense.json "[{\"id\":\"d\",\"op\":\"dense\",\"N\":4,\"C\":8,\"H\":1,\"W\":1,\"M\":2,\"K\":3}]")
foreach(case "--threads: 0 is out of range \\(1 to 64\\)|--shapes;${SRC}/bench/shapes.json;--threads;0"
             "--reps: '5x' is not an integer|--shapes;${SRC}/bench/shapes.json;--reps;5x"
             "--reps: '0x5' is not an integer|--shapes;${SRC}/bench/shapes.json;--reps;0x5"
             "--min-sample-ms: '1e3ms' is not a number|--shapes;${SRC}/bench/shapes.json;--min-sample-ms;1e3ms"
             "--max-bytes: 0 is out of range|--shapes;${SRC}/bench/shapes.json;--max-bytes;0"
             "option --reps needs a value|--shapes;${SRC}/bench/shapes.json;--reps"
             "option --reps is given twice|--shapes;${SRC}/bench/shapes.json;--reps;2;--reps;3"
             "unexpected argument 'extra'|--shapes;${SRC}/bench/shapes.json;extra"
             "cannot open|--shapes;${WORK}/missing.json"
             "groups G must divide C and M|--shapes;${WORK}/bad_groups.json"
             "not_json.json|--shapes;${WORK}/not_json.json"
             "unknown option --frobnicate \\(convplay[- ]bench --help lists the options\\)|--frobnicate"
             "--impl: unknown 'winograd-f3'|--impl;winograd-f3"
             "--assume-peaks: give 4 numbers \\(before and after each of the 2 round|--shapes;${SRC}/bench/shapes.json;--rounds;2;--assume-peaks;40,40"
             "--assume-peaks: 0 is out of range|--peak;--assume-peaks;0"
             "--assume-loads: 'x' is not a number|--assume-loads;0,x"
             "--assume-loads: give one number per round \\(1\\), not 2|--shapes;${SRC}/bench/shapes.json;--assume-loads;0,0"
             "--rounds: 0 is out of range|--rounds;0"
             "d: a dense layer has H, W and K 1 and pad valid|--shapes;${WORK}/bad_dense.json")
  string(REPLACE "|" ";" case "${case}")
  list(GET case 0 expected)
  list(REMOVE_AT case 0)
  execute_process(COMMAND ${BENCH} ${case} RESULT_VARIABLE rc OUTPUT_VARIABLE o ERROR_VARIABLE e)
  string(REGEX MATCHALL "\n" newlines "${e}")
  list(LENGTH newlines lines)
  if(NOT rc EQUAL 2 OR NOT e MATCHES "${expected}" OR NOT lines EQUAL 1)
    fail("'${case}': expected status 2 and one line with '${expected}', got ${rc}: ${e}")
  endif()
endforeach()
if(failures GREATER 0)
  message(FATAL_ERROR "${failures} bench check(s) failed")
endif()
message(STATUS "bench: outputs agree with XNNPACK's and PyTorch's, allocations within 2x, bad input refused")
