# mc_test_suite(name DIR dir LIBS libs...): one GoogleTest executable from every *.cpp in dir,
# each TEST registered with ctest. Integration suites get the LABEL "integration".
function(mc_test_suite name)
  cmake_parse_arguments(ARG "" "DIR;LABEL;TIMEOUT" "LIBS" ${ARGN})
  file(GLOB sources CONFIGURE_DEPENDS ${ARG_DIR}/*.cpp)
  if(NOT sources)
    return()
  endif()
  add_executable(${name} ${sources})
  mc_warnings(${name})
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gmock GTest::gtest_main)
  if(NOT ARG_LABEL)
    set(ARG_LABEL unit)
  endif()
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 120)
  endif()
  set(fixture "")
  if(ARG_LABEL STREQUAL "integration" OR ARG_LABEL STREQUAL "e2e")
    # Some integration tests stop and restart the shared PostgreSQL/Redis; the lock keeps
    # them from running beside each other (unit tests still run in parallel).
    set(fixture FIXTURES_REQUIRED infra RESOURCE_LOCK infra)
  endif()
  # One variable only: PROPERTIES is a flat name/value list, so a ";" inside a value would
  # start a new (bogus) property and drop everything after it. (The tests find the source and
  # build trees through compile definitions.)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60
    PROPERTIES LABELS ${ARG_LABEL} TIMEOUT ${ARG_TIMEOUT} ${fixture}
    ENVIRONMENT "LSAN_OPTIONS=suppressions=${PROJECT_SOURCE_DIR}/tests/lsan.supp")
endfunction()
