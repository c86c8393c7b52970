/*
 * Recognising a PRODUCT_HOME: which product and version it is, where its
 * runtimes keep their config, and whether carbon.xml or deployment.toml is
 * the source of truth.
 */
#ifndef PS_DETECT_DETECT_H
#define PS_DETECT_DETECT_H

#include <stddef.h>

#include "base/error.h"
#include "base/path.h"
#include "catalog/catalog.h"

typedef enum ps_mode {
    PS_MODE_XML, /* carbon.xml holds the offset (kernel 4.4 and older) */
    PS_MODE_TOML /* deployment.toml holds it; carbon.xml is generated */
} ps_mode;

/* One Carbon server inside a home (EI 6.x homes hold several). */
typedef struct ps_runtime {
    char *name;       /* "" for the home's main runtime */
    char *conf_rel;   /* config folder relative to the home: "repository/conf" */
    char *deploy_rel; /* deployment folder relative to the home */
    const ps_product *product;
    char *version; /* from the home's folder name; "" when it carries none */
    ps_mode mode;
    int carbon5; /* a Carbon 5 runtime (deployment.yaml, .yml): no offset, fixed ports */
    /* Templates the config mapper renders at startup (toml mode), relative to
     * the home, or NULL: a config file with a template here is generated. */
    char *templates_rel;
} ps_runtime;

typedef struct ps_home {
    char *path; /* as named on the command line, without trailing '/' */
    ps_mode mode;
    ps_runtime *runtimes;
    size_t nruntimes;
} ps_home;

/* Recognises the home at `path`. A folder with neither carbon.xml nor
 * deployment.toml is not a Carbon home: -1. */
int ps_detect(ps_home **out, const ps_catalog *cat, const char *path, ps_error *err);
void ps_home_free(ps_home *home);

#endif
