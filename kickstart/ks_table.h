/* Kickstart internals: the command table and the parse context, shared
 * by the parser (kickstart.c), the commands (ks_commands.c), the checks
 * (ks_validate.c), the printer (ks_print.c) and the kernel command line
 * (cmdline.c).  Calls go one way: the parser calls the commands and the
 * checks; all of them report through ks_diag.c, which calls none.
 */
#ifndef V2V_KS_TABLE_H
#define V2V_KS_TABLE_H

#include <stddef.h>
#include <stdio.h>

#include "kickstart.h"

enum ks_type { KS_STRING, KS_UINT, KS_ENUM, KS_FLAG };

struct ks_option {
  const char *name;           /* without the leading -- */
  enum ks_type type;
  size_t offset;              /* of the field in the command's target */
  const char *const *choices; /* KS_ENUM: names indexed by value; "" unused */
  unsigned min, max;          /* KS_UINT */
  const char *metavar;
  const char *doc;
};

/* The targets of commands whose options are collected first (in the
 * parse context's scratch), then checked and moved into the ks_file by
 * the command's complete().
 */
struct ks_network { char *map; struct ks_nic nic; };
struct ks_options { struct v2v_options o; unsigned parallel; };
struct ks_log { char *file, *remote; };
struct ks_include { char *url; };

struct ks_ctx {
  const char *name;           /* file or URL being read */
  int line, col;              /* where the current word is (col 0: none) */
  int errors;
  FILE *errs;
  struct ks_file *ks;
  const struct ks_parse_opts *opts;
  int depth;                  /* include nesting */
  unsigned nr_included;       /* include commands fetched (or refused) */
  size_t included_bytes;      /* their text, in all */
  bool include_stop;          /* an include limit was hit: no more */
  int source_line, dest_line, after_line, options_line, log_line, luks_line;
  /* the file (ctx->name then) of each of those lines, for messages */
  const char *source_file, *dest_file, *after_file, *options_file,
    *log_file, *early_disk_file, *luks_file;
  const char *main_name;      /* the file ks_parse_string was given */
  /* disks given before the first vm command (for files with one vm) */
  struct v2v_disk *early_disks;
  size_t nr_early_disks;
  int early_disk_line;
  /* One line's options, for the commands that check them first. */
  struct {
    struct ks_network network;
    struct ks_options options;
    struct ks_log log;
    struct ks_include include;
  } scratch;
  /* include: the URL its line gave, for the parser to fetch and read
   * once the line is done (it owns it then).
   */
  char *include_url;
  /* The capacity of each array the parse grows (common/vector.h): the
   * ks_file's, the early disks', the last vm's disks, and the netmaps
   * of the last vm (or, before the first, of the base).
   */
  size_t cap_vms, cap_nics, cap_includes, cap_early_disks;
  size_t cap_disks, cap_netmaps;
};

struct ks_command {
  const char *name;
  const struct ks_option *options;
  const char *positional;     /* option a bare word sets, or NULL */
  /* Where this line's options go, or NULL (error reported). */
  void *(*target) (struct ks_ctx *ctx);
  /* Called after the line's options; errors says if any were bad.  Must
   * free what a scratch target holds.  NULL if nothing to do.
   */
  void (*complete) (struct ks_ctx *ctx, void *target, bool errors);
  const char *doc;
  /* Where a struct v2v_config keeps the options (v2v_config_free and
   * v2v_config_copy walk them): not at all (KS_NOT_KEPT: they go
   * elsewhere), in the struct at config_offset (KS_KEPT; options past
   * config_size are the ks_file's, options --parallel), or in each
   * element of the array at config_offset, of count_offset elements
   * of config_size bytes (KS_KEPT_EACH).
   */
  enum { KS_NOT_KEPT = 0, KS_KEPT, KS_KEPT_EACH } kept;
  size_t config_offset, config_size, count_offset;
};

extern const struct ks_command ks_commands[];


/* ks_diag.c: a message at ctx's file, line and column. */
extern void ks_err (struct ks_ctx *ctx, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));
extern void ks_warn (struct ks_ctx *ctx, const char *fmt, ...)
  __attribute__ ((format (printf, 2, 3)));

extern const struct ks_command *ks_find_command (const char *name);
extern const struct ks_option *ks_find_option (const struct ks_command *cmd,
                                               const char *name);
extern const char *ks_suggest_command (const char *name);
extern const char *ks_suggest_option (const struct ks_command *cmd,
                                      const char *name);

/* ks_validate.c: the checks on the whole file, after parsing. */
extern void ks_validate (struct ks_ctx *ctx);

/* ks_commands.c: append one zeroed element of size bytes to an array
 * of *n elements, capacity *cap, whose pointer is at array (a struct
 * ks_vm **, ...), at most max of them (common/vector.h grows it).
 * Returns the element, or NULL with the error reported ("out of
 * memory", or too many).
 */
extern void *ks_append (struct ks_ctx *ctx, void *array, size_t *n,
                        size_t *cap, size_t size, size_t max);
/* ks_commands.c: the strings of a network line's NIC. */
extern void ks_nic_free (struct ks_nic *n);

#endif
