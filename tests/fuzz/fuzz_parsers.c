/*
 * libFuzzer target for the parsers that read untrusted bytes: the XML span
 * lexer (which runs before libxml2 has judged the input), the TOML scanner,
 * the .properties and deployment.yaml line scanners and the reference
 * scanner. Any crash, leak or out-of-bounds read is a bug.
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

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
    if (ps_toml_parse(&toml, "fuzz.toml", buf, size, &err) == 0)
        ps_toml_free(&toml);

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
