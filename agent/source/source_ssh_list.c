/* The VMs of an SSH source: its .vmx files, found over SFTP in
 * /vmfs/volumes/DS/DIR/ (ESXi's layout), each given to the
 * lister (list_vms.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>
#include <libssh/sftp.h>

#include "internal.h"

/* VMFS volume UUIDs ("5f3a9c1e-0b7d2a10-4c3e-000c29a1b2c3"): the same
 * datastores again, under their symlinked names.
 */
static bool
is_volume_uuid (const char *s)
{
  size_t i, n = strlen (s);

  if (n != 35)
    return false;
  for (i = 0; i < n; ++i)
    if (!(i == 8 || i == 17 || i == 22 ? s[i] == '-'
          : isxdigit ((unsigned char) s[i])))
      return false;
  return true;
}

typedef void (*entry_fn) (struct v2v_lister *l, const char *dir,
                          const char *name, bool is_dir, void *data);

/* fn for each entry of dir but the hidden ones, until V2V_MAX_VMS .vmx
 * files are found.
 */
static int
sftp_each (struct v2v_lister *l, const char *dir, entry_fn fn, void *data)
{
  sftp_dir d = sftp_opendir (l->run->sftp, dir);
  sftp_attributes a;

  if (d == NULL) {
    v2v_error ("%s: cannot list %s: %s", l->run->cfg->source.server, dir,
               ssh_get_error (l->run->ssh));
    return -1;
  }
  while ((a = sftp_readdir (l->run->sftp, d)) != NULL) {
    if (a->name[0] != '.' && l->found < V2V_MAX_VMS)
      fn (l, dir, a->name, a->type == SSH_FILEXFER_TYPE_DIRECTORY ||
          a->type == SSH_FILEXFER_TYPE_SYMLINK, data);
    sftp_attributes_free (a);
  }
  sftp_closedir (d);
  return 0;
}

/* An entry of /vmfs/volumes/DS/VMDIR. */
static void
vm_file (struct v2v_lister *l, const char *dir, const char *name,
         bool is_dir, void *ds)
{
  const char *vmdir = dir + strlen ("/vmfs/volumes/") + strlen (ds) + 1;

  l->file (l, ds, vmdir, name, is_dir);
}

/* An entry of /vmfs/volumes/DS: a VM's directory. */
static void
vm_dir (struct v2v_lister *l, const char *dir, const char *name,
        bool is_dir, void *ds)
{
  CLEANUP_FREE char *sub = NULL;

  if (!is_dir)
    return;
  if (asprintf (&sub, "%s/%s", dir, name) == -1) {
    sub = NULL;
    l->nomem = true;
    return;
  }
  sftp_each (l, sub, vm_file, ds);
}

/* An entry of /vmfs/volumes: a datastore. */
static void
datastore (struct v2v_lister *l, const char *dir, const char *name,
           bool is_dir, void *data)
{
  CLEANUP_FREE char *sub = NULL;

  (void) data;
  if (!is_dir || is_volume_uuid (name))
    return;
  if (asprintf (&sub, "%s/%s", dir, name) == -1) {
    sub = NULL;
    l->nomem = true;
    return;
  }
  sftp_each (l, sub, vm_dir, (void *) name);
}

int
v2v_ssh_list_vms (struct v2v_lister *l)
{
  return sftp_each (l, "/vmfs/volumes", datastore, NULL);
}
