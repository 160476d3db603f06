# `cmake --install build [--prefix P]` installs symact as a CMake package: bin/symact,
# lib/cmake/symact/{symactConfig,symactConfigVersion,symact_add_kernels}.cmake and, with
# SYMACT_EXPORT_TARGETS (default ON), the headers and libraries as imported targets
# symact::dsl, symact::jit (and symact::math, symact::core) (see docs/EMBED.md).
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(SYMACT_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/symact)
if(TARGET symact)
  # The build and installed executables get the same RPATH (the shared libraries it links
  # from outside the build, e.g. LLVM's): CMake otherwise rewrites it at install time and
  # fails on the RUNPATH the linker wrote for LLVM ("could not write new RPATH").
  set_target_properties(symact PROPERTIES BUILD_WITH_INSTALL_RPATH ON INSTALL_RPATH_USE_LINK_PATH ON)
  install(TARGETS symact RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

# The libraries as exported targets (symact::dsl, symact::jit, symact::nn and what they need:
# symact::math, symact::core) with their public headers under include/. What a consumer
# gets, and what it does not (symact_flags: warnings, -march=native), is in docs/EMBED.md.
# (Named anew: build trees configured before it existed cached SYMACT_INSTALL_TARGETS=OFF.)
option(SYMACT_EXPORT_TARGETS "Install the headers and libraries as exported targets" ON)
if(SYMACT_EXPORT_TARGETS)
  set(exported)
  foreach(t symact_math symact_core symact_dsl symact_jit symact_nn)
    if(TARGET ${t})
      list(APPEND exported ${t})
      string(REPLACE "symact_" "" alias ${t})
      set_target_properties(${t} PROPERTIES EXPORT_NAME ${alias})
      add_library(symact::${alias} ALIAS ${t})  # the same names inside this build
    endif()
  endforeach()
  install(TARGETS ${exported} EXPORT symactTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  # The public headers; jit/ir_value.hpp is the JIT's LLVM-IR backend (it needs LLVM's
  # headers, which symact::jit keeps private) and stays inside the build.
  foreach(dir math codegen dsl jit nn)
    if(EXISTS ${PROJECT_SOURCE_DIR}/${dir}/symact)
      install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}/symact DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.hpp" PATTERN "*.h" PATTERN "ir_value.hpp" EXCLUDE)
    endif()
  endforeach()
  install(EXPORT symactTargets NAMESPACE symact:: DESTINATION ${SYMACT_INSTALL_CMAKEDIR})
endif()
# For the config file: whether symact::jit (and so LLVM) is exported, and the LLVM found for
# this build (Debian: /usr/lib/llvm-19/lib/cmake/llvm).
set(SYMACT_EXPORTS_JIT OFF)
if(SYMACT_EXPORT_TARGETS AND TARGET symact_jit)
  set(SYMACT_EXPORTS_JIT ON)
endif()
set(SYMACT_LLVM_DIR "${LLVM_DIR}")

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/symactConfig.cmake.in
  ${PROJECT_BINARY_DIR}/symactConfig.cmake
  INSTALL_DESTINATION ${SYMACT_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_BINDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/symactConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/symactConfig.cmake ${PROJECT_BINARY_DIR}/symactConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/symact_add_kernels.cmake DESTINATION ${SYMACT_INSTALL_CMAKEDIR})
