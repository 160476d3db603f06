# Generated headers compile without a warning and their loops vectorise with no call:
#   cmake -DSYMACT=<symact> -DCOMPILER=<g++|clang++|gcc|clang> -DLANG=cpp|c -DDIR=<scratch> -P no_calls.cmake
# For each case below: `symact gen` (f32 and f64 unless the case names its dtypes), a
# translation unit whose kern_* functions each run one block of the forward, backward and
# fused loops (the loop body of the array functions, force-inlined there; outside it they
# only copy a partial tail block), compiled
# at -O2 -march=native -Wall -Wextra -Wpedantic -Werror (C++17 or C99; no other flag, in
# particular not -fno-math-errno). Fails if a kern_* function calls anything or has fewer
# than 4 packed ymm/zmm instructions (not vectorised).
cmake_minimum_required(VERSION 3.25)
include(${CMAKE_CURRENT_LIST_DIR}/../cmake/scan_asm.cmake)
file(REMOVE_RECURSE ${DIR})
file(MAKE_DIRECTORY ${DIR})
# name|expression|number of parameters[|dtypes, default f32,f64]
set(cases
  "squareplus|(x + sqrt(x^2 + b))/2|1"     # sqrt of a variable (g++: the arithmetic sqrt)
  "isru|x/sqrt(1 + alpha*x^2)|1"
  "sqrt_pow|(1 + x^2)^(3/2)|0"             # u^(k/2) is a sqrt too
  "mish|x*tanh(softplus(x))|0"
  "elu|where(x > 0, x, alpha*(exp(x) - 1))|1"
  # float32 pow computes in double: an f32-only header carries the double bit casts too
  "pow_f32|abs(x)^0.75 + 2^x|0|f32"
  # noise (Threefry in 32-bit lanes, or 64-bit ones masked, for double): RReLU in training,
  # Gaussian noise (normal: log, cos, sqrt), blocks take the seed and their first index
  "rrelu|where(x >= 0, x, (lower + (upper - lower)*uniform(0))*x)|2"
  "gauss|x + sigma*normal(1)|1")
if(LANG STREQUAL "c")
  set(ext h)
  set(std -std=c99)
  set(src "#include <stddef.h>\n")
else()
  set(ext hpp)
  set(std -std=c++17)
  set(src "#include <cstddef>\n#include <cstdint>\n")
endif()
set(want 0)
foreach(case IN LISTS cases)
  string(REPLACE "|" ";" case "${case}")
  list(GET case 0 name)
  list(GET case 1 expr)
  list(GET case 2 np)
  set(dtypes f32,f64)
  list(LENGTH case nfields)
  if(nfields GREATER 3)
    list(GET case 3 dtypes)
  endif()
  set(nz_sig "")  # noise: the block's seed and first index
  set(nz_arg "")
  if(expr MATCHES "uniform\\(|normal\\(")
    if(LANG STREQUAL "c")
      set(nz_sig ", uint64_t seed, uint64_t o")
    else()
      set(nz_sig ", std::uint64_t seed, std::uint64_t o")
    endif()
    set(nz_arg ", seed, o")
  endif()
  execute_process(COMMAND ${SYMACT} gen --name=${name} --lang=${LANG} --dtype=${dtypes} -o ${DIR}/${name}.${ext} -- ${expr}
                  RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "symact gen ${name} failed: ${err}")
  endif()
  string(APPEND src "#include \"${name}.${ext}\"\n")
  foreach(T float double)
    if(T STREQUAL "float")
      set(sfx f32)
    else()
      set(sfx f64)
    endif()
    if(NOT dtypes MATCHES "${sfx}")
      continue()
    endif()
    math(EXPR want "${want} + 3")
    if(LANG STREQUAL "c")
      set(blk "${name}_block_%s_${sfx}")
      set(ex "")
    else()
      set(blk "${name}::detail::block_%s_${sfx}")
      set(ex "extern \"C\" ")
    endif()
    # Gradient lanes go to a local array, as in the array functions (a pointer there could
    # alias the data, and g++ -O2 does not vectorise loops that need an aliasing check).
    if(sfx STREQUAL "f32")
      math(EXPR nacc "${np} * 16")
    else()
      math(EXPR nacc "${np} * 8")
    endif()
    string(REPLACE "%s" forward f "${blk}")
    string(REPLACE "%s" backward b "${blk}")
    string(REPLACE "%s" fused fb "${blk}")
    if(np GREATER 0)
      set(acc "    double acc[${nacc}] = {0}, s = 0.0;\n    int i;\n")
      set(sum "    for (i = 0; i < ${nacc}; ++i) s += acc[i];\n    *dp += s;\n")
      string(APPEND src
        "${ex}void kern_${name}_f_${sfx}(const ${T}* x, ${T}* y, const ${T}* p${nz_sig}) { ${f}(x, y, p${nz_arg}); }\n"
        "${ex}void kern_${name}_b_${sfx}(const ${T}* x, const ${T}* dy, ${T}* dx, const ${T}* p, double* dp${nz_sig}) {\n"
        "${acc}    ${b}(x, dy, dx, p, acc${nz_arg});\n${sum}}\n"
        "${ex}void kern_${name}_fb_${sfx}(const ${T}* x, const ${T}* dy, ${T}* y, ${T}* dx, const ${T}* p, double* dp${nz_sig}) {\n"
        "${acc}    ${fb}(x, dy, y, dx, p, acc${nz_arg});\n${sum}}\n")
    else()
      string(APPEND src
        "${ex}void kern_${name}_f_${sfx}(const ${T}* x, ${T}* y${nz_sig}) { ${f}(x, y${nz_arg}); }\n"
        "${ex}void kern_${name}_b_${sfx}(const ${T}* x, const ${T}* dy, ${T}* dx${nz_sig}) { ${b}(x, dy, dx${nz_arg}); }\n"
        "${ex}void kern_${name}_fb_${sfx}(const ${T}* x, const ${T}* dy, ${T}* y, ${T}* dx${nz_sig}) { ${fb}(x, dy, y, dx${nz_arg}); }\n")
    endif()
  endforeach()
endforeach()
file(WRITE ${DIR}/kernels.${LANG} "${src}")
set(asm ${DIR}/kernels.s)
execute_process(COMMAND ${COMPILER} ${std} -O2 -march=native -Wall -Wextra -Wpedantic -Werror -S
                        -I${DIR} ${DIR}/kernels.${LANG} -o ${asm}
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "${COMPILER} failed on the generated headers (${LANG}):\n${err}")
endif()
scan_asm(${asm} KERNELS "^kern_[A-Za-z0-9_]+$")
set(fns ${scan_kernels})
set(bad ${scan_bad})
list(LENGTH fns nfns)
if(NOT nfns EQUAL want)
  message(FATAL_ERROR "found ${nfns} kern_ functions in ${asm}, expected ${want}")
endif()
foreach(f IN LISTS fns)
  if(packed_${f} LESS 4)
    list(APPEND bad "${f}: only ${packed_${f}} packed ymm/zmm instructions (not vectorised?)")
  endif()
endforeach()
if(bad)
  list(JOIN bad "\n" msg)
  message(FATAL_ERROR "${COMPILER} (${LANG}): calls or scalar code in generated kernels (${asm}):\n${msg}")
endif()
message(STATUS "${COMPILER} (${LANG}): ${nfns} kernels, no calls, vectorised")
