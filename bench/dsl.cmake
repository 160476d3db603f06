# bench_dsl: the DSL's kernels vs oneDNN eltwise vs libm loops vs streaming (RESULTS.md, DSL section).
# Included by bench/CMakeLists.txt. oneDNN: scripts/install-deps.sh bench.
find_package(dnnl CONFIG QUIET)
if(dnnl_FOUND AND TARGET symact_dsl)
  add_executable(bench_dsl ${CMAKE_CURRENT_LIST_DIR}/bench_dsl.cpp)
  target_link_libraries(bench_dsl PRIVATE symact_dsl symact_flags DNNL::dnnl benchmark::benchmark)
  target_compile_options(bench_dsl PRIVATE -O3)
else()
  message(STATUS "bench_dsl: oneDNN (libdnnl-dev) not found; not built")
endif()
