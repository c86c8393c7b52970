/*
 * Runtimes built in memory for the suites of the port model, the planner and
 * the host: a product, a home, a runtime at an offset and its sites, with no
 * file on disk and no CLI in between (STYLE: every stage has its own table
 * tests). Each runtime gets one config file "<runtime>.xml" (or the rel
 * given) whose sites sit on lines 1, 2, 3, ... in the order they are added.
 */
#ifndef PS_TESTS_SYNTH_H
#define PS_TESTS_SYNTH_H

#include <stddef.h>

#include "model/model.h"

typedef struct synth synth;

synth *synth_new(void);
/*
 * Adds a runtime of home `home` (runtimes of one home share its ps_home;
 * the first of a home is its main runtime, named ""), of a product with id
 * `product` and default offset `dflt`, whose files are at offset `offset`.
 * Returns its unit index.
 */
size_t synth_runtime(synth *s, const char *home, const char *runtime, const char *product,
                     long offset, long dflt);
/* The product of unit u plays `role` (key-manager, analytics, ...). */
void synth_role(synth *s, size_t u, const char *role);
/* A listener of unit u; built_in: no config entry (file NULL). Returns its site index. */
size_t synth_listener(synth *s, size_t u, long value, ps_shift shift, int active, int built_in,
                      const char *what);
/* Listener `site` of unit u is one the servers of a host share (multicast). */
void synth_shared(synth *s, size_t u, size_t site);
/* A literal local reference of unit u, with its role (or NULL) and owner="self". */
size_t synth_reference(synth *s, size_t u, long value, const char *role, int self_only);
/* Unit u is a Carbon 5 runtime (no offset setting; its ports are fixed). */
void synth_carbon5(synth *s, size_t u);
/* Unit u has no offset setting (a partial tree: no carbon.xml). */
void synth_no_offset(synth *s, size_t u);
/* The next sites of unit u are in a file rendered from deployment.toml. */
void synth_generated(synth *s, size_t u);
/* Asks for target offsets, as HOME=N and HOME/runtime=N do. */
void synth_home_target(synth *s, size_t u, long target);
void synth_target(synth *s, size_t u, long target);

/* The units, built once every runtime and site is added; owned by `s`. */
const ps_unit *synth_units(synth *s, size_t *n);
void synth_free(synth *s);

#endif
