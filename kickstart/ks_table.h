/* Kickstart internals: the command table and the parse context, shared
 * by the parser (kickstart.c), the commands (ks_commands.c), the checks
 * (ks_validate.c), the printer (ks_print.c) and the kernel command line
 * (cmdline.c).
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
  int source_line, dest_line, after_line, options_line, log_line;
  /* the file (ctx->name then) of each of those lines, for messages */
  const char *source_file, *dest_file, *after_file, *options_file,
    *log_file, *early_disk_file;
  const char *main_name;      /* the file ks_parse_string was given */
  /* disks given before the first vm command (for files with one vm) */
  struct v2v_disk *early_disks;
  size_t nr_early_disks;
  int early_disk_line;
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
};

extern const struct ks_command ks_commands[];

/* The targets of commands whose options are collected first, then
 * checked and moved into the ks_file by the command's complete().
 */
struct ks_network { char *map; struct ks_nic nic; };
struct ks_options { struct v2v_options o; unsigned parallel; };
struct ks_log { char *file, *remote; };
struct ks_include { char *url; };

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

/* Parse more kickstart text into ctx->ks (an include, or the kernel
 * command line's commands).
 */
extern void ks_parse_text (struct ks_ctx *ctx, const char *name,
                           const char *text, size_t len);

/* Before fetching an include of url: false, with the error reported
 * once, when it would go past KS_MAX_INCLUDE_DEPTH or KS_MAX_INCLUDES;
 * after such an error every later include is refused without a word.
 */
extern bool ks_include_begin (struct ks_ctx *ctx, const char *url);

/* ks_validate.c: the checks on the whole file, after parsing. */
extern void ks_validate (struct ks_ctx *ctx);
extern bool ks_valid_ipv4 (const char *s);

#endif
