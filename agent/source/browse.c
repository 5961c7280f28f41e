/* Quick looks for front ends that ask step by step (the wizard): is the
 * source reachable, trusted and the login right; which VMs does it hold;
 * which pools and networks does the destination offer.  Each answers in
 * seconds and fails with an error that says what to fix, like v2v_run's
 * stages, so the wizard can show it on the screen that asked.
 *
 * VMs are found by their .vmx files: over SSH in /vmfs/volumes/DS/DIR/,
 * over HTTPS in ESXi's datastore browser pages under /folder (or any
 * server's directory index of the same tree).
 */
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libssh/libssh.h>
#include <libssh/sftp.h>
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "internal.h"

#define MAX_PAGE (4 * 1024 * 1024)
#define MAX_VMX (1024 * 1024)
#define MAX_DESCRIPTOR 65536
#define MAX_VMS 5000

struct lister {
  struct run *run;
  const char *dc;
  v2v_found_vm_fn fn;
  void *opaque;
  size_t found;
};

static int
begin (struct run *run, const struct v2v_config *cfg)
{
  memset (run, 0, sizeof *run);
  run->cfg = cfg;
  v2v_clear_error ();
  v2v_verbose = cfg->verbose;
  v2v_set_stage ("source");
  return v2v_make_workdir (run);
}

/* ---- the source ---- */

/* ESXi's datastore browser URL of a datacenter, a datastore's root (ds)
 * or a directory in it (dir).  Caller frees.
 */
static char *
folder_url (const char *server, const char *dc, const char *ds,
            const char *dir)
{
  CLEANUP_FREE char *edc = v2v_url_escape (dc, false);
  CLEANUP_FREE char *eds = ds ? v2v_url_escape (ds, false) : NULL;
  CLEANUP_FREE char *edir = dir ? v2v_url_escape (dir, true) : NULL;
  char *url;

  if (edc == NULL || (ds && eds == NULL) || (dir && edir == NULL))
    return NULL;
  if (asprintf (&url, "https://%s/folder%s%s?dcPath=%s%s%s", server,
                dir ? "/" : "", dir ? edir : "", edc, ds ? "&dsName=" : "",
                ds ? eds : "") == -1)
    return NULL;
  return url;
}

/* HTTPS: the datacenter's page needs the login, so a wrong password is
 * found here.
 */
static int
https_login (struct run *run, const char *dc)
{
  CLEANUP_FREE char *url = folder_url (run->cfg->source.server, dc, NULL,
                                       NULL);
  CLEANUP_FREE char *page = NULL;
  size_t len;

  if (url == NULL)
    return -1;
  page = v2v_https_get (run, url, "the datastore browser (/folder)",
                        MAX_PAGE, &len);
  return page ? 0 : -1;
}

int
v2v_check_source (const struct v2v_config *cfg)
{
  struct run run;
  int r = -1;

  if (begin (&run, cfg) == 0 && v2v_open_source (&run) == 0)
    r = cfg->source.type == V2V_SOURCE_SSH ? 0
        : https_login (&run, cfg->vm.datacenter ? cfg->vm.datacenter
                       : "ha-datacenter");
  v2v_run_cleanup (&run, false);
  return r;
}

/* ---- one .vmx ---- */

/* Virtual size from a descriptor's extent lines ("RW 8388608 VMFS ..."). */
static uint64_t
descriptor_bytes (const char *text)
{
  uint64_t total = 0;
  const char *p = text;

  while (p && *p) {
    unsigned long long sectors;
    while (*p == ' ' || *p == '\t')
      p++;
    if ((strncmp (p, "RW ", 3) == 0 || strncmp (p, "RDONLY ", 7) == 0) &&
        sscanf (strchr (p, ' ') + 1, "%llu", &sectors) == 1)
      total += sectors * 512;
    p = strchr (p, '\n');
    if (p)
      p++;
  }
  return total;
}

static void
report_vmx (struct lister *l, const char *path)
{
  struct run *run = l->run;
  CLEANUP_FREE char *text = NULL;
  struct v2v_found_vm vm = { .vmx = path };
  struct v2v_strbuf nets = { 0 };
  struct v2v_vmx vmx = { 0 };
  char err[256];
  size_t len, i;

  text = v2v_source_fetch (run, path, l->dc, MAX_VMX, &len);
  if (text == NULL) {
    vm.problem = v2v_last_error ();
    l->fn (&vm, l->opaque);
    return;
  }
  if (v2v_vmx_parse (text, len, &vmx, err, sizeof err) == -1) {
    vm.problem = err;
    l->fn (&vm, l->opaque);
    return;
  }
  vm.name = vmx.name;
  vm.guest_os = vmx.guest_os;
  vm.memory_mib = vmx.memory_mib;
  vm.vcpus = vmx.vcpus;
  vm.firmware = vmx.firmware;
  vm.nr_disks = vmx.nr_disks;
  vm.nr_nics = vmx.nr_nics;
  for (i = 0; i < vmx.nr_disks; ++i) {
    CLEANUP_FREE char *desc_path = v2v_vmx_resolve (path, vmx.disks[i].file);
    CLEANUP_FREE char *desc = NULL;
    if (desc_path && (desc = v2v_source_fetch (run, desc_path, l->dc,
                                               MAX_DESCRIPTOR, &len)))
      vm.disk_bytes += descriptor_bytes (desc);
  }
  for (i = 0; i < vmx.nr_nics; ++i)
    v2v_sb_printf (&nets, "%s%s", i ? ", " : "", vmx.nics[i].network);
  {
    CLEANUP_FREE char *n = v2v_sb_finish (&nets);
    vm.networks = n ? n : "";
    l->fn (&vm, l->opaque);
  }
  v2v_vmx_free (&vmx);
  v2v_clear_error ();
}

static bool
is_vmx (const char *name)
{
  size_t n = strlen (name);

  return n > 4 && strcasecmp (name + n - 4, ".vmx") == 0;
}

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

/* ---- over SSH ---- */

typedef void (*entry_fn) (struct lister *l, const char *dir,
                          const char *name, bool is_dir, void *data);

static int
sftp_each (struct lister *l, const char *dir, entry_fn fn, void *data)
{
  sftp_dir d = sftp_opendir (l->run->sftp, dir);
  sftp_attributes a;

  if (d == NULL) {
    v2v_error ("%s: cannot list %s: %s", l->run->cfg->source.server, dir,
               ssh_get_error (l->run->ssh));
    return -1;
  }
  while ((a = sftp_readdir (l->run->sftp, d)) != NULL) {
    if (a->name[0] != '.' && l->found < MAX_VMS)
      fn (l, dir, a->name, a->type == SSH_FILEXFER_TYPE_DIRECTORY ||
          a->type == SSH_FILEXFER_TYPE_SYMLINK, data);
    sftp_attributes_free (a);
  }
  sftp_closedir (d);
  return 0;
}

static void
ssh_vm_file (struct lister *l, const char *dir, const char *name,
             bool is_dir, void *ds)
{
  CLEANUP_FREE char *path = NULL;
  const char *vmdir = dir + strlen ("/vmfs/volumes/") + strlen (ds) + 1;

  if (is_dir || !is_vmx (name) ||
      asprintf (&path, "[%s] %s/%s", (char *) ds, vmdir, name) == -1)
    return;
  l->found++;
  report_vmx (l, path);
}

static void
ssh_vm_dir (struct lister *l, const char *dir, const char *name,
            bool is_dir, void *ds)
{
  CLEANUP_FREE char *sub = NULL;

  if (is_dir && asprintf (&sub, "%s/%s", dir, name) != -1)
    sftp_each (l, sub, ssh_vm_file, ds);
}

static void
ssh_datastore (struct lister *l, const char *dir, const char *name,
               bool is_dir, void *data)
{
  CLEANUP_FREE char *sub = NULL;

  (void) data;
  if (is_dir && !is_volume_uuid (name) &&
      asprintf (&sub, "%s/%s", dir, name) != -1)
    sftp_each (l, sub, ssh_vm_dir, (void *) name);
}

/* ---- over HTTPS ---- */

/* The entries of a browser page (v2v_listing_parse in listing.c), to fn
 * until MAX_VMS .vmx files are found.
 */
struct page_walk {
  struct lister *l;
  entry_fn fn;
  void *data;
};

static int
page_entry (const char *name, bool is_dir, void *opaque)
{
  struct page_walk *pw = opaque;

  if (pw->l->found >= MAX_VMS)
    return -1;
  pw->fn (pw->l, NULL, name, is_dir, pw->data);
  return 0;
}

static void
page_each (struct lister *l, char *page, bool want_ds, entry_fn fn,
           void *data)
{
  struct page_walk pw = { l, fn, data };

  v2v_listing_parse (page, want_ds, page_entry, &pw);
}

/* A browser page (see folder_url), or NULL with the error set.  Caller
 * frees.
 */
static char *
get_page (struct lister *l, const char *ds, const char *dir)
{
  CLEANUP_FREE char *url = folder_url (l->run->cfg->source.server, l->dc,
                                       ds, dir);
  size_t len;

  return url ? v2v_https_get (l->run, url, url, MAX_PAGE, &len) : NULL;
}

struct https_where { const char *ds, *dir; };

static void
https_vm_file (struct lister *l, const char *unused, const char *name,
               bool is_dir, void *data)
{
  const struct https_where *w = data;
  CLEANUP_FREE char *path = NULL;

  (void) unused;
  if (is_dir || !is_vmx (name) ||
      asprintf (&path, "[%s] %s/%s", w->ds, w->dir, name) == -1)
    return;
  l->found++;
  report_vmx (l, path);
}

static void
https_vm_dir (struct lister *l, const char *unused, const char *name,
              bool is_dir, void *ds)
{
  struct https_where w = { ds, name };
  CLEANUP_FREE char *page = NULL;

  (void) unused;
  if (!is_dir || (page = get_page (l, ds, name)) == NULL)
    return;
  page_each (l, page, false, https_vm_file, &w);
}

static void
https_datastore (struct lister *l, const char *unused, const char *name,
                 bool is_dir, void *data)
{
  CLEANUP_FREE char *page = NULL;

  (void) unused; (void) data;
  if (!is_dir || (page = get_page (l, name, NULL)) == NULL)
    return;
  page_each (l, page, false, https_vm_dir, (void *) name);
}

int
v2v_list_vms (const struct v2v_config *cfg, v2v_found_vm_fn fn, void *opaque)
{
  struct run run;
  struct lister l = { .run = &run, .fn = fn, .opaque = opaque,
                      .dc = cfg->vm.datacenter ? cfg->vm.datacenter
                      : "ha-datacenter" };
  int r = -1;

  if (begin (&run, cfg) == -1 || v2v_open_source (&run) == -1)
    goto out;
  if (cfg->source.type == V2V_SOURCE_SSH)
    r = sftp_each (&l, "/vmfs/volumes", ssh_datastore, NULL);
  else {
    CLEANUP_FREE char *page = get_page (&l, NULL, NULL);
    if (page) {
      page_each (&l, page, true, https_datastore, NULL);
      r = 0;
    }
  }
  if (r == 0 && l.found == 0) {
    v2v_error ("%s: no .vmx found (looked in %s): type the path of the "
               "VM's .vmx or disk instead", cfg->source.server,
               cfg->source.type == V2V_SOURCE_SSH
               ? "/vmfs/volumes/*/*/" : "/folder, every datastore");
    r = -1;
  }
 out:
  v2v_run_cleanup (&run, false);
  return r;
}

/* ---- the destination ---- */

int
v2v_list_destination (const struct v2v_config *cfg, v2v_found_target_fn fn,
                      void *opaque)
{
  struct run run;
  virStoragePoolPtr *pools = NULL;
  virNetworkPtr *nets = NULL;
  int n, i, r = -1;

  if (begin (&run, cfg) == -1)
    goto out;
  v2v_set_stage ("destination");
  if (cfg->dest.type != V2V_DEST_LIBVIRT) {
    r = v2v_dest_check (&run);
    goto out;
  }
  if (v2v_libvirt_connect (&run) == -1)
    goto out;
  n = virConnectListAllStoragePools (run.conn, &pools, 0);
  for (i = 0; i < n; ++i) {
    virStoragePoolInfo info = { 0 };
    struct v2v_found_target t = { .kind = "pool",
                                  .name = virStoragePoolGetName (pools[i]) };
    t.active = virStoragePoolIsActive (pools[i]) == 1;
    if (t.active && virStoragePoolGetInfo (pools[i], &info) == 0)
      t.available = info.available;
    fn (&t, opaque);
    virStoragePoolFree (pools[i]);
  }
  free (pools);
  n = n < 0 ? n : virConnectListAllNetworks (run.conn, &nets, 0);
  for (i = 0; i < n; ++i) {
    struct v2v_found_target t = { .kind = "network",
                                  .name = virNetworkGetName (nets[i]) };
    t.active = virNetworkIsActive (nets[i]) == 1;
    fn (&t, opaque);
    virNetworkFree (nets[i]);
  }
  free (nets);
  if (n < 0)
    v2v_error ("cannot list the pools and networks of %s: %s", cfg->dest.uri,
               virGetLastErrorMessage ());
  else
    r = 0;
 out:
  v2v_run_cleanup (&run, false);
  return r;
}
