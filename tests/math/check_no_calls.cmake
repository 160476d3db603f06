# cmake -DCXX=... -DSRC=... -DINC=... -DOUT=... -P check_no_calls.cmake
# Compiles SRC to assembly with -O3 -march=native (no fast-math) and fails if any
# function contains a call instruction, or if no packed (vectorised) arithmetic appears.
execute_process(
  COMMAND ${CXX} -std=c++20 -O3 -march=native -fno-math-errno -S -I${INC} ${SRC} -o ${OUT}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "compiling ${SRC} failed")
endif()
file(STRINGS ${OUT} lines)
set(fn "")
set(bad "")
set(packed 0)
foreach(line IN LISTS lines)
  if(line MATCHES "^(kern_[A-Za-z0-9_]+):")
    set(fn ${CMAKE_MATCH_1})
  elseif(line MATCHES "^[ \t]+(call|jmp)[ \t]+[^.]" )
    # jmp to a symbol (not a local .L label) is a tail call
    list(APPEND bad "${fn}: ${line}")
  endif()
  if(line MATCHES "v[a-z0-9]+p[sd][ \t]+.*%[yz]mm")
    math(EXPR packed "${packed} + 1")
  endif()
endforeach()
if(bad)
  list(JOIN bad "\n" msg)
  message(FATAL_ERROR "calls in symact::math loops:\n${msg}")
endif()
if(packed LESS 100)
  message(FATAL_ERROR "only ${packed} packed ymm/zmm instructions: loops not vectorised?")
endif()
message(STATUS "no calls; ${packed} packed vector instructions")
