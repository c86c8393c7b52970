/*
 * The config files of one runtime, read and parsed: every .xml and
 * .properties file under its config folder and under the deployment
 * folder's synapse-configs, since a literal local reference can sit in any
 * of them, and deployment.toml in toml mode.
 */
#ifndef PS_LOAD_CONFIG_H
#define PS_LOAD_CONFIG_H

#include <stddef.h>

#include "catalog/catalog.h"
#include "detect/detect.h"
#include "parse/file.h"
#include "parse/props.h"
#include "parse/toml.h"
#include "parse/xmldoc.h"

typedef struct ps_cfile {
    char *rel;      /* relative to the home: "repository/conf/carbon.xml" */
    char *path;     /* the home path as named + rel: for messages and writing */
    ps_root root;   /* the runtime folder it was found under */
    char *root_rel; /* relative to that folder: "carbon.xml" */
    char *data;     /* the bytes as read */
    size_t len;
    ps_xmldoc *xml; /* .xml files */
    ps_props props; /* .properties files */
    ps_toml toml;   /* deployment.toml */
    int is_toml;
    /* Rendered from deployment.toml at startup: read for its listeners, never
     * edited (the config mapper would revert the edit). */
    int generated;
    ps_lines lines;
} ps_cfile;

typedef struct ps_config {
    ps_cfile *files; /* sorted by rel */
    size_t nfiles;
} ps_config;

/* Reads and parses every file in scope; any file that cannot be read or is
 * not well-formed fails the whole load with its path:line:col. */
int ps_config_load(ps_config *cfg, const ps_home *home, const ps_runtime *rt, ps_error *err);
void ps_config_free(ps_config *cfg);

/* Parses one buffer the way ps_config_load parses a file of that name
 * (used again on patched buffers, to verify them before writing). */
int ps_cfile_parse(ps_cfile *f, ps_error *err);

const ps_cfile *ps_config_find(const ps_config *cfg, ps_root root, const char *root_rel);

#endif
