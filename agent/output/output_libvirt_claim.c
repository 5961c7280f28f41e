/* The libvirt output's claim on a name (output_libvirt.c): an inactive
 * domain NAME.v2vboot-claim (libvirt refuses a second domain of one
 * name), whose description says who writes the name and which volumes it
 * creates.  A second run of that name is refused, naming both VMs.  A
 * claim left by a run of this machine that is dead (SIGKILL, power loss)
 * is taken over: the volumes it lists are deleted, and the run says so.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#include "internal.h"

static int
oom (void)
{
  v2v_error ("out of memory");
  return -1;
}

/* text as XML character data.  Caller frees. */
static char *
xml_text (const char *text)
{
  struct v2v_strbuf sb = { 0 };

  for (; *text; ++text)
    switch (*text) {
    case '&': v2v_sb_puts (&sb, "&amp;"); break;
    case '<': v2v_sb_puts (&sb, "&lt;"); break;
    case '>': v2v_sb_puts (&sb, "&gt;"); break;
    default: v2v_sb_add (&sb, text, 1);
    }
  return v2v_sb_finish (&sb);
}

/* NAME-sd<letters>: a volume name this run's name gives. */
static bool
our_volume (const struct run *run, const char *v)
{
  size_t n = strlen (run->name);

  if (strncmp (v, run->name, n) != 0 || strncmp (v + n, "-sd", 3) != 0 ||
      v[n + 3] == '\0')
    return false;
  for (v += n + 3; *v; ++v)
    if (*v < 'a' || *v > 'z')
      return false;
  return true;
}

/* A dead run's claim: delete the volumes it lists (only names of this
 * VM's name) and say so.
 */
static void
remove_stale (struct run *run, const char *text)
{
  const struct v2v_destination *dest = &run->cfg->dest;
  char vm[256], pid[32], host[256];
  const char *p = text;

  v2v_claim_field (text, "vm", vm, sizeof vm);
  v2v_claim_field (text, "pid", pid, sizeof pid);
  v2v_claim_field (text, "host", host, sizeof host);
  for (; p && *p; p = strchr (p, '\n') ? strchr (p, '\n') + 1 : NULL) {
    char name[256];
    size_t n = strcspn (p, "\n");
    virStorageVolPtr vol;

    if (strncmp (p, "vol=", 4) != 0 || n - 4 >= sizeof name)
      continue;
    memcpy (name, p + 4, n - 4);
    name[n - 4] = '\0';
    if (!our_volume (run, name) ||
        (vol = virStorageVolLookupByName (run->pool, name)) == NULL)
      continue;
    if (virStorageVolDelete (vol, 0) == 0)
      v2v_warning (run, "deleted volume %s in storage pool '%s', left by a "
                   "conversion of %s that did not finish (pid %s on %s)",
                   name, dest->pool, vm, pid, host);
    else
      v2v_warning (run, "cannot delete volume %s, left by a conversion of "
                   "%s that did not finish: %s", name, vm,
                   virGetLastErrorMessage ());
    virStorageVolFree (vol);
  }
}

/* Claim run->name on the host, or say who has it. */
int
v2v_libvirt_claim_name (struct run *run)
{
  const struct v2v_destination *dest = &run->cfg->dest;
  CLEANUP_FREE char *claim = NULL, *xml = NULL, *owner = NULL;
  CLEANUP_FREE char *mine = NULL, *escaped = NULL;
  struct v2v_strbuf sb = { 0 };
  size_t i;
  int tries;

  if (asprintf (&claim, "%s.v2vboot-claim", run->name) == -1 ||
      (owner = v2v_claim_owner (run)) == NULL)
    return oom ();
  v2v_sb_puts (&sb, owner);
  for (i = 0; i < run->nr_disks; ++i)
    v2v_sb_printf (&sb, "vol=%s\n", run->disks[i].volume);
  if ((mine = v2v_sb_finish (&sb)) == NULL ||
      (escaped = xml_text (mine)) == NULL ||
      asprintf (&xml, "<domain type='kvm'><name>%s</name>"
                "<title>v2vboot: a conversion writes %s now</title>"
                "<description>%s</description>"
                "<memory unit='MiB'>16</memory>"
                "<os><type arch='x86_64'>hvm</type></os></domain>",
                claim, run->name, escaped) == -1)
    return oom ();

  for (tries = 0; tries < 3; ++tries) {
    CLEANUP_FREE char *text = NULL;
    char vm[256], pid[32], host[256], since[32];
    virDomainPtr dom = virDomainLookupByName (run->conn, claim);

    if (dom == NULL) {
      /* Defining fails if a domain of that name appeared meanwhile (its
       * UUID is not ours).
       */
      CLEANUP_FREE char *why = NULL;

      dom = virDomainDefineXML (run->conn, xml);
      if (dom) {
        run->claim_dom = dom;
        return 0;
      }
      why = strdup (virGetLastErrorMessage ());
      dom = virDomainLookupByName (run->conn, claim);
      if (dom == NULL) {
        v2v_error ("claim the name (define the domain %s): %s", claim,
                   why ? why : "failed");
        return -1;
      }
    }
    text = virDomainGetMetadata (dom, VIR_DOMAIN_METADATA_DESCRIPTION, NULL,
                                 0);
    if (text && v2v_claim_owner_dead (text)) {
      remove_stale (run, text);
      if (virDomainUndefine (dom) == -1) {
        v2v_error ("remove a dead run's claim on the name: %s",
                   virGetLastErrorMessage ());
        virDomainFree (dom);
        return -1;
      }
      virDomainFree (dom);
      continue;
    }
    virDomainFree (dom);
    v2v_error ("the name %s is already being written to storage pool '%s' "
               "on %s by the conversion of %s (pid %s on %s, since %s); %s "
               "would get the same name: give one of them another (vm "
               "--name); if no conversion runs, remove the claim: virsh -c "
               "%s undefine %s", run->name, dest->pool, dest->uri,
               v2v_claim_field (text ? text : "", "vm", vm, sizeof vm),
               v2v_claim_field (text ? text : "", "pid", pid, sizeof pid),
               v2v_claim_field (text ? text : "", "host", host, sizeof host),
               v2v_claim_field (text ? text : "", "since", since,
                                sizeof since),
               v2v_vm_label (run), dest->uri, claim);
    return -1;
  }
  v2v_error ("%s: the claim on the name keeps changing", claim);
  return -1;
}

/* The claim is dropped at the end of the run (the domain now holds the
 * name), unless volumes it lists were left behind: then the next run of
 * the name deletes them.
 */
void
v2v_libvirt_release_claim (struct run *run, bool left)
{
  const struct v2v_destination *dest = &run->cfg->dest;

  if (run->claim_dom == NULL)
    return;
  if (!left && virDomainUndefine (run->claim_dom) == -1)
    v2v_warning (run, "left behind: domain %s.v2vboot-claim on %s (remove "
                 "it with: virsh -c %s undefine %s.v2vboot-claim): %s",
                 run->name, dest->uri, dest->uri, run->name,
                 virGetLastErrorMessage ());
  virDomainFree (run->claim_dom);
  run->claim_dom = NULL;
}
