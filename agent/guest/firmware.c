/* BIOS or UEFI: an EFI system partition on a GPT disk means UEFI. */
#include <string.h>
#include <strings.h>

#include <guestfs.h>

#include "internal.h"

#define ESP_GUID "C12A7328-F81F-11D2-BA4B-00A0C93EC93B"

enum v2v_firmware
v2v_guest_firmware (guestfs_h *g)
{
  CLEANUP_FREE_STRV char **parts = guestfs_list_partitions (g);
  size_t i;

  for (i = 0; parts && parts[i]; ++i) {
    CLEANUP_FREE char *dev = guestfs_part_to_dev (g, parts[i]);
    CLEANUP_FREE char *type = dev ? guestfs_part_get_parttype (g, dev) : NULL;
    CLEANUP_FREE char *guid = NULL;
    int n;

    if (type == NULL || strcmp (type, "gpt") != 0)
      continue;
    n = guestfs_part_to_partnum (g, parts[i]);
    if (n < 1)
      continue;
    guid = guestfs_part_get_gpt_type (g, dev, n);
    if (guid && strcasecmp (guid, ESP_GUID) == 0)
      return V2V_FW_UEFI;
  }
  return V2V_FW_BIOS;
}
