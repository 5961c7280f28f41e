/* libFuzzer target: answers of a vSphere /sdk (agent/source/vsphere_xml.c,
 * vsphere_inventory.c), as an ESXi host or a vCenter sends them: parsed
 * (no DTD, bounded), read as a fault, as the service content and as
 * property collector pages, the inventory's paths worked out and names
 * matched.  Every VM path given out starts with '/'.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

#include "internal.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
quiet (void *ctx, const char *msg, ...)
{
  (void) ctx; (void) msg;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2v_vs_inventory inv = { 0 };
  struct v2v_vs_service sc;
  struct v2v_vs_object **m;
  char err[200], *name, *text, *token = NULL;
  size_t n, i;
  xmlDoc *doc;

  xmlSetGenericErrorFunc (NULL, quiet);
  doc = v2v_vs_parse ((const char *) data, size, err, sizeof err);
  if (doc == NULL)
    return 0;
  if (v2v_vs_fault (doc, &name, &text) == 1) {
    free (name);
    free (text);
  }
  if (v2v_vs_service_content (doc, &sc, err, sizeof err) == 0)
    v2v_vs_service_free (&sc);
  free (v2v_vs_returnval (doc));
  v2v_vs_parse_objects (doc, &inv, &token, err, sizeof err);
  free (token);
  if (v2v_vs_finish (&inv) == 0) {
    for (i = 0; i < inv.nr; ++i)
      if (inv.objs[i].path && inv.objs[i].path[0] != '/')
        abort ();
    if (v2v_vs_match (&inv, "/ha-datacenter/vm/", &m, &n) == 0)
      free (m);
    if (inv.nr > 0 && inv.objs[0].name &&
        v2v_vs_match (&inv, inv.objs[0].name, &m, &n) == 0)
      free (m);
  }
  v2v_vs_inventory_free (&inv);
  xmlFreeDoc (doc);
  return 0;
}
