# Writes OUT, a C++ header that holds each of FILES (in DIR) as a raw string
# literal named k_<file name, with _ for each character not a letter or
# digit>, so the emitters carry the Python runtime with them.
file(WRITE "${OUT}.tmp" "// Generated from runtime/python by EmbedFiles.cmake; do not edit.\n")
foreach(name ${FILES})
  file(READ "${DIR}/${name}" text)
  string(REGEX REPLACE "[^A-Za-z0-9]" "_" symbol "${name}")
  file(APPEND "${OUT}.tmp"
       "static constexpr llvm::StringLiteral k_${symbol} = R\"bsattnpy(${text})bsattnpy\";\n")
endforeach()
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
