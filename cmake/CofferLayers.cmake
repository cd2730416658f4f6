# Layering enforced by the build: coffer_layer(target ALLOW dir...) makes `target` depend on a
# check that every quoted #include in the target's own folder names a header under one of the
# allowed folders (its own folder is always allowed). A forbidden include fails the build with
# the file and the line, before anything compiles.
set(COFFER_LAYER_CHECK_SCRIPT ${CMAKE_CURRENT_LIST_DIR}/check_layer_includes.cmake)

function(coffer_layer target)
  cmake_parse_arguments(PARSE_ARGV 1 LAYER "" "" "ALLOW")
  file(RELATIVE_PATH own_dir ${CMAKE_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR})
  file(GLOB files CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/*.h ${CMAKE_CURRENT_SOURCE_DIR}/*.cc)
  set(stamp ${CMAKE_CURRENT_BINARY_DIR}/${target}.layer_checked)
  string(REPLACE ";" "," allowed "${own_dir};${LAYER_ALLOW}")
  string(REPLACE ";" "," file_list "${files}")
  add_custom_command(
    OUTPUT ${stamp}
    COMMAND ${CMAKE_COMMAND} -DLAYER=${own_dir} -DALLOWED=${allowed}
            -DSOURCE_ROOT=${CMAKE_SOURCE_DIR} -DFILES=${file_list} -DSTAMP=${stamp}
            -P ${COFFER_LAYER_CHECK_SCRIPT}
    DEPENDS ${files} ${COFFER_LAYER_CHECK_SCRIPT}
    COMMENT "Checking the includes of ${own_dir}"
    VERBATIM)
  add_custom_target(${target}_layer_check DEPENDS ${stamp})
  add_dependencies(${target} ${target}_layer_check)
endfunction()
