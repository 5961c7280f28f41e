/* The vSphere API's XML without a server: answers captured from vcsim
 * (tests/unit/vsphere-responses/README) parsed into the service content,
 * faults, the inventory with its paths, datacenters, disks and NICs, and
 * task states; names matched as vm --inventory matches them; and hostile
 * answers (a DTD with entities, not XML, too big) refused.
 */
#include <errno.h>

#include <libxml/tree.h>

#include "internal.h"
#include "unit.h"

/* The fixtures sit beside this source file (make runs the tests from
 * the top of the tree, where __FILE__ is relative to).
 */
static char *
fixture (const char *name, size_t *len)
{
  char path[512], *text;
  const char *slash = strrchr (__FILE__, '/');
  int dlen = slash ? (int) (slash - __FILE__) : 1;

  snprintf (path, sizeof path, "%.*s/vsphere-responses/%s", dlen,
            slash ? __FILE__ : ".", name);
  text = v2v_read_file_tail (path, 1024 * 1024);
  if (text == NULL) {
    fprintf (stderr, "%s: cannot read: %s\n", path, strerror (errno));
    exit (1);                   /* a missing fixture fails, never skips */
  }
  *len = strlen (text);
  return text;
}

static xmlDoc *
parse_fixture (const char *name)
{
  size_t len;
  char err[200];
  CLEANUP_FREE char *text = fixture (name, &len);
  xmlDoc *doc = v2v_vs_parse (text, len, err, sizeof err);

  if (doc == NULL) {
    fprintf (stderr, "%s: %s\n", name, err);
    exit (1);
  }
  return doc;
}

static void
service_content (void)
{
  struct v2v_vs_service sc;
  char err[200];
  xmlDoc *doc = parse_fixture ("service-content-esxi.xml");

  CHECK (v2v_vs_service_content (doc, &sc, err, sizeof err) == 0);
  CHECK_STR (sc.root_folder, "ha-folder-root");
  CHECK_STR (sc.property_collector, "ha-property-collector");
  CHECK_STR (sc.session_manager, "ha-sessionmgr");
  CHECK_STR (sc.view_manager, "ViewManager");
  CHECK_STR (sc.api_type, "HostAgent");
  v2v_vs_service_free (&sc);
  xmlFreeDoc (doc);

  doc = parse_fixture ("service-content-vcenter.xml");
  CHECK (v2v_vs_service_content (doc, &sc, err, sizeof err) == 0);
  CHECK_STR (sc.root_folder, "group-d1");
  CHECK_STR (sc.session_manager, "SessionManager");
  CHECK_STR (sc.api_type, "VirtualCenter");
  v2v_vs_service_free (&sc);
  xmlFreeDoc (doc);

  /* a fault is no service content */
  doc = parse_fixture ("fault-invalid-login.xml");
  CHECK (v2v_vs_service_content (doc, &sc, err, sizeof err) == -1);
  CHECK_CONTAINS (err, "is this a vSphere /sdk?");
  xmlFreeDoc (doc);
}

static void
faults (void)
{
  char *name, *text;
  xmlDoc *doc = parse_fixture ("fault-invalid-login.xml");

  CHECK (v2v_vs_fault (doc, &name, &text) == 1);
  CHECK_STR (name, "InvalidLogin");
  CHECK_STR (text, "Login failure");
  free (name); free (text);
  xmlFreeDoc (doc);

  doc = parse_fixture ("fault-not-found.xml");
  CHECK (v2v_vs_fault (doc, &name, &text) == 1);
  CHECK_STR (name, "ManagedObjectNotFound");
  CHECK_CONTAINS (text, "already been deleted");
  free (name); free (text);
  xmlFreeDoc (doc);

  doc = parse_fixture ("container-view.xml");
  CHECK (v2v_vs_fault (doc, &name, &text) == 0);
  CHECK (name == NULL && text == NULL);
  text = v2v_vs_returnval (doc);
  CHECK_CONTAINS (text, "session[");
  free (text);
  xmlFreeDoc (doc);
}

/* The inventory of a fixture, finished. */
static void
load (const char *name, struct v2v_vs_inventory *inv)
{
  char err[200], *token = (char *) "x";
  xmlDoc *doc = parse_fixture (name);

  memset (inv, 0, sizeof *inv);
  CHECK (v2v_vs_parse_objects (doc, inv, &token, err, sizeof err) == 0);
  CHECK (token == NULL);        /* vcsim gives everything in one page */
  CHECK (v2v_vs_finish (inv) == 0);
  xmlFreeDoc (doc);
}

static struct v2v_vs_object *
one (const struct v2v_vs_inventory *inv, const char *name)
{
  struct v2v_vs_object **m, *o;
  size_t n;

  CHECK (v2v_vs_match (inv, name, &m, &n) == 0);
  CHECK (n == 1);
  o = n == 1 ? m[0] : NULL;
  free (m);
  if (o == NULL) {
    fprintf (stderr, "no single VM %s\n", name);
    exit (1);
  }
  return o;
}

static void
inventory_esxi (void)
{
  struct v2v_vs_inventory inv;
  struct v2v_vs_object *o, **m;
  size_t n;

  load ("inventory-esxi.xml", &inv);
  o = one (&inv, "/ha-datacenter/vm/ha-host_VM0");
  CHECK_STR (o->name, "ha-host_VM0");
  CHECK_STR (o->datacenter, "ha-datacenter");
  CHECK_STR (o->vmx, "[LocalDS_0] ha-host_VM0/ha-host_VM0.vmx");
  CHECK (o->power == V2V_POWER_ON);
  CHECK_STR (o->guest_id, "otherGuest");
  CHECK (o->firmware == V2V_FW_BIOS);
  CHECK (o->memory_mib == 32 && o->vcpus == 1);
  CHECK (!o->snapshot && !o->cbt);
  CHECK (o->nr_disks == 1);
  if (o->nr_disks == 1) {
    CHECK_STR (o->disks[0].file, "[LocalDS_0] ha-host_VM0/disk1.vmdk");
    CHECK (o->disks[0].capacity == 1024 * 1024);
    CHECK_STR (o->disks[0].controller, "scsi0:0");
  }
  CHECK (o->nr_nics == 1);
  if (o->nr_nics == 1) {
    CHECK_STR (o->nics[0].network, "VM Network");
    CHECK_STR (o->nics[0].model, "e1000");
    CHECK (o->nics[0].mac && strlen (o->nics[0].mac) == 17);
  }
  /* by name, by .vmx, by folder */
  CHECK (one (&inv, "ha-host_VM1") != o);
  CHECK (v2v_vs_by_vmx (&inv, "[LocalDS_0] ha-host_VM0/ha-host_VM0.vmx",
                        "ha-datacenter") == o);
  CHECK (v2v_vs_by_vmx (&inv, "[LocalDS_0] ha-host_VM0/ha-host_VM0.vmx",
                        "DC0") == NULL);
  CHECK (v2v_vs_match (&inv, "/ha-datacenter/vm/", &m, &n) == 0 && n == 2);
  free (m);
  CHECK (v2v_vs_match (&inv, "nosuch", &m, &n) == 0 && n == 0);
  CHECK (v2v_vs_has_datacenter (&inv, "/ha-datacenter/vm/x"));
  CHECK (!v2v_vs_has_datacenter (&inv, "/DC0/vm/x"));
  v2v_vs_inventory_free (&inv);
}

static void
inventory_vcenter (void)
{
  struct v2v_vs_inventory inv;
  struct v2v_vs_object *o, **m;
  size_t n, i, hosts = 0, clusters = 0;

  load ("inventory-vcenter.xml", &inv);
  o = one (&inv, "/DC0/vm/DC0_H0_VM0");
  CHECK_STR (o->datacenter, "DC0");
  CHECK_STR (o->vmx, "[LocalDS_0] DC0_H0_VM0/DC0_H0_VM0.vmx");
  CHECK (o->nr_nics == 1);
  if (o->nr_nics == 1)   /* a distributed port group, by its key */
    CHECK_STR (o->nics[0].network, "DC0_DVPG0");
  CHECK (v2v_vs_match (&inv, "/DC0/vm/", &m, &n) == 0 && n == 4);
  free (m);
  for (i = 0; i < inv.nr; ++i) {
    hosts += strcmp (inv.objs[i].type, "HostSystem") == 0;
    clusters += strcmp (inv.objs[i].type, "ClusterComputeResource") == 0;
  }
  CHECK (hosts == 4 && clusters == 1);
  o = v2v_vs_find (&inv, "ClusterComputeResource", NULL);
  CHECK (o == NULL);
  for (i = 0; i < inv.nr; ++i)
    if (strcmp (inv.objs[i].type, "ClusterComputeResource") == 0)
      CHECK_STR (inv.objs[i].path, "/DC0/host/DC0_C0");
  v2v_vs_inventory_free (&inv);
}

static void
snapshot_and_tasks (void)
{
  struct v2v_vs_inventory inv;

  load ("vm-snapshot.xml", &inv);
  CHECK (inv.nr == 1 && inv.objs[0].snapshot);
  CHECK (inv.objs[0].power == V2V_POWER_OFF);
  v2v_vs_inventory_free (&inv);

  load ("task-success.xml", &inv);
  CHECK (inv.nr == 1);
  CHECK_STR (inv.objs[0].task_state, "success");
  CHECK (inv.objs[0].task_error == NULL);
  v2v_vs_inventory_free (&inv);

  load ("task-error.xml", &inv);
  CHECK_STR (inv.objs[0].task_state, "error");
  CHECK_STR (inv.objs[0].task_error, "*types.InvalidPowerState");
  v2v_vs_inventory_free (&inv);
}

/* vcsim answers in one page; vSphere pages with a token (written by
 * hand after the vim25 WSDL's RetrieveResult: objects, then token).
 */
static void
paged (void)
{
  static const char page[] =
    "<soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/"
    "envelope/\"><soapenv:Body><RetrievePropertiesExResponse xmlns=\"urn:"
    "vim25\"><returnval><token>1</token><objects><obj type=\"Folder\">"
    "group-v3</obj><propSet><name>name</name><val>vm</val></propSet>"
    "</objects></returnval></RetrievePropertiesExResponse></soapenv:Body>"
    "</soapenv:Envelope>";
  struct v2v_vs_inventory inv = { 0 };
  char err[200], *token = NULL;
  xmlDoc *doc = v2v_vs_parse (page, strlen (page), err, sizeof err);

  CHECK (doc != NULL);
  CHECK (v2v_vs_parse_objects (doc, &inv, &token, err, sizeof err) == 0);
  CHECK_STR (token, "1");
  CHECK (inv.nr == 1 && strcmp (inv.objs[0].name, "vm") == 0);
  free (token);
  xmlFreeDoc (doc);
  v2v_vs_inventory_free (&inv);
}

static void
hostile (void)
{
  static const char bomb[] =
    "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY a \"aaaaaaaaaa\">"
    "<!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">]>"
    "<Envelope><Body><x>&b;</x></Body></Envelope>";
  static const char xxe[] =
    "<?xml version=\"1.0\"?><!DOCTYPE e [<!ENTITY x SYSTEM "
    "\"file:///etc/passwd\">]><Envelope><Body><x>&x;</x></Body></Envelope>";
  char err[200];
  CLEANUP_FREE char *esc = v2v_vs_escape ("a<b>&\"c'");

  CHECK (v2v_vs_parse (bomb, strlen (bomb), err, sizeof err) == NULL);
  CHECK_CONTAINS (err, "DTD");
  CHECK (v2v_vs_parse (xxe, strlen (xxe), err, sizeof err) == NULL);
  CHECK (v2v_vs_parse ("<a><b></a>", 10, err, sizeof err) == NULL);
  CHECK_CONTAINS (err, "not well-formed");
  CHECK (v2v_vs_parse ("x", (size_t) V2V_VS_MAX_ANSWER + 1, err, sizeof err)
         == NULL);
  CHECK_CONTAINS (err, "larger than");
  CHECK_STR (esc, "a&lt;b&gt;&amp;&quot;c&apos;");
}

int
main (void)
{
  service_content ();
  faults ();
  inventory_esxi ();
  inventory_vcenter ();
  snapshot_and_tasks ();
  paged ();
  hostile ();
  return unit_done ("vsphere");
}
