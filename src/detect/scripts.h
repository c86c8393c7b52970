/*
 * The start scripts of a home's runtimes. The system property -DportOffset
 * overrides both carbon.xml and deployment.toml at runtime
 * (CarbonBaseActivator), so a script that sets it is where the runtime's
 * offset is really decided: the loader reads these files, the sites stage
 * finds the settings in them.
 */
#ifndef PS_DETECT_SCRIPTS_H
#define PS_DETECT_SCRIPTS_H

#include <stddef.h>

#include "detect/detect.h"

/*
 * The start scripts (.sh, .bat) of runtime `r` of `home`, relative to the
 * home, in name order, in *rels (caller frees each and the array): for the
 * main runtime those of bin/, except the ones named after an EI profile
 * (bin/broker.sh starts wso2/broker); for a profile, bin/<profile>.sh|.bat
 * and those of its own bin/ (wso2/broker/bin). A folder or a dangling link
 * named like a script is none. -1 with "not a regular file" for a FIFO, a
 * device or a socket named like one: it is never opened, so never waited on.
 */
int ps_start_scripts(char ***rels, size_t *n, const ps_home *home, size_t r, ps_error *err);

#endif
