# The CMake package end to end: install symact to a scratch prefix, then configure, build
# and run two consumer projects against it:
#   examples/embed      find_package(symact) + symact_add_kernels: generated headers only
#                       (the program needs neither symact nor LLVM at run time);
#   examples/embed_lib  symact::dsl (a DSL kernel) and symact::jit (C++ and C API).
# It also checks what the targets pass on: never symact's own -march=native or warnings,
# the math flags unless the consumer opts out (docs/EMBED.md, "Flags").
# cmake -DBUILD=<symact build> -DSRC=<symact source> -DWORK=<scratch> -P embed.cmake
file(REMOVE_RECURSE ${WORK})
function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGN}")
  endif()
endfunction()
run(${CMAKE_COMMAND} --install ${BUILD} --prefix ${WORK}/prefix)
foreach(f lib/cmake/symact/symactTargets.cmake include/symact/dsl.hpp include/symact/jit/jit.hpp
          include/symact/symact.h include/symact/math/all.hpp include/symact/codegen/ops.hpp)
  if(NOT EXISTS ${WORK}/prefix/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()

# The consumers get a clean environment: no hint but the prefix.
set(ENV{SYMACT_CACHE} off)
foreach(example embed embed_lib)
  run(${CMAKE_COMMAND} -S ${SRC}/examples/${example} -B ${WORK}/${example} -G Ninja
      -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH=${WORK}/prefix -DCMAKE_EXPORT_COMPILE_COMMANDS=ON)
  run(${CMAKE_COMMAND} --build ${WORK}/${example} -j 2)
endforeach()
run(${WORK}/embed/embed)
run(${WORK}/embed_lib/dsl_kernel)
run(${WORK}/embed_lib/jit_kernel)
run(${WORK}/embed_lib/jit_kernel_c)

# The header-only program links nothing of symact's or LLVM's.
execute_process(COMMAND ldd ${WORK}/embed/embed OUTPUT_VARIABLE deps RESULT_VARIABLE rc)
if(rc EQUAL 0 AND deps MATCHES "LLVM|symact")
  message(FATAL_ERROR "examples/embed depends on symact/LLVM at run time:\n${deps}")
endif()

# Compile commands: symact::dsl passes -fno-math-errno on; jit_kernel opted out of it;
# neither gets -march=native from symact (dsl_kernel asks for it itself).
file(READ ${WORK}/embed_lib/compile_commands.json cc)
string(JSON n LENGTH "${cc}")
math(EXPR last "${n} - 1")
foreach(i RANGE ${last})
  string(JSON file GET "${cc}" ${i} file)
  string(JSON cmd GET "${cc}" ${i} command)
  if(file MATCHES "dsl_kernel.cpp$" AND NOT cmd MATCHES "-fno-math-errno")
    message(FATAL_ERROR "symact::dsl did not pass its math flags: ${cmd}")
  endif()
  if(file MATCHES "jit_kernel.cpp$" AND cmd MATCHES "-fno-math-errno|-march=native")
    message(FATAL_ERROR "symact::jit leaked flags (SYMACT_NO_MATH_FLAGS is ON): ${cmd}")
  endif()
  if(file MATCHES "jit_kernel.c$" AND cmd MATCHES "-march=native")
    message(FATAL_ERROR "symact::jit leaked -march=native: ${cmd}")
  endif()
endforeach()
