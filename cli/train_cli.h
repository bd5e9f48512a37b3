// The trainer's entry point (cli/train.cpp), shared by `convplay train` and convplay-train(.js).
#pragma once
#include <convplay/dataset.h>

// argv[0] is the program name; read_file gives a data file's uncompressed bytes.
int convplay_train_main(int argc, char** argv, const convplay::DataFileReader& read_file);
