# Golden files: cmake -DSYMACT=<symact> -DGOLDEN=<file> -DOUT=<tmp> -DARGS=<;-list> -P golden.cmake
# Generates a header and compares it with the checked-in one, so any change of the
# generated code is a visible diff. SYMACT_UPDATE_GOLDEN=1 in the environment rewrites the
# golden file instead (then review `git diff tests/codegen/golden`).
execute_process(COMMAND ${SYMACT} gen -o ${OUT} ${ARGS} RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "symact gen failed (${rc}): ${err}")
endif()
if("$ENV{SYMACT_UPDATE_GOLDEN}" STREQUAL "1")
  file(COPY_FILE ${OUT} ${GOLDEN})
  message(STATUS "updated ${GOLDEN}")
  return()
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT} ${GOLDEN} RESULT_VARIABLE same)
if(NOT same EQUAL 0)
  execute_process(COMMAND diff -u ${GOLDEN} ${OUT})
  message(FATAL_ERROR "${OUT} differs from ${GOLDEN} (if intended: SYMACT_UPDATE_GOLDEN=1 ctest -R golden)")
endif()
