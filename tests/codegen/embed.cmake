# The embed example end to end: install symact to a scratch prefix, then configure, build
# and run examples/embed against it (find_package(symact) + symact_add_kernels).
# cmake -DBUILD=<symact build> -DSRC=<symact source> -DWORK=<scratch> -P embed.cmake
file(REMOVE_RECURSE ${WORK})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
endfunction()
run(${CMAKE_COMMAND} --install ${BUILD} --prefix ${WORK}/prefix)
run(${CMAKE_COMMAND} -S ${SRC}/examples/embed -B ${WORK}/build -G Ninja -DCMAKE_BUILD_TYPE=Release
    -DCMAKE_PREFIX_PATH=${WORK}/prefix)
run(${CMAKE_COMMAND} --build ${WORK}/build -j 2)
run(${WORK}/build/embed)
