/* The vSphere inventory from PropertyCollector answers, without a server
 * (unit tests and the fuzz target feed it saved answers): the objects of
 * a RetrievePropertiesEx / ContinueRetrievePropertiesEx page with the
 * properties we ask for (vsphere_soap.c asks), then each one's inventory
 * path "/DC/vm/FOLDER/NAME" from the parent links, its datacenter, and
 * each VM's NIC networks from the port groups.  Bounded: at most
 * V2V_VS_MAX_OBJECTS objects, V2V_VS_MAX_DEVICES devices per VM, paths of
 * at most 64 levels.
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/tree.h>

#include "internal.h"

#define MAX_DEPTH 64

static int
add_object (struct v2v_vs_inventory *inv, struct v2v_vs_object **o)
{
  void *p = inv->objs;

  if (inv->nr >= V2V_VS_MAX_OBJECTS)
    return -1;
  if (v2v_vector_reserve (&p, &inv->cap, inv->nr, 1, sizeof *inv->objs)
      == -1)
    return -1;
  inv->objs = p;
  *o = &inv->objs[inv->nr++];
  memset (*o, 0, sizeof **o);
  return 0;
}

/* A number of at most max (0 when it is not one). */
static uint64_t
to_num (const xmlNode *n, uint64_t max)
{
  char *t = v2v_vs_text (n), *end;
  unsigned long long v;

  if (t == NULL)
    return 0;
  v = strtoull (t, &end, 10);
  if (end == t || *end != '\0' || t[0] == '-' || v > max)
    v = 0;
  free (t);
  return v;
}

static unsigned
to_uint (const xmlNode *n)
{
  return (unsigned) to_num (n, UINT_MAX);
}

static bool
to_bool (const xmlNode *n)
{
  char *t = v2v_vs_text (n);
  bool b = t && strcmp (t, "true") == 0;

  free (t);
  return b;
}

/* Each device of a VM's config.hardware.device, before the controllers
 * are known.
 */
struct device {
  char *type;                 /* xsi:type: "VirtualDisk", "VirtualVmxnet3" */
  int key, ctrl_key, unit, bus;
  xmlNode *node;
};

/* The kind of controller of an xsi:type, as the .vmx spells it. */
static const char *
controller_kind (const char *type)
{
  if (type == NULL)
    return NULL;
  if (strstr (type, "SCSI") || strstr (type, "LsiLogic") ||
      strstr (type, "BusLogic"))
    return "scsi";
  if (strstr (type, "AHCI") || strstr (type, "SATA"))
    return "sata";
  if (strstr (type, "NVME"))
    return "nvme";
  if (strstr (type, "IDE"))
    return "ide";
  return NULL;
}

/* A NIC's adapter from its xsi:type: VirtualVmxnet3 -> "vmxnet3". */
static char *
nic_model (const char *type)
{
  char *m;
  size_t i;

  if (strncmp (type, "Virtual", 7) != 0)
    return NULL;
  m = strdup (type + 7);
  for (i = 0; m && m[i]; ++i)
    m[i] = (char) tolower ((unsigned char) m[i]);
  return m;
}

static bool
is_nic (const xmlNode *n)
{
  return v2v_vs_child (n, "macAddress") != NULL ||
    v2v_vs_child (n, "addressType") != NULL;
}

static int
add_disk (struct v2v_vs_object *o, const struct device *d,
          const struct device *devs, size_t nr)
{
  xmlNode *b = v2v_vs_child (d->node, "backing");
  struct v2v_vs_disk *nd;
  void *p = o->disks;
  size_t cap = o->nr_disks, i;
  const char *kind = NULL;
  int bus = 0;

  if (v2v_vector_reserve (&p, &cap, o->nr_disks, 1, sizeof *o->disks) == -1)
    return -1;
  o->disks = p;
  nd = &o->disks[o->nr_disks++];
  memset (nd, 0, sizeof *nd);
  nd->file = v2v_vs_text (v2v_vs_child (b, "fileName"));
  if (v2v_vs_child (d->node, "capacityInBytes"))
    nd->capacity = to_num (v2v_vs_child (d->node, "capacityInBytes"), UINT64_MAX);
  else
    nd->capacity = to_num (v2v_vs_child (d->node, "capacityInKB"),
                           UINT64_MAX / 1024) * 1024;
  for (i = 0; i < nr; ++i)
    if (devs[i].key == d->ctrl_key && controller_kind (devs[i].type)) {
      kind = controller_kind (devs[i].type);
      bus = devs[i].bus;
    }
  if (asprintf (&nd->controller, "%s%d:%d", kind ? kind : "unknown", bus,
                d->unit) == -1)
    nd->controller = NULL;
  if (nd->file == NULL)
    nd->file = strdup ("");
  return nd->file && nd->controller ? 0 : -1;
}

static int
add_nic (struct v2v_vs_object *o, const struct device *d)
{
  xmlNode *b = v2v_vs_child (d->node, "backing");
  CLEANUP_FREE char *btype = v2v_vs_attr (b, "type", true);
  struct v2v_vs_nic *nn;
  void *p = o->nics;
  size_t cap = o->nr_nics;

  if (v2v_vector_reserve (&p, &cap, o->nr_nics, 1, sizeof *o->nics) == -1)
    return -1;
  o->nics = p;
  nn = &o->nics[o->nr_nics++];
  memset (nn, 0, sizeof *nn);
  nn->mac = v2v_vs_text (v2v_vs_child (d->node, "macAddress"));
  nn->model = nic_model (d->type);
  if (v2v_vs_child (b, "deviceName"))               /* standard network */
    nn->network = v2v_vs_text (v2v_vs_child (b, "deviceName"));
  else if (v2v_vs_child (b, "port"))                /* distributed */
    nn->portgroup_key = v2v_vs_text
      (v2v_vs_child (v2v_vs_child (b, "port"), "portgroupKey"));
  else if (v2v_vs_child (b, "opaqueNetworkId"))     /* NSX */
    nn->network = v2v_vs_text (v2v_vs_child (b, "opaqueNetworkId"));
  if (nn->network == NULL && nn->portgroup_key == NULL)
    nn->network = strdup ("");
  return (nn->network || nn->portgroup_key) ? 0 : -1;
}

/* config.hardware.device: disks (with their controllers) and NICs. */
static int
parse_devices (struct v2v_vs_object *o, const xmlNode *val)
{
  struct device devs[V2V_VS_MAX_DEVICES];
  size_t nr = 0, i;
  xmlNode *c;
  int r = 0;

  for (c = val->children; c && nr < V2V_VS_MAX_DEVICES; c = c->next) {
    if (c->type != XML_ELEMENT_NODE)
      continue;
    devs[nr] = (struct device) {
      .type = v2v_vs_attr (c, "type", true), .node = c,
      .key = (int) to_uint (v2v_vs_child (c, "key")),
      .ctrl_key = (int) to_uint (v2v_vs_child (c, "controllerKey")),
      .unit = (int) to_uint (v2v_vs_child (c, "unitNumber")),
      .bus = (int) to_uint (v2v_vs_child (c, "busNumber")),
    };
    if (devs[nr].type == NULL)
      devs[nr].type = strdup ("");
    if (devs[nr].type == NULL) {
      r = -1;
      break;
    }
    nr++;
  }
  for (i = 0; r == 0 && i < nr; ++i) {
    if (strcmp (devs[i].type, "VirtualDisk") == 0)
      r = add_disk (o, &devs[i], devs, nr);
    else if (is_nic (devs[i].node))
      r = add_nic (o, &devs[i]);
  }
  for (i = 0; i < nr; ++i)
    free (devs[i].type);
  return r;
}

static enum v2v_power
power_of (const char *s)
{
  if (s == NULL)
    return V2V_POWER_UNKNOWN;
  if (strcmp (s, "poweredOn") == 0)
    return V2V_POWER_ON;
  if (strcmp (s, "poweredOff") == 0)
    return V2V_POWER_OFF;
  if (strcmp (s, "suspended") == 0)
    return V2V_POWER_SUSPENDED;
  return V2V_POWER_UNKNOWN;
}

/* Set a string field once (a property given twice keeps the first). */
static int
set_text (char **field, const xmlNode *val)
{
  if (*field)
    return 0;
  *field = v2v_vs_text (val);
  return *field ? 0 : -1;
}

/* One propSet of an object. */
static int
parse_prop (struct v2v_vs_object *o, const xmlNode *ps)
{
  CLEANUP_FREE char *name = v2v_vs_text (v2v_vs_child (ps, "name"));
  xmlNode *val = v2v_vs_child (ps, "val");

  if (name == NULL)
    return -1;
  if (val == NULL)
    return 0;
  if (strcmp (name, "name") == 0)
    return set_text (&o->name, val);
  if (strcmp (name, "parent") == 0) {
    if (o->parent_id == NULL)
      o->parent_type = v2v_vs_attr (val, "type", false);
    return set_text (&o->parent_id, val);
  }
  if (strcmp (name, "key") == 0)
    return set_text (&o->key, val);
  if (strcmp (name, "runtime.powerState") == 0) {
    CLEANUP_FREE char *s = v2v_vs_text (val);
    o->power = power_of (s);
    return 0;
  }
  if (strcmp (name, "config.guestId") == 0)
    return set_text (&o->guest_id, val);
  if (strcmp (name, "summary.config.vmPathName") == 0)
    return set_text (&o->vmx, val);
  if (strcmp (name, "config.firmware") == 0) {
    CLEANUP_FREE char *s = v2v_vs_text (val);
    o->firmware = s && strcmp (s, "efi") == 0 ? V2V_FW_UEFI
                : s && strcmp (s, "bios") == 0 ? V2V_FW_BIOS : V2V_FW_AUTO;
    return 0;
  }
  if (strcmp (name, "config.hardware.memoryMB") == 0)
    o->memory_mib = to_uint (val);
  else if (strcmp (name, "config.hardware.numCPU") == 0)
    o->vcpus = to_uint (val);
  else if (strcmp (name, "snapshot") == 0)
    o->snapshot = v2v_vs_child (val, "rootSnapshotList") != NULL ||
      v2v_vs_child (val, "currentSnapshot") != NULL;
  else if (strcmp (name, "config.changeTrackingEnabled") == 0)
    o->cbt = to_bool (val);
  else if (strcmp (name, "config.hardware.device") == 0 &&
           o->nr_disks == 0 && o->nr_nics == 0)
    return parse_devices (o, val);
  else if (strcmp (name, "info.state") == 0)
    return set_text (&o->task_state, val);
  else if (strcmp (name, "info.error") == 0) {
    xmlNode *m = v2v_vs_child (val, "localizedMessage");
    return set_text (&o->task_error, m ? m : val);
  }
  return 0;
}

/* Add the objects of one page of a RetrievePropertiesEx,
 * ContinueRetrievePropertiesEx or RetrieveProperties answer to inv; *token
 * (caller frees) is the next page's token, or NULL when this was the
 * last.  0, or -1 with why in err (inv keeps what was added: free it).
 */
int
v2v_vs_parse_objects (xmlDoc *doc, struct v2v_vs_inventory *inv,
                      char **token, char *err, size_t errlen)
{
  xmlNode *resp = v2v_vs_body (doc), *rv, *ob, *ps;

  *token = NULL;
  if (resp == NULL || v2v_vs_is (resp, "Fault")) {
    snprintf (err, errlen, "not a property collector answer");
    return -1;
  }
  for (rv = resp->children; rv; rv = rv->next) {
    if (!v2v_vs_is (rv, "returnval"))
      continue;
    for (ob = rv->children; ob; ob = ob->next) {
      struct v2v_vs_object *o;
      xmlNode *obj;

      if (v2v_vs_is (ob, "token") && *token == NULL) {
        *token = v2v_vs_text (ob);
        continue;
      }
      if (!v2v_vs_is (ob, "objects"))
        continue;
      obj = v2v_vs_child (ob, "obj");
      if (obj == NULL)
        continue;
      if (add_object (inv, &o) == -1) {
        snprintf (err, errlen, "more than %d objects, or out of memory",
                  V2V_VS_MAX_OBJECTS);
        return -1;
      }
      o->type = v2v_vs_attr (obj, "type", false);
      o->id = v2v_vs_text (obj);
      if (o->type == NULL)
        o->type = strdup ("");
      if (o->type == NULL || o->id == NULL)
        goto nomem;
      for (ps = ob->children; ps; ps = ps->next)
        if (v2v_vs_is (ps, "propSet") && parse_prop (o, ps) == -1)
          goto nomem;
    }
  }
  return 0;
 nomem:
  snprintf (err, errlen, "out of memory");
  return -1;
}

/* The object of reference type/id, or NULL. */
struct v2v_vs_object *
v2v_vs_find (const struct v2v_vs_inventory *inv, const char *type,
             const char *id)
{
  size_t i;

  if (id == NULL)
    return NULL;
  for (i = 0; i < inv->nr; ++i)
    if (strcmp (inv->objs[i].id, id) == 0 &&
        (type == NULL || strcmp (inv->objs[i].type, type) == 0))
      return &inv->objs[i];
  return NULL;
}

/* The path of o from the top ("/DC/vm/F/NAME"; the root folder, which
 * is no one's child in a view, is left out), and the datacenter's path
 * ("DC", or "F/DC" in a folder) into o->datacenter.
 */
static int
make_path (const struct v2v_vs_inventory *inv, struct v2v_vs_object *o)
{
  const struct v2v_vs_object *chain[MAX_DEPTH];
  const struct v2v_vs_object *c = o;
  struct v2v_strbuf sb = { 0 }, dc = { 0 };
  size_t n = 0, i, dci = SIZE_MAX;

  while (c && n < MAX_DEPTH) {
    chain[n++] = c;
    c = v2v_vs_find (inv, c->parent_type, c->parent_id);
  }
  if (c)                        /* too deep, or a loop */
    return 0;
  for (i = n; i-- > 0; )
    if (strcmp (chain[i]->type, "Datacenter") == 0 && dci == SIZE_MAX)
      dci = i;
  for (i = n; i-- > 0; ) {
    v2v_sb_printf (&sb, "/%s", chain[i]->name ? chain[i]->name : "");
    if (dci != SIZE_MAX && i >= dci)
      v2v_sb_printf (&dc, "%s%s", i == n - 1 ? "" : "/",
                     chain[i]->name ? chain[i]->name : "");
  }
  o->path = v2v_sb_finish (&sb);
  o->datacenter = dci != SIZE_MAX ? v2v_sb_finish (&dc) : NULL;
  if (dci == SIZE_MAX)
    free (v2v_sb_finish (&dc));
  return o->path && (dci == SIZE_MAX || o->datacenter) ? 0 : -1;
}

/* After the last page: every object's path and datacenter, every NIC's
 * network name.  0, or -1 out of memory.
 */
int
v2v_vs_finish (struct v2v_vs_inventory *inv)
{
  size_t i, j;

  for (i = 0; i < inv->nr; ++i) {
    struct v2v_vs_object *o = &inv->objs[i];
    if (o->path == NULL && make_path (inv, o) == -1)
      return -1;
    for (j = 0; j < o->nr_nics; ++j) {
      struct v2v_vs_nic *nic = &o->nics[j];
      size_t k;
      if (nic->network)
        continue;
      for (k = 0; k < inv->nr; ++k)
        if (inv->objs[k].name &&
            ((inv->objs[k].key && strcmp (inv->objs[k].key,
                                          nic->portgroup_key) == 0) ||
             strcmp (inv->objs[k].id, nic->portgroup_key) == 0) &&
            strcmp (inv->objs[k].type, "DistributedVirtualPortgroup") == 0)
          break;
      nic->network = strdup (k < inv->nr ? inv->objs[k].name
                             : nic->portgroup_key);
      if (nic->network == NULL)
        return -1;
    }
  }
  return 0;
}

void
v2v_vs_inventory_free (struct v2v_vs_inventory *inv)
{
  size_t i, j;

  for (i = 0; i < inv->nr; ++i) {
    struct v2v_vs_object *o = &inv->objs[i];
    free (o->type); free (o->id); free (o->name);
    free (o->parent_type); free (o->parent_id); free (o->key);
    free (o->guest_id); free (o->vmx); free (o->path); free (o->datacenter);
    free (o->task_state); free (o->task_error);
    for (j = 0; j < o->nr_disks; ++j) {
      free (o->disks[j].file);
      free (o->disks[j].controller);
    }
    free (o->disks);
    for (j = 0; j < o->nr_nics; ++j) {
      free (o->nics[j].mac); free (o->nics[j].network);
      free (o->nics[j].model); free (o->nics[j].portgroup_key);
    }
    free (o->nics);
  }
  free (inv->objs);
  memset (inv, 0, sizeof *inv);
}

static bool
is_vm (const struct v2v_vs_object *o)
{
  return strcmp (o->type, "VirtualMachine") == 0;
}

/* The VMs that name designates (vm --inventory), into *match (an array
 * of pointers into inv, caller frees) and *n:
 *   "/DC/vm/F/NAME"  the VM of that path
 *   "/DC/vm/F/"      every VM under that folder (a batch)
 *   "NAME"           the VM of that name, wherever it is
 * 0 (maybe with *n 0: none), or -1 out of memory.
 */
int
v2v_vs_match (const struct v2v_vs_inventory *inv, const char *name,
              struct v2v_vs_object ***match, size_t *n)
{
  size_t i, len = strlen (name), cap = 0;
  bool folder = len > 0 && name[len - 1] == '/';
  void *p = NULL;

  *match = NULL;
  *n = 0;
  for (i = 0; i < inv->nr; ++i) {
    struct v2v_vs_object *o = &inv->objs[i];
    bool ok;
    if (!is_vm (o) || o->path == NULL)
      continue;
    if (name[0] != '/')
      ok = o->name && strcmp (o->name, name) == 0;
    else if (folder)
      ok = strncmp (o->path, name, len) == 0;
    else
      ok = strcmp (o->path, name) == 0;
    if (!ok)
      continue;
    if (v2v_vector_reserve (&p, &cap, *n, 1, sizeof **match) == -1) {
      free (p);
      *n = 0;
      return -1;
    }
    *match = p;
    (*match)[(*n)++] = o;
  }
  return 0;
}

/* The datacenter named by the top of an inventory path ("/DC/vm/..."),
 * or by its folders ("/F/DC/vm/..."): is there one?  For the message
 * that tells an unknown datacenter from an unknown VM.
 */
bool
v2v_vs_has_datacenter (const struct v2v_vs_inventory *inv, const char *path)
{
  size_t i;

  for (i = 0; i < inv->nr; ++i) {
    const struct v2v_vs_object *o = &inv->objs[i];
    size_t l;
    if (strcmp (o->type, "Datacenter") != 0 || o->path == NULL)
      continue;
    l = strlen (o->path);
    if (strncmp (path, o->path, l) == 0 && path[l] == '/')
      return true;
  }
  return false;
}

/* The VM whose .vmx is vmx (in datacenter dc, when given), or NULL. */
struct v2v_vs_object *
v2v_vs_by_vmx (const struct v2v_vs_inventory *inv, const char *vmx,
               const char *dc)
{
  size_t i;

  for (i = 0; i < inv->nr; ++i) {
    struct v2v_vs_object *o = &inv->objs[i];
    if (is_vm (o) && o->vmx && strcmp (o->vmx, vmx) == 0 &&
        (dc == NULL || (o->datacenter && strcmp (o->datacenter, dc) == 0)))
      return o;
  }
  return NULL;
}

const char *
v2v_vs_power_name (enum v2v_power p)
{
  switch (p) {
  case V2V_POWER_ON: return "poweredOn";
  case V2V_POWER_OFF: return "poweredOff";
  case V2V_POWER_SUSPENDED: return "suspended";
  case V2V_POWER_UNKNOWN: break;
  }
  return "unknown";
}
