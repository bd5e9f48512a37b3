// convplay-bench's main: the benchmark itself is convplay_bench.cpp (also `convplay bench` natively).
int convplay_bench_main(int argc, char** argv);

int main(int argc, char** argv) { return convplay_bench_main(argc, argv); }
