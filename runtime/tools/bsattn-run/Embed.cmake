# cmake -DIN=FILE -DOUT=FILE.inc -DNAME=NAME -P Embed.cmake: writes FILE's
# bytes as a 16-byte aligned C++ array NAME (cuModuleLoadData wants an
# aligned image; bin2c's --alignment output does not compile standalone).
file(READ ${IN} hex HEX)
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
file(WRITE ${OUT} "alignas(16) static const unsigned char ${NAME}[] = {\n"
                  "${bytes}};\n")
