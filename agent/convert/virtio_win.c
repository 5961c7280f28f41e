/* virtio-win: the Windows virtio drivers the operator provides
 * (options --virtio-win=PATH|URL), as an ISO or a directory with
 * virtio-win's layout, DRIVER/OS/ARCH/FILES (viostor/2k19/amd64/...).
 *
 * It may also be an https URL, or a datastore path "[DS] DIR/FILE.iso"
 * on the HTTPS source (fetched with the source's trust and login); never
 * plain http, and an https download follows redirects only to https.
 *
 * An ISO (or a downloaded one) is added to the appliance as a read-only
 * disk and mounted there, so nothing on the host has to read ISO 9660; a
 * directory is read on the host and uploaded.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <curl/curl.h>
#include <guestfs.h>

#include "internal.h"

/* Drivers copied into the guest when present, boot drivers first. */
static const char *const drivers[] = {
  "viostor", "vioscsi", "netkvm", "balloon", "viorng", "vioserial",
  "pvpanic", NULL
};

/* Elsewhere: the system's CAs, no login. */
static int
download_public (const char *url, const char *path)
{
  char err[CURL_ERROR_SIZE] = "";
  FILE *f = fopen (path, "we");
  CURL *c;
  CURLcode rc;

  if (f == NULL) {
    v2v_error ("cannot download virtio-win into %s: %m", path);
    return -1;
  }
  c = v2v_curl_new (url, &(struct v2v_curl_setup) {
      .follow = true, .connect_timeout = 30, .timeout = 0,
      .low_speed = true, .errbuf = err });
  if (c == NULL) {
    fclose (f);
    return -1;
  }
  curl_easy_setopt (c, CURLOPT_WRITEFUNCTION, NULL);
  curl_easy_setopt (c, CURLOPT_WRITEDATA, f);
  curl_easy_setopt (c, CURLOPT_FAILONERROR, 1L);
  rc = curl_easy_perform (c);
  if (rc != CURLE_OK) {
    CLEANUP_FREE char *refused = v2v_curl_refused_redirect (c, url, rc);
    v2v_error ("cannot download virtio-win from %s: %s", url,
               refused ? refused : *err ? err : curl_easy_strerror (rc));
  }
  curl_easy_cleanup (c);
  if (fclose (f) != 0 && rc == CURLE_OK) {
    v2v_error ("cannot write %s: %m", path);
    return -1;
  }
  return rc == CURLE_OK ? 0 : -1;
}

/* A URL, or a datastore path "[DS] DIR/FILE.iso" on the HTTPS source,
 * into the work directory.
 */
static int
download (struct run *run, const char *where)
{
  /* the source's own URLs, fetched with its trust and login */
  const struct v2v_source_ops *src =
    v2v_source_ops_for (run->cfg->source.type);
  CLEANUP_FREE char *path = NULL, *url = NULL;
  struct stat st;
  int r;

  if (v2v_asprintf (&path, "%s/virtio-win.iso", run->workdir) == -1)
    return -1;
  if (where[0] == '[') {
    struct v2v_disk d = { .path = (char *) where };
    if (src == NULL || src->url == NULL) {
      v2v_error ("options --virtio-win=%s: a datastore path needs an HTTPS "
                 "source; give a local path or a URL", where);
      return -1;
    }
    url = src->url (run, &d);
    if (url == NULL) {
      v2v_error ("options --virtio-win=%s: not a datastore path", where);
      return -1;
    }
  }
  else if ((url = strdup (where)) == NULL)
    return v2v_oom ();
  v2v_info (run, "downloading virtio-win from %s", where);
  r = src && src->url_is_ours && src->url_is_ours (run, url)
    ? src->download (run, url, where, path) : download_public (url, path);
  if (r == -1)
    return -1;
  if (stat (path, &st) == 0)
    v2v_info (run, "virtio-win: %lld MiB downloaded",
              (long long) st.st_size >> 20);
  run->win.virtio_win = path;
  path = NULL;
  return 0;
}

/* Before the appliance starts: a local ISO or directory, or the ISO
 * downloaded from a URL.  Windows or not, a wrong path fails here.
 */
int
v2v_virtio_win_prepare (struct run *run)
{
  const char *vw = run->cfg->options.virtio_win;
  struct stat st;

  if (vw == NULL)
    return 0;
  /* The drivers run in the guest's kernel: never from clear text. */
  if (strncasecmp (vw, "http://", 7) == 0) {
    v2v_error ("options --virtio-win=%s: refused, drivers for the guest's "
               "kernel are not fetched over plain http (no encryption, no "
               "certificate check); give an https:// URL, a datastore path "
               "or a local ISO", vw);
    return -1;
  }
  if (strncasecmp (vw, "https://", 8) == 0 || vw[0] == '[')
    return download (run, vw);
  if (stat (vw, &st) == -1) {
    v2v_error ("options --virtio-win=%s: %m", vw);
    return -1;
  }
  if (!S_ISDIR (st.st_mode) && !S_ISREG (st.st_mode) &&
      !S_ISBLK (st.st_mode)) {
    v2v_error ("options --virtio-win=%s: neither an ISO nor a directory",
               vw);
    return -1;
  }
  run->win.virtio_win_is_dir = S_ISDIR (st.st_mode);
  run->win.virtio_win = strdup (vw);
  return run->win.virtio_win ? 0 : v2v_oom ();
}

/* Where the drivers are read from: a host directory, or the ISO mounted
 * in the appliance.
 */
struct tree {
  struct run *run;
  const char *base;
  bool host;
};

static char **
tree_list (struct tree *t, const char *rel)
{
  CLEANUP_FREE char *path = NULL;
  CLEANUP_FREE_STRVEC struct v2v_string_vector names = VECTOR_INIT;
  char **list;
  DIR *d;
  struct dirent *e;

  if (v2v_asprintf (&path, "%s/%s", t->base, rel) == -1)
    return NULL;
  if (!t->host)
    return guestfs_ls (t->run->g, path);
  d = opendir (path);
  if (d == NULL)
    return NULL;
  while ((e = readdir (d)) != NULL)
    if (e->d_name[0] != '.' && v2v_strvec_add (&names, e->d_name) == -1)
      break;
  closedir (d);
  list = e == NULL ? v2v_strvec_take (&names) : NULL;
  if (list == NULL)
    v2v_error ("out of memory listing %s", path);
  return list;
}

/* The entry of rel whose name is want, in any case.  Caller frees. */
static char *
tree_find (struct tree *t, const char *rel, const char *want)
{
  CLEANUP_FREE_STRV char **names = tree_list (t, rel);
  size_t i;
  char *r = NULL;

  for (i = 0; names && names[i]; ++i)
    if (strcasecmp (names[i], want) == 0) {
      if (v2v_asprintf (&r, "%s%s%s", rel, *rel ? "/" : "", names[i]) == -1)
        r = NULL;
      break;
    }
  return r;
}

static int
tree_copy (struct tree *t, const char *rel, const char *dest)
{
  CLEANUP_FREE char *src = NULL;
  int r;

  if (v2v_asprintf (&src, "%s/%s", t->base, rel) == -1)
    return -1;
  r = t->host ? guestfs_upload (t->run->g, src, dest)
    : guestfs_cp (t->run->g, src, dest);
  if (r == -1)
    v2v_error ("copy %s from virtio-win: %s", rel,
               guestfs_last_error (t->run->g));
  return r;
}

static char *
lower (const char *s)
{
  char *r = strdup (s), *p;

  for (p = r; p && *p; ++p)
    *p = (char) tolower ((unsigned char) *p);
  return r;
}

/* Copy every file of DRIVER/OS/ARCH into dest_dir/driver.  1 when the
 * driver was found for one of os_dirs, 0 when not, -1 on error.
 */
static int
copy_driver (struct tree *t, const char *driver, const char *const *os_dirs,
             const char *arch, const char *dest_dir, const char **os_used)
{
  CLEANUP_FREE char *top = tree_find (t, "", driver);
  CLEANUP_FREE char *dir = NULL;
  CLEANUP_FREE char *dest = NULL;
  CLEANUP_FREE_STRV char **files = NULL;
  size_t i;

  for (i = 0; top && os_dirs[i] && dir == NULL; ++i) {
    CLEANUP_FREE char *os = tree_find (t, top, os_dirs[i]);
    if (os) {
      dir = tree_find (t, os, arch);
      *os_used = os_dirs[i];
    }
  }
  if (dir == NULL)
    return 0;
  files = tree_list (t, dir);
  if (v2v_asprintf (&dest, "%s/%s", dest_dir, driver) == -1)
    return -1;
  if (guestfs_mkdir_p (t->run->g, dest) == -1)
    return v2v_guestfs_error (t->run->g, "create the driver directory");
  for (i = 0; files && files[i]; ++i) {
    CLEANUP_FREE char *src = NULL, *name = lower (files[i]), *to = NULL;
    if (name == NULL)
      return v2v_oom ();
    if (v2v_asprintf (&src, "%s/%s", dir, files[i]) == -1 ||
        v2v_asprintf (&to, "%s/%s", dest, name) == -1 ||
        tree_copy (t, src, to) == -1)
      return -1;
  }
  return 1;
}

/* The guest agent's MSI for this architecture into /v2vboot. */
static char *
copy_guest_agent (struct tree *t, const char *arch)
{
  const char *msi = strcmp (arch, "amd64") == 0 ? "qemu-ga-x86_64.msi"
    : "qemu-ga-i386.msi";
  CLEANUP_FREE char *dir = tree_find (t, "", "guest-agent");
  CLEANUP_FREE char *src = dir ? tree_find (t, dir, msi) : NULL;
  CLEANUP_FREE char *dest = NULL;

  if (src == NULL || v2v_asprintf (&dest, "/v2vboot/%s", msi) == -1 ||
      tree_copy (t, src, dest) == -1)
    return NULL;
  return strdup (msi);
}

static int
mount_iso (struct run *run, char **mp)
{
  guestfs_h *g = run->g;

  if (v2v_asprintf (mp, "%s/Temp/v2vboot-virtio-win",
                run->win.systemroot) == -1)
    return -1;
  if (guestfs_mkdir_p (g, *mp) == -1 ||
      guestfs_mount_ro (g, run->win.iso_device, *mp) == -1) {
    v2v_error ("cannot open virtio-win %s: %s (is it an ISO image?)",
               run->win.virtio_win, guestfs_last_error (g));
    return -1;
  }
  return 0;
}

static void
unmount_iso (struct run *run, const char *mp)
{
  if (guestfs_umount (run->g, mp) == -1 || guestfs_rmdir (run->g, mp) == -1)
    v2v_warning (run, "virtio-win: %s", guestfs_last_error (run->g));
}

/* Copy the drivers that fit this Windows into driver_dir (a guest path)
 * and the boot driver's .sys into System32\drivers.  *boot_driver is
 * the storage driver the guest will boot with; *guest_agent the MSI
 * copied to /v2vboot, or NULL.
 */
int
v2v_virtio_win_install (struct run *run, const char *driver_dir,
                        char **boot_driver, char **guest_agent)
{
  struct v2v_windows *w = &run->win;
  const struct v2v_guest *gi = &run->guest;
  const char *const *os_dirs = v2v_win_os_dirs (gi->major, gi->minor,
                                                w->server, w->build);
  const char *arch = strcmp (gi->arch, "x86_64") == 0 ? "amd64" : "x86";
  const char *want = run->block_driver == V2V_BLOCK_VIRTIO_SCSI
    ? "vioscsi" : "viostor";
  const char *os_used = NULL;
  CLEANUP_FREE char *mp = NULL, *sys = NULL, *drvdir = NULL;
  struct v2v_strbuf found = { 0 };
  CLEANUP_FREE char *found_text = NULL;
  struct tree t = { run, w->virtio_win, w->virtio_win_is_dir };
  bool have_boot = false;
  size_t i;
  int r = -1;

  if (os_dirs == NULL) {
    v2v_error ("Windows %d.%d (%s) is too old for virtio-win's drivers: "
               "use options --block-driver=sata", gi->major, gi->minor,
               gi->product);
    return -1;
  }
  if (!t.host) {
    if (mount_iso (run, &mp) == -1)
      return -1;
    t.base = mp;
  }
  for (i = 0; drivers[i]; ++i) {
    int c = copy_driver (&t, drivers[i], os_dirs, arch, driver_dir,
                         &os_used);
    if (c == -1)
      goto out;
    if (c == 1) {
      v2v_sb_printf (&found, "%s%s (%s)", found.len ? ", " : "",
                     drivers[i], os_used);
      if (strcmp (drivers[i], want) == 0)
        have_boot = true;
      if (strcmp (drivers[i], "netkvm") == 0)
        w->virtio_net = true;
      if (strcmp (drivers[i], "viorng") == 0)
        run->guest_rng = true;
    }
  }
  found_text = v2v_sb_finish (&found);
  if (!have_boot) {
    v2v_error ("virtio-win %s has no %s driver for %s (%s/%s): use a newer "
               "virtio-win, or options --block-driver=sata", w->virtio_win,
               want, gi->product, os_dirs[0], arch);
    goto out;
  }
  v2v_info (run, "virtio drivers for %s %s: %s", os_dirs[0], arch,
            found_text ? found_text : "");
  /* The boot driver must be where the service's ImagePath says. */
  if (v2v_asprintf (&drvdir, "%s/System32/drivers", w->systemroot) == -1)
    goto out;
  {
    CLEANUP_FREE char *real = guestfs_case_sensitive_path (run->g, drvdir);
    CLEANUP_FREE char *from = NULL;
    if (real == NULL) {
      v2v_guestfs_error (run->g, "install the boot driver");
      goto out;
    }
    if (v2v_asprintf (&from, "%s/%s/%s.sys", driver_dir, want, want) == -1 ||
        v2v_asprintf (&sys, "%s/%s.sys", real, want) == -1)
      goto out;
    if (guestfs_cp (run->g, from, sys) == -1) {
      v2v_guestfs_error (run->g, "install the boot driver");
      goto out;
    }
  }
  *boot_driver = strdup (want);
  if (*boot_driver == NULL) {
    v2v_oom ();
    goto out;
  }
  *guest_agent = copy_guest_agent (&t, arch);
  r = 0;
 out:
  if (mp)
    unmount_iso (run, mp);
  return r;
}
