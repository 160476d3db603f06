# bench_concat: CReLU by the JIT's and the DSL's concatenation kernels vs the nn layer
# (RESULTS.md, concatenations section). Included by bench/CMakeLists.txt.
if(TARGET symact_jit)
  add_executable(bench_concat ${CMAKE_CURRENT_LIST_DIR}/bench_concat.cpp)
  target_link_libraries(bench_concat PRIVATE symact_jit symact_dsl symact_nn symact_flags benchmark::benchmark)
  target_compile_options(bench_concat PRIVATE -O3)
endif()
