# cmake -DCXX=... -DSRC=... -DINC=... -DOUT=... -P check_no_calls.cmake
# Compiles SRC to assembly with -O3 -march=native and symact_math's flags (no
# fast-math) and fails if any kern_ function contains a call, or has no packed
# (vectorised) ymm/zmm arithmetic.
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/scan_asm.cmake)
execute_process(
  COMMAND ${CXX} -std=c++20 -O3 -march=native -fno-math-errno -fno-thread-jumps -fno-trapping-math -S -I${INC} ${SRC} -o ${OUT}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "compiling ${SRC} failed")
endif()
scan_asm(${OUT} KERNELS "^kern_[A-Za-z0-9_]+$")
set(bad ${scan_bad})
set(packed 0)
foreach(f IN LISTS scan_kernels)
  math(EXPR packed "${packed} + ${packed_${f}}")
  if(packed_${f} LESS 2)
    list(APPEND bad "${f}: only ${packed_${f}} packed ymm/zmm instructions (not vectorised?)")
  endif()
endforeach()
if(bad)
  list(JOIN bad "\n" msg)
  message(FATAL_ERROR "calls or scalar code in symact::math loops:\n${msg}")
endif()
list(LENGTH scan_kernels nfns)
if(nfns EQUAL 0)
  message(FATAL_ERROR "no kern_ function in the assembly")
endif()
message(STATUS "${nfns} kernels, no calls; ${packed} packed vector instructions")
