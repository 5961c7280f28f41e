/* The destination, whichever it is: the one place that knows which kind
 * of output a destination type is (one row per output below), and the
 * calls the pipeline makes, each through the output's ops table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

static const struct v2v_output_ops *const outputs[] = {
  [V2V_DEST_LOCAL] = &v2v_output_local,
  [V2V_DEST_LIBVIRT] = &v2v_output_libvirt,
};

/* The output of destinations of that type, or NULL if there is none. */
const struct v2v_output_ops *
v2v_output_of (enum v2v_dest_type type)
{
  if ((size_t) type >= sizeof outputs / sizeof outputs[0])
    return NULL;
  return outputs[type];
}

static const struct v2v_output_ops *
output (const struct run *run)
{
  return v2v_output_of (run->cfg->dest.type);
}

/* The run's output, before its first call; decides whether the disks are
 * raw: asked for, or the output's default.
 */
static const struct v2v_output_ops *
choose (struct run *run)
{
  const struct v2v_output_ops *o = output (run);
  enum v2v_format format = run->cfg->dest.format;

  if (o == NULL) {
    v2v_error ("no destination: give one (destination --type local|libvirt)");
    return NULL;
  }
  run->raw_disks = format == V2V_FORMAT_RAW ||
    (format == V2V_FORMAT_DEFAULT && o->raw_by_default);
  return o;
}

/* The first call of a run. */
int
v2v_dest_check (struct run *run)
{
  const struct v2v_output_ops *o = choose (run);

  return o ? o->check (run) : -1;
}

void
v2v_dest_sweep (const struct v2v_config *cfg, v2v_say_fn say, void *opaque)
{
  const struct v2v_output_ops *o = v2v_output_of (cfg->dest.type);

  if (o && o->sweep)
    o->sweep (&cfg->dest, say, opaque);
}

int
v2v_dest_check_names (struct run *run)
{
  return output (run)->check_names (run);
}

int
v2v_dest_space (struct run *run, uint64_t need, const char *what)
{
  return output (run)->space (run, need, what);
}

int
v2v_dest_copy (struct run *run, struct disk_state *d, int i)
{
  return output (run)->copy_disk (run, d, i);
}

int
v2v_dest_verify (struct run *run, const struct v2v_domain *dom,
                 unsigned timeout, const char *shot,
                 struct v2v_verify_signs *signs)
{
  return output (run)->verify (run, dom, timeout, shot, signs);
}

/* For the wizard: check the destination, give fn its pools and networks. */
int
v2v_dest_list (struct run *run, v2v_found_target_fn fn, void *opaque)
{
  const struct v2v_output_ops *o = choose (run);

  return o ? o->list (run, fn, opaque) : -1;
}

/* The domain of the converted VM, its disks in *disks (caller frees;
 * dom points into run and *disks).  -1 (error set) if out of memory.
 */
int
v2v_output_domain (struct run *run, struct v2v_domain *dom,
                   struct v2v_domain_disk **disks)
{
  size_t i;

  memset (dom, 0, sizeof *dom);
  *disks = calloc (run->nr_disks + 1, sizeof **disks);
  if (*disks == NULL) {
    v2v_error ("out of memory");
    return -1;
  }
  for (i = 0; i < run->nr_disks; ++i) {
    (*disks)[i].path = run->disks[i].out_path;
    (*disks)[i].format = run->raw_disks ? V2V_FORMAT_RAW : V2V_FORMAT_QCOW2;
  }
  dom->name = run->name;
  dom->memory_mib = run->memory_mib;
  dom->vcpus = run->vcpus;
  dom->firmware = run->firmware != V2V_FW_AUTO ? run->firmware
    : run->guest.firmware;
  dom->disks = *disks;
  dom->nr_disks = run->nr_disks;
  dom->block_driver = run->block_driver;
  dom->nics = run->nics;
  dom->nr_nics = run->nr_nics;
  dom->windows = run->guest.type && strcmp (run->guest.type, "windows") == 0;
  dom->legacy_machine = dom->windows && (run->guest.major < 6 ||
                                         (run->guest.major == 6 &&
                                          run->guest.minor < 2));
  dom->nic_model = !dom->windows || run->win.virtio_net ? "virtio"
    : dom->legacy_machine ? "e1000" : "e1000e";
  dom->guest_agent = run->guest_agent;
  dom->rng = run->guest_rng;
  return 0;
}

/* The domain XML of the converted VM.  Caller frees. */
char *
v2v_output_domain_xml (struct run *run)
{
  struct v2v_domain dom;
  CLEANUP_FREE struct v2v_domain_disk *disks = NULL;

  if (v2v_output_domain (run, &dom, &disks) == -1)
    return NULL;
  return v2v_domain_xml (&dom);
}

int
v2v_dest_finish (struct run *run)
{
  CLEANUP_FREE char *xml = v2v_output_domain_xml (run);

  if (xml == NULL) {
    v2v_error ("out of memory");
    return -1;
  }
  return output (run)->define (run, xml);
}

void
v2v_dest_abort (struct run *run)
{
  const struct v2v_output_ops *o = output (run);

  if (o)
    o->abort (run);
}

void
v2v_dest_close (struct run *run)
{
  const struct v2v_output_ops *o = output (run);

  if (o)
    o->close (run);
}

/* "DIR" or "pool P on URI", for messages; kept in the run for the done
 * event.  Owned by the run.
 */
const char *
v2v_dest_describe (struct run *run)
{
  free (run->dest_text);
  run->dest_text = output (run)->describe (run);
  return run->dest_text ? run->dest_text : "the destination";
}

/* What the operator does next; kept in the run for the done event.  Owned
 * by the run.
 */
const char *
v2v_dest_next_step (struct run *run)
{
  free (run->next_text);
  run->next_text = output (run)->next_step (run);
  return run->next_text ? run->next_text : "";
}
