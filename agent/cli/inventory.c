/* vm --inventory before a batch starts: each such vm line becomes the
 * VMs the vSphere inventory has for it (one for a path or a name, every
 * VM under it for a folder "/DC/vm/FOLDER/"), each with the .vmx and the
 * datacenter the API gave, so that every child runs the .vmx path of
 * the engine as it is, and its inventory path, so that its power state
 * is asked of that VM.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "common/vector.h"

DEFINE_VECTOR_TYPE (ks_vm_vector, struct ks_vm);

struct expand {
  struct ks_vm_vector vms;
  const struct ks_vm *from;
  bool nomem;
};

static void
add_found (const struct v2v_found_vm *vm, void *opaque)
{
  struct expand *e = opaque;
  struct ks_vm v = *e->from;

  v.vm.vmx = strdup (vm->vmx);
  v.vm.datacenter = vm->datacenter ? strdup (vm->datacenter) : NULL;
  v.vm.inventory = vm->inventory ? strdup (vm->inventory) : NULL;
  if (v.vm.vmx == NULL || (vm->datacenter && v.vm.datacenter == NULL) ||
      (vm->inventory && v.vm.inventory == NULL) ||
      ks_vm_vector_append (&e->vms, v) == -1) {
    free (v.vm.vmx); free (v.vm.datacenter); free (v.vm.inventory);
    e->nomem = true;
  }
}

/* The entries of out that this file made: the strings it owns. */
static bool
made_here (const struct ks_file *ks, const struct ks_vm *v)
{
  size_t i;

  for (i = 0; i < ks->nr_vms; ++i)
    if (ks->vms[i].vm.vmx == v->vm.vmx)
      return false;
  return true;
}

int
cli_expand_inventory (const struct ks_file *ks, struct ks_file *out)
{
  struct expand e = { .nomem = false };
  size_t i, before;

  *out = *ks;
  for (i = 0; i < ks->nr_vms; ++i)
    if (ks->vms[i].vm.inventory)
      break;
  if (i == ks->nr_vms)
    return 0;                   /* nothing to expand: out is ks */
  for (i = 0; i < ks->nr_vms; ++i) {
    struct v2v_config cfg;
    const struct ks_vm *v = &ks->vms[i];
    if (v->vm.inventory == NULL) {
      if (ks_vm_vector_append (&e.vms, *v) == -1)
        e.nomem = true;
      continue;
    }
    ks_vm_config (ks, i, &cfg);
    e.from = v;
    before = e.vms.len;
    if (v2v_vsphere_find (&cfg, v->vm.inventory, add_found, &e) == -1) {
      cli_error ();
      goto fail;
    }
    if (e.vms.len > before + 1)
      cli_say ("vm --inventory=%s: %zu VMs", v->vm.inventory,
               e.vms.len - before);
  }
  if (e.nomem) {
    fprintf (stderr, "v2vboot-agent: error: out of memory\n");
    goto fail;
  }
  out->vms = e.vms.ptr;
  out->nr_vms = e.vms.len;
  return 0;
 fail:
  out->vms = e.vms.ptr;
  out->nr_vms = e.vms.len;
  cli_inventory_free (out, ks);
  *out = *ks;
  return -1;
}

void
cli_inventory_free (struct ks_file *out, const struct ks_file *ks)
{
  size_t i;

  if (out->vms == ks->vms)
    return;
  for (i = 0; i < out->nr_vms; ++i)
    if (made_here (ks, &out->vms[i])) {
      free (out->vms[i].vm.vmx);
      free (out->vms[i].vm.datacenter);
      free (out->vms[i].vm.inventory);
    }
  free (out->vms);
  out->vms = NULL;
  out->nr_vms = 0;
}
