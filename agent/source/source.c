/* The source stage's dispatch: the table of operations of the run's kind
 * of source (source_https.c, source_ssh.c, source_vsphere.c), and what the rest of the
 * engine calls, whichever protocol the source speaks.  This is the one
 * place that looks at the source type.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

const struct v2v_source_ops *
v2v_source_ops_for (enum v2v_source_type type)
{
  switch (type) {
  case V2V_SOURCE_HTTPS: return &v2v_source_https;
  case V2V_SOURCE_SSH: return &v2v_source_ssh;
  case V2V_SOURCE_VSPHERE: return &v2v_source_vsphere;
  case V2V_SOURCE_NONE: break;
  }
  return NULL;
}

/* The run's table, or NULL with the error set. */
static const struct v2v_source_ops *
ops_of (struct run *run)
{
  const struct v2v_source_ops *ops = v2v_source_ops_for
    (run->cfg->source.type);

  if (ops == NULL)
    v2v_error ("no source: give one with the source command");
  return ops;
}

int
v2v_source_connect (struct run *run)
{
  const struct v2v_source_ops *ops = ops_of (run);

  return ops ? ops->connect (run) : -1;
}

/* Safe on any run, with a source or not, connected or not. */
void
v2v_source_close (struct run *run)
{
  const struct v2v_source_ops *ops =
    run->cfg ? v2v_source_ops_for (run->cfg->source.type) : NULL;

  if (ops)
    ops->close (run);
}

int
v2v_source_probe (struct run *run)
{
  const struct v2v_source_ops *ops = ops_of (run);

  return ops ? ops->probe (run) : -1;
}

/* Read a small file from the source, whichever protocol it speaks:
 * NUL-terminated, *len bytes (caller frees), or NULL with the error set.
 */
char *
v2v_source_fetch (struct run *run, const char *path, const char *datacenter,
                  size_t max, size_t *len)
{
  const struct v2v_source_ops *ops = ops_of (run);

  return ops ? ops->get (run, path, datacenter, max, len) : NULL;
}

const char *
v2v_source_datacenter (const struct v2v_config *cfg)
{
  return cfg->vm.datacenter ? cfg->vm.datacenter : "ha-datacenter";
}
