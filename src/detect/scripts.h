/*
 * Start scripts that hard-code -DportOffset. The system property overrides
 * both carbon.xml and deployment.toml at runtime (CarbonBaseActivator), so an
 * offset portshift sets would silently not apply.
 */
#ifndef PS_DETECT_SCRIPTS_H
#define PS_DETECT_SCRIPTS_H

#include "base/error.h"

/* Adds one warning, at path:line:col, per -DportOffset=N found in an
 * uncommented line of the home's bin/ scripts (.sh, .bat). -1 when one of
 * them cannot be read, or is a FIFO, a device or a socket (not a regular
 * file): never opened, so never waited on. */
int ps_scan_start_scripts(const char *home, ps_diags *warnings, ps_error *err);

#endif
