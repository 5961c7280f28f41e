/* struct v2v_config: freeing what a front end filled in. */
#include <stdlib.h>
#include <string.h>

#include "v2v.h"

void
v2v_config_free (struct v2v_config *c)
{
  size_t i;

  free (c->source.server);
  free (c->source.user);
  free (c->source.password_file);
  if (c->source.password) {
    explicit_bzero (c->source.password, strlen (c->source.password));
    free (c->source.password);
  }
  free (c->source.cacert);
  free (c->source.thumbprint);
  free (c->source.identity);
  free (c->source.known_hosts);
  for (i = 0; i < c->nr_disks; ++i) {
    free (c->disks[i].path);
    free (c->disks[i].datacenter);
  }
  free (c->disks);
  free (c->vm.name);
  free (c->vm.vmx);
  free (c->vm.datacenter);
  free (c->dest.dir);
  free (c->dest.uri);
  free (c->dest.pool);
  free (c->dest.identity);
  free (c->dest.known_hosts);
  for (i = 0; i < c->nr_netmaps; ++i) {
    free (c->netmaps[i].from);
    free (c->netmaps[i].to);
  }
  free (c->netmaps);
  free (c->options.virtio_win);
  free (c->workdir);
}
