/* The power state over plain HTTPS (the datastore browser, no API): it
 * cannot be known, so the state is always V2V_POWER_UNKNOWN (a warning),
 * but the reason says whether a .vswp file lies beside the .vmx.  ESXi
 * makes NAME-HASH.vswp (the VM's swap) at power-on and removes it at
 * power-off, so one is a strong hint that the VM runs; a host that
 * crashed, or a VM whose swap lives elsewhere, leaves a stale one or
 * none, which is why it is a warning and not a refusal (docs/kickstart.md,
 * "Power state").
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#define MAX_PAGE (4 * 1024 * 1024)
#define MAX_NAME 128

struct vswp {
  char name[MAX_NAME];      /* the first .vswp, "" if none */
  bool printable;           /* its name is plain text we may print */
};

static int
vswp_entry (const char *name, bool is_dir, void *opaque)
{
  struct vswp *v = opaque;
  size_t n = strlen (name), i;

  if (is_dir || n < 5 || strcmp (name + n - 5, ".vswp") != 0)
    return 0;
  v->printable = n < MAX_NAME;
  for (i = 0; v->printable && i < n; ++i)
    v->printable = isalnum ((unsigned char) name[i]) ||
                   strchr ("._-+", name[i]) != NULL;
  snprintf (v->name, sizeof v->name, "%s", v->printable ? name : "?");
  return 1;
}

int
v2v_https_power_state (struct run *run, enum v2v_power *state, char *how,
                       size_t howlen)
{
  const struct v2v_vm *vm = &run->cfg->vm;
  CLEANUP_FREE char *dir = NULL, *url = NULL, *page = NULL;
  struct vswp v = { "", false };
  char *slash;
  size_t len;

  *state = V2V_POWER_UNKNOWN;
  snprintf (how, howlen, "no API over plain HTTPS");
  if (vm->vmx == NULL || (dir = strdup (vm->vmx)) == NULL ||
      (slash = strrchr (dir, '/')) == NULL)
    return 0;
  slash[1] = '\0';
  url = v2v_https_url (run->cfg->source.server,
                       &(struct v2v_disk) { .path = dir,
                                            .datacenter = vm->datacenter });
  if (url)
    page = v2v_https_get (run, url, "the .vmx's folder", MAX_PAGE, &len);
  if (page == NULL) {
    v2v_debug ("no .vswp check: %s", v2v_last_error ());
    v2v_clear_error ();
    return 0;
  }
  v2v_listing_parse (page, false, vswp_entry, &v);
  if (v.name[0] == '\0')
    snprintf (how, howlen, "no API over plain HTTPS; no .vswp file beside "
              "the .vmx");
  else
    snprintf (how, howlen, "no API over plain HTTPS; but %s%s is beside "
              "the .vmx: ESXi makes it at power-on, so the VM is probably "
              "running (a host that crashed leaves a stale one)",
              v.printable ? v.name : "a .vswp file",
              v.printable ? " (a .vswp file)" : "");
  return 0;
}
