# bench_softmax: the JIT's row kernels (softmax, log_softmax) vs oneDNN's softmax primitives
# (RESULTS.md, row reductions section). Included by bench/CMakeLists.txt.
find_package(dnnl CONFIG QUIET)
if(dnnl_FOUND AND TARGET symact_jit)
  add_executable(bench_softmax ${CMAKE_CURRENT_LIST_DIR}/bench_softmax.cpp)
  target_link_libraries(bench_softmax PRIVATE symact_jit symact_flags DNNL::dnnl benchmark::benchmark)
  target_compile_options(bench_softmax PRIVATE -O3)
else()
  message(STATUS "bench_softmax: oneDNN (libdnnl-dev) or the JIT not found; not built")
endif()
