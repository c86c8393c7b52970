#include "base/json.h"

void ps_json_string(ps_strbuf *b, const char *s)
{
    if (!s) {
        ps_strbuf_puts(b, "null");
        return;
    }
    ps_strbuf_add(b, "\"", 1);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"':
            ps_strbuf_puts(b, "\\\"");
            break;
        case '\\':
            ps_strbuf_puts(b, "\\\\");
            break;
        case '\n':
            ps_strbuf_puts(b, "\\n");
            break;
        case '\r':
            ps_strbuf_puts(b, "\\r");
            break;
        case '\t':
            ps_strbuf_puts(b, "\\t");
            break;
        default:
            if (*p < 0x20)
                ps_strbuf_printf(b, "\\u%04x", *p);
            else
                ps_strbuf_add(b, p, 1);
        }
    }
    ps_strbuf_add(b, "\"", 1);
}

void ps_json_long_or_null(ps_strbuf *b, long v, int present)
{
    if (present)
        ps_strbuf_printf(b, "%ld", v);
    else
        ps_strbuf_puts(b, "null");
}
