/* ESXi's datastore browser (/folder), or any server's directory index of
 * the same tree: the login check of an HTTPS source, and its VMs (the
 * .vmx files in /folder/DIR/ of every datastore of the datacenter), each
 * given to the lister (list_vms.c).  The pages are parsed by
 * v2v_listing_parse (listing.c).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_PAGE (4 * 1024 * 1024)

/* ESXi's datastore browser URL of a datacenter, a datastore's root (ds)
 * or a directory in it (dir).  Caller frees; NULL with the error set.
 */
static char *
folder_url (const char *server, const char *dc, const char *ds,
            const char *dir)
{
  CLEANUP_FREE char *edc = v2v_url_escape (dc, false);
  CLEANUP_FREE char *eds = ds ? v2v_url_escape (ds, false) : NULL;
  CLEANUP_FREE char *edir = dir ? v2v_url_escape (dir, true) : NULL;
  char *url;

  if (edc == NULL || (ds && eds == NULL) || (dir && edir == NULL) ||
      asprintf (&url, "https://%s/folder%s%s?dcPath=%s%s%s", server,
                dir ? "/" : "", dir ? edir : "", edc, ds ? "&dsName=" : "",
                ds ? eds : "") == -1) {
    v2v_error ("out of memory");
    return NULL;
  }
  return url;
}

/* The datacenter's page needs the login, so a wrong password is found
 * here (check_login).
 */
int
v2v_https_check_login (struct run *run, const char *dc)
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

typedef void (*entry_fn) (struct v2v_lister *l, const char *name,
                          bool is_dir, void *data);

/* The entries of a browser page (v2v_listing_parse in listing.c), to fn
 * until V2V_MAX_VMS .vmx files are found.
 */
struct page_walk {
  struct v2v_lister *l;
  entry_fn fn;
  void *data;
};

static int
page_entry (const char *name, bool is_dir, void *opaque)
{
  struct page_walk *pw = opaque;

  if (pw->l->found >= V2V_MAX_VMS)
    return -1;
  pw->fn (pw->l, name, is_dir, pw->data);
  return 0;
}

static void
page_each (struct v2v_lister *l, char *page, bool want_ds, entry_fn fn,
           void *data)
{
  struct page_walk pw = { l, fn, data };

  v2v_listing_parse (page, want_ds, page_entry, &pw);
}

/* A browser page (see folder_url), or NULL with the error set.  Caller
 * frees.
 */
static char *
get_page (struct v2v_lister *l, const char *ds, const char *dir)
{
  CLEANUP_FREE char *url = folder_url (l->run->cfg->source.server, l->dc,
                                       ds, dir);
  size_t len;

  return url ? v2v_https_get (l->run, url, url, MAX_PAGE, &len) : NULL;
}

struct where { const char *ds, *dir; };

/* An entry of a VM's directory. */
static void
vm_file (struct v2v_lister *l, const char *name, bool is_dir, void *data)
{
  const struct where *w = data;

  l->file (l, w->ds, w->dir, name, is_dir);
}

/* An entry of a datastore's root: a VM's directory. */
static void
vm_dir (struct v2v_lister *l, const char *name, bool is_dir, void *ds)
{
  struct where w = { ds, name };
  CLEANUP_FREE char *page = NULL;

  if (!is_dir || (page = get_page (l, ds, name)) == NULL)
    return;
  page_each (l, page, false, vm_file, &w);
}

/* An entry of the datacenter's page: a datastore. */
static void
datastore (struct v2v_lister *l, const char *name, bool is_dir, void *data)
{
  CLEANUP_FREE char *page = NULL;

  (void) data;
  if (!is_dir || (page = get_page (l, name, NULL)) == NULL)
    return;
  page_each (l, page, false, vm_dir, (void *) name);
}

int
v2v_https_list_vms (struct v2v_lister *l)
{
  CLEANUP_FREE char *page = get_page (l, NULL, NULL);

  if (page == NULL)
    return -1;
  page_each (l, page, true, datastore, NULL);
  return 0;
}
