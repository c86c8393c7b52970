/*
 * libFuzzer target for the JSON reader (parse/json_read.h) and the facts
 * reader on top of it (fleet/fleet.h): whatever another host sends is read
 * or refused, never crashed on. A document read has a tree whose counts and
 * links agree; a host added resolves every one of its references.
 *
 *   tests/fuzz/run.sh [SECONDS] json
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fleet/fleet.h"
#include "parse/json_read.h"

#include "fuzz.h"

/* Every container's count is the length of its child list, each link in range. */
static void check_tree(const ps_json *doc)
{
    for (size_t i = 0; i < doc->count; i++) {
        const ps_json_node *n = &doc->nodes[i];
        size_t count = 0;
        for (const ps_json_node *c = ps_json_first(doc, n); c; c = ps_json_next(doc, c)) {
            if ((size_t)(c - doc->nodes) <= i || (size_t)(c - doc->nodes) >= doc->count)
                abort();
            count++;
        }
        if ((n->type == PS_JSON_ARRAY || n->type == PS_JSON_OBJECT) && count != n->count)
            abort();
        if ((n->type == PS_JSON_STRING || n->type == PS_JSON_NUMBER) && n->str[n->len] != '\0')
            abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static ps_catalog *cat;
    ps_error err;
    if (!cat && ps_catalog_builtin(&cat, &err) < 0)
        abort();
    /* Exactly `size` bytes on the heap, so a read past the end is caught. */
    char *buf = malloc(size ? size : 1);
    memcpy(buf, data, size);

    ps_json doc;
    if (ps_json_parse(&doc, "fuzz.json", buf, size, &err) == 0) {
        check_tree(&doc);
        ps_json_free(&doc);
    }

    ps_fleet f = PS_FLEET_INIT;
    if (ps_fleet_add(&f, "fuzz.json", buf, size, cat, &err) == 0) {
        const ps_fleet_host *h = &f.hosts[0];
        for (size_t i = 0; i < h->nrefs; i++) {
            ps_remote r;
            ps_fleet_resolve(&r, &f, SIZE_MAX, h->refs[i].host, h->refs[i].port, h->refs[i].role);
            if (r.kind == PS_REMOTE_STALE && (!r.listener || r.should != r.listener->port))
                abort();
        }
    }
    ps_fleet_free(&f);
    free(buf);
    return 0;
}
