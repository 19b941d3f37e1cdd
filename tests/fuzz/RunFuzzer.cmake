# Runs a libFuzzer binary for SECONDS on a scratch copy of the seed corpus; any crash, leak or
# sanitizer report fails the test (libFuzzer exits non-zero and leaves the reproducer in WORK).
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/corpus ${WORK}/artifacts)
file(GLOB seeds ${SEEDS}/*)
if(seeds)
    file(COPY ${seeds} DESTINATION ${WORK}/corpus)
endif()
execute_process(
    COMMAND ${FUZZER} -max_total_time=${SECONDS} -print_final_stats=1 -max_len=65536
            -artifact_prefix=${WORK}/artifacts/ ${WORK}/corpus
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
string(REGEX MATCH "stat::number_of_executed_units: *[0-9]+" execs "${err}")
message(STATUS "${execs}")
if(NOT rc EQUAL 0)
    message(FATAL_ERROR "fuzzer failed (exit ${rc}); reproducer in ${WORK}/artifacts\n${err}")
endif()
