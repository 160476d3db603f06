# bench_jit: the JIT's compile times (cold, disk-cache hit, memory-cache hit) and kernel
# speed, against muparser's bulk mode (RESULTS.md, JIT section). Included from bench/CMakeLists.txt.
if(TARGET symact_jit)
  add_executable(bench_jit ${CMAKE_CURRENT_LIST_DIR}/bench_jit.cpp)
  target_link_libraries(bench_jit PRIVATE symact_jit symact_nn benchmark::benchmark symact_flags)
  find_package(muparser CONFIG QUIET)
  if(TARGET muparser::muparser)
    target_link_libraries(bench_jit PRIVATE muparser::muparser)
    target_compile_definitions(bench_jit PRIVATE SYMACT_BENCH_MUPARSER)
  else()
    message(STATUS "bench_jit: muparser not found (scripts/install-deps.sh bench); its rows are left out")
  endif()
endif()

# bench_jit_aot: each catalog activation's JIT kernels against its compile-time kernels,
# timed alternately in one run (RESULTS.md, JIT section).
if(TARGET symact_jit AND TARGET symact_dsl_catalog)
  add_executable(bench_jit_aot ${CMAKE_CURRENT_LIST_DIR}/bench_jit_aot.cpp)
  target_link_libraries(bench_jit_aot PRIVATE symact_jit symact_dsl_catalog symact_flags)
endif()
