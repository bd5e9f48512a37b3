// Catch2's main for convplay_core_tests. Random tests print their seed; replay with --rng-seed N.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
