# `cmake --install build [--prefix P]` installs symact as a CMake package: bin/symact,
# lib/cmake/symact/{symactConfig,symactConfigVersion,symact_add_kernels}.cmake and, with
# SYMACT_INSTALL_TARGETS, the headers and libraries as imported targets symact::dsl,
# symact::jit, ... (see docs/EMBED.md).
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

# The libraries need $<BUILD_INTERFACE:...>$<INSTALL_INTERFACE:include> include folders in
# their own CMakeLists.txt before they can be exported; until then only the executable and
# the function are installed.
option(SYMACT_INSTALL_TARGETS "Install the headers and libraries as exported targets" OFF)
if(SYMACT_INSTALL_TARGETS)
  set(exported)
  foreach(t symact_flags symact_math symact_core symact_dsl symact_dsl_catalog symact_jit)
    if(TARGET ${t})
      list(APPEND exported ${t})
      string(REPLACE "symact_" "" alias ${t})
      set_target_properties(${t} PROPERTIES EXPORT_NAME ${alias})
    endif()
  endforeach()
  install(TARGETS ${exported} EXPORT symactTargets
    ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR})
  foreach(dir math codegen dsl jit)
    if(EXISTS ${PROJECT_SOURCE_DIR}/${dir}/symact)
      install(DIRECTORY ${PROJECT_SOURCE_DIR}/${dir}/symact DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
    endif()
  endforeach()
  install(EXPORT symactTargets NAMESPACE symact:: DESTINATION ${SYMACT_INSTALL_CMAKEDIR})
endif()

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/symactConfig.cmake.in
  ${PROJECT_BINARY_DIR}/symactConfig.cmake
  INSTALL_DESTINATION ${SYMACT_INSTALL_CMAKEDIR}
  PATH_VARS CMAKE_INSTALL_BINDIR)
write_basic_package_version_file(${PROJECT_BINARY_DIR}/symactConfigVersion.cmake
  COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/symactConfig.cmake ${PROJECT_BINARY_DIR}/symactConfigVersion.cmake
  ${CMAKE_CURRENT_LIST_DIR}/symact_add_kernels.cmake DESTINATION ${SYMACT_INSTALL_CMAKEDIR})
