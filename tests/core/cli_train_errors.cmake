# The trainer's error paths (cmake -P): each bad command line prints one line "convplay train: ..." on
# stderr, exits with status 2 and writes nothing into the --save folder.
#   cmake "-DTRAIN=path/to/convplay|train" -DDATA=<fixture data folder> -DWORK=scratch/dir -P cli_train_errors.cmake
# TRAIN is the command, '|'-separated (natively "convplay|train"; WebAssembly "node|...|convplay-train.js").
# DATA holds the four Fashion-MNIST files (the fixture's uncompressed copies, linked under the standard names).
string(REPLACE "|" ";" TRAIN "${TRAIN}")
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/save ${WORK}/init ${WORK}/data ${WORK}/bad)
set(W ${WORK})
include(${CMAKE_CURRENT_LIST_DIR}/cli_error_cases.cmake)

# expect_error(<expected stderr text> <args...>): the run fails as cli_error_cases.cmake checks and writes
# nothing into the --save folder.
function(expect_error expected)
  error_case_run("convplay train" "${expected}" ${TRAIN} ${ARGN})
  file(GLOB written ${W}/save/*)
  if(written)
    string(APPEND problems " files were written: ${written};")
  endif()
  error_case_report("train ${ARGN}")
endfunction()

# A data folder with the standard names without .gz (uncompressed copies, which the trainer takes too).
foreach(pair "train-images;train-images-idx3-ubyte" "train-labels;train-labels-idx1-ubyte"
             "test-images;t10k-images-idx3-ubyte" "test-labels;t10k-labels-idx1-ubyte")
  list(GET pair 0 from)
  list(GET pair 1 to)
  file(COPY_FILE ${DATA}/${from}.idx ${W}/data/${to})
endforeach()
file(WRITE ${W}/bad/train-images-idx3-ubyte "not a dataset")
foreach(f train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
  file(COPY_FILE ${W}/data/${f} ${W}/bad/${f})
endforeach()
file(WRITE ${W}/order_text.npy "not an npy file")
file(WRITE ${W}/init/0.weight.npy "not an npy file")

set(ok --data ${W}/data --limit 640 --save ${W}/save)
set(nodata --limit 640 --save ${W}/save)
# Options and numbers
expect_error("unknown option --colour (convplay train --help lists the options)" ${ok} --colour red)
expect_error("unexpected argument 'extra' (options start with --)" ${ok} extra)
expect_error("option --epochs needs a value" ${ok} --epochs)
expect_error("option --json takes no value (got 'maybe')" ${ok} --json=maybe)
expect_error("--epochs: 'two' is not an integer" ${ok} --epochs two)
expect_error("--epochs: '2x' is not an integer" ${ok} --epochs 2x)
expect_error("--epochs: 0 is out of range" ${ok} --epochs 0)
expect_error("--batch: '0x40' is not an integer" ${ok} --batch 0x40)
expect_error("--batch: 5000 is out of range" ${ok} --batch 5000)
expect_error("--lr: 'fast' is not a number" ${ok} --lr fast)
expect_error("--lr: '1e-3x' is not a number" ${ok} --lr 1e-3x)
expect_error("--lr: 'nan' is not a number" ${ok} --lr nan)
expect_error("--lr: -1 is out of range" ${ok} --lr -1)
expect_error("--optimizer: 'rmsprop' is not adam or sgd" ${ok} --optimizer rmsprop)
expect_error("--threads: 0 is out of range" ${ok} --threads 0)
expect_error("--limit: -5 is out of range" --data ${W}/data --save ${W}/save --limit=-5)
expect_error("option --epochs is given twice" ${ok} --epochs 1 --epochs 2)
expect_error("--lr: 0 is out of range (above 0, at most 10)" ${ok} --lr 0)
expect_error("--seed: '1.5' is not an integer" ${ok} --seed 1.5)
# Models
expect_error("model 'resnet' is not lenet5, mlp or a layer stack" ${ok} --model resnet)
expect_error("layer 3 (dense5): the network ends in 5 values" ${ok} --model flatten,dense20,dense5)
expect_error("the network has no conv or dense layer" ${ok} --model flatten)
# Files
expect_error("cannot open ${W}/nowhere/train-images-idx3-ubyte.gz" ${nodata} --data ${W}/nowhere)
expect_error("${W}/bad/train-images-idx3-ubyte and ${W}/bad/train-labels-idx1-ubyte: images: not an IDX file" --data ${W}/bad --save ${W}/save)
expect_error("--save: ${W}/nowhere is not a folder" --data ${W}/data --save ${W}/nowhere)
expect_error("--init: ${W}/nowhere is not a folder" ${ok} --init ${W}/nowhere)
expect_error("--init: " ${ok} --init ${W}/init)
expect_error("--order: " ${ok} --order ${W}/order_text.npy)
expect_error("--order: " ${ok} --order ${W}/nowhere.npy)

message(STATUS "${cases} cases, ${failures} failed")
if(failures)
  message(FATAL_ERROR "${failures} of ${cases} trainer error cases failed")
endif()
