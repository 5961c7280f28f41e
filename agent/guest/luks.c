/* LUKS: open the guest's encrypted devices with the operator's key before
 * inspection, and give each mapping the name the guest's /etc/crypttab
 * gives it (so that the guest's own initramfs hook, rebuilt in the
 * appliance, finds the root's crypttab entry).
 *
 * The key is read from the kickstart's luks --key-file (or --key), lives
 * in memory only for the opening, and goes to libguestfs as an API
 * argument: never argv, a log line, an event or a file.  The crypttab
 * parsing is pure and unit-tested (tests/unit/test-luks.c).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <guestfs.h>

#include "internal.h"

#define MAX_CRYPTTAB (1 << 20)

/* A device-mapper name that cryptsetup and the guest's scripts accept
 * as is: no '/', no blank, no control character, no quote.
 */
static bool
good_dm_name (const char *s, size_t n)
{
  size_t i;

  if (n == 0 || n >= V2V_DM_NAME_MAX || (n == 1 && s[0] == '.') ||
      (n == 2 && s[0] == '.' && s[1] == '.'))
    return false;
  for (i = 0; i < n; ++i)
    if (!isalnum ((unsigned char) s[i]) && !strchr ("#+-.:=@_", s[i]))
      return false;
  return true;
}

int
v2v_crypttab_entry (const char *line, char *name, size_t namelen,
                    char *source, size_t sourcelen)
{
  const char *p = line + strspn (line, " \t"), *n, *src;
  size_t nl, sl;

  if (*p == '#' || *p == '\0' || *p == '\n')
    return 0;
  n = p;
  nl = strcspn (n, " \t\n");
  src = n + nl;
  src += strspn (src, " \t");
  sl = strcspn (src, " \t\n");
  if (sl == 0 || !good_dm_name (n, nl) || nl >= namelen || sl >= sourcelen)
    return 0;
  memcpy (name, n, nl);
  name[nl] = '\0';
  memcpy (source, src, sl);
  source[sl] = '\0';
  return 1;
}

bool
v2v_crypttab_source_is (const char *source, const char *dev,
                        const char *uuid)
{
  static const char by_uuid[] = "/dev/disk/by-uuid/";
  const char *u = NULL;

  if (strcmp (source, dev) == 0)
    return true;
  /* /dev/hdX in an old guest is /dev/sdX in the appliance. */
  if (strncmp (source, "/dev/hd", 7) == 0 && strncmp (dev, "/dev/sd", 7) == 0 &&
      strcmp (source + 7, dev + 7) == 0)
    return true;
  if (strncasecmp (source, "UUID=", 5) == 0)
    u = source + 5;
  else if (strncmp (source, by_uuid, sizeof by_uuid - 1) == 0)
    u = source + sizeof by_uuid - 1;
  return u && uuid && uuid[0] && strcasecmp (u, uuid) == 0;
}

/* The LUKS devices on the disks: partitions, whole disks, LVs. */
static int
find_luks (struct run *run, struct v2v_luks_devs *devs)
{
  guestfs_h *g = run->g;
  CLEANUP_FREE_STRV char **d = guestfs_list_devices (g);
  CLEANUP_FREE_STRV char **p = guestfs_list_partitions (g);
  CLEANUP_FREE_STRV char **lv = guestfs_lvs (g);
  char **lists[3] = { d, p, lv };
  size_t l, i;

  if (d == NULL || p == NULL || lv == NULL)
    return v2v_guestfs_error (g, "list devices");
  for (l = 0; l < 3; ++l) {
    for (i = 0; lists[l][i]; ++i) {
      const char *dev = lists[l][i];
      CLEANUP_FREE char *type = NULL;
      struct v2v_luks_dev nd = { NULL, NULL, NULL };

      if (run->win.iso_device && strncmp (dev, run->win.iso_device,
                                          strlen (run->win.iso_device)) == 0)
        continue;
      type = guestfs_vfs_type (g, dev);
      if (type == NULL || strcmp (type, "crypto_LUKS") != 0)
        continue;
      nd.dev = strdup (dev);
      nd.uuid = guestfs_luks_uuid (g, dev);
      if (nd.dev == NULL || v2v_luks_devs_append (devs, nd) == -1) {
        free (nd.dev);
        free (nd.uuid);
        v2v_error ("out of memory");
        return -1;
      }
    }
  }
  return 0;
}

/* The libguestfs error, unless it quotes the key. */
static const char *
safe_error (guestfs_h *g, const char *key)
{
  const char *err = guestfs_last_error (g);

  if (err == NULL || (key[0] && strstr (err, key)))
    return "failed";
  return err;
}

static int
open_one (struct run *run, struct v2v_luks_dev *d, const char *key,
          const char *name)
{
  guestfs_h *g = run->g;

  if (guestfs_cryptsetup_open (g, d->dev, key, name, -1) == -1) {
    v2v_error ("%s: the LUKS key does not open it (%s): check luks "
               "--key-file", d->dev, safe_error (g, key));
    return -1;
  }
  free (d->name);
  d->name = strdup (name);
  if (d->name == NULL) {
    v2v_error ("out of memory");
    return -1;
  }
  return 0;
}

/* What is inside a LUKS device may be LVM (Debian's "guided encrypted
 * LVM"): its volume groups appear once it is open.
 */
static int
activate_lvm (guestfs_h *g)
{
  if (guestfs_lvm_scan (g, 1) == -1)
    return v2v_guestfs_error (g, "activate LVM inside LUKS");
  return 0;
}

int
v2v_luks_open (struct run *run, struct v2v_luks_devs *devs)
{
  const struct v2v_luks *cfg = &run->cfg->luks;
  char *key = NULL;
  size_t i;
  int ret = -1;

  if (find_luks (run, devs) == -1)
    return -1;
  if (devs->len == 0) {
    if (cfg->key_file || cfg->key)
      v2v_info (run, "no LUKS device on the disks: the luks key is not "
                "used");
    return 0;
  }
  if (!cfg->key_file && !cfg->key) {
    if (devs->len == 1)
      v2v_error ("%s is LUKS-encrypted: give its key with luks "
                 "--key-file=FILE", devs->ptr[0].dev);
    else
      v2v_error ("%s and %zu other device%s are LUKS-encrypted: give "
                 "their key with luks --key-file=FILE", devs->ptr[0].dev,
                 devs->len - 1, devs->len == 2 ? "" : "s");
    return -1;
  }
  key = cfg->key ? strdup (cfg->key)
        : v2v_read_secret_file (run, "LUKS key file", cfg->key_file);
  if (key == NULL) {
    if (cfg->key)
      v2v_error ("out of memory");
    return -1;
  }
  for (i = 0; i < devs->len; ++i) {
    struct v2v_luks_dev *d = &devs->ptr[i];
    char name[V2V_DM_NAME_MAX];

    /* Red Hat's name until the guest's crypttab says otherwise. */
    if (d->uuid && d->uuid[0] && good_dm_name (d->uuid, strlen (d->uuid)))
      snprintf (name, sizeof name, "luks-%s", d->uuid);
    else
      snprintf (name, sizeof name, "luks-%zu", i);
    if (open_one (run, d, key, name) == -1)
      goto out;
    v2v_info (run, "%s: LUKS device opened as /dev/mapper/%s", d->dev,
              d->name);
  }
  ret = activate_lvm (run->g);
 out:
  v2v_free_password (key);
  return ret;
}

/* Close dev's mapping and open it again as name; every LV is
 * deactivated around it (an LV inside would hold the mapping).
 */
static int
reopen (struct run *run, struct v2v_luks_dev *d, const char *key,
        const char *name)
{
  guestfs_h *g = run->g;
  CLEANUP_FREE char *mapper = NULL;

  if (asprintf (&mapper, "/dev/mapper/%s", d->name) == -1) {
    v2v_error ("out of memory");
    return -1;
  }
  if (guestfs_vg_activate_all (g, 0) == -1 ||
      guestfs_cryptsetup_close (g, mapper) == -1)
    return v2v_guestfs_error (g, mapper);
  if (open_one (run, d, key, name) == -1)
    return -1;
  return activate_lvm (g);
}

int
v2v_luks_use_crypttab_names (struct run *run, const char *root,
                             struct v2v_luks_devs *devs)
{
  guestfs_h *g = run->g;
  const struct v2v_luks *cfg = &run->cfg->luks;
  CLEANUP_FREE char *text = NULL;
  char *key = NULL;
  size_t size = 0, i;
  int changed = 0;
  const char *line;

  if (devs->len == 0)
    return 0;
  if (guestfs_mount_ro (g, root, "/") == -1)
    return v2v_guestfs_error (g, root);
  if (guestfs_is_file (g, "/etc/crypttab") > 0) {
    struct guestfs_statns *st = guestfs_statns (g, "/etc/crypttab");
    if (st && st->st_size <= MAX_CRYPTTAB)
      text = guestfs_read_file (g, "/etc/crypttab", &size);
    guestfs_free_statns (st);
  }
  if (guestfs_umount_all (g) == -1)
    return v2v_guestfs_error (g, "unmount");
  if (text == NULL || memchr (text, '\0', size) != NULL) {
    v2v_info (run, "the guest has no /etc/crypttab: its LUKS devices keep "
              "the names luks-UUID");
    return 0;
  }
  for (line = text; *line; ) {
    char name[V2V_DM_NAME_MAX], source[512];

    if (v2v_crypttab_entry (line, name, sizeof name, source,
                            sizeof source) == 1) {
      for (i = 0; i < devs->len; ++i) {
        struct v2v_luks_dev *d = &devs->ptr[i];

        if (!v2v_crypttab_source_is (source, d->dev, d->uuid) ||
            strcmp (d->name, name) == 0)
          continue;
        if (key == NULL)
          key = cfg->key ? strdup (cfg->key)
                : v2v_read_secret_file (run, "LUKS key file", cfg->key_file);
        if (key == NULL && cfg->key)
          v2v_error ("out of memory");
        if (key == NULL || reopen (run, d, key, name) == -1) {
          v2v_free_password (key);
          return -1;
        }
        v2v_info (run, "%s: LUKS device opened as /dev/mapper/%s, as "
                  "/etc/crypttab names it", d->dev, name);
        changed = 1;
      }
    }
    line = strchrnul (line, '\n');
    if (*line == '\n')
      line++;
  }
  v2v_free_password (key);
  return changed;
}

void
v2v_luks_free (struct v2v_luks_devs *devs)
{
  size_t i;

  for (i = 0; i < devs->len; ++i) {
    free (devs->ptr[i].dev);
    free (devs->ptr[i].uuid);
    free (devs->ptr[i].name);
  }
  v2v_luks_devs_reset (devs);
}
