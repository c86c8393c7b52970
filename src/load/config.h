/*
 * The config files of one runtime, read and parsed: every .xml and
 * .properties file under its config folder and under the deployment
 * folder's synapse-configs, since a literal local reference can sit in any
 * of them, deployment.toml in toml mode, and its start scripts (a
 * -DportOffset there is the offset it runs at).
 *
 * An XML file is read only as far as it must be (ps_cfile_xml): most hold no
 * port site at all (a home of API Manager 2.6 reads 47, of which about 12
 * can), and libxml2's parse is the largest cost of a run. What decides is
 * the catalog's rules and the scan for references, downstream in sites.
 */
#ifndef PS_LOAD_CONFIG_H
#define PS_LOAD_CONFIG_H

#include <stddef.h>
#include <stdint.h>

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
    char *data;     /* the bytes as read; NULL once dropped (ps_cfile_drop) */
    size_t len;
    uint64_t digest; /* of the bytes, once dropped */
    /* An XML file once lexed: its element and attribute counts, kept when
     * its bytes are dropped; a patch must keep them (the render checks). */
    int lexed;
    size_t nelems, nattrs;
    /* libxml2 found its bytes well-formed (kept when they are dropped): the
     * render need not ask again of a patch it can prove harmless. */
    int checked;
    int is_xml;     /* a .xml file */
    ps_xmldoc *xml; /* .xml files, once read past the bytes (ps_cfile_xml); NULL before */
    ps_props props; /* .properties files */
    ps_toml toml;   /* deployment.toml */
    int is_toml;
    /* A start script (PS_ROOT_BIN): plain text, read only for the
     * -DportOffset settings in it (sites/start.h). */
    int is_script;
    /* A start file outside the home the operator named (--start-file):
     * `path` as named, `rel` its absolute real path. Never under the home's
     * folders, so never among what an apply of the home sweeps. */
    int outside;
    /* Found by listing its folder, and no folder the walk listed held a
     * hidden name: its folder holds nothing an apply killed while staging
     * left (".NAME.portshift-XXXXXX"), and an apply need not list it again
     * to look (host.c, remove_staged). */
    int listed;
    /* Rendered from deployment.toml at startup: read for its listeners, never
     * edited (the config mapper would revert the edit). */
    int generated;
    ps_lines lines; /* indexed by the first lookup */
} ps_cfile;

typedef struct ps_config {
    ps_cfile *files; /* sorted by rel */
    size_t nfiles;
} ps_config;

/*
 * What one home may hold in the folders portshift reads (summed over its
 * runtimes): every name under them counts towards the entries, every config
 * file's size towards the bytes. The largest corpus tree (API Manager 4.2)
 * has under 200 entries and 1.2 MB; a gateway with thousands of synapse
 * artefacts stays far below both. A home past either is refused before any
 * of its files is read: it is not a config tree (a symlink to / or to a
 * data folder), and loading it would take the memory of the machine.
 */
#define PS_MAX_HOME_ENTRIES 50000
#define PS_MAX_HOME_BYTES ((size_t)256 << 20)

/*
 * Loads every runtime of `home` into cfgs[0 .. home->nruntimes): reads and
 * parses every file in scope, each real folder and file once (a symlink loop
 * ends, an alias of a folder or file already taken is skipped; a symlinked
 * config file is read through its link). Any file that cannot be read or is
 * not well-formed, a home over a limit above, or a folder in scope that
 * holds a home of its own (repository/conf or conf with a carbon.xml or
 * deployment.toml; not one of the home's runtimes), fails the whole load
 * with its path:line:col; cfgs then holds nothing. An XML file is only screened
 * here: one whose bytes alone call for a strict reading (a DOCTYPE, a NUL
 * byte, UTF-16) is checked now, any other when sites need it.
 */
int ps_config_load_home(ps_config *cfgs, const ps_home *home, ps_error *err);
void ps_config_free(ps_config *cfg);
/* Frees what one file of a ps_config owns (ps_config_free does it for all). */
void ps_cfile_free(ps_cfile *f);

/* Parses one buffer the way ps_config_load parses a file of that name
 * (used again on patched buffers, to verify them before writing). */
int ps_cfile_parse(ps_cfile *f, ps_error *err);
/* ps_cfile_parse, but an XML file is lexed only (its spans and counts),
 * never checked by libxml2: the caller decides whether it must be. */
int ps_cfile_lex(ps_cfile *f, ps_error *err);

/* How far an XML file is read: its spans, those checked strictly by libxml2,
 * or also its tree for XPath queries (parse/xmldoc.h). */
typedef enum ps_xml_need { PS_XML_SPANS, PS_XML_CHECKED, PS_XML_TREE } ps_xml_need;

/* Reads the XML file `f` as far as `need`, from as far as it is; -1 with
 * path:line:col when it is refused. */
int ps_cfile_xml(ps_cfile *f, ps_xml_need need, ps_error *err);

/*
 * Frees f's bytes and all that was parsed from them, keeping its names, its
 * length and a digest of the bytes. What a run keeps of a home between its
 * scan and its output is its sites; the few files it edits or quotes are
 * read again, one at a time, with ps_cfile_open.
 */
void ps_cfile_drop(ps_cfile *f);

/*
 * The file `f` as it was loaded, in `copy` (names borrowed from f, bytes its
 * own): read again when f's bytes were dropped, and refused when they are
 * not the bytes read then (the run's sites are positions in those), parsed
 * as the load parsed it, an XML file lexed too (PS_XML_SPANS). Release with
 * ps_cfile_close, which frees the bytes and all parsed from them.
 */
int ps_cfile_open(ps_cfile *copy, const ps_cfile *f, ps_error *err);
void ps_cfile_close(ps_cfile *copy);

/* A file named as `f` (names borrowed) that holds nothing yet: what
 * ps_cfile_open reads f's bytes into, and the render a patch of them. */
ps_cfile ps_cfile_twin(const ps_cfile *f);

/* The bytes alone of ps_cfile_open, NUL-terminated, in *data (caller frees). */
int ps_cfile_bytes(const ps_cfile *f, char **data, size_t *len, ps_error *err);

/*
 * Adds to `cfg` the start file `path` (named by the operator, outside the
 * home; `real` its absolute real path), whose bytes `data`/`len` were read
 * with ps_file_read: cfg takes `data`. Read like a start script
 * (sites/start.c), at the ranks above them. -1 when out of memory: cfg as
 * it was, and `data` still the caller's.
 */
int ps_config_add_start_file(ps_config *cfg, const char *path, const char *real, char *data,
                             size_t len);

const ps_cfile *ps_config_find(const ps_config *cfg, ps_root root, const char *root_rel);

#endif
