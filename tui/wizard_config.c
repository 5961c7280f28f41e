/* The wizard's answers as the engine's struct v2v_config, for the quick
 * checks (v2v_check_source, v2v_list_vms, v2v_list_destination) and as
 * the base of the kickstart it writes.  The config owns copies of the
 * answers: it has one owner, and the wizard's buffers stay its own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wizard.h"

int
wizard_strdup (char **dst, const char *s)
{
  *dst = strdup (s);
  return *dst ? 0 : -1;
}

int
wizard_strdup_opt (char **dst, const char *s)
{
  *dst = NULL;
  return s[0] ? wizard_strdup (dst, s) : 0;
}

static int
source_config (const struct wizard *w, struct v2v_source *src)
{
  bool key = w->src_type == SRC_SSH && w->identity[0];

  src->type = w->src_type == SRC_SSH ? V2V_SOURCE_SSH
              : w->src_type == SRC_VSPHERE ? V2V_SOURCE_VSPHERE
              : V2V_SOURCE_HTTPS;
  if (wizard_strdup (&src->server, w->server) == -1 ||
      wizard_strdup_opt (&src->user, w->user) == -1 ||
      /* ssh with a key file: no password */
      wizard_strdup_opt (&src->password, key ? "" : w->password) == -1)
    return -1;
  if (w->src_type == SRC_SSH)
    return wizard_strdup_opt (&src->identity, w->identity) == -1 ||
      wizard_strdup (&src->known_hosts, w->known_hosts) == -1 ? -1 : 0;
  return wizard_strdup_opt (&src->thumbprint, w->thumbprint);
}

static int
dest_config (const struct wizard *w, struct v2v_destination *dest)
{
  dest->format = w->format;
  if (w->dest_type == DEST_DIR) {
    dest->type = V2V_DEST_LOCAL;
    return wizard_strdup (&dest->dir, w->dest_dir);
  }
  dest->type = V2V_DEST_LIBVIRT;
  return wizard_strdup (&dest->uri, w->uri) == -1 ||
    wizard_strdup_opt (&dest->pool, w->pool) == -1 ||
    wizard_strdup_opt (&dest->identity, w->dest_identity) == -1 ||
    wizard_strdup_opt (&dest->known_hosts, w->dest_known) == -1 ? -1 : 0;
}

/* The engine's config for the answers so far.  On success the caller
 * frees it with v2v_config_free; on -1 (out of memory, errno ENOMEM) it
 * is already freed.
 */
int
wizard_config (const struct wizard *w, struct v2v_config *cfg)
{
  memset (cfg, 0, sizeof *cfg);
  cfg->options.shutdown_source = w->shutdown_source;
  cfg->options.verify_boot = w->verify_boot;
  if (source_config (w, &cfg->source) == -1 ||
      dest_config (w, &cfg->dest) == -1 ||
      wizard_strdup_opt (&cfg->options.virtio_win, w->virtio_win) == -1 ||
      wizard_strdup_opt (&cfg->luks.key, w->luks_key) == -1) {
    v2v_config_free (cfg);
    memset (cfg, 0, sizeof *cfg);
    errno = ENOMEM;
    return -1;
  }
  return 0;
}
