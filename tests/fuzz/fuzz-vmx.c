/* libFuzzer target: the .vmx and .vmdk descriptor parsers, which read
 * what an ESXi host (or anyone pretending to be one) sends.
 */
#include <stddef.h>
#include <stdint.h>

#include "internal.h"

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  struct v2v_vmx vmx;
  char err[256];
  char *extent;

  if (v2v_vmx_parse ((const char *) data, size, &vmx, err, sizeof err) == 0)
    v2v_vmx_free (&vmx);
  extent = v2v_vmdk_extent ((const char *) data, size, err, sizeof err);
  free (extent);
  return 0;
}
