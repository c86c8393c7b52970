# Turns the file IN into a C source OUT defining ps_catalog_data[] and
# ps_catalog_size (the bytes, NUL-terminated for convenience).
file(READ ${IN} hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR size "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" body "${body}")
file(WRITE ${OUT} "/* Generated from catalog/catalog.xml by cmake/embed.cmake. */\n"
  "#include <stddef.h>\n"
  "const unsigned char ps_catalog_data[] = {\n${body}0x00};\n"
  "const size_t ps_catalog_size = ${size};\n")
