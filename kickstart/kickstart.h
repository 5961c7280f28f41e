/* Kickstart files: Anaconda-style commands into struct v2v_config.
 *
 * One table of commands and options (kickstart.c) drives the parser, the
 * range checks, dump-config and the option list that tests check against
 * docs/kickstart.md.
 */
#ifndef V2V_KICKSTART_H
#define V2V_KICKSTART_H

#include <stdio.h>

#include "v2v.h"

#define KS_MAX_FILE (1024 * 1024)
#define KS_MAX_LINE 4096

/* Parse text (name is used in messages) into cfg, which must be zeroed.
 * Every problem is written to errs as "NAME:LINE: message".  Returns 0,
 * or -1 if there was any problem (cfg must still be freed).
 */
extern int ks_parse_string (const char *name, const char *text, size_t len,
                            struct v2v_config *cfg, FILE *errs);
extern int ks_parse_file (const char *file, struct v2v_config *cfg,
                          FILE *errs);

/* The parsed configuration as kickstart commands (secrets masked). */
extern void ks_dump_config (const struct v2v_config *cfg, FILE *out);

/* Every command and option, one "command --option" per line. */
extern void ks_list_options (FILE *out);

#endif
