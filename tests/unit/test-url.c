/* Datastore paths become the right ESXi URLs and paths. */
#include "internal.h"
#include "unit.h"

static void
url (const char *path, const char *dc, const char *want)
{
  struct v2v_disk d = { .path = (char *) path, .datacenter = (char *) dc };
  char *u = v2v_https_url ("esx.example.com:8443", &d);

  if (want)
    CHECK_STR (u, want);
  else
    CHECK (u == NULL);
  free (u);
}

int
main (void)
{
  char *ds, *rel, *s;
  struct v2v_disk d = { .path = (char *) "[datastore1] vm/vm-flat.vmdk" };

  url ("[datastore1] web01/web01-flat.vmdk", NULL,
       "https://esx.example.com:8443/folder/web01/web01-flat.vmdk"
       "?dcPath=ha-datacenter&dsName=datastore1");
  url ("[SAN LUN 3] My VM/My VM-flat.vmdk", "DC East",
       "https://esx.example.com:8443/folder/My%20VM/My%20VM-flat.vmdk"
       "?dcPath=DC%20East&dsName=SAN%20LUN%203");
  url ("[ds]   a&b/x#y.vmdk", NULL,
       "https://esx.example.com:8443/folder/a%26b/x%23y.vmdk"
       "?dcPath=ha-datacenter&dsName=ds");
  url ("/srv/images/disk 1.img", NULL,
       "https://esx.example.com:8443/srv/images/disk%201.img");
  url ("relative/disk.img", NULL, NULL);
  url ("[] x.vmdk", NULL, NULL);
  url ("[ds]", NULL, NULL);
  url ("[ds x.vmdk", NULL, NULL);

  CHECK (v2v_parse_datastore_path ("/a/b", &ds, &rel) == 0);
  CHECK (v2v_parse_datastore_path ("[d] e/f", &ds, &rel) == 1);
  CHECK_STR (ds, "d");
  CHECK_STR (rel, "e/f");
  free (ds);
  free (rel);

  s = v2v_ssh_path (&d);
  CHECK_STR (s, "/vmfs/volumes/datastore1/vm/vm-flat.vmdk");
  free (s);
  return unit_done ("url");
}
