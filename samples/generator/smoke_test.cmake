# One generator smoke test (ctest; see CMakeLists.txt): runs smr-sample-gen
# for a scenario into a fresh folder and removes the folder afterwards, pass
# or fail, unless SMR_KEEP_TEST_OUTPUT is set (and not 0). The test checks
# only that generation succeeds; the ingest and e2e tests check the output.
#   cmake -DGEN=<smr-sample-gen> -DSCENARIO=<name> -DOUT=<folder> -P smoke_test.cmake
file(REMOVE_RECURSE "${OUT}")
execute_process(COMMAND "${GEN}" --out "${OUT}" --scenario "${SCENARIO}" RESULT_VARIABLE rc)
if("$ENV{SMR_KEEP_TEST_OUTPUT}" STREQUAL "" OR "$ENV{SMR_KEEP_TEST_OUTPUT}" STREQUAL "0")
  file(REMOVE_RECURSE "${OUT}")
else()
  message(STATUS "SMR_KEEP_TEST_OUTPUT: kept ${OUT}")
endif()
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "smr-sample-gen --scenario ${SCENARIO} failed: ${rc}")
endif()
