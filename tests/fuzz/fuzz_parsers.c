/*
 * libFuzzer target for the parsers that read untrusted bytes: the XML span
 * lexer (which runs before libxml2 has judged the input), the TOML reader
 * (every integer it accepts is rewritten in its own form and must read back),
 * the .properties and deployment.yaml line scanners and the reference
 * scanner. Any crash, leak, out-of-bounds read or abort is a bug.
 *
 *   tests/fuzz/run.sh [SECONDS]
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "parse/props.h"
#include "parse/toml.h"
#include "parse/xmldoc.h"
#include "sites/refscan.h"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* Exactly `size` bytes on the heap, so a read past the end is caught. */
    char *buf = malloc(size ? size : 1);
    memcpy(buf, data, size);
    ps_error err;

    ps_xmldoc *doc = NULL;
    if (ps_xmldoc_parse(&doc, "fuzz.xml", buf, size, &err) == 0) {
        ps_xhit *hits;
        size_t n;
        if (ps_xmldoc_select(doc, "//*/@port | //Offset", &hits, &n, &err) == 0)
            free(hits);
        ps_xmldoc_free(doc);
    }

    ps_toml toml;
    if (ps_toml_parse(&toml, "fuzz.toml", buf, size, &err) == 0) {
        for (size_t i = 0; i < toml.nnodes; i++) {
            const ps_toml_node *n = &toml.nodes[i];
            if (n->type != PS_TOML_INTEGER || n->integer < 0)
                continue;
            const char *s = buf + n->value.start;
            size_t len = n->value.end - n->value.start;
            int64_t v;
            char *again = ps_toml_int_format(s, len, n->integer / 2);
            if (ps_toml_int(again, strlen(again), &v) < 0 || v != n->integer / 2)
                abort();
            free(again);
        }
        ps_toml_free(&toml);
    }

    ps_props props;
    ps_props_parse(&props, buf, size);
    ps_props_free(&props);
    ps_props_parse_yaml(&props, buf, size);
    ps_props_free(&props);

    ps_refhit *hits = NULL;
    size_t n = 0, cap = 0;
    char *extra[] = {"wso2.example.org"};
    ps_refscan(buf, 0, size, extra, 1, &hits, &n, &cap);
    for (size_t i = 0; i < n; i++)
        if (hits[i].start > hits[i].end || hits[i].end > size)
            abort();
    free(hits);
    free(buf);
    return 0;
}
