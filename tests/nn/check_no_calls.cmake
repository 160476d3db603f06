# cmake -DCXX=... -DSRC=... -DINC="a;b" -DFMT_INC=... -DOUT=... -P check_no_calls.cmake
# Compiles SRC to assembly (-O3 -march=native) and fails if a kernel (a wrapper named nn_kern_*
# or a symact::nn::detail function it reaches) contains a call, or if a wrapper and what it
# reaches has no packed zmm arithmetic (not vectorized). Allowed: the wrappers' tail jumps into
# symact::nn::detail, and memcpy where a loop is a plain copy (maxout with k = 1).
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/scan_asm.cmake)
set(incs "")
foreach(d IN LISTS INC FMT_INC)
  list(APPEND incs -I${d})
endforeach()
execute_process(COMMAND ${CXX} -std=c++20 -O3 -march=native -fno-math-errno -fno-trapping-math -S ${incs} ${SRC}
                -o ${OUT} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "compiling ${SRC} failed")
endif()
scan_asm(${OUT} KERNELS "^nn_kern_[a-z0-9_]+$" FOLLOW "^_ZN6symact2nn6detail" ALLOW "^memcpy(@PLT)?$"
         PACKED "v[a-z0-9]+(p[sd]|q|d)[ \t]+.*%zmm")
set(wrappers ${scan_kernels})
list(LENGTH wrappers nkern)
if(nkern LESS 16)
  message(FATAL_ERROR "expected 16 nn_kern_* functions in the assembly, found ${nkern}")
endif()
if(scan_bad)
  list(JOIN scan_bad "\n" msg)
  message(FATAL_ERROR "calls in nn kernels:\n${msg}")
endif()
set(report "")
foreach(n IN LISTS wrappers)
  # the generator kernels (Philox, Box-Muller) are long: a scalar loop would show only a few
  set(need 4)
  if(n MATCHES "^nn_kern_(rrelu|nh)")
    set(need 100)
  endif()
  if(packed_${n} LESS need)
    message(FATAL_ERROR "${n}: only ${packed_${n}} packed zmm instructions: not vectorized?")
  endif()
  string(APPEND report " ${n}=${packed_${n}}")
endforeach()
message(STATUS "${nkern} nn kernels, no calls; packed zmm instructions:${report}")
