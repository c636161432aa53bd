# Writes OUTPUT, a C++ source defining pv::api::openapi_document() (src/api/openapi_document.hpp)
# that returns the text of INPUT (docs/openapi.yaml). Run at build time by CMakeLists.txt, so an
# edit of the YAML rebuilds the node with it.
file(READ "${INPUT}" text)
set(delimiter "pv_openapi")
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw-string delimiter )${delimiter}\"")
endif()
file(WRITE "${OUTPUT}.tmp"
     "// Generated from docs/openapi.yaml by cmake/embed_openapi.cmake; do not edit.\n"
     "#include \"api/openapi_document.hpp\"\n\n"
     "namespace pv::api {\n\n"
     "std::string_view openapi_document() {\n"
     "  static constexpr char kText[] = R\"${delimiter}(${text})${delimiter}\";\n"
     "  return {kText, sizeof(kText) - 1};\n"
     "}\n\n"
     "}  // namespace pv::api\n")
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
