/* The kickstart command table, shared by the parser and the printer. */
#ifndef V2V_KS_TABLE_H
#define V2V_KS_TABLE_H

#include <stddef.h>

#include "v2v.h"

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

struct ks_ctx;

struct ks_command {
  const char *name;
  const struct ks_option *options;
  /* Where this line's options go, or NULL (error reported). */
  void *(*target) (struct v2v_config *cfg, struct ks_ctx *ctx);
  /* Called after a line without errors; NULL if nothing to do. */
  int (*complete) (struct v2v_config *cfg, void *target, struct ks_ctx *ctx);
  const char *doc;
};

extern const struct ks_command ks_commands[];

#endif
