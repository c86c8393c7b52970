/*
 * The versioned options structs of the public calls: a struct's first field
 * is its version, and a version this library does not know is refused, not
 * guessed at (its fields may mean something else).
 */
#ifndef PS_API_OPTIONS_H
#define PS_API_OPTIONS_H

#include <portshift/portshift.h>

#include "base/error.h"

/* 0 when `version` is `known`; else PS_EINVALID with err naming the call. */
static inline int ps__options_version(ps_error *err, const char *fn, unsigned version,
                                      unsigned known)
{
    if (version == known)
        return 0;
    ps_error_setc(err, PS_EINVALID, NULL, 0, 0,
                  "%s: options version %u is unknown (this library knows %u)", fn, version, known);
    return PS_EINVALID;
}

#endif
