# cmake -DOUT=file -DFILES="a;b;..." -P build_id.cmake
# Writes a header with one hash over the sources that decide what code the JIT emits, so
# the disk cache never serves an object made by a different emitter or math library.
set(all "")
foreach(f IN LISTS FILES)
  file(SHA256 "${f}" h)
  string(APPEND all "${h}")
endforeach()
string(SHA256 id "${all}")
string(SUBSTRING "${id}" 0 16 id)
set(text "#pragma once\n#define SYMACT_JIT_BUILD_ID \"${id}\"\n")
if(EXISTS "${OUT}")
  file(READ "${OUT}" old)
  if(old STREQUAL text)
    return()
  endif()
endif()
file(WRITE "${OUT}" "${text}")
